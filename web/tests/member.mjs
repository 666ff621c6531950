// The member's app end to end: keys made in the browser (non-extractable),
// certificates requested and approved, opinion forms answered and ballots cast
// in separate browsers, each act signed on the device and checked by the
// server, by ecab-audit and by openssl; a substitute refused as the policy
// says; a forged payload refused; a dropped connection mid-vote; the chair
// signing on a phone-sized screen. Screenshots at tablet and phone sizes.
//
//   node web/tests/member.mjs --ecabinetd build/api/ecabinetd --ecab-audit build/replay/ecab-audit \
//     --web-root build/web/dist --fixtures tests/fixtures --chromium /usr/bin/chromium \
//     --screenshots docs/screenshots --work /tmp/member-test
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { B, BODY, PASSWORD, apiClient, checks, launchBrowser, openBrowserAs, options, startServer, waitForText }
  from './harness.mjs';

const opts = options(['ecabinetd', 'ecab-audit', 'web-root', 'fixtures', 'chromium', 'screenshots', 'work']);
const cabinet = JSON.parse(fs.readFileSync(path.join(opts.fixtures, 'cabinet-2019.json'), 'utf8'));
const members = cabinet.members.map((m) => m.id);
const { check, run, shoot, axe, fullyTranslated, setLanguage, textOf } = checks(opts.screenshots);
const TABLET = [820, 1180];
const PHONE = [390, 844];

// A real SMTP server on loopback (tests/servers/smtp_sink.py under Debian's
// python3: STARTTLS required, AUTH), with a certificate made by openssl here.
const mailDir = path.join(opts.work + '-smtp');
fs.rmSync(mailDir, { recursive: true, force: true });
fs.mkdirSync(mailDir, { recursive: true });
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
  '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  '-keyout', path.join(mailDir, 'smtp.key'), '-out', path.join(mailDir, 'smtp.crt')], { stdio: 'ignore' });
