// GraphQL-over-HTTP conformance audit of a live chainkg server, with the
// graphql-http package's own audit suite (auditServer).
//
//   node e2e/audit.mjs http://127.0.0.1:8080/graphql
//
// Prints one line per audit (ok / notice / WARN / ERROR, with its id and name,
// and the reason and response status for anything that is not ok), then
//   audit: N passed, M warnings, K errors
// and exits non-zero on any warning or error (notices are printed, not failed).
import { auditServer } from 'graphql-http';

const url = process.argv[2] || process.env.CHAINKG_GRAPHQL_URL;
if (!url) {
  console.error('usage: node e2e/audit.mjs http://HOST:PORT/graphql');
  process.exit(2);
}

async function bodyOf(response) {
  try {
    const text = await response.clone().text();
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return '(body unreadable)';
  }
}

const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status] = (counts[r.status] ?? 0) + 1;
  const label = { ok: 'ok    ', notice: 'notice', warn: 'WARN  ', error: 'ERROR ' }[r.status] ?? r.status;
  if (r.status === 'ok') {
    console.log(`${label} ${r.id} ${r.name}`);
    continue;
  }
  const status = r.response ? `HTTP ${r.response.status}` : 'no response';
  const ctype = r.response?.headers?.get('content-type') ?? '';
  console.log(`${label} ${r.id} ${r.name}`);
  console.log(`         reason: ${r.reason}`);
  if (r.response) {
    console.log(`         response: ${status} ${ctype} ${await bodyOf(r.response)}`);
  }
}
if (results.length === 0) {
  console.log('audit: the suite returned no results');
  process.exit(1);
}
if (counts.notice > 0) {
  console.log(`audit: ${counts.notice} notices (informational)`);
}
console.log(`audit: ${counts.ok} passed, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
