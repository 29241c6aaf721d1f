// The guard channel under attack: who may register and connect, what a request must carry, what
// a client accepts as an answer, and whether malformed, oversized, slow or flooding clients can
// stall the guard for a real terminal. Every wait is bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { newSecret, startGuardServer } from '../../src/channel/server';
import type { GuardHandler, GuardServer } from '../../src/channel/server';
import { askGuard, loopbackPeerUid } from '../../src/channel/client';
import { MAX_REQUEST_BYTES, handshakeFor, helloLine, proofLine } from '../../src/channel/protocol';
import { liveWindows, registerWindow, registryDir, windowFor } from '../../src/channel/registry';
import { ROOT } from './helpers';
import { fakeGuard } from './fakeGuard';
import type { Fake } from './fakeGuard';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const calls: string[] = [];
const allowAll: GuardHandler = async (req) => {
  calls.push(req.command);
  return { outcome: 'allow', decision: 'allow', by: 'policy', message: `ok ${req.command}` };
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/**
 * Open a connection, write `payload`, and report what came back and whether the server closed it:
 * as soon as it closes, or after `waitMs`.
 */
function raw(port: number, payload: string | Buffer, waitMs = 300): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let data = '';
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ data, closed });
    };
    s.setEncoding('utf8');
    s.on('data', (d: string) => (data += d));
    s.on('close', () => finish(true));
    s.on('error', () => undefined);
    s.on('connect', () => s.write(payload));
    const timer = setTimeout(() => finish(false), waitMs);
  });
}

async function withServer<T>(opts: Partial<Parameters<typeof startGuardServer>[0]>, fn: (s: GuardServer) => Promise<T>): Promise<T> {
  const server = await startGuardServer({ handler: allowAll, ...opts });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

const request = (secret: string, fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ v: 2, secret, id: `id-${Math.random().toString(16).slice(2)}`, type: 'check', command: 'ls', ...fields }) + '\n';

/** The hello of `secret`'s guard, as a client opens with it. */
const hello = (secret: string): string => helloLine(handshakeFor(secret).hello);

/**
 * As `raw`, after the handshake: the hello goes first, and the guard's proof, which must come
 * back first, is taken off what it answered.
 */
async function rawAfterHello(server: GuardServer, payload: string | Buffer, waitMs = 300): Promise<{ data: string; closed: boolean }> {
  const r = await raw(server.port, Buffer.concat([Buffer.from(hello(server.secret)), Buffer.from(payload)]), waitMs);
  const proof = proofLine(handshakeFor(server.secret).proof);
  assert.ok(r.data.startsWith(proof), `the guard proves itself first, got ${JSON.stringify(r.data.slice(0, 200))}`);
  return { data: r.data.slice(proof.length), closed: r.closed };
}

// The registry: who can tell a hook where a window listens.

function registry(): { dir: string; env: Record<string, string> } {
  const dir = join(mkdtempSync(join(tmpdir(), 'interlock-reg-')), 'reg');
  return { dir, env: { INTERLOCK_REGISTRY_DIR: dir } };
}

test('the registry directory is 0700 and window files 0600; a loose directory is tightened', () => {
  const { dir, env } = registry();
  const w = registerWindow({ pid: process.pid, port: 1, secret: 's', folders: ['/w'], app: 'test' }, env);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(w.file).mode & 0o777, 0o600);
  chmodSync(dir, 0o777);
  registryDir(env);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  w.dispose();
});

test('window files with the wrong mode, a symlink, or malformed fields are ignored', () => {
  const { dir, env } = registry();
  const good = registerWindow({ pid: process.pid, port: 1000, secret: 's', folders: ['/w'], app: 'test' }, env);
  const entry = (port: number, extra: object = {}) => JSON.stringify({ pid: process.pid, port, secret: 's', folders: ['/'], app: 'x', ...extra });
  writeFileSync(join(dir, 'window-1-readable.json'), entry(1001));
  chmodSync(join(dir, 'window-1-readable.json'), 0o640);
  writeFileSync(join(dir, 'window-1-groupwritable.json'), entry(1002));
  chmodSync(join(dir, 'window-1-groupwritable.json'), 0o620);
  const outside = join(dir, '..', 'planted.json');
  writeFileSync(outside, entry(1003), { mode: 0o600 });
  symlinkSync(outside, join(dir, 'window-1-link.json'));
  writeFileSync(join(dir, 'window-1-badport.json'), entry(0, { port: 'x' }), { mode: 0o600 });
  writeFileSync(join(dir, 'window-1-nofolders.json'), entry(1004, { folders: 'not-a-list' }), { mode: 0o600 });
  writeFileSync(join(dir, 'window-1-torn.json'), entry(1005).slice(0, 20), { mode: 0o600 });
  assert.deepEqual(liveWindows(env).map((w) => w.port), [1000]);
  assert.equal(windowFor(['/w/x'], env)?.port, 1000);
  assert.equal(windowFor(['/elsewhere'], env), undefined, 'no planted window claims "/"');
  good.dispose();
});

