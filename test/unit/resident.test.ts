// The resident engine: a `check` or `hook` process hands its call to a warm engine over a private
// socket and prints the answer. These tests run the real launcher and the real resident process
// and hold it to one promise: every answer is the one a process of its own would give, and
// anything wrong with the engine or its socket falls back to deciding in process, never to allow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPrivateCli } from './privateCli';
import { ROOT } from './helpers';
import { socketName } from '../../src/cli/resident/protocol';

let cli: string;
let scratch: string;
let home: string;
let runtime: string;
let workspace: string;

before(() => {
  cli = buildPrivateCli();
  scratch = mkdtempSync(join(tmpdir(), 'resident-test-'));
  home = join(scratch, 'home');
  runtime = join(scratch, 'run');
  workspace = join(home, 'work', 'shop');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  mkdirSync(runtime, { mode: 0o700 });
  writeFileSync(join(workspace, '.interlock.jsonc'), '{ "environment": "development" }\n');
});

after(() => {
  stopResident();
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], input: string | undefined, env: Record<string, string> = {}, cwd = workspace): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_RUNTIME_DIR: runtime, INTERLOCK_REGISTRY_DIR: join(scratch, 'registry'), NO_COLOR: '1', ...env },
      cwd,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

const inProcess = (args: string[], input?: string, env: Record<string, string> = {}, cwd?: string) => run(args, input, { ...env, INTERLOCK_RESIDENT: '0' }, cwd);

function socketDir(): string {
  return join(runtime, 'interlock');
}

