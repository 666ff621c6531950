// The web app end to end: ecabinetd (the demo cabinet) on loopback, driven
// through Debian's headless Chromium by puppeteer-core, while other people act
// over the API as separate clients (members sign their own ballots with their
// demo keys). Each check states the behaviour it proves; the first failure
// stops the run with its message. Screenshots of every view, in Vietnamese
// and English, go to --screenshots (docs/screenshots/).
//
//   node web/tests/browser.mjs --ecabinetd build/api/ecabinetd --web-root build/web/dist \
//     --fixtures tests/fixtures --chromium /usr/bin/chromium --screenshots docs/screenshots --work /tmp/web-test
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { B, BODY, apiClient, checks, options, launchBrowser, openBrowserAs as openAs, startServer, waitForText } from './harness.mjs';
import vi from '../src/locales/vi.js';
import en from '../src/locales/en.js';

const opts = options(['ecabinetd', 'web-root', 'fixtures', 'chromium', 'screenshots', 'work']);
const session2019 = JSON.parse(fs.readFileSync(path.join(opts.fixtures, 'session-2019-06-24.json'), 'utf8'));
const cabinet = JSON.parse(fs.readFileSync(path.join(opts.fixtures, 'cabinet-2019.json'), 'utf8'));
const members = cabinet.members.map((m) => m.id);

const { check, run, shoot, axe, fullyTranslated, setLanguage, textOf } = checks(opts.screenshots);

const server = await startServer(opts);
const { url, host } = server;
const { request, tokenOf, act, castBallot, actSigned } = apiClient(url, server.dataDir);

// A small PDF (its type is read from its bytes); its text layer is not needed here.
const PAPER = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'
  + '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n'
  + '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n'
  + 'trailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