test('a window file owned by another user is ignored', { skip: !isRoot && 'needs root to chown' }, () => {
  const { dir, env } = registry();
  const file = join(dir, 'window-1-foreign.json');
  registryDir(env);
  writeFileSync(file, JSON.stringify({ pid: process.pid, port: 2000, secret: 's', folders: ['/'], app: 'x' }), { mode: 0o600 });
  assert.deepEqual(liveWindows(env).map((w) => w.port), [2000], 'ours, it counts');
  chownSync(file, NOBODY, NOBODY);
  assert.deepEqual(liveWindows(env), []);
});

test('a squatted registry name (a symlink or another user’s directory) falls back to a private one in the home directory', () => {
  const base = mkdtempSync(join(tmpdir(), 'interlock-reg-'));
  const runtime = join(base, 'runtime');
  const home = join(base, 'home');
  mkdirSync(runtime);
  mkdirSync(join(base, 'planted'));
  symlinkSync(join(base, 'planted'), join(runtime, 'interlock'));
  const env = { XDG_RUNTIME_DIR: runtime, HOME: home };
  const w = registerWindow({ pid: process.pid, port: 5000, secret: 's', folders: ['/w'], app: 'test' }, env);
  try {
    assert.equal(registryDir(env), join(home, '.cache', 'interlock', `registry-${process.getuid?.() ?? 'user'}`));
    assert.equal(statSync(registryDir(env)).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(join(base, 'planted')), [], 'nothing was written where the symlink points');
    assert.equal(windowFor(['/w/x'], env)?.port, 5000, 'a hook with the same environment finds the window');
  } finally {
    w.dispose();
    rmSync(base, { recursive: true, force: true });
  }
});

test('a window whose pid now belongs to another user is dead, and its file is removed', { skip: !isRoot && 'needs root to start a process as another user' }, async () => {
  const { dir, env } = registry();
  registryDir(env);
  const other = spawn('sleep', ['10'], { uid: NOBODY, gid: NOBODY, stdio: 'ignore' });
  try {
    await new Promise((r) => other.once('spawn', r));
    const file = join(dir, `window-${other.pid}-reused.json`);
    writeFileSync(file, JSON.stringify({ pid: other.pid, port: 4000, secret: 's', folders: ['/'], app: 'x' }), { mode: 0o600 });
    assert.deepEqual(liveWindows(env), []);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    other.kill('SIGKILL');
  }
});

test('a registry directory that is a symlink, or owned by another user, is refused', () => {
  const base = mkdtempSync(join(tmpdir(), 'interlock-reg-'));
  const real = join(base, 'real');
  mkdirSync(real, { mode: 0o700 });
  writeFileSync(join(real, 'window-1-x.json'), JSON.stringify({ pid: process.pid, port: 3000, secret: 's', folders: ['/'], app: 'x' }), { mode: 0o600 });
  const link = join(base, 'link');
  symlinkSync(real, link);
  const env = { INTERLOCK_REGISTRY_DIR: link };
  assert.throws(() => registryDir(env), /not a directory owned by this user/);
  assert.deepEqual(liveWindows(env), [], 'a hook finds no window through it');
  assert.equal(windowFor(['/x'], env), undefined);
  assert.throws(() => registerWindow({ pid: process.pid, port: 1, secret: 's', folders: [], app: 'x' }, env));
  assert.deepEqual(readdirSync(real), ['window-1-x.json'], 'nothing was written through the link');
  if (isRoot) {
    const foreign = join(base, 'foreign');
    mkdirSync(foreign, { mode: 0o700 });
    chownSync(foreign, NOBODY, NOBODY);
    assert.throws(() => registryDir({ INTERLOCK_REGISTRY_DIR: foreign }), /not a directory owned by this user/);
  }
  rmSync(base, { recursive: true, force: true });
});