function residentPids(): number[] {
  const r = spawnSync('pgrep', ['-f', `${cli} resident`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

function stopResident(): void {
  for (const pid of residentPids()) {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
}

async function until(what: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const socketFiles = (): string[] => (existsSync(socketDir()) ? readdirSync(socketDir()).filter((f) => f.endsWith('.sock')) : []);

/** A call, then wait until the engine it started is listening. */
async function warm(env: Record<string, string> = {}): Promise<void> {
  await run(['check', '--', 'true'], undefined, env);
  await until(() => socketFiles().length > 0);
}

const claude = (command: string, cwd = workspace) => JSON.stringify({ session_id: 's', transcript_path: '/tmp/t', cwd, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } });

const CHECK_LINES = [
  'git status',
  'ls | grep -v x && echo "$(date)"',
  'rm -rf ~',
  'git push --force origin main',
  'kubectl --context prod-eu delete ns payments',
  'curl -X DELETE -H "Authorization: Bearer $RAILWAY_TOKEN" https://backboard.railway.app/graphql/v2',
  'cat ~/.aws/credentials',
  'echo "unterminated',
  'terraform destroy -auto-approve',
];

test('the first call starts a resident engine in a private directory; later calls are answered by it', async () => {
  stopResident();
  rmSync(socketDir(), { recursive: true, force: true });
  const first = await run(['check', '--json', '--', 'git status'], undefined);
  assert.equal(first.code, 0, first.stderr);
  await until(() => socketFiles().length === 1);
  assert.equal(statSync(socketDir()).mode & 0o777, 0o700);
  assert.equal(statSync(join(socketDir(), socketFiles()[0])).mode & 0o777, 0o600);
  assert.equal(residentPids().length, 1);
  const second = await run(['check', '--json', '--', 'rm -rf ~'], undefined);
  assert.equal(second.code, 2);
  assert.equal(JSON.parse(second.stdout).decision, 'block');
  assert.equal(residentPids().length, 1, 'no second engine');
});

test('check: the resident engine answers exactly as a process of its own (plain, --json, exit status, warnings)', async () => {
  await warm();
  for (const line of CHECK_LINES) {
    for (const json of [true, false]) {
      const args = json ? ['check', '--json', '--', line] : ['check', '--', line];
      const [a, b] = [await run(args, undefined), await inProcess(args)];
      assert.deepEqual({ code: a.code, stdout: a.stdout, stderr: a.stderr }, { code: b.code, stdout: b.stdout, stderr: b.stderr }, line);
    }
  }
  // --cwd relative to the caller's directory, and the caller's own environment variables.
  const args = ['check', '--json', '--cwd', 'src', '--', 'kubectl delete ns payments'];
  const env = { KUBECONFIG: join(home, 'kubeconfig') };
  writeFileSync(env.KUBECONFIG, 'current-context: prod-eu\ncontexts:\n- name: prod-eu\n  context: { cluster: prod-eu }\n');
  const [a, b] = [await run(args, undefined, env), await inProcess(args, undefined, env)];
  assert.deepEqual(a, b);
  assert.notEqual(JSON.parse(a.stdout).decision, 'allow', 'the caller\'s production kube context applies');
});

test('hook: every golden case gets the same answer from the resident engine as in process', async () => {
  await warm();
  const golden = join(ROOT, 'test', 'golden', 'hooks');
  let compared = 0;
  for (const agent of readdirSync(golden).filter((d) => !d.includes('.'))) {
    for (const file of readdirSync(join(golden, agent)).filter((f) => f.endsWith('.input.json'))) {
      const input = readFileSync(join(golden, agent, file), 'utf8').replaceAll('${HOME}', home).replaceAll('${WORKSPACE}', workspace).replaceAll('${PROD}', join(home, 'work', 'prod'));
      // Snapshot ids are new each time a snapshot is kept; everything else must be identical.
      const ids = (r: Run): Run => ({ ...r, stdout: r.stdout.replace(/interlock undo \d{8}-\d{6}-[0-9a-f]+/g, 'interlock undo ID') });
      const [a, b] = [ids(await run(['hook', agent], input)), ids(await inProcess(['hook', agent], input))];
      assert.deepEqual(a, b, `${agent}/${file}`);
      compared++;
    }
  }
  assert.ok(compared > 50, `${compared} golden cases compared`);
});

test('a rule file changed between two calls is read afresh: the resident engine keeps nothing that could loosen', async () => {
  await warm();
  const dir = join(home, 'work', 'flip');
  mkdirSync(dir, { recursive: true });
  const line = 'kubectl delete deployment api';
  writeFileSync(join(dir, '.interlock.jsonc'), '{ "environment": "development" }\n');
  const dev = await run(['hook', 'claude'], claude(line, dir));
  writeFileSync(join(dir, '.interlock.jsonc'), '{ "environment": "production" }\n');
  const prod = await run(['hook', 'claude'], claude(line, dir));
  const fresh = await inProcess(['hook', 'claude'], claude(line, dir));
  assert.deepEqual(prod, fresh);
  assert.notDeepEqual(prod.stdout, dev.stdout, 'production is seen on the very next call');
  assert.match(prod.stdout, /production/);
  // A rule added to the file applies at once, too.
  writeFileSync(join(dir, '.interlock.jsonc'), '{ "environment": "production", "rules": [{ "id": "workspace/no-make", "command": "make", "decision": "block", "risk": "high", "reason": "not here", "examples": { "match": ["make deploy"], "noMatch": ["ls"] } }] }\n');
  const r = await run(['check', '--json', '--cwd', dir, '--', 'make deploy'], undefined);
  assert.equal(JSON.parse(r.stdout).decision, 'block');
});

test('hook input problems are reported as a process of its own reports them (empty, not JSON, not UTF-8 is read by the caller)', async () => {
  await warm();
  for (const input of ['', '{not json', '[]', JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {} })]) {
    const [a, b] = [await run(['hook', 'claude'], input), await inProcess(['hook', 'claude'], input)];
    assert.deepEqual(a, b, JSON.stringify(input));
    assert.equal(a.code, 2);
  }
});

/** A server that answers every request with `reply` (or closes without answering). */
function impostor(path: string, reply: ((request: string) => string) | undefined): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer({ allowHalfOpen: true }, (s) => {
      let text = '';
      s.on('data', (d) => {
        text += d.toString();
        if (!text.includes('\n')) return;
        if (reply) s.end(reply(text));
        else s.destroy();
      });
      s.on('error', () => undefined);
    });
    server.listen(path, () => resolve(server));
  });
}

const allowEverything = (request: string): string => {
  const { build } = JSON.parse(request) as { build: string };
  return JSON.stringify({ v: 1, build, stdout: '{"decision":"allow"}\n', stderr: '', code: 0 }) + '\n';
};

