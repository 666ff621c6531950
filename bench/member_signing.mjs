// In-browser signing: a member in headless Chromium changes a ballot N times
// through the member app (the choice button, the signing dialog, "Ký số và
// gửi"); for each: the time from the confirm click to "Đã ghi nhận" on screen
// (the payload built, signed by the non-extractable WebCrypto key, sent, the
// server's 201, the dialog updated). In the same run: WebCrypto's Ed25519
// signature alone in that browser, and the server's own verification of the
// same acts (ecab-audit verify, one thread, over the whole log it made), with
// the ratio. Also the member app's first-load JavaScript.
//
//   node bench/member_signing.mjs --ecabinetd build/api/ecabinetd --ecab-audit build/replay/ecab-audit \
//     --web-root build/web/dist --fixtures tests/fixtures --chromium /usr/bin/chromium [--ballots 200]
//
// Figures and the command in docs/PERFORMANCE.md ("Signing in the browser").
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const harness = await import(new URL('../web/tests/harness.mjs', import.meta.url));
const { B, BODY, apiClient, launchBrowser, openBrowserAs, quantile, startServer, waitForText } = harness;

const opts = harness.options(['ecabinetd', 'ecab-audit', 'web-root', 'fixtures', 'chromium', 'work', 'ballots'],
  { work: path.join(os.tmpdir(), 'ecab-member-bench'), ballots: '200' });
const ballots = Number(opts.ballots);

const server = await startServer(opts);
const { url } = server;
const { act } = apiClient(url, server.dataDir);
const browser = await launchBrowser(opts.chromium);
try {
  await act('pm', 'POST', `${B}/meetings/demo-1/session`);
  const cabinet = JSON.parse(fs.readFileSync(path.join(opts.fixtures, 'cabinet-2019.json'), 'utf8'));
  for (const { id } of cabinet.members.slice(0, 20)) {  // a quorum, min-ict among them
    await act('gov-office-staff-1', 'POST', `${B}/meetings/demo-1/check-ins`, { person: id, attendance: 'in_room' });
  }
  await act('pm', 'POST', `${B}/meetings/demo-1/items/item-1/take-up`);
  await act('pm', 'POST', `${B}/meetings/demo-1/votes`, { vote: 'v1', question: 'Bench' });

  const page = await openBrowserAs(browser, url, 'min-ict', 820, 1180);
  await page.goto(`${url}/#/b/${BODY}/keys`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-testid=device-key] form');
  await page.click('details summary');
  const keys = path.join(server.dataDir, 'demo', 'people');
  await (await page.$('#import-key')).uploadFile(path.join(keys, 'min-ict.key.pem'));
  await (await page.$('#import-cert')).uploadFile(path.join(keys, 'min-ict.crt.pem'));
  await page.$$eval('main button', (bs) => bs.find((b) => b.innerText.trim() === 'Nhập').click());
  await waitForText(page, '[data-testid=key-ready]', /ký số được/);
  const firstLoad = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => r.name.endsWith('.js')).reduce((n, r) => n + r.transferSize, 0));

  await page.goto(`${url}/#/b/${BODY}/p/demo-1`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('[data-testid=choose-for]');
  const times = [];
  for (let i = 0; i < ballots; i += 1) {
    const choice = ['for', 'against', 'abstain'][i % 3];
    await page.click(`[data-testid=choose-${choice}]`);
    await page.waitForSelector('[data-testid=sign-confirm]');
    const ms = await page.evaluate(() => new Promise((resolve) => {
      const dialog = document.querySelector('[data-testid=sign-dialog]');
      const started = performance.now();
      const seen = new MutationObserver(() => {
        if (/Đã ghi nhận/.test(dialog.innerText)) { seen.disconnect(); resolve(performance.now() - started); }
      });
      seen.observe(dialog, { subtree: true, childList: true, characterData: true });
      document.querySelector('[data-testid=sign-confirm]').click();
    }));
    times.push(ms);
    await page.$$eval('[data-testid=sign-dialog] button', (bs) => bs.find((b) => b.innerText.trim() === 'Đóng').click());
  }
  // WebCrypto's signature alone, over a payload of the same size, with a non-extractable key.
  const signOnly = await page.evaluate(async (n) => {
    const { privateKey } = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    const payload = new TextEncoder().encode('x'.repeat(260));
    const out = [];
    for (let i = 0; i < n; i += 1) {
      const t0 = performance.now();
      await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, payload);
      out.push(performance.now() - t0);
    }
    return out;
  }, ballots);
  await browser.close();
  await server.stop();

  // The server's own verification of the same acts: ecab-audit verify (the
  // function the command side runs), one thread, over the log this run made.
  const report = JSON.parse(execFileSync(opts.ecabAudit, ['verify', '--data-dir', server.dataDir, '--quiet', '--json',
    '--threads', '1']).toString());
  const perAct = (report.seconds * 1000) / report.signed_acts;
  const p50 = quantile(times, 0.5);
  const p99 = quantile(times, 0.99);
  console.log(`ballots signed and sent in the app: ${times.length}`);
  console.log(`confirm click → "Đã ghi nhận": p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`);
  console.log(`WebCrypto Ed25519 sign alone: p50 ${quantile(signOnly, 0.5).toFixed(3)} ms, p99 ${quantile(signOnly, 0.99).toFixed(3)} ms`);
  console.log(`server verification (ecab-audit verify, 1 thread): ${report.signed_acts} signed acts, ${report.events} events in ` +
    `${(report.seconds * 1000).toFixed(1)} ms = ${perAct.toFixed(3)} ms per signed act (upper bound: the whole log's checks)`);
  console.log(`ratio in-app p50 / server verification per act: ${(p50 / perAct).toFixed(1)}`);
  console.log(`first load of the member app: ${firstLoad} bytes of JavaScript transferred (budget 204800)`);
  fs.rmSync(opts.work, { recursive: true, force: true });
} catch (e) {
  console.error(e);
  process.exitCode = 1;
  await browser.close().catch(() => {});
  await server.stop();
}