// Requests: the secret, replays, malformed and oversized input.

test('only a client with the hello is answered the proof, and only a request with the secret is answered', async () => {
  calls.length = 0;
  await withServer({}, async (server) => {
    const wrongSameLength = server.secret.slice(0, -1) + (server.secret.endsWith('0') ? '1' : '0');
    const { hello: rightHello, proof } = handshakeFor(server.secret);
    // Before the hello: nothing at all comes back, not even the proof, which would let whoever holds
    // it pass as the guard once the port is theirs.
    const strangers = [
      hello(wrongSameLength), hello('short'), helloLine(''), helloLine(rightHello.toUpperCase()),
      JSON.stringify({ v: 1, hello: rightHello }) + '\n', helloLine(rightHello.slice(1)),
      // A version 1 client (a shell hooked before an upgrade) sends its request first, secret and
      // all: refused unanswered, which it treats as an unreachable guard.
      JSON.stringify({ v: 1, secret: server.secret, id: 'old-shell', type: 'check', command: 'ls' }) + '\n',
      request(server.secret), JSON.stringify({ v: 2, proof }) + '\n', 'GET / HTTP/1.1\r\n\r\n',
    ];
    for (const payload of strangers) {
      const r = await raw(server.port, payload, 150);
      assert.deepEqual(r, { data: '', closed: true }, payload);
    }
    // After the hello: the secret is still needed for every request.
    for (const payload of [request(wrongSameLength), request('short'), request(''), JSON.stringify({ v: 2, id: 'x', type: 'check', command: 'ls' }) + '\n']) {
      const r = await rawAfterHello(server, payload, 150);
      assert.deepEqual(r, { data: '', closed: true }, payload);
    }
    assert.deepEqual(calls, []);
    assert.match((await rawAfterHello(server, request(server.secret), 150)).data, /"outcome":"allow"/);
    assert.deepEqual(calls, ['ls']);
  });
});

test('a replayed request id is refused, on a new connection or the same one', async () => {
  await withServer({}, async (server) => {
    const req = request(server.secret, { id: 'replay-me' });
    assert.match((await rawAfterHello(server, req)).data, /"id":"replay-me"/);
    assert.deepEqual(await rawAfterHello(server, req), { data: '', closed: true });
    // On one connection: the second use of an id, after its answer, closes the connection unanswered.
    const again = await new Promise<{ lines: number; closed: boolean }>((resolve) => {
      const s = connect({ port: server.port, host: '127.0.0.1' });
      let data = '';
      s.setEncoding('utf8');
      s.on('error', () => undefined);
      s.on('connect', () => s.write(hello(server.secret) + request(server.secret, { id: 'twice' })));
      s.on('data', (d: string) => {
        data += d;
        // The proof, then the answer.
        if (data.split('\n').length === 3) s.write(request(server.secret, { id: 'twice' }));
      });
      s.on('close', () => resolve({ lines: data.split('\n').filter(Boolean).length, closed: true }));
      setTimeout(() => resolve({ lines: data.split('\n').filter(Boolean).length, closed: false }), 1000);
    });
    assert.deepEqual(again, { lines: 2, closed: true });
  });
});

