import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { existsSync, mkdtempSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGuardServer } from '../../src/channel/server';
import type { GuardHandler } from '../../src/channel/server';
import { askGuard } from '../../src/channel/client';
import { endpointFile, readEndpoint, registerWindow, removeEndpoint, windowFor, liveWindows, writeEndpoint } from '../../src/channel/registry';
import { handshakeFor, helloLine } from '../../src/channel/protocol';

const allowAll: GuardHandler = async (req) => ({ outcome: 'allow', decision: 'allow', by: 'policy', message: `ok ${req.command}` });

function raw(port: number, payload: string, waitMs = 300): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let data = '';
    let closed = false;
    s.setEncoding('utf8');
    s.on('data', (d: string) => (data += d));
    s.on('close', () => (closed = true));
    s.on('error', () => undefined);
    s.on('connect', () => s.write(payload));
    setTimeout(() => {
      s.destroy();
      resolve({ data, closed });
    }, waitMs);
  });
}

test('a request with the secret gets its answer, echoing its id', async () => {
  const server = await startGuardServer({ handler: allowAll });
  try {
    const r = await askGuard(server, { type: 'check', command: 'ls' }, 2000);
    assert.ok(r.ok);
    assert.equal(r.answer.outcome, 'allow');
    assert.equal(r.answer.message, 'ok ls');
  } finally {
    await server.close();
  }
});

test('a wrong or missing secret is dropped unanswered', async () => {
  const server = await startGuardServer({ handler: allowAll });
  try {
    const wrong = await askGuard({ port: server.port, secret: 'f'.repeat(64) }, { type: 'check', command: 'ls' }, 1000);
    assert.equal(wrong.ok, false);
    const none = await raw(server.port, JSON.stringify({ v: 1, id: 'x', type: 'check', command: 'ls' }) + '\n');
    assert.equal(none.data, '');
    assert.equal(none.closed, true);
    assert.equal(server.stats.answered, 0);
  } finally {
    await server.close();
  }
});

test('malformed, oversized and replayed requests are refused', async () => {
  const server = await startGuardServer({ handler: allowAll });
  try {
    assert.equal((await raw(server.port, 'not json\n')).data, '');
    assert.equal((await raw(server.port, 'x'.repeat(300 * 1024))).closed, true);
    const req = helloLine(handshakeFor(server.secret).hello) + JSON.stringify({ v: 2, secret: server.secret, id: 'same', type: 'check', command: 'ls' }) + '\n';
    assert.match((await raw(server.port, req)).data, /"outcome":"allow"/);
    assert.doesNotMatch((await raw(server.port, req)).data, /outcome/);
  } finally {
    await server.close();
  }
});

test('a silent client is closed and does not stall others', async () => {
  const server = await startGuardServer({ handler: allowAll, idleMs: 200 });
  try {
    const silent = raw(server.port, '', 600);
    const r = await askGuard(server, { type: 'check', command: 'ls' }, 2000);
    assert.ok(r.ok);
    assert.equal((await silent).closed, true);
  } finally {
    await server.close();
  }
});

test('16 terminals asking at once all get their own answers', async () => {
  const handler: GuardHandler = async (req) => {
    await new Promise((r) => setTimeout(r, 20));
    return { outcome: 'deny', decision: 'confirm', by: 'person', message: req.command };
  };
  const server = await startGuardServer({ handler });
  try {
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => askGuard(server, { type: 'check', command: `cmd-${i}` }, 5000)));
    answers.forEach((a, i) => {
      assert.ok(a.ok);
      assert.equal(a.answer.message, `cmd-${i}`);
    });
  } finally {
    await server.close();
  }
});

test('a guard that throws answers deny, never allow', async () => {
  const server = await startGuardServer({ handler: async () => { throw new Error('engine exploded'); } });
  try {
    const r = await askGuard(server, { type: 'check', command: 'ls' }, 2000);
    assert.ok(r.ok);
    assert.equal(r.answer.outcome, 'deny');
    assert.equal(r.answer.by, 'guard-error');
  } finally {
    await server.close();
  }
});

test('an unreachable guard is an error result, not an exception', async () => {
  const server = await startGuardServer({ handler: allowAll });
  const { port, secret } = server;
  await server.close();
  const r = await askGuard({ port, secret }, { type: 'check', command: 'ls' }, 1000);
  assert.equal(r.ok, false);
});

test('the window registry is private and finds the window guarding a path', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'interlock-reg-')), 'reg');
  const env = { INTERLOCK_REGISTRY_DIR: dir };
  const a = registerWindow({ pid: process.pid, port: 1, secret: 's', folders: ['/w/shop'], app: 'test' }, env);
  const b = registerWindow({ pid: process.pid, port: 2, secret: 's', folders: ['/w/shop/api'], app: 'test' }, env);
  try {
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(a.file).mode & 0o777, 0o600);
    assert.equal(windowFor(['/w/shop/api/src'], env)?.port, 2);
    assert.equal(windowFor(['/w/shop/web'], env)?.port, 1);
    assert.equal(windowFor(['/elsewhere'], env), undefined);
    // A dead window's file is ignored and removed; a file others can read is not trusted.
    writeFileSync(join(dir, 'window-999999999-dead.json'), JSON.stringify({ pid: 999_999_999, port: 3, secret: 's', folders: ['/w'], app: 'x' }), { mode: 0o600 });
    writeFileSync(join(dir, 'window-1-open.json'), JSON.stringify({ pid: process.pid, port: 4, secret: 's', folders: ['/'], app: 'x' }));
    chmodSync(join(dir, 'window-1-open.json'), 0o644);
    assert.deepEqual(liveWindows(env).map((w) => w.port).sort(), [1, 2]);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('the endpoint file: private, the same path for a window, read back, refused when anyone else could read it', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'interlock-reg-')), 'reg');
  const env = { INTERLOCK_REGISTRY_DIR: dir };
  const file = endpointFile('session-1', env);
  assert.equal(endpointFile('session-1', env), file);
  assert.notEqual(endpointFile('session-2', env), file);
  const first = writeEndpoint(file, { port: 1000, secret: 'a'.repeat(64) });
  assert.deepEqual(first, { port: 1000, secret: 'a'.repeat(64), ...handshakeFor('a'.repeat(64)) });
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readEndpoint(file), first);
  // A new guard for the same window replaces it; the old guard going away later leaves it alone.
  const second = writeEndpoint(file, { port: 2000, secret: 'b'.repeat(64) });
  removeEndpoint(file, 'a'.repeat(64));
  assert.deepEqual(readEndpoint(file), second);
  chmodSync(file, 0o640);
  assert.equal(readEndpoint(file), undefined, 'readable by the group');
  chmodSync(file, 0o600);
  const link = join(dir, 'endpoint-link');
  symlinkSync(file, link);
  assert.equal(readEndpoint(link), undefined, 'a symlink');
  writeFileSync(join(dir, 'endpoint-torn'), 'interlock-endpoint 2 2000 bbbb', { mode: 0o600 });
  assert.equal(readEndpoint(join(dir, 'endpoint-torn')), undefined, 'half a line');
  removeEndpoint(file, 'b'.repeat(64));
  assert.equal(existsSync(file), false);
});