const smtpPort = 20000 + (process.pid % 20000);
const smtp = spawn('/usr/bin/python3', [path.join(opts.fixtures, '..', 'servers', 'smtp_sink.py'), '--port', String(smtpPort),
  '--cert', path.join(mailDir, 'smtp.crt'), '--key', path.join(mailDir, 'smtp.key'), '--user', 'ecab', '--password', 's3cret',
  '--out', path.join(mailDir, 'mails.jsonl')], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the SMTP sink did not start')), 20_000);
  smtp.stdout.on('data', (d) => { if (String(d).includes('ready')) { clearTimeout(timer); resolve(); } });
});
smtp.stdout.on('data', () => {});
const mails = () => (fs.existsSync(path.join(mailDir, 'mails.jsonl'))
  ? fs.readFileSync(path.join(mailDir, 'mails.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const subjectOf = (data) => [...data.split('\r\nMIME')[0].matchAll(/=\?UTF-8\?B\?([^?]*)\?=/g)]
  .map((m) => Buffer.from(m[1], 'base64').toString('utf8')).join('');

const server = await startServer({ ...opts, extra: ['--smtp-url', `smtp://127.0.0.1:${smtpPort}`, '--smtp-user', 'ecab',
  '--smtp-password', 's3cret', '--smtp-ca', path.join(mailDir, 'smtp.crt'), '--notify-every-ms', '200',
  '--public-url', 'https://cabinet.example'] });
const { url } = server;
const { request, act, castBallot } = apiClient(url, server.dataDir);
const browser = await launchBrowser(opts.chromium);
const open = (person, [w, h] = TABLET) => openBrowserAs(browser, url, person, w, h);
const go = (page, route) => page.goto(`${url}/#/b/${BODY}/${route}`, { waitUntil: 'networkidle0' });
const demoKeys = path.join(server.dataDir, 'demo', 'people');

// Clicks the button whose text is `label` (inside `scope`).
async function clickText(page, label, scope = 'main') {
  await page.waitForFunction((s, l) => [...document.querySelectorAll(`${s} button`)].some((b) => b.innerText.trim() === l),
    { timeout: 20_000 }, scope, label).catch(() => {});
  const index = await page.$$eval(`${scope} button`, (bs, l) => bs.findIndex((b) => b.innerText.trim() === l), label);
  if (index < 0) {
    const shown = await page.evaluate(() => (document.querySelector('main') || document.body).innerText.slice(0, 800));
    assert.fail(`a button "${label}" is on the page; it shows: ${shown}`);
  }
  await page.evaluate((s, i) => document.querySelectorAll(`${s} button`)[i].click(), scope, index);
}
// Confirms the signing dialog and waits for its outcome ("Đã ghi nhận." or an error).
async function confirmSigning(page, outcome = /Đã ghi nhận/) {
  await page.waitForSelector('[data-testid=sign-confirm]');
  await page.click('[data-testid=sign-confirm]');
  await waitForText(page, '[data-testid=sign-dialog]', outcome, 30_000);
}
// A person's key and certificate from the demo, imported on the key page.
async function importDemoKey(page, person) {
  await go(page, 'keys');
  await page.waitForSelector('[data-testid=create-key]');  // settled: this device has no key yet
  await page.evaluate(() => { document.querySelector('details').open = true; });
  await (await page.$('#import-key')).uploadFile(path.join(demoKeys, `${person}.key.pem`));
  await (await page.$('#import-cert')).uploadFile(path.join(demoKeys, `${person}.crt.pem`));
  await clickText(page, 'Nhập');
  await waitForText(page, '[data-testid=key-ready]', /ký số được/);
}
async function ballotsOf(voter) {
  const vote = await request('GET', `${B}/meetings/demo-1/votes/v1`, { token: await tokenOfStaff() });
  return vote.json.ballots[voter];
}
let staffToken = '';
async function tokenOfStaff() {
  if (!staffToken) staffToken = (await request('POST', '/v1/login', { body: { person: 'gov-office-staff-1', password: PASSWORD } })).json.token;
  return staffToken;
}

await run(async () => {
  const trade = await open('min-trade');
  let answerRequest = null;

  await check('a member makes a non-extractable key in the browser, asks for its certificate, and the admin approves: the demo CA issues it', async () => {
    await go(trade, 'keys');
    await trade.waitForSelector('[data-testid=create-key]');
    await axe(trade, 'keys (no key yet)');
    await shoot(trade, 'member-keys-tablet-vi');
    await trade.click('[data-testid=create-key]');
    await waitForText(trade, '[data-testid=request-status]', /chờ Quản trị phê duyệt/);
    const key = await trade.evaluate(async () => {
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open('ecabinet-keys', 1);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const record = await new Promise((resolve) => {
        const r = db.transaction('keys').objectStore('keys').get('gov-vn/min-trade');
        r.onsuccess = () => resolve(r.result);
      });
      let exported = 'exported';
      try { await crypto.subtle.exportKey('pkcs8', record.privateKey); } catch (e) { exported = e.name; }
      return { extractable: record.privateKey.extractable, algorithm: record.algorithm, exported };
    });
    assert.equal(key.extractable, false, 'the private key is non-extractable');
    assert.equal(key.exported, 'InvalidAccessError', 'exportKey on the private key fails');
    assert.equal(key.algorithm, 'ed25519');

    const admin = await open('bootstrap', [1280, 900]);
    await go(admin, 'keys');
    await waitForText(admin, '[data-testid=approvals]', /Bộ trưởng Bộ Công Thương/);
    await axe(admin, 'admin approvals');
    await shoot(admin, 'admin-certificate-requests-vi');
    await clickText(admin, 'Phê duyệt', '[data-testid=request-min-trade]');
    await waitForText(trade, '[data-testid=key-ready]', /ký số được/);
    await waitForText(trade, 'main', /Máy tính bảng · [0-9a-f]{16} · ed25519/);
    await fullyTranslated(trade, 'keys', 'vi');
    await shoot(trade, 'member-keys-ready-tablet-vi');
    await admin.browserContext().close();
  });

  await check('the member answers the opinion form in the browser: signed, accepted, and openssl verifies the signature over the payload', async () => {
    await go(trade, 'inbox');
    await waitForText(trade, '[data-testid=task-answer_form]', /Trả lời phiếu lấy ý kiến: Lấy ý kiến về dự thảo Báo cáo/);
    await axe(trade, 'inbox');
    await fullyTranslated(trade, 'inbox', 'vi');
    await shoot(trade, 'member-inbox-tablet-vi');
    await trade.click('[data-testid=task-answer_form] a');
    await trade.waitForSelector('[data-testid=answer-form]');
    trade.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/forms/demo-form-1/answers')) {
        answerRequest = { key: r.headers()['idempotency-key'], body: JSON.parse(r.postData()) };
      }
    });
    await trade.click('input[value=agree_with_comments]');
    await trade.type('#answer-text', 'Đề nghị bổ sung số liệu quý II.');
    await trade.click('[data-testid=answer-submit]');
    await waitForText(trade, '[data-testid=sign-sentence]',
      /^Bạn trả lời ĐỒNG Ý, CÓ Ý KIẾN phiếu lấy ý kiến «Lấy ý kiến về dự thảo Báo cáo \(dữ liệu mẫu\)» \(lần 1\), lúc \d\d:\d\d\. Ý kiến: «Đề nghị bổ sung số liệu quý II\.»\.$/);
    await axe(trade, 'signing dialog');
    await shoot(trade, 'member-form-sign-tablet-vi');
    await confirmSigning(trade);
    await waitForText(trade, '[data-testid=my-answer]', /Đồng ý, có ý kiến \(lần 1\)/);

    // The payload as docs/formats/signing.md builds it from what was sent, checked by openssl.
    const { key, body } = answerRequest;
    const payload = {
      body: BODY, choice: 'agree_with_comments', command_id: `api:min-trade:${key}`, kind: 'form_answer',
      object: 'demo-form-1', on_behalf_of: '', signer: 'min-trade',
      text_sha256: crypto.createHash('sha256').update(body.text, 'utf8').digest('hex'), time: body.signature.signed_at, version: 1,
    };
    const canonical = `{${Object.keys(payload).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(payload[k])}`).join(',')}}`;
    const certs = await request('GET', `${B}/people/min-trade/certificates`, { token: await tokenOfStaff() });
    const cert = certs.json.certificates.find((c) => c.fingerprint === body.signature.certificate);
    assert.ok(cert, 'the signature names the certificate issued for the browser key');
    const dir = path.join(opts.work, 'openssl');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'payload.json'), canonical);
    fs.writeFileSync(path.join(dir, 'sig.bin'), Buffer.from(body.signature.value, 'base64'));
    fs.writeFileSync(path.join(dir, 'cert.pem'), cert.certificate_pem);
    execFileSync('openssl', ['x509', '-in', 'cert.pem', '-pubkey', '-noout', '-out', 'pub.pem'], { cwd: dir });
    const verified = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'pub.pem', '-rawin', '-in', 'payload.json',
      '-sigfile', 'sig.bin'], { cwd: dir }).toString();
    assert.match(verified, /Signature Verified Successfully/);
  });

  await check('a payload altered after signing is refused with the server\'s reason, and nothing changes', async () => {
    await trade.setRequestInterception(true);
    const forge = (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/forms/demo-form-1/answers')) {
        const body = JSON.parse(r.postData());
        body.text = 'Không đồng ý với toàn bộ báo cáo.'; // not what was signed
        r.continue({ postData: JSON.stringify(body) });
      } else {
        r.continue();
      }
    };
    trade.on('request', forge);
    await trade.click('input[value=disagree]');
    await trade.click('[data-testid=answer-submit]');
    await confirmSigning(trade, /chữ ký|signature/i);
    const shown = await textOf(trade, '[data-testid=sign-error]');
    assert.match(shown, /signature does not match/, `the server's reason is shown: ${shown}`);
    trade.off('request', forge);
    await trade.setRequestInterception(false);
    await clickText(trade, 'Hủy', '[data-testid=sign-dialog]');
    await waitForText(trade, '[data-testid=my-answer]', /Đồng ý, có ý kiến \(lần 1\)/);
  });

  await check('the member reads the demo meeting\'s agenda document, a real PDF: the file itself is the read receipt (the body\'s default policy) and the meeting shows it studied', async () => {
    await go(trade, 'p/demo-1');
    await trade.waitForSelector('[data-testid=open-demo-doc-1]');
    assert.equal(await trade.$('[data-testid=studied-demo-doc-1]'), null, 'not studied before it is read');
    const file = await trade.evaluate(async (target) => {
      const r = await fetch(target);  // the session cookie, as the link opens it
      const bytes = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...bytes.slice(0, 5)) };
    }, `${B}/documents/demo-doc-1/versions/1/content?disposition=inline`);
    assert.deepEqual(file, { status: 200, type: 'application/pdf', head: '%PDF-' });
    await waitForText(trade, '[data-testid=studied-demo-doc-1]', /Đã nghiên cứu/);
    const search = await act('min-trade', 'GET', `${B}/search?q=disbursement`);
    assert.ok(search.hits.some((h) => JSON.stringify(h).includes('demo-doc-1')), `the PDF's words find it: ${JSON.stringify(search)}`);
    await trade.click('[data-testid=open-demo-doc-1]');
    await trade.waitForSelector('a[href$="/versions/1/content?disposition=inline"]');
    await waitForText(trade, 'main', /demo-report\.pdf/);
    await shoot(trade, 'member-meeting-document-tablet-vi');
  });

  // The meeting: a substitute named before it opens, then the session and a vote.
  await act('bootstrap', 'POST', `${B}/people`, { person: 'deputy-justice', office: 'Thứ trưởng Bộ Tư pháp', role: 'substitute' });
  await act('bootstrap', 'PUT', `${B}/people/deputy-justice/password`, { password: PASSWORD });
  await act('min-justice', 'POST', `${B}/meetings/demo-1/rsvp`, { response: 'substitute', substitute: 'deputy-justice' });
  const deputy = await open('deputy-justice', PHONE);
  const ict = await open('min-ict', PHONE);
  const staff = await open('gov-office-staff-1', [1280, 900]);

  await check('several members vote in their own browsers, in the room and online; one changes the ballot; the room view follows', async () => {
    await go(deputy, 'keys');
    await deputy.waitForSelector('[data-testid=create-key]');
    await deputy.click('[data-testid=create-key]');
    await waitForText(deputy, '[data-testid=request-status]', /chờ Quản trị phê duyệt/);
    const pending = await act('bootstrap', 'GET', `${B}/certificate-requests?status=pending&person=deputy-justice`);
    await act('bootstrap', 'POST', `${B}/certificate-requests/${pending.requests[0].request}/approval`, {});
    await waitForText(deputy, '[data-testid=key-ready]', /ký số được/);
    await importDemoKey(ict, 'min-ict');

    await act('pm', 'POST', `${B}/meetings/demo-1/session`);
    const browsers = ['min-trade', 'min-ict', 'min-justice'];
    for (const id of members.filter((m) => !browsers.includes(m)).slice(0, 20)) {
      await act('gov-office-staff-1', 'POST', `${B}/meetings/demo-1/check-ins`, { person: id, attendance: 'in_room' });
    }
    await go(trade, 'p/demo-1');
    await clickText(trade, 'Điểm danh: có mặt tại phòng họp');
    await waitForText(trade, '[data-testid=checked-in]', /Có mặt tại phòng họp/);
    await go(ict, 'p/demo-1');
    await clickText(ict, 'Điểm danh: tham dự trực tuyến');
    await waitForText(ict, '[data-testid=checked-in]', /trực tuyến/i);
    await act('pm', 'POST', `${B}/meetings/demo-1/items/item-1/take-up`);
    await act('pm', 'POST', `${B}/meetings/demo-1/votes`, { vote: 'v1', question: 'Thông qua báo cáo tình hình kinh tế - xã hội?' });
    await go(staff, 'm/demo-1');
    await waitForText(staff, '[data-testid=tally-v1] [data-testid=tally-line]', /^0 tán thành \/ 27 thành viên/);

    await waitForText(trade, '[data-testid=ballot-v1]', /Bạn chưa biểu quyết/);
    await trade.click('[data-testid=choose-against]');
    await waitForText(trade, '[data-testid=sign-sentence]',
      /^Bạn biểu quyết KHÔNG TÁN THÀNH nội dung «Tình hình kinh tế - xã hội 6 tháng đầu năm», biểu quyết «v1», phiên họp «Phiên họp Chính phủ thường kỳ \(dữ liệu mẫu\)», lúc \d\d:\d\d\.$/);
    await confirmSigning(trade);
    await waitForText(trade, '[data-testid=my-ballot]', /Không tán thành \(đã đổi 0 lần\)/);
    await clickText(trade, 'Đóng', '[data-testid=sign-dialog]');
    await trade.click('[data-testid=choose-for]');
    await confirmSigning(trade);
    await waitForText(trade, '[data-testid=my-ballot]', /Tán thành \(đã đổi 1 lần\)/);
    await waitForText(staff, '[data-testid=tally-v1] [data-testid=tally-line]', /^1 tán thành \/ 27 thành viên/);
    await clickText(trade, 'Đóng', '[data-testid=sign-dialog]');
    for (const id of members.filter((m) => !browsers.includes(m)).slice(0, 12)) {
      await castBallot(id, 'demo-1', 'v1', 'for', `member-test-${id}`);
    }
    await waitForText(staff, '[data-testid=tally-v1] [data-testid=tally-line]', /^13 tán thành \/ 27 thành viên/);
    await waitForText(trade, '[data-testid=ballot-v1] [data-testid=tally-line]', /^13 tán thành/);
    await axe(trade, 'member meeting with an open vote');
    await fullyTranslated(trade, 'member meeting', 'vi');
    await shoot(trade, 'member-vote-tablet-vi');
    await setLanguage(trade, 'en');
    await waitForText(trade, '[data-testid=my-ballot]', /Your ballot: For \(changed 1 times\)/);
    await fullyTranslated(trade, 'member meeting', 'en');
    await shoot(trade, 'member-vote-tablet-en');
    await setLanguage(trade, 'vi');
  });

  await check('a substitute sees whom they stand in for; their ballot is refused as the policy says, and the app shows why', async () => {
    await go(deputy, 'p/demo-1');
    await waitForText(deputy, '[data-testid=standing-in]', /Bạn dự thay cho Bộ trưởng Bộ Tư pháp/);
    await clickText(deputy, 'Điểm danh (người dự thay)');
    await waitForText(deputy, '[data-testid=checked-in]', /người dự thay/i);
    await deputy.click('[data-testid=choose-for]');
    await waitForText(deputy, '[data-testid=sign-sentence]', /Bạn dự thay cho Bộ trưởng Bộ Tư pháp\.$/);
    await confirmSigning(deputy, /substitute/i);
    // In the reader's words, then the domain's own reason marked as English.
    const shown = await textOf(deputy, '[data-testid=sign-error]');
    assert.equal(shown, 'Vai trò của bạn không cho phép việc này. (a substitute does not vote under this body\'s policy)');
    assert.equal(await deputy.$eval('[data-testid=sign-error] [data-testid=problem-detail]', (e) => e.lang), 'en');
    assert.equal(await ballotsOf('min-justice'), undefined, 'no ballot recorded for the member');
    await axe(deputy, 'substitute on a phone');
    await shoot(deputy, 'member-substitute-phone-vi');
  });

  await check('connection dropped mid-vote: the app says so and marks the tally stale; restored, the ballot is recorded exactly once', async () => {
    await waitForText(ict, '[data-testid=ballot-v1]', /Bạn chưa biểu quyết/);
    await ict.setOfflineMode(true);
    await ict.click('[data-testid=choose-against]');
    await ict.waitForSelector('[data-testid=sign-confirm]');
    await ict.click('[data-testid=sign-confirm]');
    await waitForText(ict, '[data-testid=offline]', /Mất kết nối mạng/);
    await waitForText(ict, '[data-testid=sign-dialog]', /Đang chờ mạng/);
    await waitForText(ict, '[data-testid=stale]', /số liệu dưới đây có thể chưa cập nhật/);
    await shoot(ict, 'member-offline-phone-vi');
    await ict.setOfflineMode(false);
    await waitForText(ict, '[data-testid=sign-dialog]', /Đã ghi nhận/, 40_000);
    await waitForText(ict, '[data-testid=my-ballot]', /Không tán thành \(đã đổi 0 lần\)/, 40_000);
    await ict.waitForFunction(() => !document.querySelector('[data-testid=stale]'), { timeout: 40_000 });
    const ballot = await ballotsOf('min-ict');
    assert.equal(ballot.choice, 'against');
    assert.equal(ballot.changes, 0, 'recorded once: no second ballot');
    await waitForText(staff, '[data-testid=tally-v1]', /1 không tán thành/);
  });

  await check('a ballot by keyboard alone: Tab to the choice, Enter, Tab to the signature, Enter', async () => {
    await trade.evaluate(() => document.activeElement?.blur());
    let found = false;
    for (let i = 0; i < 80 && !found; i += 1) {
      await trade.keyboard.press('Tab');
      found = await trade.evaluate(() => document.activeElement?.dataset?.testid === 'choose-abstain');
    }
    assert.ok(found, 'the abstain button is reachable with Tab');
    await trade.keyboard.press('Enter');
    await trade.waitForSelector('[data-testid=sign-confirm]');
    found = false;
    for (let i = 0; i < 80 && !found; i += 1) {
      await trade.keyboard.press('Tab');
      found = await trade.evaluate(() => document.activeElement?.dataset?.testid === 'sign-confirm');
    }
    assert.ok(found, 'the signing button is reachable with Tab');
    await trade.keyboard.press('Enter');
    await waitForText(trade, '[data-testid=sign-dialog]', /Đã ghi nhận/);
    await waitForText(trade, '[data-testid=my-ballot]', /Không biểu quyết \(đã đổi 2 lần\)/);
  });

  await check('the chair signs the resolution on a phone-sized screen with the same signing flow', async () => {
    const present = members.filter((m) => !['min-trade', 'min-ict', 'min-justice'].includes(m)).slice(0, 20);
    for (const id of present.slice(12)) await castBallot(id, 'demo-1', 'v1', 'for', `member-test-${id}`);
    await act('pm', 'POST', `${B}/meetings/demo-1/votes/v1/close`);
    await act('gov-office-staff-1', 'POST', `${B}/resolutions`, { resolution: 'nq-member', title: 'Nghị quyết phiên họp thường kỳ',
      text: 'Điều 1. Thông qua báo cáo tình hình kinh tế - xã hội.', meeting: 'demo-1', vote: 'v1' });
    await act('gov-office-staff-1', 'POST', `${B}/resolutions/nq-member/submission`);
    const pm = await open('pm', PHONE);
    await importDemoKey(pm, 'pm');
    await go(pm, 'inbox');
    await waitForText(pm, '[data-testid=task-sign]', /Ký số Nghị quyết: Nghị quyết phiên họp thường kỳ/);
    await pm.click('[data-testid=task-sign] a');
    await pm.waitForSelector('[data-testid=sign-resolution]');
    await pm.click('[data-testid=sign-resolution]');
    await waitForText(pm, '[data-testid=sign-sentence]', /^Bạn ký số Nghị quyết «Nghị quyết phiên họp thường kỳ», bản dự thảo số 1, lúc \d\d:\d\d\.$/);
    await confirmSigning(pm);
    await waitForText(pm, '[data-testid=signed]', /Đã ký số: Thủ tướng Chính phủ/);
    await axe(pm, 'resolution signed on a phone');
    await fullyTranslated(pm, 'resolution', 'vi');
    await shoot(pm, 'chair-sign-phone-vi');
    await go(pm, 'inbox');
    await waitForText(pm, 'main', /Việc của tôi/);
    await shoot(pm, 'member-inbox-phone-vi');
    await setLanguage(pm, 'en');
    await waitForText(pm, 'main', /My tasks/);
    await fullyTranslated(pm, 'inbox', 'en');
    await shoot(pm, 'member-inbox-phone-en');
  });

  await check('an invitation reaches each invitee by email (in Vietnamese, with the link) and in the app; one that cannot be delivered is on the secretariat\'s dashboard, without the address', async () => {
    const admin = (await request('POST', '/v1/login', { body: { person: 'bootstrap', password: PASSWORD } })).json.token;
    for (const [person, email] of [['min-trade', 'bo.truong@moit.gov.vn'], ['min-justice', 'refused@moj.gov.vn']]) {
      const set = await request('PUT', `${B}/people/${person}/contact`, { token: admin, body: { email, channels: ['email', 'in_app'] } });
      assert.equal(set.status, 201, set.text);
    }
    const staff = await tokenOfStaff();
    const starts = new Date(Date.now() + 3 * 86400e3);
    const scheduled = await request('POST', `${B}/meetings`, { token: staff, body: { meeting: 'm-web', title: 'Phiên họp Chính phủ chuyên đề về xây dựng pháp luật',
      starts_at: starts.toISOString().replace(/\.\d+Z$/, 'Z'), ends_at: new Date(starts.getTime() + 3 * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'),
      place: 'Trụ sở Chính phủ' } });
    assert.equal(scheduled.status, 201, scheduled.text);
    for (const person of ['min-trade', 'min-justice']) {
      assert.equal((await request('POST', `${B}/meetings/m-web/invitations`, { token: staff, body: { person } })).status, 201);
    }
    for (let i = 0; i < 100 && !mails().some((m) => m.rcpt_tos[0] === 'bo.truong@moit.gov.vn'); i += 1) await new Promise((r) => setTimeout(r, 200));
    const mail = mails().find((m) => m.rcpt_tos[0] === 'bo.truong@moit.gov.vn');
    assert.ok(mail, 'the invitation was mailed');
    assert.equal(subjectOf(mail.data), 'Giấy mời: Phiên họp Chính phủ chuyên đề về xây dựng pháp luật');

    const page = await open('min-trade');
    await go(page, 'inbox');
    await waitForText(page, '[data-testid=notification]', /Giấy mời: Phiên họp Chính phủ chuyên đề/);
    await axe(page, 'inbox with notifications');
    await shoot(page, 'member-notifications-tablet-vi');
    await page.close();

    const office = await open('gov-office-staff-1');
    await go(office, 'dashboard');
    await waitForText(office, '[data-testid=failed-notification]', /Thư điện tử gửi Bộ trưởng Bộ Tư pháp không thành công sau 1 lần thử/);
    const shown = await textOf(office, '[data-testid=failed-notification]');
    assert.match(shown, /550/);
    assert.ok(!shown.includes('moj.gov.vn'), `no address on the dashboard: ${shown}`);
    await axe(office, 'dashboard with a failed notification');
    await fullyTranslated(office, 'dashboard', 'vi');
    await shoot(office, 'dashboard-failed-notification-vi');
    await office.close();
  });

  await check('ecab-audit verify re-checks every signed act made in the browsers', async () => {
    await browser.close();
    await server.stop();
    const report = execFileSync(opts.ecabAudit, ['verify', '--data-dir', server.dataDir, '--quiet', '--json']).toString();
    const parsed = JSON.parse(report);
    assert.equal(parsed.ok, true, report.slice(0, 400));
  });
}, browser, server);
smtp.kill();