test('malformed requests are refused without an answer and without reaching the handler', async () => {
  calls.length = 0;
  await withServer({}, async (server) => {
    const s = server.secret;
    const bad = [
      'not json\n', '[1,2,3]\n', 'null\n', '"a string"\n', '{}\n',
      request(s, { v: 1 }), request(s, { v: 3 }), request(s, { v: '2' }), request(s, { type: 'exec' }), request(s, { command: 42 }),
      request(s, { command: undefined }), request(s, { id: '' }), request(s, { id: 'x'.repeat(129) }), request(s, { cwd: ['/'] }),
      request(s, { source: 'terminal' }), request(s, { source: { kind: 'root' } }), request(s, { source: { kind: 'terminal', pid: -1 } }),
      request(s, { source: { kind: 'terminal', pid: '12' } }), request(s, { source: { kind: 'task' } }), request(s, { source: { kind: 'agent', agent: 'x'.repeat(5000) } }),
      request(s, { hook: 'findings' }), request(s, { hook: { subject: 'shell', reasons: 'none', deadline: 1 } }),
      request(s, { hook: { subject: 'tool', reasons: [{ rule: 'x', message: 'y', decision: 'maybe' }], deadline: 1 } }),
      request(s, { hook: { subject: 'sql', reasons: [], deadline: 1 } }), request(s, { hook: { subject: 'files', reasons: [], deadline: 'soon' } }),
      '\u0000\u0001\u0002\n', Buffer.from([0xff, 0xfe, 0x0a]),
    ];
    for (const payload of bad) assert.deepEqual(await rawAfterHello(server, payload, 120), { data: '', closed: true }, String(payload));
    assert.deepEqual(calls, []);
    // The shapes every hook sends are still accepted.
    for (const source of [{ kind: 'terminal', shell: 'bash', pid: process.pid }, { kind: 'agent', agent: 'claude', tool: 'Bash', event: 'PreToolUse' }, { kind: 'task', name: 'deploy' }]) {
      assert.match((await rawAfterHello(server, request(s, { source }), 150)).data, /"outcome":"allow"/, JSON.stringify(source));
    }
    const hook = { subject: 'tool', reasons: [{ rule: 'mcp/delete', message: 'deletes a repository', decision: 'confirm', risk: 'high' }], deadline: Date.now() + 5000 };
    assert.match((await rawAfterHello(server, request(s, { hook }), 150)).data, /"outcome":"allow"/, 'an agent hook’s findings');
  });
});

test('oversized requests are refused, counted in bytes; one just under the limit is answered', async () => {
  await withServer({}, async (server) => {
    assert.equal((await raw(server.port, 'x'.repeat(MAX_REQUEST_BYTES + 10), 400)).closed, true, 'no newline');
    const big = request(server.secret, { command: 'x'.repeat(MAX_REQUEST_BYTES) });
    assert.deepEqual(await rawAfterHello(server, big, 400), { data: '', closed: true }, 'with a newline');
    // 100,000 three-byte characters: 100 K characters, 300 KiB.
    const wide = request(server.secret, { command: '\u20ac'.repeat(100_000) });
    assert.deepEqual(await rawAfterHello(server, wide, 400), { data: '', closed: true }, 'multi-byte characters count as bytes');
    const fits = request(server.secret, { command: 'y'.repeat(MAX_REQUEST_BYTES - 1024) });
    assert.match((await rawAfterHello(server, fits, 800)).data, /"outcome":"allow"/);
  });
});

test('a long request sent in tiny pieces is read in linear time', async () => {
  await withServer({}, async (server) => {
    const line = hello(server.secret) + request(server.secret, { command: 'z'.repeat(200_000) });
    const answer = await new Promise<string>((resolve) => {
      const s = connect({ port: server.port, host: '127.0.0.1' });
      s.setNoDelay(true);
      let data = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => {
        data += d;
        // The proof, then the answer.
        if (data.split('\n').length > 2) {
          s.destroy();
          resolve(data);
        }
      });
      s.on('error', () => resolve(data));
      s.on('connect', async () => {
        for (let i = 0; i < line.length; i += 64) {
          if (!s.write(line.slice(i, i + 64))) await new Promise((r) => s.once('drain', r));
        }
      });
      setTimeout(() => resolve(data), 8000);
    });
    assert.match(answer, /"outcome":"allow"/);
  });
});

test('a client trickling a byte a second (slowloris) is cut off at the deadline, not kept alive by the bytes', async () => {
  await withServer({ firstRequestMs: 1500 }, async (server) => {
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const s = connect({ port: server.port, host: '127.0.0.1' });
      const line = hello(server.secret) + request(server.secret);
      let i = 0;
      const timer = setInterval(() => s.write(line[i++] ?? ' '), 1000);
      s.on('error', () => undefined);
      s.on('close', () => {
        clearInterval(timer);
        resolve(Date.now() - started);
      });
      setTimeout(() => s.destroy(), 6000);
    });
    assert.ok(closedAfter >= 1400 && closedAfter < 3000, `closed after ${closedAfter} ms`);
  });
});

