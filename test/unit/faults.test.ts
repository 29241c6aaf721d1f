// Faults: a guard whose handler fails, an audit log that is damaged, a disk that is full (a real
// tmpfs, filled), a writer killed mid-stream, a guard process killed while a terminal waits, and
// an agent hook whose registered window is gone. Whatever breaks, the answer is never "allow"
// by accident, nothing crashes, and every acknowledged audit entry is on disk.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Module } from 'node:module';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { createHash } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGuardServer } from '../../src/channel/server';
import type { GuardHandler } from '../../src/channel/server';
import { askGuard } from '../../src/channel/client';
import { registerWindow } from '../../src/channel/registry';
import { handshakeFor, proofLine } from '../../src/channel/protocol';
import { openAuditLog, parseAuditEntry, verifyAuditText } from '../../src/audit/auditLog';
import type { AuditEntry, AuditFields } from '../../src/audit/auditLog';
import { environmentFrom } from '../../src/engine/environment';
import type { Decision } from '../../src/engine/types';
import { buildPrivateCli } from './privateCli';
import { ROOT, check, engine } from './helpers';
import { assess } from '../../src/impact/assess';
import { listSnapshots, takeSnapshot } from '../../src/snapshot/store';

const isRoot = process.getuid?.() === 0;
const scratch = mkdtempSync(join(tmpdir(), 'interlock-faults-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const fields = (i: number, detail?: string): AuditFields => ({ source: 'terminal', command: `cmd ${i}`, decision: 'confirm', outcome: 'denied', by: 'person', detail });

// The guard's handler fails: the answer is a refusal, never silence and never an allow.

const failing: Array<{ name: string; handler: GuardHandler }> = [
  { name: 'rejects with an Error', handler: async () => { throw new Error('engine exploded'); } },
  { name: 'throws synchronously', handler: (() => { throw new Error('sync boom'); }) as unknown as GuardHandler },
  { name: 'rejects with undefined', handler: () => Promise.reject(undefined) },
  { name: 'rejects with a string', handler: () => Promise.reject('just text') },
  { name: 'resolves with nothing', handler: (async () => undefined) as unknown as GuardHandler },
  { name: 'resolves without an outcome', handler: (async () => ({ decision: 'allow', message: 'hm' })) as unknown as GuardHandler },
  { name: 'resolves with an outcome that is neither', handler: (async () => ({ outcome: 'maybe', decision: 'allow', by: 'policy', message: '' })) as unknown as GuardHandler },
  {
    name: 'resolves with an answer that cannot be serialised',
    handler: async () => {
      const full = { self: {} as object };
      full.self = full;
      return { outcome: 'allow', decision: 'allow', by: 'policy', message: 'ok', full: full as unknown as Decision };
    },
  },
];

for (const { name, handler } of failing) {
  test(`a guard handler that ${name} answers deny, and the guard keeps serving`, async () => {
    let calls = 0;
    const server = await startGuardServer({ handler: (req, ctx) => (calls++ === 0 ? handler(req, ctx) : Promise.resolve({ outcome: 'allow', decision: 'allow', by: 'policy', message: 'ok' })) });
    try {
      const r = await askGuard(server, { type: 'check', command: 'kubectl delete ns prod' }, 3000);
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.answer.outcome, 'deny');
      assert.equal(r.answer.by, 'guard-error');
      assert.match(r.answer.message, /guard failed .*not run/);
      const next = await askGuard(server, { type: 'check', command: 'ls' }, 3000);
      assert.ok(next.ok && next.answer.outcome === 'allow');
    } finally {
      await server.close();
    }
  });
}

// The real guard (src/extension/guard.ts) with the real engine, a stand-in for the `vscode` API,
// and an audit log on a real, full filesystem.

interface GuardModule {
  createGuard: (host: unknown, panel: unknown, audit: unknown, log: unknown) => { decide(req: { command: string; cwd?: string; source: unknown }): Promise<{ outcome: string; by: string; message: string }>; dispose(): void };
}

const shown: string[] = [];
async function loadGuard(): Promise<GuardModule> {
  return (await loadExtensionModule('guard.ts')) as GuardModule;
}

/** An extension module bundled with the stand-in `vscode` API. */
async function loadExtensionModule(file: string): Promise<unknown> {
  const esbuild = await import('esbuild');
  const stub = {
    EventEmitter: class<T> {
      private listeners: Array<(e: T) => void> = [];
      event = (l: (e: T) => void) => (this.listeners.push(l), { dispose: () => undefined });
      fire(e: T): void {
        for (const l of this.listeners) l(e);
      }
      dispose(): void {
        this.listeners = [];
      }
    },
    window: {
      showErrorMessage: async (m: string) => void shown.push(m),
      showWarningMessage: async (m: string) => void shown.push(m),
      showInformationMessage: async (m: string) => void shown.push(m),
      onDidEndTerminalShellExecution: () => ({ dispose: () => undefined }),
    },
    commands: { registerCommand: () => ({ dispose: () => undefined }) },
    tasks: { onDidEndTaskProcess: () => ({ dispose: () => undefined }) },
    workspace: { workspaceFolders: undefined, getWorkspaceFolder: () => undefined, asRelativePath: (p: string) => p },
    Uri: { file: (path: string) => ({ fsPath: path }) },
  };
  (globalThis as Record<string, unknown>).__interlockVscodeStub = stub;
  const out = await esbuild.build({
    entryPoints: [join(ROOT, 'src', 'extension', file)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    mainFields: ['module', 'main'],
    plugins: [{
      name: 'stand-ins',
      setup(b) {
        b.onResolve({ filter: /^(vscode|interlock:builtin-packs)$/ }, (a) => ({ path: a.path, namespace: 'stand-in' }));
        b.onLoad({ filter: /.*/, namespace: 'stand-in' }, (a) => ({
          contents: a.path === 'vscode' ? 'module.exports = globalThis.__interlockVscodeStub;' : 'module.exports = [];',
          loader: 'js',
        }));
      },
    }],
  });
  const filename = join(ROOT, 'src', 'extension', file.replace(/\.ts$/, '.bundle.cjs'));
  const mod = new Module(filename) as Module & { _compile(code: string, file: string): void };
  mod.filename = filename;
  mod._compile(out.outputFiles[0].text, filename);
  return mod.exports;
}

function engineHost(label: string) {
  const environment = environmentFrom({ label, source: 'test' });
  return {
    check: (command: string) => check(command, { env: label }),
    resolve: () => ({ environment }),
  };
}

function personPanel(answer: 'approved' | 'denied') {
  const asked: string[] = [];
  return { asked, ask: async (input: { command: string }) => (asked.push(input.command), answer === 'approved' ? { outcome: 'approved', scope: 'once' } : { outcome: 'denied', why: 'person' }) };
}

const logLines: string[] = [];
const channelLog = { error: (m: string) => logLines.push(m), warn: (m: string) => logLines.push(m), info: () => undefined, debug: () => undefined };

/** A small tmpfs of our own, or why there cannot be one here. */
function smallDisk(kib: number): { dir: string; unmount(): void } | { skip: string } {
  if (!isRoot) return { skip: 'mounting a tmpfs needs root' };
  const dir = mkdtempSync(join(scratch, 'disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()})` };
  const unmount = (): void => void spawnSync('umount', ['-l', dir]);
  process.once('exit', unmount);
  return { dir, unmount };
}

/** Fill the filesystem holding `dir` with one file; returns a function that frees it again. */
function fill(dir: string): () => void {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'a');
  const page = Buffer.alloc(4096, 0x2e);
  try {
    for (;;) writeSync(fd, page);
  } catch (e) {
    assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  return () => unlinkSync(file);
}

test('a full disk: append throws a clear error fast, leaves no lock or torn line, and the guard refuses production commands', async (t) => {
  const disk = smallDisk(64);
  if ('skip' in disk) return t.skip(disk.skip);
  try {
    const { createGuard } = await loadGuard();
    const path = join(disk.dir, 'audit.jsonl');
    const audit = openAuditLog(path);
    const prodPanel = personPanel('approved');
    const prod = createGuard(engineHost('production'), prodPanel, audit, channelLog);
    const devPanel = personPanel('approved');
    const dev = createGuard(engineHost('development'), devPanel, audit, channelLog);
    const terminal = { kind: 'terminal', shell: 'bash' };
    assert.equal((await prod.decide({ command: 'ls', source: terminal })).outcome, 'allow', 'room on the disk: allowed and logged');

    const free = fill(disk.dir);
    // The log's own last page still has room for a few entries; the disk is full once they are in.
    let slack = 0;
    for (; slack < 100; slack++) {
      try {
        audit.append(fields(slack));
      } catch {
        break;
      }
    }
    for (let i = 0; i < 2; i++) {
      const started = Date.now();
      assert.throws(() => audit.append(fields(i)), (e: NodeJS.ErrnoException) => /audit log .* could not be written: the disk is full/.test(e.message) && e.code === 'ENOSPC');
      assert.ok(Date.now() - started < 1000, `failed in ${Date.now() - started} ms, not after waiting on a stale lock`);
      assert.ok(!existsSync(`${path}.lock`), 'no lock file left behind');
    }

    const allow = await prod.decide({ command: 'ls', source: terminal });
    assert.deepEqual([allow.outcome, allow.by], ['deny', 'guard-error']);
    assert.match(allow.message, /audit log cannot be written .*disk is full.*production commands are refused/);
    const block = await prod.decide({ command: 'rm -rf /', source: terminal });
    assert.equal(block.outcome, 'deny');
    const confirm = await prod.decide({ command: 'git push --force origin main', source: terminal });
    assert.equal(confirm.outcome, 'deny');
    assert.match(confirm.message, /audit log cannot be written/);
    // Whether the person is asked first (and then refused anyway) depends on the guard's version.
    t.diagnostic(`production confirm with a full disk: person asked ${prodPanel.asked.length} time(s); answer: ${confirm.message}`);
    assert.match(audit.problem() ?? '', /the disk is full/, 'the log says why before anyone is asked');
    // Outside production an allowed command still runs (logged as an error, not silently).
    assert.equal((await dev.decide({ command: 'ls', source: terminal })).outcome, 'allow');
    assert.equal((await dev.decide({ command: 'git push --force origin main', source: terminal })).outcome, 'deny');
    // And the engine failing at the same time is still a refusal.
    const broken = createGuard({ ...engineHost('production'), check: async () => { throw new Error('engine exploded'); } }, prodPanel, audit, channelLog);
    const failed = await broken.decide({ command: 'ls', source: terminal });
    assert.deepEqual([failed.outcome, failed.by], ['deny', 'guard-error']);
    assert.ok(shown.some((m) => /could not write its audit log .*disk is full/.test(m)), 'the person is told');

    free();
    assert.equal((await prod.decide({ command: 'ls', source: terminal })).outcome, 'allow', 'space again: allowed again');
    const v = verifyAuditText(readFileSync(path, 'utf8'));
    assert.deepEqual(v.problems, [], 'no torn or partial line from the failed writes');
    assert.equal(v.entries, 2 + slack);
    for (const g of [prod, dev, broken]) g.dispose();
  } finally {
    disk.unmount();
  }
});

test('a write that only partly fits is taken back: every entry append returned is whole on disk', (t) => {
  const disk = smallDisk(64);
  if ('skip' in disk) return t.skip(disk.skip);
  try {
    const path = join(disk.dir, 'audit.jsonl');
    const audit = openAuditLog(path);
    const acked: AuditEntry[] = [];
    const free = fill(disk.dir);
    unlinkSync(join(disk.dir, 'filler'));
    // 60 KiB of filler: the log gets the last pages, and entries of ~1.5 KiB end up straddling a page
    // that cannot be had (a short write, then ENOSPC).
    writeFileSync(join(disk.dir, 'filler'), Buffer.alloc(56 * 1024));
    let error: Error | undefined;
    for (let i = 0; i < 100 && !error; i++) {
      try {
        acked.push(audit.append(fields(i, 'x'.repeat(1500))));
      } catch (e) {
        error = e as Error;
      }
    }
    assert.ok(error, 'the disk filled up');
    assert.match(error.message, /the disk is full/);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\n'), 'no torn tail');
    assert.deepEqual(verifyAuditText(text).problems, []);
    const onDisk = new Set(text.split('\n').filter(Boolean).map((l) => parseAuditEntry(l)?.hash));
    assert.ok(acked.length > 0 && acked.every((e) => onDisk.has(e.hash)), `${acked.length} acknowledged entries all on disk`);
    void free;
  } finally {
    disk.unmount();
  }
});

// A damaged log: appends go on, verify names the damaged lines, nothing throws.

interface Damage {
  name: string;
  damage: (lines: string[]) => string | Buffer;
  /** Lines verify must name, after the damage and two more appends. */
  problems: number[];
}

const damages: Damage[] = [
  { name: 'garbage lines in the middle', damage: (l) => [l[0], 'garbage', '\u0000\u0001binary', l[1], l[2]].join('\n') + '\n', problems: [2, 3, 4] },
  { name: 'a truncated (torn) last line', damage: (l) => [l[0], l[1], l[2].slice(0, 25)].join('\n'), problems: [3] },
  { name: 'a last line cut inside a multi-byte character', damage: (l) => Buffer.concat([Buffer.from([l[0], l[1], l[2].slice(0, 40) + '€€'].join('\n')), Buffer.from('€').subarray(0, 2)]), problems: [3] },
  { name: 'a line edited', damage: (l) => [l[0], l[1].replace('cmd 1', 'cmd X'), l[2]].join('\n') + '\n', problems: [2] },
  {
    name: 'a line edited with its hash recomputed',
    damage: (l) => {
      const e = JSON.parse(l[1]) as AuditEntry;
      const { hash: _h, ...body } = { ...e, command: 'cmd X' };
      const rehashed = { ...body, hash: createHashOf(body) };
      return [l[0], JSON.stringify(rehashed), l[2]].join('\n') + '\n';
    },
    problems: [3],
  },
  { name: 'a line removed', damage: (l) => [l[0], l[2]].join('\n') + '\n', problems: [2] },
  { name: 'lines swapped', damage: (l) => [l[0], l[2], l[1]].join('\n') + '\n', problems: [2, 3] },
  { name: 'JSON that is not an entry (null, a number, an array, a hashless object)', damage: (l) => [l[0], 'null', '42', '[]', '{"seq":"x"}', l[1], l[2]].join('\n') + '\n', problems: [2, 3, 4, 5, 6] },
  { name: 'an empty line', damage: (l) => [l[0], '', l[1], l[2]].join('\n') + '\n', problems: [2, 3] },
  { name: 'a last line of NUL bytes (a crash before the data reached the disk)', damage: (l) => [l[0], l[1], l[2]].join('\n') + '\n' + '\u0000'.repeat(300), problems: [4] },
];

function createHashOf(body: object): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

for (const { name, damage, problems } of damages) {
  test(`audit log with ${name}: appends go on and verify names the damaged lines`, () => {
    const path = join(mkdtempSync(join(scratch, 'audit-')), 'audit.jsonl');
    const log = openAuditLog(path);
    for (let i = 0; i < 3; i++) log.append(fields(i));
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    writeFileSync(path, damage(lines));
    const a = log.append(fields(10));
    const b = log.append(fields(11));
    const text = readFileSync(path, 'utf8');
    const all = text.split('\n');
    assert.equal(all.at(-1), '', 'the log ends with a newline');
    assert.deepEqual(all.slice(-3, -1).map((l) => parseAuditEntry(l)?.hash), [a.hash, b.hash], 'both new entries are whole lines of their own');
    assert.equal(b.seq, a.seq + 1);
    const v = verifyAuditText(text);
    assert.equal(v.ok, false);
    assert.deepEqual(v.problems.map((p) => p.line), problems, JSON.stringify(v.problems));
    // The chain holds again after the damage: the two new entries are not named.
    assert.ok(!v.problems.some((p) => p.line >= all.length - 2));
  });
}

test('verify never throws, whatever the text', () => {
  for (const text of ['', '\n', '\n\n\n', 'null', '{}', '[]', '"x"', '\u0000', 'x'.repeat(100_000), '{"hash":1}\n{"prev":null}', '{"__proto__":{"hash":"a"}}']) {
    const v = verifyAuditText(text);
    assert.equal(typeof v.ok, 'boolean');
  }
});

// Crashes: a writer killed with SIGKILL loses nothing it acknowledged; its lock does not hold others.

const WRITER = `
  const { openAuditLog } = require(${JSON.stringify(join(ROOT, 'src', 'audit', 'auditLog.ts'))});
  const log = openAuditLog(process.argv[1]);
  for (let i = 0; ; i++) {
    const e = log.append({ source: 'w' + process.argv[2], command: 'c' + i, outcome: 'allowed', by: 'policy', detail: 'y'.repeat(i % 300) });
    // Acknowledged: append returned, so the entry must be on disk whatever happens next.
    require('fs').writeSync(1, e.hash + '\\n');
  }
`;

test('writers killed with SIGKILL mid-stream lose no acknowledged entry, and the next writer goes on at once', async () => {
  const path = join(mkdtempSync(join(scratch, 'audit-')), 'audit.jsonl');
  const acked = new Set<string>();
  const writers: ChildProcess[] = [];
  const killed = Array.from({ length: 3 }, (_, w) => new Promise<void>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '-e', WRITER, path, String(w)], { stdio: ['ignore', 'pipe', 'inherit'] });
    writers.push(p);
    let buf = '';
    let count = 0;
    // Each writer is killed after a different number of acknowledgements, mid-stream.
    const killAt = 150 + 70 * w;
    p.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const h of lines) acked.add(h);
      count += lines.length;
      if (count >= killAt) p.kill('SIGKILL');
    });
    p.on('exit', () => resolve());
    setTimeout(() => p.kill('SIGKILL'), 15_000);
  }));
  await Promise.all(killed);
  const text = readFileSync(path, 'utf8');
  const hashes = new Set(text.split('\n').filter(Boolean).map((l) => parseAuditEntry(l)?.hash));
  const missing = [...acked].filter((h) => !hashes.has(h));
  assert.deepEqual(missing, [], `${acked.size} acknowledged entries, all on disk`);
  assert.ok(acked.size >= 150 + 220 + 290);
  // A SIGKILL cannot tear a write that already returned; only a torn final line would be allowed.
  const v = verifyAuditText(text);
  const lineCount = text.split('\n').filter(Boolean).length;
  assert.ok(v.problems.every((p) => p.line === lineCount), JSON.stringify(v.problems.slice(0, 3)));

  // A lock left by a writer that was killed while holding it does not make the next one wait.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(`${path}.lock`, `${dead.stdout}@${hostname()}`);
  const started = Date.now();
  openAuditLog(path).append(fields(1));
  assert.ok(Date.now() - started < 1000, `appended ${Date.now() - started} ms after finding a dead writer's lock`);
  assert.ok(!existsSync(`${path}.lock`));
  assert.deepEqual(readdirSync(join(path, '..')).filter((f) => f.includes('.stale')), []);
});

