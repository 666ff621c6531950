// Room-view latency: N open room views in headless Chromium follow a vote of
// B signed ballots. For each ballot: the time from its 201 to the tally
// changing on every page (the last page to change counts), and, as the
// baseline in the same run, the time from the 201 to the same event's message
// on a bare WebSocket feed in one more page (no rendering). Also the
// JavaScript transferred on the first load of the app.
//
//   node bench/room_views.mjs --ecabinetd build/api/ecabinetd --web-root build/web/dist \
//     --fixtures tests/fixtures --chromium /usr/bin/chromium [--pages 20] [--ballots 300]
//
// Figures and the command in docs/PERFORMANCE.md ("Room views"). Build the
// regular (not sanitizer) tree first: cmake --build build --target ecabinetd web.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(new URL('../web/package.json', import.meta.url));
const harness = await import(new URL('../web/tests/harness.mjs', import.meta.url));
const { B, apiClient, launchBrowser, openBrowserAs, quantile, startServer, waitForText } = harness;
require.resolve('puppeteer-core');  // fails early with a clear message when web/ was never installed

const opts = harness.options(['ecabinetd', 'web-root', 'fixtures', 'chromium', 'work', 'pages', 'ballots'],
  { work: path.join(os.tmpdir(), 'ecab-room-bench'), pages: '20', ballots: '300' });
const pages = Number(opts.pages);
const ballots = Number(opts.ballots);

const server = await startServer(opts);
const { url } = server;
const { act, castBallot } = apiClient(url, server.dataDir);
// Each room view stands for a screen of its own: no tab is throttled as hidden.
const browser = await launchBrowser(opts.chromium, ['--disable-background-timer-throttling',
  '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows']);
try {
  const members = (await act('gov-office-staff-1', 'GET', B)).people
    .filter((p) => p.role === 'member' || p.role === 'chair').map((p) => p.person);
  const m = `${B}/meetings/bench-1`;
  const start = new Date(Date.now() + 60_000).toISOString();
  await act('gov-office-staff-1', 'POST', `${B}/meetings`, {
    meeting: 'bench-1', title: 'Benchmark', starts_at: start, ends_at: new Date(Date.now() + 4 * 3600e3).toISOString(),
    place: 'Hà Nội', online_link: '',
  });
  await act('gov-office-staff-1', 'POST', `${m}/agenda`, { item: 'item-1', title: 'Item' });
  for (const id of members) await act('gov-office-staff-1', 'POST', `${m}/invitations`, { person: id });
  await act('pm', 'POST', `${m}/session`);
  for (const id of members) await act('gov-office-staff-1', 'POST', `${m}/check-ins`, { person: id, attendance: 'in_room' });
  await act('pm', 'POST', `${m}/items/item-1/take-up`);
  const opened = await act('pm', 'POST', `${m}/votes`, { vote: 'v', question: 'Benchmark' });

  // The room views, one login (pages of one browser share its cookie).
  const first = await openBrowserAs(browser, url, 'gov-office-staff-1', 1280, 800);
  const scripts = await first.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'))
    .reduce((n, r) => n + r.transferSize, 0));
  const views = [first];
  for (let i = 1; i < pages; i += 1) views.push(await first.browserContext().newPage());
  for (const page of views) {
    await page.goto(`${url}/#/b/gov-vn/m/bench-1`, { waitUntil: 'networkidle0' });
    await waitForText(page, '[data-testid=tally-v] [data-testid=tally-line]', /^0 /, 60_000);
    await page.evaluate(() => {
      window.__changes = [];
      const line = () => document.querySelector('[data-testid=tally-v] [data-testid=tally-line]');
      new MutationObserver(() => window.__changes.push({ t: Date.now(), text: line()?.innerText || '' }))
        .observe(document.querySelector('main'), { subtree: true, childList: true, characterData: true });
    });
  }
  // The baseline: the same feed, bare, in one more page.
  const bare = await first.browserContext().newPage();
  await bare.goto(`${url}/favicon.svg`);
  await bare.evaluate((from) => new Promise((resolve) => {
    window.__feed = {};
    const ws = new WebSocket(`wss://${location.host}/v1/bodies/gov-vn/meetings/bench-1/feed?from=${from}`);
    ws.onmessage = (e) => { const msg = JSON.parse(e.data); window.__feed[msg.position] = Date.now(); };
    ws.onopen = resolve;
  }), opened.last_position);

  const rendered = [], baseline = [];
  const choices = {};
  for (let i = 0; i < ballots; i += 1) {
    const voter = members[i % members.length];
    const choice = Math.floor(i / members.length) % 2 === 0 ? 'for' : 'against';
    choices[voter] = choice;
    const expected = `${Object.values(choices).filter((c) => c === 'for').length} `;
    const result = await castBallot(voter, 'bench-1', 'v', choice, `bench-${i}`);
    const answered = Date.now();
    const changedAt = await Promise.all(views.map(async (page) => {
      await waitForText(page, '[data-testid=tally-v] [data-testid=tally-line]', new RegExp(`^${expected}`), 30_000);
      return page.evaluate((text) => {
        const hit = [...window.__changes].reverse().find((c) => c.text.startsWith(text));
        return hit ? hit.t : Date.now();
      }, expected);
    }));
    rendered.push(Math.max(...changedAt) - answered);
    const fed = await bare.waitForFunction((p) => window.__feed[p], { timeout: 30_000, polling: 10 }, result.last_position);
    baseline.push((await fed.jsonValue()) - answered);
  }
  const row = (label, values) => console.log(`${label.padEnd(54)} p50 ${String(quantile(values, 0.5)).padStart(5)} ms   p99 ${String(quantile(values, 0.99)).padStart(5)} ms   max ${String(Math.max(...values)).padStart(5)} ms`);
  console.log(`room views: ${pages} pages, ${ballots} ballots, ${os.cpus().length} cores`);
  row('ballot 201 -> message on a bare feed (baseline)', baseline);
  row(`ballot 201 -> tally changed on all ${pages} pages`, rendered);
  console.log(`ratio of p99s (pages / baseline): ${(quantile(rendered, 0.99) / Math.max(1, quantile(baseline, 0.99))).toFixed(2)}`);
  console.log(`JavaScript transferred on first load: ${scripts} bytes`);
  console.log('(negative figures: the page changed before the client that cast the ballot had read its 201)');
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
