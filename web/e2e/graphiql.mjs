// Headless-Chromium test of the embedded GraphiQL page against a live server.
//
//   node e2e/graphiql.mjs http://127.0.0.1:8080 [screenshot.png]
//
// Debian's /usr/bin/chromium, driven by playwright-core (no browser download).
// Every request that is not to the server's own origin is aborted and recorded;
// the test fails if there was any, or if the page logged a console error.
// Ends with `graphiql e2e: N passed, M failed` and a non-zero exit on failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXAMPLES } from '../src/examples.js';

const base = (process.argv[2] || process.env.CHAINKG_URL || '').replace(/\/+$/, '');
if (!base) {
  console.error('usage: node e2e/graphiql.mjs http://HOST:PORT [screenshot.png]');
  process.exit(2);
}
const origin = new URL(base).origin;
const shot = process.argv[3] || path.join(os.tmpdir(), `chainkg-graphiql-${process.pid}.png`);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
// The query the test runs and the text its answer must contain.
const QUERY = process.env.GRAPHIQL_E2E_QUERY || '{ stats { nodes } }';
const EXPECT = process.env.GRAPHIQL_E2E_EXPECT || '"nodes"';
const TIMEOUT = 60_000;

const results = [];
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok    ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL  ${name}: ${err?.message?.split('\n')[0] ?? err}`);
    const p = context?.pages()[0];
    if (p) {
      const failShot = shot.replace(/\.png$/, '') + `-fail-${results.length}.png`;
      await p.screenshot({ path: failShot }).then(() => console.log(`      screenshot: ${failShot}`), () => {});
    }
  }
}

const offsite = []; // requests to anywhere but the server, all aborted
const consoleErrors = []; // console.error and uncaught page errors
const localFailures = []; // same-origin requests that failed or got >= 400

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chainkg-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
} catch (err) {
  console.log(`FAIL  launch ${executablePath}: ${err?.message?.split('\n')[0] ?? err}`);
  console.log('graphiql e2e: 0 passed, 1 failed');
  process.exit(1);
}

// Route every request of every page and worker of the context: only the
// server's origin passes. data: and blob: URLs never reach the router.
await context.route('**/*', (route) => {
  const url = route.request().url();
  let o = '';
  try {
    o = new URL(url).origin;
  } catch {
    /* unparsable: treat as off-site */
  }
  if (o === origin) return route.continue();
  offsite.push(url);
  return route.abort('blockedbyclient');
});
context.on('response', (res) => {
  if (res.status() >= 400 && res.url().startsWith(origin)) localFailures.push(`${res.status()} ${res.url()}`);
});
context.on('requestfailed', (req) => {
  if (req.url().startsWith(origin)) localFailures.push(`failed ${req.url()}: ${req.failure()?.errorText}`);
});

function watch(page) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: uncaught ${err.message}`));
  page.on('worker', (w) => w.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`worker ${w.url()}: ${msg.text()}`);
  }));
}

// responseText reads the result pane: Monaco renders its model in .view-lines.
async function responseText(page) {
  return page.evaluate(() => document.querySelector('.graphiql-response')?.innerText ?? '');
}

async function openAndWait(page, url) {
  const res = await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT });
  if (!res || res.status() !== 200) throw new Error(`GET ${url}: status ${res?.status()}`);
  const title = await page.title();
  if (title !== 'chainkg GraphiQL') throw new Error(`title is ${JSON.stringify(title)}`);
  // The operation editor is a Monaco instance inside .graphiql-query-editor.
  await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: TIMEOUT });
  await page.locator('.graphiql-execute-button').waitFor({ timeout: TIMEOUT });
}

const page = context.pages()[0] ?? (await context.newPage());
watch(page);

// runAndWait clicks the run button and waits for the POST /graphql answer and
// for `want` in the result pane; it returns the pane's text.
async function runAndWait(page, want) {
  const answered = page.waitForResponse(
    (r) => r.url() === `${origin}/graphql` && r.request().method() === 'POST'
      && !(r.request().postData() ?? '').includes('IntrospectionQuery'),
    { timeout: TIMEOUT },
  );
  await page.locator('.graphiql-execute-button').click();
  const res = await answered;
  if (res.status() !== 200) throw new Error(`POST /graphql answered ${res.status()}`);
  await page.waitForFunction(
    (w) => (document.querySelector('.graphiql-response')?.innerText ?? '').includes(w),
    want,
    { timeout: TIMEOUT },
  );
  const text = await responseText(page);
  if (/"errors"/.test(text)) throw new Error(`result has errors: ${text.slice(0, 300)}`);
  return text;
}

