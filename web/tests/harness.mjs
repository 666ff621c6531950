// What the browser test and the room-view benchmark share: ecabinetd with the
// demo cabinet on a free loopback port, an API client per person (bearer
// tokens, as other people's own clients), ballots signed with the demo keys
// as docs/formats/signing.md says, and Debian's headless Chromium with a
// person logged in through the login page (their own cookies).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';
import vi from '../src/locales/vi.js';
import en from '../src/locales/en.js';

export const PASSWORD = 'cabinet-demo-2019';

// The value at quantile `q` (0..1) of `values`, for the benchmarks' medians and tails.
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// The command line's --name value for each of `names` (camelCased keys),
// else its entry in `defaults`; throws naming a missing one.
export function options(names, defaults = {}) {
  const out = {};
  for (const name of names) {
    const i = process.argv.indexOf(`--${name}`);
    const value = i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : defaults[name];
    if (value === undefined) throw new Error(`missing --${name}`);
    out[name.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = value;
  }
  return out;
}
export const BODY = 'gov-vn';
export const B = `/v1/bodies/${BODY}`;

// Starts ecabinetd on a fresh data directory under `work`; resolves once it
// serves. `stop()` ends it (SIGTERM, then SIGKILL after 20 s).
export async function startServer({ ecabinetd, webRoot, fixtures, work, extra = [] }) {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const dataDir = path.join(work, 'data');
  const server = spawn(ecabinetd, [
    '--data-dir', dataDir, '--demo-cabinet', path.join(fixtures, 'cabinet-2019.json'),
    '--port', '0', '--password-cost', '10', '--web-root', webRoot, '--tree-head-every', '1',
    '--rate-per-second', '0', '--login-failures-per-minute', '1000', ...extra,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ecabinetd did not start in 180 s:\n${log}`)), 180_000);
    server.stderr.on('data', (chunk) => {
      log += chunk;
      for (const line of log.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'serving') { clearTimeout(timer); resolve(entry.url); }
        } catch { /* a partial line */ }
      }
    });
    server.on('exit', (code) => reject(new Error(`ecabinetd exited with ${code}:\n${log}`)));
  });
  let exited = false;
  server.on('exit', () => { exited = true; });
  const stop = () => new Promise((resolve) => {
    if (exited) { resolve(); return; }
    const timer = setTimeout(() => { server.kill('SIGKILL'); resolve(); }, 20_000);
    server.on('exit', () => { clearTimeout(timer); resolve(); });
    server.kill('SIGTERM');
  });
  return { url, host: new URL(url).host, dataDir, stop };
}

// People acting over the API against `url`, each with their own token.
export function apiClient(url, dataDir) {
  function request(method, target, { body, token, headers = {} } = {}) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(`${url}${target}`, {
        method, rejectUnauthorized: false, timeout: 30_000,
        headers: {
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          let json = null;
          try { json = JSON.parse(raw.toString('utf8')); } catch { /* not JSON */ }
          resolve({ status: res.statusCode, headers: res.headers, raw, json });
        });
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`${method} ${target} timed out`)));
      if (data) req.write(data);
      req.end();
    });
  }
  const tokens = {};
  async function tokenOf(person) {
    if (!tokens[person]) {
      const r = await request('POST', '/v1/login', { body: { person, password: PASSWORD } });
      assert.equal(r.status, 200, `${person} logs in: ${r.raw}`);
      tokens[person] = r.json.token;
    }
    return tokens[person];
  }
  // A command that must succeed.
  async function act(person, method, target, body, headers = {}) {
    const r = await request(method, target, { body, token: await tokenOf(person), headers });
    assert.ok(r.status === 200 || r.status === 201, `${person} ${method} ${target}: ${r.status} ${r.raw}`);
    return r.json;
  }
  // RFC 8785 for the flat payloads of docs/formats/signing.md: sorted keys,
  // JSON.stringify's escaping (which is JCS's).
  const canonical = (o) => `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(o[k])}`).join(',')}}`;
  function signAs(person, payload) {
    const dir = path.join(dataDir, 'demo', 'people');
    const key = crypto.createPrivateKey(fs.readFileSync(path.join(dir, `${person}.key.pem`)));
    const der = new crypto.X509Certificate(fs.readFileSync(path.join(dir, `${person}.crt.pem`))).raw;
    return {
      algorithm: 'ed25519',
      value: crypto.sign(null, Buffer.from(canonical(payload), 'utf8'), key).toString('base64'),
      certificate: `sha256:${crypto.createHash('sha256').update(der).digest('hex')}`,
      signed_at: payload.time,
    };
  }
  const nowRfc3339 = () => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  // A member's signed ballot on `meeting`/`vote`; resolves to the command's result.
  function castBallot(person, meeting, vote, choice, key) {
    return actSigned(person, `${B}/meetings/${meeting}/votes/${vote}/ballots`, { choice },
      { kind: 'ballot', object: `${meeting}/${vote}`, choice, key });
  }
  // Any signed act of docs/formats/signing.md by `person`, sent with `body`
  // (the signature added) under a fresh Idempotency-Key.
  async function actSigned(person, target, body, { kind, object, choice = '', text = '', version = 0, key }) {
    const payload = {
      body: BODY, choice, command_id: `api:${person}:${key}`, kind, object, on_behalf_of: '', signer: person,
      text_sha256: text === '' ? '' : crypto.createHash('sha256').update(text, 'utf8').digest('hex'),
      time: nowRfc3339(), version,
    };
    return act(person, 'POST', target, { ...body, signature: signAs(person, payload) }, { 'Idempotency-Key': key });
  }
  return { request, tokenOf, act, signAs, nowRfc3339, castBallot, actSigned };
}

// `extraArgs`: e.g. the benchmark's flags that keep pages in background tabs
// rendering as if each were on a screen of its own.
export function launchBrowser(chromium, extraArgs = []) {
  return puppeteer.launch({
    executablePath: chromium,
    headless: true,
    acceptInsecureCerts: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--ignore-certificate-errors', '--lang=vi-VN', ...extraArgs],
  });
}

// A person's own browser (its own cookies), logged in through the login page.
export async function openBrowserAs(browser, url, person, width = 1366, height = 900) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width, height });
  page.on('pageerror', (e) => console.log(`# page error (${person}): ${e.message}`));
  await page.goto(`${url}/`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('#person', { timeout: 20_000 });
  await page.type('#person', person);
  await page.type('#password', PASSWORD);
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/login'), { timeout: 20_000 }),
    page.click('button[type=submit]'),
  ]);
  await page.waitForSelector('header .who', { timeout: 20_000 });
  return page;
}