// The guard process dies while a terminal waits for its answer.

const GUARD_PROCESS = `
  const { startGuardServer } = require(${JSON.stringify(join(ROOT, 'src', 'channel', 'server.ts'))});
  startGuardServer({ handler: (req) => { process.stdout.write('PENDING ' + req.command + '\\n'); return new Promise(() => undefined); } })
    .then((s) => process.stdout.write('READY ' + s.port + ' ' + s.secret + '\\n'));
  setTimeout(() => process.exit(0), 20000);
`;

test('a guard process killed while a production terminal waits: the script is refused and the command does not run', async () => {
  const guard = spawn(process.execPath, ['--import', 'tsx', '-e', GUARD_PROCESS], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  guard.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    // The person is being asked: now the guard's process dies.
    if (/PENDING/.test(out)) guard.kill('SIGKILL');
  });
  try {
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`guard did not start: ${out}`)), 10_000);
      guard.stdout!.on('data', () => {
        const m = /READY (\d+) (\w+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m);
        }
      });
    });
    const dir = mkdtempSync(join(scratch, 'ws-'));
    const marker = join(dir, 'marker');
    const bash = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn('bash', ['-c', `touch ${marker}; echo after`], {
        cwd: dir,
        env: {
          PATH: process.env.PATH, BASH_ENV: join(ROOT, 'shell', 'interlock-noninteractive.bash'), INTERLOCK_HOOK_DIR: join(ROOT, 'shell'),
          INTERLOCK_PORT: ready[1], INTERLOCK_SECRET: ready[2], INTERLOCK_HELLO: handshakeFor(ready[2]).hello, INTERLOCK_PROOF: handshakeFor(ready[2]).proof, INTERLOCK_PRODUCTION: '1', INTERLOCK_ENVIRONMENT: 'production', INTERLOCK_ASK_TIMEOUT: '10',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      p.on('close', (code) => resolve({ code, stderr }));
    });
    assert.match(out, /PENDING touch/, 'the guard had the request when it died');
    assert.equal(bash.code, 126);
    assert.match(bash.stderr, /interlock: not run: the guard closed the connection without answering, and commands in production are refused without it/);
    assert.ok(!existsSync(marker), 'the command did not run');
  } finally {
    guard.kill('SIGKILL');
  }
});