test('a socket in a directory others may enter is never asked: the call is decided in process', async () => {
  stopResident();
  const open = join(scratch, 'open-run');
  mkdirSync(join(open, 'interlock'), { recursive: true, mode: 0o755 });
  chmodSync(join(open, 'interlock'), 0o755);
  // The socket name depends on the build; plant one for every name this build could use.
  const build = buildIdOf(cli);
  const server = await impostor(join(open, 'interlock', socketName(build)), allowEverything);
  try {
    const r = await run(['check', '--json', '--', 'rm -rf ~'], undefined, { XDG_RUNTIME_DIR: open });
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).decision, 'block');
  } finally {
    server.close();
  }
});

test('an engine that answers for another build, garbles its answer or hangs up is not believed', async () => {
  stopResident();
  await until(() => residentPids().length === 0);
  const dir = join(scratch, 'fake-run');
  mkdirSync(join(dir, 'interlock'), { recursive: true, mode: 0o700 });
  const path = join(dir, 'interlock', socketName(buildIdOf(cli)));
  const replies: (((r: string) => string) | undefined)[] = [
    (r) => allowEverything(r).replace(/"build":"[^"]*"/, '"build":"another"'),
    () => 'garbage\n',
    () => JSON.stringify({ v: 1, build: 'x', stdout: 1 }) + '\n',
    undefined,
  ];
  for (const reply of replies) {
    rmSync(path, { force: true });
    const server = await impostor(path, reply);
    try {
      const c = await run(['check', '--json', '--', 'rm -rf ~'], undefined, { XDG_RUNTIME_DIR: dir });
      assert.equal(JSON.parse(c.stdout).decision, 'block');
      assert.equal(c.code, 2);
      const h = await run(['hook', 'claude'], claude('rm -rf ~'), { XDG_RUNTIME_DIR: dir });
      assert.equal(h.code, 0);
      assert.equal(JSON.parse(h.stdout).hookSpecificOutput.permissionDecision, 'deny');
    } finally {
      server.close();
    }
  }
});

test('malformed and oversized requests do not crash the engine; it goes on answering', async () => {
  stopResident();
  await until(() => residentPids().length === 0);
  await warm();
  const path = join(socketDir(), socketFiles()[0]);
  const send = (data: string | Buffer): Promise<string> =>
    new Promise((resolve) => {
      const s = createConnection(path);
      let out = '';
      s.on('data', (d) => (out += d.toString()));
      s.on('close', () => resolve(out));
      s.on('error', () => resolve(out));
      s.on('connect', () => s.end(data));
    });
  assert.equal(await send('not json\n'), '');
  assert.equal(await send(JSON.stringify({ v: 1, build: 'x', argv: ['doctor'], cwd: '/', env: {}, stdoutIsTTY: false }) + '\n'), '');
  assert.equal(await send(JSON.stringify({ v: 1, build: 'x', argv: ['check', '--', 'ls'], cwd: 'relative', env: {}, stdoutIsTTY: false }) + '\n'), '');
  assert.equal(await send(Buffer.alloc(33 * 1024 * 1024, 'x')), '');
  const r = await run(['check', '--json', '--', 'rm -rf /'], undefined);
  assert.equal(JSON.parse(r.stdout).decision, 'block');
  assert.equal(residentPids().length, 1, 'the same engine is still serving');
});

test('the engine exits when idle and removes its socket; the next call starts it again', async () => {
  stopResident();
  await until(() => residentPids().length === 0);
  rmSync(socketDir(), { recursive: true, force: true });
  await run(['check', '--', 'true'], undefined, { INTERLOCK_RESIDENT_IDLE_MS: '500' });
  await until(() => socketFiles().length === 1);
  await until(() => residentPids().length === 0 && socketFiles().length === 0, 15_000);
  const r = await run(['check', '--json', '--', 'git status'], undefined);
  assert.equal(r.code, 0);
  await until(() => residentPids().length === 1);
});

test('INTERLOCK_RESIDENT=0 decides in process and starts nothing', async () => {
  stopResident();
  await until(() => residentPids().length === 0);
  const r = await inProcess(['check', '--json', '--', 'git status']);
  assert.equal(r.code, 0);
  await new Promise((res) => setTimeout(res, 700));
  assert.equal(residentPids().length, 0);
});

/** The build id the launcher computes for `cli` (launcher.ts buildId). */
function buildIdOf(launcher: string): string {
  const main = join(launcher, '..', 'cli-main.js');
  const st = statSync(main);
  return `${process.version}:${main}:${st.size}:${Math.floor(st.mtimeMs)}`;
}