// PUT of a file as the raw request body, as a document's upload is.
async function upload(person, target, bytes) {
  const token = await tokenOf(person);
  return new Promise((resolve, reject) => {
    const req = https.request(`${url}${target}`, {
      method: 'PUT', rejectUnauthorized: false, timeout: 30_000,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}
const browser = await launchBrowser(opts.chromium);
const openBrowserAs = (person, width, height) => openAs(browser, url, person, width, height);

await run(async () => {
  await check('the dictionaries hold the same keys in Vietnamese and English', () => {
    assert.deepEqual(Object.keys(en).sort(), Object.keys(vi).sort());
  });

  await check('ecabinetd serves the app: CSP on the page, hashed assets immutable and precompressed, the API untouched', async () => {
    const page = await request('GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.match(page.headers['content-security-policy'], /script-src 'self'; .*connect-src 'self'/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    const script = page.raw.toString().match(/src="(\/assets\/main-[A-Z0-9]{8}\.js)"/)?.[1];
    assert.ok(script, 'index.html names a hashed script');
    assert.ok(!/<script>/.test(page.raw.toString()), 'no inline script');
    const js = await request('GET', script, { headers: { 'Accept-Encoding': 'gzip, br' } });
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-encoding'], 'br');
    assert.match(js.headers['cache-control'], /immutable/);
    assert.ok(js.raw.length < 150 * 1024, `first-load JavaScript ${js.raw.length} B brotli is within 150 KB`);
    const again = await request('GET', script, { headers: { 'If-None-Match': js.headers.etag } });
    assert.equal(again.status, 304, 'a revalidation with the ETag is answered 304');
    assert.equal((await request('GET', '/assets/nope-ABCDEFGH.js')).status, 404);
    const api = await request('GET', '/v1/nothing-here');
    assert.equal(api.status, 404);
    assert.match(api.headers['content-type'], /problem\+json/);
  });

  const staff = await openBrowserAs('gov-office-staff-1');
  await check('the session is an HttpOnly cookie: no script can read the token, nothing in localStorage', async () => {
    const seen = await staff.evaluate(() => ({ cookie: document.cookie, storage: JSON.stringify(localStorage) }));
    assert.ok(!seen.cookie.includes('ecab_'), `document.cookie shows no token: ${seen.cookie}`);
    assert.ok(!seen.storage.includes('ecab_'), 'localStorage holds no token');
    const cookies = await staff.cookies();
    const session = cookies.find((c) => c.name === '__Host-ecab_session');
    assert.ok(session && session.httpOnly && session.secure && session.sameSite === 'Strict', JSON.stringify(cookies));
    // The same cookie from another origin changes nothing.
    const forged = await request('POST', `${B}/meetings/demo-1/check-ins`, {
      body: { attendance: 'in_room', person: 'pm' },
      headers: { Cookie: `__Host-ecab_session=${session.value}`, Origin: 'https://evil.example', Host: host },
    });
    assert.equal(forged.status, 403, `a cross-origin request with the cookie is refused: ${forged.raw}`);
    assert.equal(forged.json.type.endsWith('/cross-origin'), true);
  });

  await check('the secretariat dashboard names the open form, who has not answered, and the demo meeting', async () => {
    await staff.waitForSelector('#forms-h', { timeout: 20_000 });
    await waitForText(staff, 'main', /Lấy ý kiến về dự thảo Báo cáo \(dữ liệu mẫu\)/);
    await waitForText(staff, 'main', /27 thành viên chưa trả lời/);
    await waitForText(staff, 'main', /Phiên họp Chính phủ thường kỳ \(dữ liệu mẫu\)/);
  });

  await check('a meeting scheduled over the API appears on the open dashboard without a reload, with its missing RSVPs', async () => {
    await staff.evaluate(() => { window.__sameDocument = true; });
    const starts = new Date(Date.now() + 3600e3).toISOString();
    const ends = new Date(Date.now() + 5 * 3600e3).toISOString();
    await act('gov-office-staff-1', 'POST', `${B}/meetings`, {
      meeting: 'room-1', title: 'Phiên họp Chính phủ thường kỳ tháng 6', starts_at: starts, ends_at: ends,
      place: 'Văn phòng Chính phủ, Hà Nội', online_link: 'https://meet.example/room-1',
    });
    // The item's paper: a document whose file is uploaded as it is (streamed, not JSON).
    await act('gov-office-staff-1', 'POST', `${B}/documents`, { document: 'tt-dinh-danh', title: 'Tờ trình về định danh và xác thực điện tử' });
    const stored = await upload('gov-office-staff-1', `${B}/documents/tt-dinh-danh/versions/1/content?filename=${encodeURIComponent('Tờ trình định danh.pdf')}`, PAPER);
    assert.equal(stored.status, 201, `the file is stored: ${JSON.stringify(stored.json)}`);
    assert.equal(stored.json.sha256, crypto.createHash('sha256').update(PAPER).digest('hex'));
    await act('gov-office-staff-1', 'POST', `${B}/meetings/room-1/agenda`, { item: 'item-1', title: session2019.question_vi, documents: ['tt-dinh-danh'] });
    await act('gov-office-staff-1', 'POST', `${B}/meetings/room-1/agenda`, { item: 'item-2', title: 'Tình hình kinh tế - xã hội tháng 6' });
    for (const id of members) await act('gov-office-staff-1', 'POST', `${B}/meetings/room-1/invitations`, { person: id });
    await waitForText(staff, 'main', /Phiên họp Chính phủ thường kỳ tháng 6: 27 thành viên chưa xác nhận tham dự/);
    await act('min-finance', 'POST', `${B}/meetings/room-1/rsvp`, { response: 'remote' });
    await waitForText(staff, 'main', /26 thành viên chưa xác nhận tham dự/);
    assert.equal(await staff.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
    await shoot(staff, 'dashboard-vi');
    await axe(staff, 'dashboard');
    await fullyTranslated(staff, 'dashboard', 'vi');
    await setLanguage(staff, 'en');
    await waitForText(staff, 'main', /Government Office dashboard/);
    await fullyTranslated(staff, 'dashboard', 'en');
    await shoot(staff, 'dashboard-en');
    await setLanguage(staff, 'vi');
  });

  const pm = await openBrowserAs('pm', 1280, 800);
  await check('the room view follows check-ins live: attendance and the quorum with its rule', async () => {
    await act('pm', 'POST', `${B}/meetings/room-1/session`);
    await staff.goto(`${url}/#/b/${BODY}/m/room-1`, { waitUntil: 'networkidle0' });
    await pm.goto(`${url}/#/b/${BODY}/m/room-1`, { waitUntil: 'networkidle0' });
    await waitForText(staff, '.feed', /Trực tiếp/);
    await staff.evaluate(() => { window.__sameDocument = true; });
    const inRoom = session2019.present_in_room;
    for (const [i, id] of inRoom.entries()) {
      // Members check themselves in; the secretariat checks in the rest.
      if (i % 2 === 0) await act(id, 'POST', `${B}/meetings/room-1/check-ins`, { attendance: 'in_room' });
      else await act('gov-office-staff-1', 'POST', `${B}/meetings/room-1/check-ins`, { person: id, attendance: 'in_room' });
      if (i === 16) await waitForText(staff, '[data-testid=quorum]', /17\/27 thành viên có mặt; cần ít nhất 18; chưa đủ túc số/);
      if (i === 17) await waitForText(staff, '[data-testid=quorum]', /18\/27 thành viên có mặt; cần ít nhất 18; đủ túc số/);
    }
    for (const id of session2019.absent) {
      await act('gov-office-staff-1', 'POST', `${B}/meetings/room-1/check-ins`, { person: id, attendance: 'absent' });
    }
    await waitForText(staff, '[data-testid=attendance]', /Có mặt tại phòng họp\s*21/);
    await waitForText(staff, '[data-testid=attendance]', /Vắng mặt\s*6/);
    await waitForText(staff, '[data-testid=quorum]', /21\/27 .* đủ túc số/);
    assert.equal(await staff.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
  });

  await check('the chair works the controls by keyboard alone; the secretariat sees the chair\'s controls disabled with the reason', async () => {
    // Keyboard only: Tab to "Take up: <item 1>" and press Enter.
    const label = `Bắt đầu nội dung: ${session2019.question_vi}`;
    let found = false;
    for (let i = 0; i < 60 && !found; i += 1) {
      await pm.keyboard.press('Tab');
      found = await pm.evaluate((l) => document.activeElement?.innerText === l, label);
    }
    assert.ok(found, 'the take-up button is reachable with Tab');
    const focused = await pm.evaluate(() => {
      const e = document.activeElement;
      return getComputedStyle(e).outlineStyle !== 'none' || e.matches(':focus-visible');
    });
    assert.ok(focused, 'the focused control shows its focus');
    await pm.keyboard.press('Enter');
    await waitForText(pm, '[data-testid=current-item]', new RegExp(session2019.question_vi.slice(0, 30)));
    await waitForText(staff, '[data-testid=current-item]', new RegExp(session2019.question_vi.slice(0, 30)));
    // A member asks for the floor; the chair gives it; the speaker's time runs.
    await act('min-ict', 'POST', `${B}/meetings/room-1/floor-requests`);
    await waitForText(pm, '.controls', /Mời phát biểu: Bộ trưởng Bộ Thông tin và Truyền thông/);
    await pm.click('.controls .buttons .action-button:nth-child(3) button');
    await waitForText(staff, '[data-testid=speaker]', /Đang phát biểu: Bộ trưởng Bộ Thông tin và Truyền thông \d\d:\d\d/);
    await shoot(staff, 'room-speaker-vi');
    // The conduct is the chair's: the secretariat sees the buttons disabled with
    // the reason, and may still reorder the agenda.
    const staffControls = await staff.$$eval('.controls .action-button', (as) => as.map((a) => ({
      label: a.querySelector('button').innerText, disabled: a.querySelector('button').disabled, why: a.querySelector('.why')?.innerText || '',
    })));
    const openVote = staffControls.find((c) => c.label === 'Mở biểu quyết');
    assert.ok(openVote, 'the secretariat sees the controls');
    assert.deepEqual(openVote, { label: 'Mở biểu quyết', disabled: true, why: 'Chỉ Chủ tọa điều hành phiên họp.' });
    assert.ok(staffControls.every((c) => c.disabled), `every conduct button is disabled for the secretariat: ${JSON.stringify(staffControls)}`);
    assert.ok(await staff.$$eval('.controls .reorder button', (bs) => bs.some((b) => !b.disabled)), 'the secretariat may reorder the agenda');
    const chairOpenVote = await pm.$$eval('.controls .action-button', (as) => as.find((a) => a.querySelector('button').innerText === 'Mở biểu quyết')?.querySelector('.why')?.innerText || '');
    assert.equal(chairOpenVote, '', 'the chair may open the vote');
    await pm.click('.controls .buttons .action-button:nth-child(4) button'); // end the speech
    await waitForText(staff, '.room', /Chưa có ai phát biểu/);
    await axe(pm, 'room with chair controls');
    await shoot(pm, 'chair-controls-vi');
  });

  const ballotLatency = [];
  await check('the tally on every open room view follows each signed ballot, with the rule and the outcome; a tie shows the chair\'s side', async () => {
    const button = await pm.$$eval('.controls button', (bs) => bs.findIndex((b) => b.innerText === 'Mở biểu quyết'));
    await pm.evaluate((i) => document.querySelectorAll('.controls button')[i].click(), button);
    await waitForText(staff, '[data-testid=tally-vote-1] [data-testid=tally-line]', /^0 tán thành \/ 27 thành viên — cần hơn 13,5$/);
    const voters = session2019.ballots.for;
    assert.equal(voters.length, 25);
    for (const [i, id] of voters.entries()) {
      const sent = Date.now();
      await castBallot(id, 'room-1', 'vote-1', 'for', `web-ballot-${id}`);
      const line = new RegExp(`^${i + 1} tán thành / 27 thành viên`);
      await Promise.all([pm, staff].map((p) => waitForText(p, '[data-testid=tally-vote-1] [data-testid=tally-line]', line)));
      ballotLatency.push(Date.now() - sent);
      if (i === 12) await shoot(staff, 'room-vote-vi');
    }
    await waitForText(staff, '[data-testid=tally-vote-1]', /Tán thành: 21 tại phòng họp, 4 trực tuyến/);
    await waitForText(staff, '[data-testid=tally-vote-1] [data-testid=rule]', /^Quy tắc: quá nửa tổng số 27 thành viên$/);
    await waitForText(staff, '[data-testid=tally-vote-1] [data-testid=outcome]', /Nếu kết thúc lúc này: Thông qua/);
    await setLanguage(staff, 'en');
    await waitForText(staff, '[data-testid=tally-vote-1] [data-testid=tally-line]', /^25 for \/ 27 members — more than 13.5 needed$/);
    await waitForText(staff, '[data-testid=tally-vote-1] [data-testid=rule]', /^Rule: more than half of all 27 members$/);
    await fullyTranslated(staff, 'room', 'en');
    await shoot(staff, 'room-vote-en');
    await setLanguage(staff, 'vi');
    const close = await pm.$$eval('.controls button', (bs) => bs.findIndex((b) => b.innerText === 'Kết thúc biểu quyết'));
    await pm.evaluate((i) => document.querySelectorAll('.controls button')[i].click(), close);
    await waitForText(staff, '[data-testid=tally-vote-1] [data-testid=outcome]', /^✔ Thông qua$/);
    await fullyTranslated(staff, 'room', 'vi');
    await axe(staff, 'room after the vote');
    await shoot(staff, 'room-result-vi');
    // A tie: the chair's side prevails, and the room view says so.
    const open2 = await pm.$$eval('.controls button', (bs) => bs.findIndex((b) => b.innerText === 'Mở biểu quyết'));
    await pm.evaluate((i) => document.querySelectorAll('.controls button')[i].click(), open2);
    await waitForText(staff, '[data-testid=tally-vote-2] [data-testid=tally-line]', /^0 tán thành/);
    for (const [id, choice] of [['pm', 'for'], ['min-justice', 'against']]) {
      await castBallot(id, 'room-1', 'vote-2', choice, `web-tie-${id}`);
    }
    await waitForText(staff, '[data-testid=tally-vote-2] [data-testid=tie]', /^Số phiếu ngang nhau: theo bên Thủ tướng Chính phủ \(Chủ tọa\) biểu quyết — Tán thành$/);
    await waitForText(staff, '[data-testid=tally-vote-2] [data-testid=outcome]', /Thông qua/);
    await waitForText(staff, '[data-testid=tally-vote-2] [data-testid=rule]', /^Quy tắc: quá nửa tổng số 27 thành viên; nếu số phiếu ngang nhau, theo bên Chủ tọa đã biểu quyết$/);
    await shoot(staff, 'room-tie-vi');
    const close2 = await pm.$$eval('.controls button', (bs) => bs.findIndex((b) => b.innerText === 'Kết thúc biểu quyết'));
    await pm.evaluate((i) => document.querySelectorAll('.controls button')[i].click(), close2);
    await waitForText(staff, '[data-testid=tally-vote-2] [data-testid=outcome]', /^✔ Thông qua$/);
    // A body whose majority is of the members present: the line and the rule say so.
    const { policy } = await act('bootstrap', 'GET', B);
    await act('bootstrap', 'PUT', `${B}/policy`, { ...policy, majority_basis: 'members_present' });
    const open3 = await pm.$$eval('.controls button', (bs) => bs.findIndex((b) => b.innerText === 'Mở biểu quyết'));
    await pm.evaluate((i) => document.querySelectorAll('.controls button')[i].click(), open3);
    await waitForText(staff, '[data-testid=tally-vote-3] [data-testid=tally-line]', /^0 tán thành \/ 21 thành viên có mặt — cần hơn 10,5$/);
    // No ballot yet is 0 for and 0 against, a tie: the rule names the tie's rule too, as the domain's does.
    await waitForText(staff, '[data-testid=tally-vote-3] [data-testid=rule]', /^Quy tắc: quá nửa số 21 thành viên có mặt; nếu số phiếu ngang nhau, theo bên Chủ tọa đã biểu quyết$/);
    const close3 = await pm.$$eval('.controls button', (bs) => bs.findIndex((b) => b.innerText === 'Kết thúc biểu quyết'));
    await pm.evaluate((i) => document.querySelectorAll('.controls button')[i].click(), close3);
    await waitForText(staff, '[data-testid=tally-vote-3] [data-testid=outcome]', /^✖ Không thông qua$/);
    await act('bootstrap', 'PUT', `${B}/policy`, policy);
    const sorted = [...ballotLatency].sort((a, b) => a - b);
    console.log(`# ballot 201 → both pages show it: p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms (n=${sorted.length})`);
  });

  await check('the auditor\'s timeline tells how the resolution passed: 25 for (21 in the room, 4 online), the rule, the signature', async () => {
    const text = 'Điều 1. Giao Bộ Công an chủ trì xây dựng Nghị định về định danh và xác thực điện tử.';
    await act('gov-office-staff-1', 'POST', `${B}/resolutions`,
      { resolution: 'nq-web', title: session2019.question_vi, text, meeting: 'room-1', vote: 'vote-1' });
    // The draft goes out for opinions through a form the chair approves; a minister answers.
    const question = 'Ý kiến về dự thảo Nghị quyết về định danh và xác thực điện tử?';
    await act('gov-office-staff-1', 'POST', `${B}/forms`, {
      form: 'f-web', title: 'Lấy ý kiến dự thảo Nghị quyết', question, addressees: ['min-justice', 'min-ict'],
      deadline: new Date(Date.now() + 2 * 86400e3).toISOString(),
    });
    await act('gov-office-staff-1', 'POST', `${B}/forms/f-web/submission`);
    await actSigned('pm', `${B}/forms/f-web/approval`, {},
      { kind: 'form_approval', object: 'f-web', text: question, version: 1, key: 'web-approve-f-web' });
    await act('gov-office-staff-1', 'POST', `${B}/forms/f-web/issue`);
    const opinion = 'Đồng ý; đề nghị bổ sung quy định về bảo vệ dữ liệu cá nhân.';
    await actSigned('min-justice', `${B}/forms/f-web/answers`, { answer: 'agree_with_comments', text: opinion },
      { kind: 'form_answer', object: 'f-web', choice: 'agree_with_comments', text: opinion, version: 1, key: 'web-answer-f-web' });
    await act('gov-office-staff-1', 'POST', `${B}/resolutions/nq-web/circulation`, { form: 'f-web' });
    await act('gov-office-staff-1', 'POST', `${B}/resolutions/nq-web/submission`);
    await actSigned('pm', `${B}/resolutions/nq-web/signature`, {},
      { kind: 'resolution_signature', object: 'nq-web', text, version: 1, key: 'web-sign-nq-web' });
    await act('gov-office-staff-1', 'POST', `${B}/resolution-numbers`, { resolution: 'nq-web', year: new Date().getUTCFullYear() });
    await act('gov-office-staff-1', 'POST', `${B}/resolutions/nq-web/promulgation`);
    await act('pm', 'POST', `${B}/meetings/room-1/session/close`);

    const auditor = await openBrowserAs('auditor-1');
    await auditor.goto(`${url}/#/b/${BODY}/r/nq-web`, { waitUntil: 'networkidle0' });
    await waitForText(auditor, '[data-testid=story-outcome]', /Thông qua: 25 tán thành \(21 tại phòng họp, 4 trực tuyến/);
    await waitForText(auditor, '[data-testid=story-rule]', /^Quy tắc: quá nửa tổng số 27 thành viên$/);
    await waitForText(auditor, '.outcome', /^21 tại phòng họp, 0 trực tuyến, 0 người dự thay, 6 vắng mặt$/m);
    await waitForText(auditor, '.timeline', /Kết thúc biểu quyết: 25\/27 tán thành; cần hơn 13,5; Thông qua/);
    await waitForText(auditor, '.timeline', /mở biểu quyết; 21\/27 thành viên có mặt; cần ít nhất 18; đủ túc số/);
    await waitForText(auditor, '.timeline', /Ký số bởi Thủ tướng Chính phủ \(phiên bản 1\) · ✔ chữ ký số hợp lệ/);
    await waitForText(auditor, '.timeline', /Ban hành: Nghị quyết số 1\/NQ-CP/);
    await waitForText(auditor, '.timeline', /Bộ trưởng Bộ Tư pháp cho ý kiến: Đồng ý, có ý kiến \(phiếu “Lấy ý kiến dự thảo Nghị quyết”\) · ✔ chữ ký số hợp lệ/);
    await axe(auditor, 'auditor timeline');
    await fullyTranslated(auditor, 'auditor timeline', 'vi');
    await shoot(auditor, 'auditor-timeline-vi');
    await setLanguage(auditor, 'en');
    await waitForText(auditor, '[data-testid=story-outcome]', /Passed: 25 for \(21 in the room, 4 online/);
    await waitForText(auditor, '[data-testid=story-rule]', /^Rule: more than half of all 27 members$/);
    await fullyTranslated(auditor, 'auditor timeline', 'en');
    await shoot(auditor, 'auditor-timeline-en');

    // The record downloads with the auditor's session, and its manifest checks.
    const href = await auditor.$eval('a[download]', (a) => a.getAttribute('href'));
    const bag = await auditor.evaluate(async (h) => {
      const r = await fetch(h, { credentials: 'same-origin' });
      return { status: r.status, bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
    }, href);
    assert.equal(bag.status, 200, 'the auditor downloads the meeting record');
    const dir = path.join(opts.work, 'bag');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(opts.work, 'bag.tar'), Buffer.from(bag.bytes));
    execFileSync('tar', ['-xf', path.join(opts.work, 'bag.tar'), '-C', dir]);
    const root = fs.readdirSync(dir).map((d) => path.join(dir, d)).find((d) => fs.existsSync(path.join(d, 'manifest-sha256.txt')));
    assert.ok(root, 'the bag has a SHA-256 manifest');
    execFileSync('sha256sum', ['--quiet', '-c', 'manifest-sha256.txt'], { cwd: root });
    // The agenda's document is in the bag, listed in the manifest, and the minutes link it.
    const paper = path.join(root, 'data', 'documents', 'tt-dinh-danh', 'v1.pdf');
    assert.deepEqual(fs.readFileSync(paper), PAPER, 'the bag holds the uploaded file, byte for byte');
    assert.match(fs.readFileSync(path.join(root, 'manifest-sha256.txt'), 'utf8'), /  data\/documents\/tt-dinh-danh\/v1\.pdf\n/);
    const minutesFile = path.join(root, 'data', 'minutes.html');
    const minutesHtml = fs.readFileSync(minutesFile, 'utf8');
    assert.match(minutesHtml, /href="documents\/tt-dinh-danh\/v1\.pdf"/);
    const minutes = await browser.newPage();
    await minutes.setViewport({ width: 1000, height: 1200 });
    await minutes.goto(`file://${minutesFile}`, { waitUntil: 'load' });
    const said = await minutes.evaluate(() => document.body.innerText);
    for (const expected of [/Biên bản phiên họp/, /Minutes of the session/, /Bộ trưởng Bộ Thông tin và Truyền thông/,
      /Thông qua/, /quá nửa tổng số 27 thành viên/, /more than half of all 27 members/, /25\/27 tán thành; cần hơn 13,5; thông qua/, /Nghị quyết số 1\/NQ-CP/, /Đã ký số/, /giờ Hà Nội/,
      /Tờ trình về định danh và xác thực điện tử/, /\d+ (giây|phút)/]) {
      assert.match(said, expected, `the minutes say ${expected}`);
    }
    assert.doesNotMatch(said, /in_room|min-ict/, 'the minutes show offices and words, not ids and raw values');
    await shoot(minutes, 'minutes-vi');
    await minutes.emulateMediaType('print');
    await shoot(minutes, 'minutes-print');
    const pdf = Buffer.from(await minutes.pdf({ format: 'A4' }));
    assert.ok(pdf.length > 10_000 && pdf.subarray(0, 5).toString('latin1') === '%PDF-', `the minutes print to PDF (${pdf.length} bytes)`);
    await minutes.close();

    await auditor.goto(`${url}/#/b/${BODY}/audit`, { waitUntil: 'networkidle0' });
    await waitForText(auditor, '[data-testid=tree-head]', /\d+/);
    await waitForText(auditor, '[data-testid=verification]', /The log is intact/);
    await waitForText(auditor, '[data-testid=verification]', /consistent with the log now/);
    await waitForText(auditor, '[data-testid=verification]', /The hash chain holds from the first event to event \d+/);
    await waitForText(auditor, 'main', /nq-web/);  // this year's promulgated resolution is there to open
    await axe(auditor, 'audit');
    await shoot(auditor, 'audit-en');
  });

  await check('the meeting analytics page shows the figures the API computes from the log, and they download as CSV', async () => {
    const api = (await request('GET', `${B}/meetings/room-1/analytics`, { token: await tokenOf('gov-office-staff-1') })).json;
    assert.equal(api.status, 'closed');
    const item = api.items.find((i) => i.item === 'item-1');
    assert.ok(item.duration_s >= item.speaking_s, JSON.stringify(item));
    const speaker = api.speakers.find((x) => x.person === 'min-ict');
    assert.ok(speaker && speaker.speeches === 1, JSON.stringify(api.speakers));
    assert.equal(api.attendance.in_room, 21);
    assert.equal(api.attendance.absent, 6);
    await staff.goto(`${url}/#/b/${BODY}/m/room-1/analytics`, { waitUntil: 'networkidle0' });
    const clock = (s) => (s >= 3600 ? `${Math.floor(s / 3600)}:` : '') + `${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    await waitForText(staff, '[data-testid=meeting-duration]', new RegExp(`^${clock(api.duration_s)}$`));
    await waitForText(staff, '[data-testid=items-table]', new RegExp(`${clock(item.duration_s)}\\s+${clock(item.speaking_s)}`));
    await waitForText(staff, '[data-testid=speakers-table]', new RegExp(`Bộ trưởng Bộ Thông tin và Truyền thông\\s+${clock(speaker.speaking_s)}\\s+1`));
    const csv = await request('GET', `${B}/meetings/room-1/analytics?format=csv`, { token: await tokenOf('gov-office-staff-1') });
    assert.match(csv.headers['content-type'], /^text\/csv/);
    assert.ok(csv.raw.toString().includes(`speaker,min-ict,min-ict,,,,${speaker.speaking_s},1`), csv.raw.toString());
    await axe(staff, 'meeting analytics');
    await fullyTranslated(staff, 'meeting analytics', 'vi');
    await shoot(staff, 'analytics-meeting-vi');
    await setLanguage(staff, 'en');
    await fullyTranslated(staff, 'meeting analytics', 'en');
    await staff.goto(`${url}/#/b/${BODY}/analytics`, { waitUntil: 'networkidle0' });
    await waitForText(staff, 'main', /Sessions held/);
    await fullyTranslated(staff, 'body analytics', 'en');
    await axe(staff, 'body analytics');
    await shoot(staff, 'analytics-body-en');
    await setLanguage(staff, 'vi');
  });

  await check('the login page and the tablet-sized room view render in both languages', async () => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 800, height: 1280 });
    await page.goto(`${url}/`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('#person');
    await waitForText(page, 'main', /Đăng nhập/);
    await axe(page, 'login');
    await shoot(page, 'login-vi');
    await pm.setViewport({ width: 800, height: 1280 });
    await pm.reload({ waitUntil: 'networkidle0' });
    await waitForText(pm, '.room', /Kết quả biểu quyết/);
    await waitForText(pm, '[data-testid=current-item]', /^Phiên họp đã bế mạc$/);
    assert.equal(await pm.$('.controls'), null, 'no controls once the session is closed');
    await shoot(pm, 'room-tablet-vi');
  });
}, browser, server);