// The agent hook when the registry points at a window that is gone.

test('the agent hook with a dead or dying window: the agent asks (outside production), never allows', async () => {
  const cli = buildPrivateCli();
  const home = mkdtempSync(join(scratch, 'home-'));
  const workspace = join(home, 'shop');
  mkdirSync(workspace);
  const registry = join(home, 'registry');
  const env = { INTERLOCK_REGISTRY_DIR: registry };
  const hook = (command: string): Promise<{ out: Record<string, string>; stderr: string }> => new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, 'hook', 'claude'], { cwd: workspace, env: { PATH: process.env.PATH ?? '', HOME: home, ...env, INTERLOCK_HOOK_TIMEOUT_MS: '8000' } });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    p.on('close', () => resolve({ out: (JSON.parse(stdout || '{}') as { hookSpecificOutput?: Record<string, string> }).hookSpecificOutput ?? {}, stderr }));
    p.stdin.end(JSON.stringify({ session_id: 's', cwd: workspace, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: `t-${Math.random()}` }));
  });

  // 1. The window's process is gone: its file is stale, removed, and the agent asks.
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const stale = registerWindow({ pid: Number(gone.stdout), port: 1, secret: 's', folders: [workspace], app: 'test' }, env);
  const r1 = await hook('git reset --hard');
  assert.equal(r1.out.permissionDecision, 'ask', JSON.stringify(r1));
  assert.ok(!existsSync(stale.file), 'the dead window’s file was cleaned up');

  // 2. The window accepts the request and dies before answering (its host was killed mid-request).
  const dying = createServer((s) => s.once('data', () => {
    s.write(proofLine(handshakeFor('s').proof));
    s.once('data', () => s.destroy());
  }));
  await new Promise<void>((r) => dying.listen(0, '127.0.0.1', r));
  const entry = registerWindow({ pid: process.pid, port: (dying.address() as { port: number }).port, secret: 's', folders: [workspace], app: 'test' }, env);
  try {
    const r2 = await hook('git reset --hard');
    assert.equal(r2.out.permissionDecision, 'ask');
    assert.match(r2.out.permissionDecisionReason, /could not be reached: the guard closed the connection without answering/);
  } finally {
    entry.dispose();
    dying.close();
  }

  // 3. The window's port now belongs to another user's process, which would answer "allow".
  if (isRoot) {
    const rogue = spawn(process.execPath, ['-e', `
      const s = require('net').createServer((c) => { let b = ''; c.on('data', (d) => { b += d; process.stdout.write('GOT\\n'); const nl = b.indexOf('\\n'); if (nl >= 0) c.write(JSON.stringify({ v: 1, id: JSON.parse(b.slice(0, nl)).id, outcome: 'allow', decision: 'confirm', by: 'person', message: 'approved' }) + '\\n'); }); });
      s.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + s.address().port + '\\n'));
      setTimeout(() => process.exit(0), 15000);`], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'inherit'] });
    let rout = '';
    rogue.stdout!.setEncoding('utf8').on('data', (d: string) => (rout += d));
    try {
      const port = await new Promise<number>((resolve) => rogue.stdout!.on('data', () => /PORT (\d+)/.test(rout) && resolve(Number(/PORT (\d+)/.exec(rout)![1]))));
      const hijacked = registerWindow({ pid: process.pid, port, secret: 'the-window-secret', folders: [workspace], app: 'test' }, env);
      try {
        const r3 = await hook('git reset --hard');
        assert.equal(r3.out.permissionDecision, 'ask', JSON.stringify(r3));
        assert.match(r3.out.permissionDecisionReason, /held by another user's process/);
        assert.doesNotMatch(rout, /GOT/, 'the other user’s process was told nothing');
      } finally {
        hijacked.dispose();
      }
    } finally {
      rogue.kill('SIGKILL');
    }
  }
});

