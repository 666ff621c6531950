// Signing in the browser: the person's key is made here with WebCrypto
// (Ed25519, else ECDSA P-256), non-extractable, and kept in IndexedDB for that
// person on this device; the certificate request (PKCS#10) is built here; the
// canonical payload is docs/formats/signing.md's RFC 8785 JSON.

const DB = 'ecabinet-keys';
const STORE = 'keys';

function db() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function tx(mode, run) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode);
    const request = run(t.objectStore(STORE));
    t.oncomplete = () => resolve(request?.result);
    t.onerror = () => reject(t.error);
  });
}

const keyId = (body, person) => `${body}/${person}`;

// This device's key record for `person` in `body`, or undefined:
// {id, body, person, privateKey, algorithm, spki, request, fingerprint, device}.
export const loadKey = (body, person) => tx('readonly', (s) => s.get(keyId(body, person)));
export const saveKey = (record) => tx('readwrite', (s) => s.put(record));
export const forgetKey = (body, person) => tx('readwrite', (s) => s.delete(keyId(body, person)));

// ---- bytes ----
const enc = new TextEncoder();
export const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
export const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
export const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
export async function sha256Hex(data) {
  return hex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? enc.encode(data) : data));
}
export function pemToDer(pem) {
  return fromBase64(pem.replace(/-----(BEGIN|END)[^-]+-----/g, '').replace(/\s+/g, ''));
}

// ---- DER, just what a PKCS#10 request needs ----
function len(n) {
  if (n < 0x80) return [n];
  const out = [];
  for (let v = n; v > 0; v >>= 8) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}
const tlv = (tag, bytes) => Uint8Array.from([tag, ...len(bytes.length), ...bytes]);
const cat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));
const seq = (...parts) => tlv(0x30, cat(...parts));
const OID_CN = [0x06, 0x03, 0x55, 0x04, 0x03];
const OID_ED25519 = [0x06, 0x03, 0x2b, 0x65, 0x70];
const OID_ECDSA_SHA256 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];

function derInteger(bytes) {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.slice(i);
  return tlv(0x02, v[0] & 0x80 ? cat([0], v) : v);
}

// WebCrypto's ECDSA signature (r‖s) as the DER ECDSA-Sig-Value X.509 wants.
export function p1363ToDer(raw) {
  const half = raw.length / 2;
  return seq(derInteger(raw.slice(0, half)), derInteger(raw.slice(half)));
}

// ---- keys ----
const ED25519 = { name: 'Ed25519' };
const P256 = { name: 'ECDSA', namedCurve: 'P-256' };

// A new non-extractable key pair: Ed25519 where the browser has it, else P-256.
export async function newKeyPair() {
  try {
    return { pair: await crypto.subtle.generateKey(ED25519, false, ['sign', 'verify']), algorithm: 'ed25519' };
  } catch {
    return { pair: await crypto.subtle.generateKey(P256, false, ['sign', 'verify']), algorithm: 'ecdsa-p256-sha256-p1363' };
  }
}

async function rawSign(privateKey, algorithm, bytes) {
  const params = algorithm === 'ed25519' ? ED25519 : { name: 'ECDSA', hash: 'SHA-256' };
  return new Uint8Array(await crypto.subtle.sign(params, privateKey, bytes));
}

// A PKCS#10 request for the key pair, CN = person, signed by the key itself.
export async function certificateRequest(pair, algorithm, person) {
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  const name = seq(tlv(0x31, seq(Uint8Array.from(OID_CN), tlv(0x0c, enc.encode(person)))));
  const info = seq(tlv(0x02, [0]), name, spki, Uint8Array.from([0xa0, 0x00]));
  const ed = algorithm === 'ed25519';
  const signature = await rawSign(pair.privateKey, algorithm, info);
  const value = ed ? signature : p1363ToDer(signature);
  const csr = seq(info, seq(Uint8Array.from(ed ? OID_ED25519 : OID_ECDSA_SHA256)), tlv(0x03, cat([0], value)));
  return { csr, spki };
}

// An existing key (PKCS#8 PEM, e.g. the demo's), imported non-extractable.
export async function importPkcs8(pem) {
  const der = pemToDer(pem);
  for (const [params, algorithm] of [[ED25519, 'ed25519'], [P256, 'ecdsa-p256-sha256-p1363']]) {
    try {
      return { privateKey: await crypto.subtle.importKey('pkcs8', der, params, false, ['sign']), algorithm };
    } catch { /* try the next kind */ }
  }
  throw new Error('unsupported key');
}

// ---- the signed act ----
// RFC 3339 UTC with six fraction digits, as the payload's `time` is written.
export const signingTime = (date = new Date()) => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

// RFC 8785: keys sorted, no whitespace; JSON.stringify escapes strings as JCS does.
export function canonical(payload) {
  return `{${Object.keys(payload).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(payload[k])}`).join(',')}}`;
}

// Signs `payload` with the device key; the request's `signature` object.
export async function signAct(record, payload) {
  const bytes = enc.encode(canonical(payload));
  const value = await rawSign(record.privateKey, record.algorithm, bytes);
  return { algorithm: record.algorithm, value: toBase64(value), certificate: record.fingerprint, signed_at: payload.time };
}
