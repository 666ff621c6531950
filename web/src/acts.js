// Commands from the member app: each one is sent with its own Idempotency-Key
// and, when the connection drops, retried with the same key (and the same
// signature) until the server answers, so it is recorded once. Signed acts
// are built here from docs/formats/signing.md and signed with the device key.
import { api, bodyPath, Problem } from './api.js';
import { signal } from './signal.js';
import { loadKey, sha256Hex, signAct, signingTime } from './signing.js';

// false while a command waits for the network (or the browser says offline).
export const online = signal(typeof navigator === 'undefined' ? true : navigator.onLine);
if (typeof window !== 'undefined') {
  addEventListener('online', () => online.set(true));
  addEventListener('offline', () => online.set(false));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// POSTs `body` to `path` with Idempotency-Key `key`; on a network failure
// retries every 1, 2, 4 … 8 s for up to `patience` ms with the same key.
export async function send(path, body, { key = 'web-' + crypto.randomUUID(), onBehalfOf = '', patience = 240_000 } = {}) {
  const headers = { 'Idempotency-Key': key };
  if (onBehalfOf) headers['X-On-Behalf-Of'] = onBehalfOf;
  const until = Date.now() + patience;
  for (let delay = 1000; ; delay = Math.min(delay * 2, 8000)) {
    try {
      const answer = await api(path, { method: 'POST', body, headers });
      online.set(true);
      return answer;
    } catch (e) {
      if (!(e instanceof Problem) || e.status !== 0 || Date.now() > until) throw e;
      online.set(false);
      await sleep(delay);
    }
  }
}

export class NoKey extends Error {}

// Signs and sends one act. `act`: {kind, object, version, choice, text}; the
// payload's signer is the person logged in, on_behalf_of the member a
// substitute stands in for. Resolves to the server's answer.
export async function sendSigned(body, person, path, requestBody, act, { onBehalfOf = '' } = {}) {
  const record = await loadKey(body, person);
  if (!record?.fingerprint) throw new NoKey();
  const key = 'web-' + crypto.randomUUID();
  const payload = {
    body,
    choice: act.choice || '',
    command_id: `api:${person}:${key}`,
    kind: act.kind,
    object: act.object,
    on_behalf_of: onBehalfOf,
    signer: person,
    text_sha256: act.text === undefined ? '' : await sha256Hex(act.text),
    time: signingTime(),
    version: act.version || 0,
  };
  const signature = await signAct(record, payload);
  return send(`${bodyPath(body)}${path}`, { ...requestBody, signature }, { key, onBehalfOf });
}