test('an approved destruction is snapshotted after the person approves and before the answer; a snapshot that fails refuses it', async () => {
  const { createGuard } = await loadGuard();
  const audit = openAuditLog(join(scratch, 'undo-audit.jsonl'));
  const calls: string[] = [];
  const impact = { files: 3, bytes: 10, measured: true, summary: 'deletes 3 files (10 bytes)' };
  let keepFails = false;
  const undo = {
    prepare: async () => (calls.push('prepare'), { impact, view: { summary: impact.summary, measured: true, undo: 'Undo: …' } }),
    keep: async () => (calls.push('keep'), keepFails ? { problem: 'the disk is full' } : { id: 'snap-1', manifest: { id: 'snap-1' } }),
    offer: () => void calls.push('offer'),
  };
  const seen: unknown[] = [];
  const panel = { ask: async (input: { impact?: unknown }) => (calls.push('ask'), seen.push(input.impact), { outcome: 'approved', scope: 'once' }) };
  const guard = (createGuard as unknown as (...a: unknown[]) => ReturnType<GuardModule['createGuard']>)(engineHost('development'), panel, audit, channelLog, undo);
  const terminal = { kind: 'terminal', shell: 'bash' };
  const ok = await guard.decide({ command: 'git reset --hard', source: terminal });
  assert.equal(ok.outcome, 'allow');
  assert.deepEqual(calls, ['prepare', 'ask', 'keep', 'offer']);
  assert.deepEqual(seen[0], { summary: impact.summary, measured: true, undo: 'Undo: …' });
  keepFails = true;
  const refused = await guard.decide({ command: 'git reset --hard HEAD~1', source: terminal });
  assert.equal(refused.outcome, 'deny');
  assert.match(refused.message, /snapshot the confirmation promised could not be taken \(the disk is full\); not run/);
  const entries = readFileSync(audit.path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntry);
  assert.deepEqual(entries.map((e) => [e.outcome, e.snapshot, e.impact?.files]), [['approved', 'snap-1', 3], ['denied', undefined, 3]]);
  guard.dispose();
});