await check('GET /graphiql opens with the example tabs and runs the first one', async () => {
  await openAndWait(page, `${base}/graphiql`);
  const tabs = await page.locator('.graphiql-tab').count();
  if (tabs !== EXAMPLES.length) throw new Error(`${tabs} tabs open, want ${EXAMPLES.length}`);
  const first = /query\s+(\w+)/.exec(EXAMPLES[0].query)[1];
  const active = await page.locator('.graphiql-tab-active').innerText();
  if (!active.includes(first)) throw new Error(`active tab is ${JSON.stringify(active)}, want ${first}`);
  // The first example's root field, as it appears in the JSON result.
  const root = /\{\s*(\w+)/.exec(EXAMPLES[0].query.replace(/^#.*$/gm, ''))[1];
  await runAndWait(page, `"${root}"`);
  const examplesShot = shot.replace(/\.png$/, '') + '-example.png';
  await page.screenshot({ path: examplesShot });
  console.log(`      screenshot: ${examplesShot}`);
});

await check('a query typed into the editor runs and its result shows', async () => {
  // Focus the editor by clicking its text area (Monaco's own textarea is 1px wide).
  await page.locator('.graphiql-query-editor .view-lines').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText types the whole string at once (no auto-closed brackets).
  await page.keyboard.insertText(QUERY);
  const typed = await page.locator('.graphiql-query-editor .view-lines').first().innerText();
  if (typed.replace(/\s+/g, ' ').trim() !== QUERY.replace(/\s+/g, ' ').trim()) {
    throw new Error(`editor holds ${JSON.stringify(typed)}`);
  }
  await runAndWait(page, EXPECT);
  await page.screenshot({ path: shot });
  console.log(`      screenshot: ${shot}`);
});

await check('the GraphQL worker checks the editor against the server schema', async () => {
  // A misspelt field must get an error marker from monaco-graphql's worker,
  // which proves the bundled worker started and the schema was introspected.
  await page.locator('.graphiql-query-editor .view-lines').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('{ stats { nodesMisspelt } }');
  await page.waitForFunction(
    () => (globalThis.__MONACO?.editor.getModelMarkers({}) ?? [])
      .some((m) => m.severity === 8 && /nodesMisspelt/.test(m.message)),
    null,
    { timeout: TIMEOUT },
  );
});

await check('GET /graphql with Accept: text/html serves the same page', async () => {
  const [a, b] = await Promise.all([
    fetch(`${base}/graphiql`, { headers: { Accept: 'text/html' } }),
    fetch(`${base}/graphql`, { headers: { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } }),
  ]);
  if (a.status !== 200 || b.status !== 200) throw new Error(`status /graphiql ${a.status}, /graphql ${b.status}`);
  if (!(b.headers.get('content-type') ?? '').startsWith('text/html')) {
    throw new Error(`/graphql content-type ${b.headers.get('content-type')}`);
  }
  const [ta, tb] = await Promise.all([a.text(), b.text()]);
  if (ta !== tb) throw new Error('the two bodies differ');
  // And it boots there too: a browser navigation sends Accept: text/html.
  const p2 = await context.newPage();
  watch(p2);
  try {
    await openAndWait(p2, `${base}/graphql`);
  } finally {
    await p2.close();
  }
});

await check('no request left the server and no console error appeared', async () => {
  const problems = [];
  for (const u of offsite) problems.push(`off-site request: ${u}`);
  for (const e of consoleErrors) problems.push(`console error: ${e}`);
  for (const f of localFailures) problems.push(`local request failed: ${f}`);
  if (problems.length) {
    for (const p of problems) console.log(`      ${p}`);
    throw new Error(`${problems.length} problem(s)`);
  }
});

await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`graphiql e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