test('blank lines do not keep a connection that never proves the secret', async () => {
  await withServer({ firstRequestMs: 500 }, async (server) => {
    const s = connect({ port: server.port, host: '127.0.0.1' });
    s.on('error', () => undefined);
    const timer = setInterval(() => s.write('\n'), 50);
    const closed = await new Promise<boolean>((resolve) => {
      s.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 2000);
    });
    clearInterval(timer);
    s.destroy();
    assert.ok(closed);
  });
});

test('at the connection cap, strangers are evicted oldest first and proven clients keep their places', async () => {
  await withServer({ maxConnections: 8, firstRequestMs: 5000, idleMs: 5000 }, async (server) => {
    const open: Socket[] = [];
    // A connection, open once connected, or once answered when it sends something.
    const opened = (payload?: string) =>
      new Promise<Socket>((resolve) => {
        const s = connect({ port: server.port, host: '127.0.0.1' }, () => {
          if (!payload) return resolve(s);
          s.write(payload);
          s.once('data', () => resolve(s));
        });
        s.on('error', () => undefined);
        open.push(s);
      });
    try {
      // Four proven clients that stay connected (a ping each, answered), then strangers past the cap.
      const proven = await Promise.all(Array.from({ length: 4 }, () => opened(hello(server.secret) + JSON.stringify({ v: 2, secret: server.secret, id: `ping-${Math.random()}`, type: 'ping' }) + '\n')));
      for (let i = 0; i < 12; i++) await opened();
      await sleep(100);
      const r = await askGuard(server, { type: 'check', command: 'ls' }, 2000);
      assert.ok(r.ok, 'a real client still gets its answer');
      assert.ok(server.stats.evicted >= 8, `evicted ${server.stats.evicted}`);
      assert.ok(proven.every((s) => !s.destroyed && s.readyState === 'open'), 'no proven client was evicted');
    } finally {
      for (const s of open) s.destroy();
    }
  });
});

test('a client that goes away while its request waits is reported to the handler', async () => {
  let aborted: Promise<boolean> | undefined;
  const waiting: GuardHandler = (_req, ctx) => {
    aborted = new Promise((resolve) => {
      ctx?.signal.addEventListener('abort', () => resolve(true));
      setTimeout(() => resolve(false), 3000);
    });
    return aborted.then(() => ({ outcome: 'deny', decision: 'confirm', by: 'person', message: 'late' }));
  };
  await withServer({ handler: waiting }, async (server) => {
    await rawAfterHello(server, request(server.secret), 200);
    assert.equal(await aborted, true);
  });
});

// Answers: what a client accepts, and whom it tells the secret.

const allowLine = (id: unknown) => JSON.stringify({ v: 2, id, outcome: 'allow', decision: 'allow', by: 'policy', message: 'forged' }) + '\n';

/** The environment a guarded terminal has for the guard at `port` with `secret`. */
function terminalEnv(port: number, secret: string): Record<string, string> {
  const { hello: h, proof } = handshakeFor(secret);
  return { INTERLOCK_PORT: String(port), INTERLOCK_SECRET: secret, INTERLOCK_HELLO: h, INTERLOCK_PROOF: proof, INTERLOCK_ASK_TIMEOUT: '3', INTERLOCK_HOOK_DIR: join(ROOT, 'shell') };
}

/** Run `argv` (asynchronously: the fake guard runs in this process) and split its "rc|reply" output. */
function shellRun(argv: string[], env: Record<string, string>): Promise<{ rc: number; reply: string }> {
  return new Promise((resolve) => {
    const p = spawn(argv[0], argv.slice(1), { env: { PATH: process.env.PATH, HOME: tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.on('close', () => {
      const [rc, ...reply] = out.split('|');
      resolve({ rc: Number(rc), reply: reply.join('|') });
    });
  });
}

/** Ask through the bash hook's own /dev/tcp client. */
const bashAsk = (port: number, secret: string): Promise<{ rc: number; reply: string }> =>
  shellRun(['bash', '--norc', '--noprofile', '-c', `. "$INTERLOCK_HOOK_DIR/interlock-lib.bash"; __interlock_snapshot script; __interlock_ask "git push --force" bash; printf "%s|%s" "$?" "$__interlock_reply"`], terminalEnv(port, secret));

/** Ask through the zsh hook's own ztcp client (the hook loads in interactive zsh only). */
const zshAsk = (port: number, secret: string): Promise<{ rc: number; reply: string }> =>
  shellRun(['zsh', '-f', '-i', '-c', `source "$INTERLOCK_HOOK_DIR/interlock.zsh"; __interlock_ask "git push --force"; print -rn -- "$?|$__interlock_reply"`], terminalEnv(port, secret));

function nodeAsk(port: number, secret: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(ROOT, 'shell', 'ask.js'), '--shell', 'fish'], {
      env: { PATH: process.env.PATH, INTERLOCK_PORT: String(port), INTERLOCK_SECRET: secret, INTERLOCK_ASK_TIMEOUT: '3' },
    });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
    p.stdin.end('git push --force');
  });
}