test('a full disk under the snapshot store: no snapshot, a clear reason, nothing half-made left in the store', async (t) => {
  const disk = smallDisk(20 * 1024);
  if ('skip' in disk) return t.skip(disk.skip);
  try {
    const ws = mkdtempSync(join(scratch, 'ws-'));
    writeFileSync(join(ws, 'big.bin'), Buffer.alloc(30 * 1024 * 1024, 1));
    writeFileSync(join(ws, 'small.txt'), 'small');
    const store = join(disk.dir, 'snapshots');
    const a = await assess('echo > big.bin', { engine: engine(), cwd: ws, home: '/nonexistent' });
    // Overwrites are copied, and the store's disk has no room for this one: said before asking.
    const early = await takeSnapshot(a, 'echo > big.bin', ws, { dir: store });
    assert.equal(early.ok, false);
    assert.match(!early.ok ? early.reason : '', /the disk has .* free, not enough to keep 31 MB/);
    // The disk fills up while the snapshot is being taken.
    const b = await assess('echo > small.txt', { engine: engine(), cwd: ws, home: '/nonexistent' });
    let free: (() => void) | undefined;
    const late = await takeSnapshot(b, 'echo > small.txt', ws, { dir: store, beforeKeep: () => (free ??= fill(disk.dir)) });
    free?.();
    assert.equal(late.ok, false);
    assert.match(!late.ok ? late.reason : '', /the disk is full/);
    assert.deepEqual(listSnapshots({ dir: store }), []);
    assert.deepEqual(readdirSync(store), [], 'the half-made snapshot was removed');
  } finally {
    disk.unmount();
  }
});

