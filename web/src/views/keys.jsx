// Digital signatures on this device: make a key here (non-extractable, kept
// in this browser), ask for its certificate, see the request through the
// admin's decision; or import an existing key and certificate (PKCS#8 PEM);
// revoke a lost device's certificate. The body's admin also decides the
// requests here, downloads them for an external CA and uploads its answer.
import { useEffect, useState } from 'preact/hooks';
import { api, bodyPath, openFeed } from '../api.js';
import { send } from '../acts.js';
import { t, formatDate, formatDateTime } from '../i18n.js';
import { certificateRequest, forgetKey, importPkcs8, loadKey, newKeyPair, pemToDer, saveKey, sha256Hex, toBase64 }
  from '../signing.js';
import { ErrorNote, usePeople } from './parts.jsx';

const shortPrint = (fingerprint) => (fingerprint || '').replace('sha256:', '').slice(0, 16);

function readFile(input) {
  const file = input.files?.[0];
  return file ? file.text() : Promise.resolve('');
}

export function Keys({ body, person }) {
  const [record, setRecord] = useState(undefined);
  const [request, setRequest] = useState(null);
  const [certs, setCerts] = useState([]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [device, setDevice] = useState(t('keys.default_device'));
  const [tick, setTick] = useState(0);
  const { people } = usePeople(body);
  const refresh = () => setTick((n) => n + 1);

  useEffect(() => {
    let alive = true;
    (async () => {
      const r = await loadKey(body, person);
      let req = null;
      if (r?.request) {
        req = await api(`${bodyPath(body)}/certificate-requests/${encodeURIComponent(r.request)}`).catch(() => null);
        if (req?.status === 'issued' && !r.fingerprint) {
          r.fingerprint = req.fingerprint;
          await saveKey(r);
        }
      }
      const mine = await api(`${bodyPath(body)}/people/${encodeURIComponent(person)}/certificates`).catch(() => ({ certificates: [] }));
      if (alive) { setRecord(r || null); setRequest(req); setCerts(mine.certificates); }
    })().catch((e) => alive && setError(e));
    return () => { alive = false; };
  }, [body, person, tick]);

  // The admin's decision arrives as a body event: look again. (The inbox
  // answers the read models' position to follow the feed from.)
  useEffect(() => {
    let close = () => {};
    let alive = true;
    api(`${bodyPath(body)}/inbox`).then((i) => {
      if (!alive) return;
      close = openFeed(`${bodyPath(body)}/feed`, i.position, (m) => {
        if ((m.type || '').startsWith('body.certificate')) refresh();
      });
    }, () => {});
    return () => { alive = false; close(); };
  }, [body]);

  // And, while a request waits, a look every 5 s: a substitute's feed does
  // not carry the body's events.
  const waiting = record && !record.fingerprint && (!request || request.status === 'pending' || request.status === 'approved');
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setInterval(refresh, 5000);
    return () => clearInterval(timer);
  }, [waiting]);

  const act = (work) => async (e) => {
    e?.preventDefault?.();
    setBusy(true);
    setError(null);
    try { await work(); refresh(); } catch (x) { setError(x); } finally { setBusy(false); }
  };

  const create = act(async () => {
    const { pair, algorithm } = await newKeyPair();
    const { csr, spki } = await certificateRequest(pair, algorithm, person);
    const answer = await send(`${bodyPath(body)}/certificate-requests`, { csr: toBase64(csr), device });
    await saveKey({ id: `${body}/${person}`, body, person, privateKey: pair.privateKey, algorithm,
      spki: toBase64(spki), request: answer.request, device, fingerprint: '' });
  });

  const importKey = act(async () => {
    const keyPem = await readFile(document.getElementById('import-key'));
    const certPem = await readFile(document.getElementById('import-cert'));
    const { privateKey, algorithm } = await importPkcs8(keyPem).catch(() => { throw new Error(t('keys.import_bad_key')); });
    const fingerprint = `sha256:${await sha256Hex(pemToDer(certPem))}`;
    if (!certs.some((c) => c.fingerprint === fingerprint)) throw new Error(t('keys.import_not_enrolled'));
    await saveKey({ id: `${body}/${person}`, body, person, privateKey, algorithm, request: '', device: t('keys.imported'), fingerprint });
  });

  const revoke = (fingerprint) => act(async () => {
    const reason = prompt(t('keys.revoke_reason')) || '';
    if (!reason) return;
    await send(`${bodyPath(body)}/people/${encodeURIComponent(person)}/certificates/${fingerprint.replace('sha256:', '')}/revocation`, { reason });
    if (record?.fingerprint === fingerprint) await forgetKey(body, person);
  });

  const exportTest = record?.privateKey?.extractable;
  return (
    <main class="page member">
      <h1>{t('keys.title')}</h1>
      <ErrorNote error={error} />
      <section class="card" aria-labelledby="device-h" data-testid="device-key">
        <h2 id="device-h">{t('keys.this_device')}</h2>
        {record === undefined && <p>{t('app.loading')}</p>}
        {record === null && <form class="stack" onSubmit={create}>
          <p>{t('keys.none')}</p>
          <label for="device">{t('keys.device')}</label>
          <input id="device" value={device} onInput={(e) => setDevice(e.currentTarget.value)} required maxLength={200} />
          <button type="submit" class="primary" disabled={busy} data-testid="create-key">{t('keys.create')}</button>
        </form>}
        {record && !record.fingerprint && <div>
          <p data-testid="request-status">{t(`keys.request_${request?.status || 'pending'}`, { reason: request?.reason || '' })}</p>
          <p class="muted">{t('keys.request_id', { id: record.request, device: record.device })}</p>
          <button onClick={refresh}>{t('keys.check_again')}</button>
          {request?.status === 'rejected' && <button onClick={act(() => forgetKey(body, person))}>{t('keys.start_over')}</button>}
        </div>}
        {record?.fingerprint && <div>
          <p class="ok big" data-testid="key-ready"><span aria-hidden="true">✔ </span>{t('keys.ready')}</p>
          <p class="muted">{t('keys.fingerprint', { fp: shortPrint(record.fingerprint), algorithm: record.algorithm })}</p>
          <p class="muted">{exportTest ? t('keys.extractable') : t('keys.not_extractable')}</p>
        </div>}
      </section>

      {!record?.fingerprint && <details class="card">
        <summary>{t('keys.import')}</summary>
        <form class="stack" onSubmit={importKey}>
          <label for="import-key">{t('keys.import_key')}</label>
          <input id="import-key" type="file" accept=".pem,.key" required />
          <label for="import-cert">{t('keys.import_cert')}</label>
          <input id="import-cert" type="file" accept=".pem,.crt" required />
          <button type="submit" disabled={busy}>{t('keys.import_submit')}</button>
        </form>
      </details>}

      <section class="card" aria-labelledby="certs-h">
        <h2 id="certs-h">{t('keys.certificates')}</h2>
        {certs.length === 0 && <p class="muted">{t('keys.no_certificates')}</p>}
        <ul>{certs.map((c) => (
          <li key={c.fingerprint}>
            <strong>{c.device || t('keys.unnamed_device')}</strong> · {shortPrint(c.fingerprint)} · {c.key}
            {' · '}{t('keys.valid', { from: formatDate(c.not_before), to: formatDate(c.not_after) })}
            {c.revoked_at ? <span class="badge badge-closed">{t('keys.revoked_at', { when: formatDateTime(c.revoked_at) })}</span>
              : <button class="link" onClick={revoke(c.fingerprint)} disabled={busy}>{t('keys.revoke')}</button>}
          </li>
        ))}</ul>
      </section>

      {people[person]?.role === 'admin' && <Approvals body={body} tick={tick} refresh={refresh} />}
    </main>
  );
}