test('a corrupt code cache is ignored and rebuilt; the decision is a fresh start\'s', async () => {
  const cacheHome = join(scratch, 'cache');
  mkdirSync(cacheHome, { recursive: true });
  const env = { XDG_CACHE_HOME: cacheHome };
  const first = await inProcess(['check', '--json', '--', 'rm -rf ~'], undefined, env);
  const dir = join(cacheHome, readdirSync(cacheHome).find((d) => d.startsWith('interlock-v8-'))!);
  const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
  assert.ok(files.length > 0, 'the first run wrote a cache');
  for (const f of files) writeFileSync(join(dir, f), Buffer.alloc(4096, 0x5a));
  const second = await inProcess(['check', '--json', '--', 'rm -rf ~'], undefined, env);
  assert.deepEqual(second, first);
  assert.equal(second.code, 2);
  for (const f of files) assert.notDeepEqual(readFileSync(join(dir, f)), Buffer.alloc(4096, 0x5a), `${f} rebuilt`);
});

test('each call uses its own caller\'s environment, not the one the engine was started with', async () => {
  stopResident();
  await until(() => residentPids().length === 0);
  const [a, b] = [join(scratch, 'state-a'), join(scratch, 'state-b')];
  await run(['check', '--', 'true'], undefined, { XDG_STATE_HOME: a });
  await until(() => residentPids().length === 1 && socketFiles().length === 1);
  const dir = join(home, 'work', 'prod-b');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.interlock.jsonc'), '{ "environment": "production" }\n');
  const r = await run(['check', '--json', '--', 'kubectl delete ns x'], undefined, { XDG_STATE_HOME: b }, dir);
  assert.equal(JSON.parse(r.stdout).environment.label, 'production');
  assert.match(readFileSync(join(b, 'interlock', 'approvals.json'), 'utf8'), /prod-b/, 'recorded in the caller\'s store');
  assert.doesNotMatch(existsSync(join(a, 'interlock', 'approvals.json')) ? readFileSync(join(a, 'interlock', 'approvals.json'), 'utf8') : '', /prod-b/);
});

test('the engine is started without the first caller\'s git variables: impact in a repository is what a fresh process measures', async () => {
  stopResident();
  await until(() => residentPids().length === 0);
  const repo = join(home, 'work', 'repo');
  mkdirSync(join(repo, 'src'), { recursive: true });
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  git('init', '-q');
  writeFileSync(join(repo, 'src', 'a.ts'), 'one\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  writeFileSync(join(repo, 'src', 'a.ts'), 'changed\n');
  writeFileSync(join(repo, 'src', 'new.ts'), 'untracked\n');
  // The first call, as from inside a git hook somewhere else, starts the engine.
  await run(['check', '--', 'true'], undefined, { GIT_DIR: join(scratch, 'not-a-repo') });
  await until(() => residentPids().length === 1 && socketFiles().length === 1);
  const args = ['check', '--json', '--impact', '--', 'rm -rf src'];
  const [a, b] = [await run(args, undefined, {}, repo), await inProcess(args, undefined, {}, repo)];
  assert.deepEqual(a, b);
  const impact = JSON.parse(a.stdout).impact as { files: number; modified: number; untracked: number };
  assert.deepEqual([impact.files, impact.modified, impact.untracked], [2, 1, 1]);
});

test('a caller that connects and says nothing is cut off: it does not keep the engine up', { timeout: 30_000 }, async () => {
  stopResident();
  await until(() => residentPids().length === 0);
  rmSync(socketDir(), { recursive: true, force: true });
  await run(['check', '--', 'true'], undefined, { INTERLOCK_RESIDENT_IDLE_MS: '500' });
  await until(() => socketFiles().length === 1);
  const silent = createConnection(join(socketDir(), socketFiles()[0]));
  const closed = new Promise<void>((resolve) => silent.on('close', () => resolve()));
  silent.on('error', () => undefined);
  const gone = createConnection(join(socketDir(), socketFiles()[0]));
  gone.on('connect', () => gone.destroy());
  gone.on('error', () => undefined);
  await closed;
  await until(() => residentPids().length === 0 && socketFiles().length === 0, 15_000);
});