// Waits until the text of `selector` matches `pattern`; the error says what it showed.
export async function waitForText(page, selector, pattern, timeout = 20_000) {
  try {
    await page.waitForFunction((s, src, flags) => {
      const e = document.querySelector(s);
      return e && new RegExp(src, flags).test(e.innerText);
    }, { timeout, polling: 50 }, selector, pattern.source, pattern.flags);
  } catch (e) {
    const seen = await page.$eval(selector, (el) => el.innerText)
      .catch(async () => `(absent; the page shows: ${await page.evaluate(() => (document.querySelector('main') || document.body).innerText.slice(0, 600))})`);
    throw new Error(`${selector} never matched ${pattern} within ${timeout} ms; it shows: ${seen}`);
  }
}

// The checks a browser test runs, each stating the behaviour it proves (the
// first failure stops the run with its message), and what they share:
// screenshots into `screenshots`, axe-core, the translation check, the
// language switch.
export function checks(screenshots) {
  fs.mkdirSync(screenshots, { recursive: true });
  let step = '';
  const passed = [];
  async function check(name, fn) {
    step = name;
    const started = Date.now();
    await fn();
    passed.push(name);
    console.log(`ok ${passed.length} - ${name} (${Date.now() - started} ms)`);
  }
  function failed(e) {
    console.log(`not ok - ${step}\n${e.stack || e}`);
    process.exitCode = 1;
  }
  const shoot = (page, name) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
  const textOf = (page, selector) => page.$eval(selector, (e) => e.innerText);
  async function setLanguage(page, lang) {
    const current = await page.evaluate(() => document.documentElement.lang);
    if (current !== lang) await page.click('header button[lang]');
    await page.waitForFunction((l) => document.documentElement.lang === l, { timeout: 5_000 }, lang);
  }
  // axe-core on the page as it stands: no serious or critical violation.
  const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  async function axe(page, view) {
    if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
    const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [],
      `${view}: axe finds no serious or critical violation`);
  }
  // Every string on screen is translated: no ⟦key⟧, and no text on screen is
  // a phrase of the other language's dictionary (each t() call renders one text
  // node; the data — titles, places — may be in either language).
  const phrases = (dict, other) => Object.entries(dict).flatMap(([key, phrase]) => {
    if (phrase.replace(/\{\w+\}/g, '').replace(/[^\p{L}]/gu, '').length < 4 || phrase === other[key]) return [];
    const source = phrase.split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*');
    return [[key, new RegExp(`^${source}$`)]];
  });
  const foreign = { en: phrases(vi, en), vi: phrases(en, vi) };
  async function fullyTranslated(page, view, lang) {
    const texts = await page.evaluate(() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.nodeValue.trim();
        if (text && n.parentElement && n.parentElement.offsetParent !== null) out.push(text);
      }
      return out;
    });
    const missing = texts.find((text) => text.includes('⟦'));
    assert.ok(!missing, `${view} (${lang}) shows an untranslated key: ${missing}`);
    for (const text of texts) {
      const hit = foreign[lang].find(([, re]) => re.test(text));
      assert.ok(!hit, `${view} in ${lang} still shows "${text}", the other language's ${hit?.[0]}`);
    }
  }
  // Runs the checks in `body`; whatever happens, closes `browser` and stops
  // `server`, then prints the count.
  async function run(body, browser, server) {
    try {
      await body();
    } catch (e) {
      failed(e);
    } finally {
      await browser.close().catch(() => {});
      await server.stop();
    }
    console.log(`${passed.length} checks passed${process.exitCode ? ', one failed' : ''}`);
  }
  return { check, run, shoot, axe, fullyTranslated, setLanguage, textOf };
}
