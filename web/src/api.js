// The API as the web app uses it: same origin, the session cookie (HttpOnly,
// set by POST /v1/login with cookie: true; no script ever sees the token),
// problem+json errors as exceptions, and live feeds that resume after a cut.

export class Problem extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.type = body?.type || '';
    this.title = body?.title || '';
    this.detail = body?.detail || '';
  }
}

// GET or send JSON; resolves to the parsed body, rejects with a Problem.
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && !init.headers['Idempotency-Key']) {
    init.headers['Idempotency-Key'] = 'web-' + crypto.randomUUID();
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new Problem(0, { title: 'network', detail: String(e.message || e) });
  }
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!response.ok) throw new Problem(response.status, parsed);
  return parsed;
}

export const bodyPath = (body) => `/v1/bodies/${encodeURIComponent(body)}`;

// A WebSocket feed from `from` on. onMessage gets each parsed message; after a
// cut it reconnects (1 s, 2 s, … up to 30 s) from the last position seen, so
// every change arrives exactly once (docs/API.md, "Feeds"). onState gets
// 'connecting' | 'live' | 'retrying'. Returns a function that closes it.
export function openFeed(path, from, onMessage, onState = () => {}) {
  let position = from;
  let socket = null;
  let closed = false;
  let delay = 1000;
  let timer = null;
  const connect = () => {
    onState('connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}${path}?from=${position}`);
    socket.onopen = () => { delay = 1000; onState('live'); };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (typeof message.position === 'number' && message.position > position) position = message.position;
      onMessage(message);
    };
    socket.onclose = () => {
      if (closed) return;
      onState('retrying');
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  };
  connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    if (socket) socket.close(1000);
  };
}