// The admin's part: pending and approved requests.
function Approvals({ body, tick, refresh }) {
  const [requests, setRequests] = useState([]);
  const [error, setError] = useState(null);
  const { name } = usePeople(body);
  useEffect(() => {
    api(`${bodyPath(body)}/certificate-requests`).then((r) => setRequests(r.requests.filter(
      (q) => q.status === 'pending' || q.status === 'approved')), setError);
  }, [body, tick]);
  const run = (work) => async () => {
    setError(null);
    try { await work(); refresh(); } catch (e) { setError(e); }
  };
  const base = `${bodyPath(body)}/certificate-requests`;
  return (
    <section class="card" aria-labelledby="approvals-h" data-testid="approvals">
      <h2 id="approvals-h">{t('keys.approvals')}</h2>
      <ErrorNote error={error} />
      {requests.length === 0 && <p class="muted">{t('keys.no_requests')}</p>}
      <ul>{requests.map((q) => (
        <li key={q.request} data-testid={`request-${q.person}`}>
          <strong>{name(q.person)}</strong> · {q.device} · {q.key} · {formatDateTime(q.requested_at)} · {t(`keys.status_${q.status}`)}
          <div class="buttons">
            {q.status === 'pending' && <button class="primary" onClick={run(() => send(`${base}/${q.request}/approval`, {}))}>
              {t('keys.approve')}</button>}
            {q.status === 'pending' && <button onClick={run(async () => {
              const reason = prompt(t('keys.reject_reason'));
              if (reason) await send(`${base}/${q.request}/rejection`, { reason });
            })}>{t('keys.reject')}</button>}
            <a href={`${base}/${q.request}?format=pem`} download={`${q.request}.csr.pem`}>{t('keys.download_request')}</a>
            {q.status === 'approved' && <label>{t('keys.upload_certificate')}
              <input type="file" accept=".pem,.crt,.cer" onChange={(e) => {
                const input = e.currentTarget;
                run(async () => {
                  const pem = await readFile(input);
                  await send(`${base}/${q.request}/certificate`, { der: toBase64(pemToDer(pem)) });
                })();
              }} /></label>}
          </div>
        </li>
      ))}</ul>
    </section>
  );
}