test('impact and undo in the editor: a force-push says it has no local undo and runs; rm -rf is kept before it runs and the offer comes after', async () => {
  const { createUndo } = (await loadExtensionModule('undo.ts')) as { createUndo: (host: unknown, settings: unknown, log: unknown) => {
    prepare(c: string, cwd: string, f: undefined): Promise<{ view: { undo: string; summary: string }; noUndo?: string } | undefined>;
    keep(p: unknown, c: string, cwd: string, f: undefined): Promise<{ id?: string; problem?: string }>;
    dispose(): void;
  } };
  const state = mkdtempSync(join(scratch, 'state-'));
  const saved = process.env.XDG_STATE_HOME;
  process.env.XDG_STATE_HOME = state;
  const settings = { current: { undo: { snapshots: true, budgetBytes: 1024 ** 3, days: 7, impactTimeMs: 2000 } } };
  const undo = createUndo({ engine: () => engine() }, settings, channelLog);
  try {
    const ws = mkdtempSync(join(scratch, 'undo-ws-'));
    mkdirSync(join(ws, 'src'));
    writeFileSync(join(ws, 'src', 'a.ts'), 'a');
    const rm = await undo.prepare('rm -rf src', ws, undefined);
    assert.equal(rm?.view.summary, 'deletes 1 file (1 bytes)');
    assert.match(rm?.view.undo ?? '', /^Undo: /);
    const kept = await undo.keep(rm, 'rm -rf src', ws, undefined);
    assert.match(kept.id ?? '', /^\d{8}-\d{6}-[0-9a-f]{6}$/);
    assert.ok(existsSync(join(state, 'interlock', 'snapshots', kept.id!, 'manifest.json')));

    const git = (...args: string[]) => spawnSync('git', args, { cwd: ws, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'one');
    git('commit', '-q', '--allow-empty', '-m', 'two');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('reset', '-q', '--soft', 'HEAD~1');
    const push = await undo.prepare('git push --force origin main', ws, undefined);
    assert.match(push?.view.summary ?? '', /drops 1 commit from origin\/main/);
    assert.match(push?.view.undo ?? '', /^No undo: it changes nothing on this machine .* Commits dropped from origin\/main are on the remote/);
    assert.deepEqual(await undo.keep(push, 'git push --force origin main', ws, undefined), {}, 'nothing to keep is not a reason to refuse');
    assert.equal(await undo.prepare('ls -la', ws, undefined), undefined);
  } finally {
    undo.dispose();
    if (saved === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = saved;
  }
});
