// Runs every example tab GraphiQL opens with (src/examples.js) against a live
// server, so the examples stay runnable as the schema and the bundled data
// change. A tab fails when the request is not 200 or the answer has errors or
// no data.
//
//   node e2e/examples.mjs http://127.0.0.1:8080
//
// Ends with `examples: N passed, M failed` and a non-zero exit on failure.
import { EXAMPLES } from '../src/examples.js';

const base = (process.argv[2] || process.env.CHAINKG_URL || '').replace(/\/+$/, '');
if (!base) {
  console.error('usage: node e2e/examples.mjs http://HOST:PORT');
  process.exit(2);
}

let passed = 0;
let failed = 0;
for (const [i, tab] of EXAMPLES.entries()) {
  const name = /(?:query|mutation)\s+(\w+)/.exec(tab.query)?.[1] ?? `tab ${i + 1}`;
  let problem = '';
  let summary = '';
  try {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query: tab.query, variables: tab.variables ? JSON.parse(tab.variables) : undefined }),
    });
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.status !== 200) problem = `HTTP ${res.status}: ${text.slice(0, 300)}`;
    else if (!body) problem = `not JSON: ${text.slice(0, 300)}`;
    else if (body.errors?.length) problem = `errors: ${JSON.stringify(body.errors).slice(0, 400)}`;
    else if (!body.data || Object.values(body.data).some((v) => v == null)) {
      problem = `no data: ${text.slice(0, 300)}`;
    } else summary = `${text.length} bytes`;
  } catch (err) {
    problem = String(err?.message ?? err);
  }
  if (problem) {
    failed++;
    console.log(`FAIL  ${name}: ${problem}`);
  } else {
    passed++;
    console.log(`ok    ${name} (${summary})`);
  }
}
console.log(`examples: ${passed} passed, ${failed} failed`);
process.exit(failed || EXAMPLES.length === 0 ? 1 : 0);
