// @ts-check
// The part every scripted model server shares: a Node http server on 127.0.0.1 that logs each
// request and hands its parsed JSON body to the API's own handler.
import { createServer } from 'node:http';

/**
 * @typedef {{ method: string, path: string, body: any, at: number }} Seen
 * @typedef {{ url: string, seen: Seen[], close: () => Promise<void> }} ModelServer
 * @typedef {(seen: Seen, res: import('node:http').ServerResponse) => void} Handler
 */

/** Start a server answering every request with `handler`; resolves once it listens. */
export function serve(/** @type {Handler} */ handler) {
  /** @type {Seen[]} */
  const seen = [];
  const server = createServer((req, res) => {
    const chunks = /** @type {Buffer[]} */ ([]);
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const entry = { method: req.method ?? 'GET', path: req.url ?? '/', body, at: Date.now() };
      seen.push(entry);
      try {
        handler(entry, res);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err) } }));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve(/** @type {ModelServer} */ ({
        url: `http://127.0.0.1:${address.port}`,
        seen,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      }));
    });
  });
}

/** Write a server-sent-events stream: each item `[event name or null, data]`. */
export function sse(/** @type {import('node:http').ServerResponse} */ res, /** @type {[string | null, unknown][]} */ events) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const [event, data] of events) {
    res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
  res.end();
}

export function json(/** @type {import('node:http').ServerResponse} */ res, /** @type {unknown} */ data, status = 200) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(data));
}

/** Every string inside a value, joined: what a tool result said, however the API nests it. */
export function textOf(/** @type {unknown} */ value) {
  /** @type {string[]} */
  const out = [];
  const walk = (/** @type {unknown} */ v) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out.join('\n');
}