const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;

/** Every client against `fake` with the window secret `secret`: none may take it for the guard. */
async function everyClientRefuses(fake: Fake, secret: string): Promise<void> {
  const node = await askGuard({ port: fake.port, secret }, { type: 'check', command: 'git push --force' }, 3000);
  assert.equal(node.ok, false, 'askGuard');
  const ask = await nodeAsk(fake.port, secret);
  assert.equal(ask.code, 3, `ask.js: ${ask.out}`);
  const bash = await bashAsk(fake.port, secret);
  assert.equal(bash.rc, 3, `bash: ${bash.reply}`);
  assert.doesNotMatch(bash.reply, /within/, 'bash read the fake\'s line, not a timeout');
  if (hasZsh) {
    const zsh = await zshAsk(fake.port, secret);
    assert.equal(zsh.rc, 3, `zsh: ${zsh.reply}`);
    assert.doesNotMatch(zsh.reply, /within/, 'zsh read the fake\'s line, not a timeout');
  }
}

// A squatter: the window is gone and another local user's process listens on its port. It never
// saw the secret, and nothing any guard sends lets it compute the proof.
const otherWindow = handshakeFor('a-secret-of-another-window');
const squatters: Array<{ name: string; greet?: () => string; prove?: (hello: string) => string | undefined; answer?: (req: Record<string, unknown>) => string }> = [
  { name: 'a made-up proof, then "allow" to everything', prove: () => proofLine('0'.repeat(64)), answer: (req) => allowLine(req.id) },
  { name: 'the proof of another window (all a stranger can collect from a live guard)', prove: () => proofLine(otherWindow.proof), answer: (req) => allowLine(req.id) },
  { name: 'the client\'s hello sent back', prove: (h) => `${h}\n`, answer: (req) => allowLine(req.id) },
  { name: 'an "allow" before anything is asked', greet: () => allowLine('x') + proofLine('0'.repeat(64)), answer: (req) => allowLine(req.id) },
  { name: 'no proof: the connection closed after the hello', prove: () => undefined },
];

for (const squatter of squatters) {
  test(`a port squatter that sends ${squatter.name}: no client takes it for the guard or tells it the secret`, async () => {
    const secret = newSecret();
    const fake = await fakeGuard(squatter);
    try {
      await everyClientRefuses(fake, secret);
      const got = fake.received();
      assert.ok(got.length > 0, 'the clients did connect');
      assert.ok(!got.includes(secret), 'the secret never reached the squatter');
      assert.ok(!got.includes(handshakeFor(secret).proof), 'nor the proof');
      assert.ok(!got.includes('git push'), 'nor the request');
      assert.deepEqual([...new Set(got.split('\n').filter(Boolean))], [helloLine(handshakeFor(secret).hello).trim()], 'only the hello');
    } finally {
      await fake.close();
    }
  });
}

// Answers that do not belong to the request, from a listener that did give the right proof (a
// confused guard, or one replaying an earlier exchange).
const forgeries: Array<{ name: string; answer: (req: Record<string, unknown>) => string }> = [
  { name: 'an answer to another request id', answer: () => allowLine('0123456789abcdef0123456789abcdef') },
  { name: 'a replayed answer from an earlier exchange', answer: () => allowLine('replayed-earlier-id') },
  { name: 'an answer without an id', answer: () => allowLine(undefined) },
  { name: 'a right id without an outcome', answer: (req) => JSON.stringify({ v: 2, id: req.id, message: 'no outcome' }) + '\n' },
  { name: 'a malformed answer', answer: () => '{"outcome":"allow",\n' },
];

