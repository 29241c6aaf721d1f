// The resident engine under a stream of calls, and memory: a hook or check process that hands its
// call over, one that decides in process, and the resident engine itself after many decisions.
// Alone: `node --import tsx bench/resident.ts [decisions] [path/to/cli.js]`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESIDENT_VERSION } from '../src/cli/resident/protocol';
import { quantile } from './stats';


/** Peak RSS in MB of one process, from /usr/bin/time. */
function peakRss(args: string[], env: NodeJS.ProcessEnv, input = ''): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', env, input });
  const kb = Number(r.stderr.trim().split('\n').at(-1));
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

function procStatus(pid: number, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : undefined;
}

function request(path: string, body: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    let out = '';
    s.on('connect', () => s.end(JSON.stringify(body) + '\n'));
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

export async function benchResident(cli: string, commands: string[], decisions: number): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'interlock-bench-resident-'));
  const ws = join(scratch, 'shop');
  const runtime = join(scratch, 'run');
  mkdirSync(ws, { recursive: true });
  mkdirSync(runtime, { mode: 0o700 });
  writeFileSync(join(ws, '.interlock.jsonc'), '// the shop\n{ "environment": "staging", "productionHosts": ["*.shop.internal"] }\n');
  const env = { ...process.env, HOME: join(scratch, 'home'), XDG_STATE_HOME: '', XDG_RUNTIME_DIR: runtime, INTERLOCK_REGISTRY_DIR: join(scratch, 'registry') };
  const hookInput = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls | grep -v x && echo "$(date)"' }, cwd: ws });
  try {
    const inProcess = peakRss([cli, 'hook', 'claude'], { ...env, INTERLOCK_RESIDENT: '0' }, hookInput);
    // The first call finds no engine, decides in process and starts one.
    spawnSync(process.execPath, [cli, 'check', '--', 'true'], { env, cwd: ws });
    const dir = join(runtime, 'interlock');
    for (let i = 0; i < 100 && !(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.sock'))); i++) spawnSync('sleep', ['0.1']);
    const sock = readdirSync(dir).find((f) => f.endsWith('.sock'));
    if (!sock) throw new Error('the resident engine did not start');
    const path = join(dir, sock);
    const client = peakRss([cli, 'hook', 'claude'], env, hookInput);
    const pid = Number(spawnSync('pgrep', ['-f', `${cli} resident`], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
    const main = join(cli, '..', 'cli-main.js');
    const st = statSync(main);
    const build = `${process.version}:${main}:${st.size}:${Math.floor(st.mtimeMs)}`;
    const callEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const times: number[] = [];
    const lines = commands.filter((c) => c.length < 4000);
    const started = performance.now();
    // Four callers at a time, as agents and terminals of one person might be.
    let next = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        while (next < decisions) {
          const line = lines[next++ % lines.length];
          const t = performance.now();
          const answer = await request(path, { v: RESIDENT_VERSION, build, argv: ['check', '--json', '--', line], cwd: ws, env: callEnv, stdoutIsTTY: false });
          times.push(performance.now() - t);
          if (!answer.includes('"decision')) throw new Error(`no decision for ${line}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rss = procStatus(pid, 'VmRSS');
    const hwm = procStatus(pid, 'VmHWM');
    const f = (n: number | undefined): string => (n === undefined ? 'n/a' : n.toFixed(1));
    console.log(`\n## Resident engine: ${decisions} \`check\` calls over its socket (4 at a time, corpus lines, labelled workspace)`);
    console.log(`per call p50 ${f(quantile(times, 0.5))} ms · p99 ${f(quantile(times, 0.99))} ms · ${(decisions / seconds).toFixed(0)} calls/s`);
    console.log(`resident engine after ${decisions} decisions: RSS ${f(rss)} MB, peak ${f(hwm)} MB`);
    console.log(`peak RSS of one hook process: handing the call over ${f(client)} MB · deciding in process with the grammar ${f(inProcess)} MB (goal ≤ 80 MB)`);
    process.kill(pid);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const decisions = Number(process.argv[2] ?? 10_000) || 10_000;
  const cli = process.argv[3] ?? (require('../test/unit/privateCli') as typeof import('../test/unit/privateCli')).buildPrivateCli();
  const corpus = join(__dirname, '..', '..', 'shared', 'corpus', 'peers.jsonl');
  const commands = existsSync(corpus)
    ? readFileSync(corpus, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { command: string }).command)
    : ['git status', 'ls -la', 'rm -rf /', 'kubectl get pods', 'echo hi && ls | grep x'];
  void benchResident(cli, commands, decisions);
}