for (const { name, answer } of forgeries) {
  test(`every client treats ${name} as no answer`, async () => {
    const secret = 's';
    const fake = await fakeGuard({ prove: (h) => (h === helloLine(handshakeFor(secret).hello).trim() ? proofLine(handshakeFor(secret).proof) : undefined), answer });
    try {
      await everyClientRefuses(fake, secret);
      assert.match(fake.received(), /"secret":"s"/, 'the proof was right, so the request was sent');
    } finally {
      await fake.close();
    }
  });
}

test('the Node client will not tell its secret to a port held by another user', { skip: !isRoot && 'needs root to start a process as another user' }, async () => {
  // The window died and another user's process took its port; it would answer "allow" to all.
  const rogue = spawn(process.execPath, ['-e', `
    const s = require('net').createServer((c) => {
      let b = '';
      c.on('data', (d) => { b += d; process.stdout.write('GOT ' + d.length + '\\n'); const nl = b.indexOf('\\n'); if (nl >= 0) c.write(JSON.stringify({ v: 1, id: JSON.parse(b.slice(0, nl)).id, outcome: 'allow', decision: 'allow', by: 'person', message: 'rogue' }) + '\\n'); });
    });
    s.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + s.address().port + '\\n'));
    setTimeout(() => process.exit(0), 8000);`], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  rogue.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  try {
    const port = Number(await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the rogue listener did not start: ${out}`)), 5000);
      rogue.stdout.on('data', () => {
        const m = /PORT (\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        }
      });
    }));
    const r = await askGuard({ port, secret: 'the-window-secret' }, { type: 'check', command: 'git push --force' }, 3000);
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.error, /another user's process \(uid 65534\)/);
    await sleep(100);
    assert.doesNotMatch(out, /GOT/, 'the rogue received nothing, the secret included');
  } finally {
    rogue.kill('SIGKILL');
  }
});

test('loopbackPeerUid names the owner of our own guard, and nothing for an unknown connection', async () => {
  await withServer({}, async (server) => {
    const s = await new Promise<Socket>((resolve) => {
      const c = connect({ port: server.port, host: '127.0.0.1' }, () => resolve(c));
    });
    try {
      if (process.platform === 'linux') assert.equal(loopbackPeerUid(server.port, s.localPort as number), process.getuid?.());
      assert.equal(loopbackPeerUid(server.port, 1), undefined);
      assert.equal(loopbackPeerUid(server.port, s.localPort as number, ['/nonexistent']), undefined);
    } finally {
      s.destroy();
    }
  });
});

// Floods: a real terminal's round trip while strangers hammer the port, against the same without.

const ATTACK = `
const net = require('net');
const port = Number(process.argv[1]);
const until = Date.now() + Number(process.argv[2]);
const junk = Buffer.from('garbage that is not json\\n'.repeat(4000));
const counts = { silent: 0, junk: 0, slow: 0, oversized: 0, forged: 0, forgedHello: 0 };
const open = (onConnect) => {
  const s = net.connect({ port, host: '127.0.0.1' });
  s.on('error', () => undefined);
  s.on('connect', () => onConnect(s));
  return s;
};
// 300 silent connections, reopened as they are closed (more than the cap of 256).
const silent = () => { if (Date.now() < until) { counts.silent++; open(() => undefined).on('close', () => setTimeout(silent, 5)); } };
for (let i = 0; i < 300; i++) silent();
// 20 slowloris connections, a byte a second.
for (let i = 0; i < 20; i++) open((s) => { counts.slow++; const t = setInterval(() => s.write('{'), 1000); s.on('close', () => clearInterval(t)); });
// Junk floods: thousands of junk lines per connection, over and over.
const flood = () => { if (Date.now() < until) open((s) => { counts.junk++; s.end(junk); }).on('close', () => setImmediate(flood)); };
for (let i = 0; i < 4; i++) flood();
// Oversized lines and forged secrets.
const big = Buffer.alloc(300 * 1024, 120);
const oversized = () => { if (Date.now() < until) open((s) => { counts.oversized++; s.write(big); }).on('close', () => setImmediate(oversized)); };
oversized();
const forged = () => { if (Date.now() < until) open((s) => { counts.forged++; s.write(JSON.stringify({ v: 1, secret: 'f'.repeat(64), id: String(Math.random()), type: 'check', command: 'rm -rf /' }) + '\\n'); }).on('close', () => setImmediate(forged)); };
for (let i = 0; i < 2; i++) forged();
const forgedHello = () => { if (Date.now() < until) open((s) => { counts.forgedHello++; s.write(JSON.stringify({ v: 2, hello: 'f'.repeat(64) }) + '\\n'); }).on('close', () => setImmediate(forgedHello)); };
for (let i = 0; i < 2; i++) forgedHello();
const stop = () => { process.stdout.write(JSON.stringify(counts) + '\\n', () => process.exit(0)); };
process.on('SIGTERM', stop);
setTimeout(stop, Number(process.argv[2]));
`;

/**
 * One request as the bash hook sends it (one connection: the hello, the proof, the request line,
 * one answer line), so the time measured is the guard's and the wire's, not a client library's.
 */
function shellAsk(port: number, secret: string, command: string, timeoutMs = 5000): Promise<{ ok: boolean; why?: string }> {
  const id = randomBytes(16).toString('hex');
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let data = '';
    const done = (ok: boolean, why?: string): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ ok, why });
    };
    const timer = setTimeout(() => done(false, 'no answer in time'), timeoutMs);
    s.setEncoding('utf8');
    const { hello: h, proof } = handshakeFor(secret);
    let proven = false;
    s.on('connect', () => s.write(helloLine(h)));
    s.on('data', (d: string) => {
      data += d;
      const nl = data.indexOf('\n');
      if (nl < 0) return;
      if (!proven) {
        if (data.slice(0, nl + 1) !== proofLine(proof)) return done(false, `no proof: ${data}`);
        proven = true;
        data = data.slice(nl + 1);
        s.write(`{"v":2,"secret":"${secret}","id":"${id}","type":"check","command":${JSON.stringify(command)},"cwd":"/tmp","source":{"kind":"terminal","shell":"bash","pid":${process.pid}}}\n`);
        return;
      }
      done(data.slice(0, nl).includes(`"id":"${id}"`), data.slice(0, nl));
    });
    s.on('error', (e) => done(false, e.message));
    s.on('close', () => done(false, 'closed without an answer'));
  });
}

async function roundTrips(server: GuardServer, n: number): Promise<{ ms: number[]; failed: string[] }> {
  const ms: number[] = [];
  const failed: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await shellAsk(server.port, server.secret, `git status ${i}`);
    ms.push(performance.now() - t);
    if (!r.ok) failed.push(r.why ?? '?');
    await sleep(2);
  }
  return { ms, failed };
}

test('a flood of silent, junk, slow, oversized and forged clients does not stall a real terminal', async (t) => {
  await withServer({ firstRequestMs: 3000 }, async (server) => {
    await roundTrips(server, 20); // warm-up
    const quiet = await roundTrips(server, 100);
    assert.deepEqual(quiet.failed, []);
    // The attack runs in a process of its own, as a hostile local program would; it reports what it
    // sent when told to stop (SIGTERM) or after 20 s at most.
    const attacker = spawn(process.execPath, ['-e', ATTACK, String(server.port), '20000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let report = '';
    attacker.stdout.setEncoding('utf8').on('data', (d: string) => (report += d));
    const attackDone = new Promise<void>((r) => attacker.on('close', () => r()));
    try {
      await sleep(500); // let the flood build up
      const stats0 = { ...server.stats };
      const loud = await roundTrips(server, 100);
      assert.deepEqual(loud.failed, [], 'every real request was answered during the attack');
      attacker.kill('SIGTERM');
      await attackDone;
      const counts = JSON.parse(report || '{}') as Record<string, number>;
      const line = (name: string, xs: number[]) => `${name}: p50 ${quantile(xs, 0.5).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms`;
      t.diagnostic(line('round trip without attack', quiet.ms));
      t.diagnostic(line('round trip under attack', loud.ms));
      t.diagnostic(`attack connections: ${JSON.stringify(counts)}; server refused ${server.stats.refused - stats0.refused}, evicted ${server.stats.evicted - stats0.evicted} while measuring`);
      assert.ok(quantile(loud.ms, 0.99) < 2000, `p99 under attack ${quantile(loud.ms, 0.99).toFixed(1)} ms`);
      assert.ok(server.stats.evicted > 0 && server.stats.refused > 0);
      // Once the attackers are gone, every connection they held is closed.
      await sleep(200);
      assert.ok(server.stats.open <= 2, `${server.stats.open} connections still open`);
    } finally {
      attacker.kill('SIGKILL');
    }
  });
});
