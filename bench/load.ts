// Load on one real guard: 16 terminals (TCP clients speaking the shell hooks' protocol, one
// connection per command as bash does) and 4 agent hooks (real `interlock hook claude` processes,
// started one after another, routed through a temporary window registry) issue 10,000 decisions
// in all against a guard server in a process of its own, whose handler is the real engine with the
// built-in packs, writes the real audit log, and hands `confirm` to a scripted person who answers
// after a small random delay, one at a time, so requests queue as they would for a real person.
//
// Reports p50/p99 latency per client kind, answers lost (must be 0), and the guard process's
// memory (RSS and heap after a forced GC) at start (after warm-up), middle and end.
// Loopback only; bounded in count (decisions) and time (BUDGET_MS).
//
// Alone: `node --import tsx bench/load.ts [decisions] [path/to/cli.js]` (default 10000, a private build).
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { handshakeFor, helloLine, proofLine } from '../src/channel/protocol';
import { quantile } from './stats';

const TERMINALS = 16;
const HOOKS = 4;
/** Share of the decisions the agent hooks make: each is a process start, so fewer of them. */
const HOOK_SHARE = 0.04;
const BUDGET_MS = 300_000;
const ASK_TIMEOUT_MS = 30_000;
const CORPUS = join(__dirname, '..', '..', 'shared', 'corpus', 'peers.jsonl');

/** A small deterministic PRNG (mulberry32), so runs are comparable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


/** A uniform sample of at most `size` values (reservoir sampling) and the sum of all of them. */
function reservoir(size: number): { add(x: number): void; values(): number[]; total: number } {
  const kept = new Float64Array(size);
  const random = prng(11);
  let seen = 0;
  const r = {
    total: 0,
    add(x: number): void {
      r.total += x;
      if (seen < size) kept[seen] = x;
      else {
        const j = Math.floor(random() * (seen + 1));
        if (j < size) kept[j] = x;
      }
      seen++;
    },
    values: (): number[] => Array.from(kept.subarray(0, Math.min(seen, size))),
  };
  return r;
}

const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);

// The guard process.

type ToGuard = { type: 'memory'; label: string } | { type: 'finish' };
type FromGuard =
  | { type: 'ready'; port: number; secret: string; audit: string }
  | { type: 'memory'; label: string; rss: number; heapUsed: number; heapTotal: number; external: number }
  | { type: 'finished'; stats: Record<string, number>; decisions: Record<string, number>; audit: { entries: number; problems: number }; inGuard: Record<string, number> };

async function guardProcess(): Promise<void> {
  // Loaded here, in the guard's process only: the clients' process needs none of it.
  const { startGuardServer } = require('../src/channel/server') as typeof import('../src/channel/server');
  const { openAuditLog, verifyAuditText } = require('../src/audit/auditLog') as typeof import('../src/audit/auditLog');
  const { createEngine } = require('../src/engine/index') as typeof import('../src/engine/index');
  const { environmentFrom } = require('../src/engine/environment') as typeof import('../src/engine/environment');
  const { grammarBytes, loadPacks } = require('../test/unit/helpers') as typeof import('../test/unit/helpers');
  const send = (m: FromGuard): void => void process.send?.(m);
  const engine = createEngine({ packs: loadPacks(), grammarBytes });
  await engine.warm();
  const environment = environmentFrom({ label: 'development', source: 'bench' });
  const dir = mkdtempSync(join(tmpdir(), 'interlock-load-audit-'));
  const audit = openAuditLog(join(dir, 'audit.jsonl'));
  const decisions: Record<string, number> = { allow: 0, confirm: 0, block: 0, approved: 0, denied: 0 };
  // Where the guard's own time goes, per decision: the engine, and the audit commit (with fsync,
  // shared by the decisions that arrive together, as the extension's guard does).
  // Kept in fixed-size samples, so that measuring adds nothing to the memory being measured.
  const engineMs = reservoir(4096);
  const auditMs = reservoir(4096);
  const record = async (fields: Parameters<typeof audit.append>[0]): Promise<void> => {
    const t = performance.now();
    await audit.commit(fields);
    auditMs.add(performance.now() - t);
  };

  // The person: one confirmation at a time, each answered after 1–5 ms; seven in ten approved.
  const random = prng(7);
  const queue: Array<(approved: boolean) => void> = [];
  let busy = false;
  const next = (): void => {
    if (busy || queue.length === 0) return;
    busy = true;
    const settle = queue.shift() as (approved: boolean) => void;
    setTimeout(() => {
      busy = false;
      settle(random() < 0.7);
      next();
    }, 1 + random() * 4);
  };
  const person = (): Promise<boolean> => new Promise((resolve) => {
    queue.push(resolve);
    next();
  });

  const server = await startGuardServer({
    handler: async (req) => {
      const t = performance.now();
      const d = await engine.check(req.command, { environment, cwd: req.cwd ?? '/tmp', home: '/home/user' });
      engineMs.add(performance.now() - t);
      decisions[d.decision]++;
      const base = { source: req.source?.kind ?? 'terminal', command: req.command, decision: d.decision, rules: d.reasons.map((r) => r.rule), environment: d.environment.label };
      const rule = d.reasons[0]?.rule;
      if (d.decision === 'allow') {
        await record({ ...base, outcome: 'allowed', by: 'policy' });
        return { outcome: 'allow', decision: 'allow', by: 'policy', message: 'allowed', full: d };
      }
      if (d.decision === 'block') {
        await record({ ...base, outcome: 'blocked', by: 'policy' });
        return { outcome: 'deny', decision: 'block', by: 'policy', rule, message: `blocked by ${rule}`, full: d };
      }
      const approved = await person();
      decisions[approved ? 'approved' : 'denied']++;
      await record({ ...base, outcome: approved ? 'approved' : 'denied', by: 'person' });
      return approved
        ? { outcome: 'allow', decision: 'confirm', by: 'person', rule, message: 'approved', full: d }
        : { outcome: 'deny', decision: 'confirm', by: 'person', rule, message: `denied (${rule})`, full: d };
    },
  });
  send({ type: 'ready', port: server.port, secret: server.secret, audit: audit.path });
  process.on('message', (m: ToGuard) => {
    if (m.type === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      const u = process.memoryUsage();
      send({ type: 'memory', label: m.label, rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external });
    } else if (m.type === 'finish') {
      const v = verifyAuditText(readFileSync(audit.path, 'utf8'));
      const inGuard = {
        engineP50: quantile(engineMs.values(), 0.5), engineP99: quantile(engineMs.values(), 0.99),
        auditP50: quantile(auditMs.values(), 0.5), auditP99: quantile(auditMs.values(), 0.99), auditTotalS: auditMs.total / 1000,
      };
      send({ type: 'finished', stats: { ...server.stats }, decisions, audit: { entries: v.entries, problems: v.problems.length }, inGuard });
      void server.close().then(() => {
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
}

// The clients.

/** One request as the bash hook sends it: its own connection, the hello, the proof, the request line, one answer line. */
function shellAsk(port: number, secret: string, command: string, cwd: string): Promise<{ ok: true; answer: Record<string, unknown> } | { ok: false; why: string }> {
  const id = randomBytes(16).toString('hex');
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    let data = '';
    let settled = false;
    const done = (r: { ok: true; answer: Record<string, unknown> } | { ok: false; why: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, why: 'no answer in time' }), ASK_TIMEOUT_MS);
    s.setEncoding('utf8');
    const { hello, proof } = handshakeFor(secret);
    let proven = false;
    s.on('connect', () => s.write(helloLine(hello)));
    s.on('data', (d: string) => {
      data += d;
      const nl = data.indexOf('\n');
      if (nl < 0) return;
      if (!proven) {
        if (data.slice(0, nl + 1) !== proofLine(proof)) return done({ ok: false, why: 'no proof from the guard' });
        proven = true;
        data = data.slice(nl + 1);
        s.write(JSON.stringify({ v: 2, secret, id, type: 'check', command, cwd, source: { kind: 'terminal', shell: 'bash', pid: process.pid } }) + '\n');
        return;
      }
      try {
        const answer = JSON.parse(data.slice(0, nl)) as Record<string, unknown>;
        done(answer.id === id && (answer.outcome === 'allow' || answer.outcome === 'deny') ? { ok: true, answer } : { ok: false, why: 'an answer to another request' });
      } catch {
        done({ ok: false, why: 'a malformed answer' });
      }
    });
    s.on('error', (e) => done({ ok: false, why: e.message }));
    s.on('close', () => done({ ok: false, why: 'closed without an answer' }));
  });
}

interface HookRun {
  ms: number;
  /** What the agent was told: allow / deny / ask, or nothing (allowed silently). */
  said: string;
  reason: string;
}

function runHook(cli: string, command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<HookRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const p = spawn(process.execPath, [cli, 'hook', 'claude'], { cwd, env, stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.on('close', (code) => {
      let said = 'allow';
      let reason = '';
      // A hook that failed (could not start, crashed) said nothing: that is no "allow".
      if (code !== 0) said = `exit ${code}`;
      else if (out.trim()) {
        try {
          const h = (JSON.parse(out) as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } }).hookSpecificOutput;
          said = h?.permissionDecision ?? 'none';
          reason = h?.permissionDecisionReason ?? '';
        } catch {
          said = 'malformed';
        }
      }
      resolve({ ms: performance.now() - started, said, reason });
    });
    p.stdin.end(JSON.stringify({ session_id: 'load', cwd, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, tool_use_id: `toolu_${randomBytes(8).toString('hex')}` }));
  });
}

function terminalCommands(): string[] {
  if (existsSync(CORPUS)) return readFileSync(CORPUS, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { command: string }).command);
  return ['ls -la', 'git status', 'npm test', 'echo hi && ls | grep x', 'kubectl get pods', 'git push --force origin main', 'git reset --hard', 'rm -rf /', 'terraform destroy', 'cat README.md'];
}

/** Agent calls: mostly ones a person must confirm (they reach the guard), some allowed, some blocked. */
const HOOK_COMMANDS = ['git reset --hard', 'git push --force origin main', 'git clean -fdx', 'kubectl delete namespace payments', 'git status', 'rm -rf /', 'git push -f origin release'];

export async function benchLoad(decisions = 10_000, cliPath?: string): Promise<void> {
  // Absolute: the hooks run with the workspace as their working directory.
  const cli = resolve(cliPath ?? (require('../test/unit/privateCli') as typeof import('../test/unit/privateCli')).buildPrivateCli());
  const home = mkdtempSync(join(tmpdir(), 'interlock-load-'));
  const workspace = join(home, 'shop');
  const registry = join(home, 'registry');
  mkdirSync(workspace);
  const guard: ChildProcess = fork(__filename, ['--guard-process'], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters = new Map<string, (m: FromGuard) => void>();
  guard.on('message', (m: FromGuard) => {
    const key = m.type === 'memory' ? `memory:${m.label}` : m.type;
    waiters.get(key)?.(m);
    waiters.delete(key);
  });
  const expect = <T extends FromGuard>(key: string): Promise<T> => new Promise((resolve) => waiters.set(key, resolve as (m: FromGuard) => void));
  const memory: Array<Extract<FromGuard, { type: 'memory' }>> = [];
  const sample = async (label: string): Promise<void> => {
    const got = expect<Extract<FromGuard, { type: 'memory' }>>(`memory:${label}`);
    guard.send({ type: 'memory', label } satisfies ToGuard);
    memory.push(await got);
  };

  try {
    const ready = await expect<Extract<FromGuard, { type: 'ready' }>>('ready');
    const { registerWindow } = require('../src/channel/registry') as typeof import('../src/channel/registry');
    const hookEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, INTERLOCK_REGISTRY_DIR: registry, INTERLOCK_HOOK_TIMEOUT_MS: String(ASK_TIMEOUT_MS) };
    registerWindow({ pid: guard.pid as number, port: ready.port, secret: ready.secret, folders: [workspace], app: 'bench' }, { INTERLOCK_REGISTRY_DIR: registry });

    const commands = terminalCommands();
    const hookTotal = Math.round(decisions * HOOK_SHARE);
    const terminalTotal = decisions - hookTotal;
    const deadline = Date.now() + BUDGET_MS;

    // Warm-up, not counted: every distinct command once (JIT, the grammar's first parses, the
    // engine's compiled patterns), so that what memory does afterwards is the guard's own.
    const warm = [...new Set([...commands, ...HOOK_COMMANDS])].slice(0, 5000);
    for (let i = 0; i < warm.length; i += TERMINALS) await Promise.all(warm.slice(i, i + TERMINALS).map((c) => shellAsk(ready.port, ready.secret, c, workspace)));
    await sample('start (after warm-up)');

    let issued = 0;
    let done = 0;
    // Memory is read at each quarter of the run, besides start and end.
    const marks = [0.25, 0.5, 0.75];
    const lost: string[] = [];
    const terminalMs: Record<string, number[]> = { allow: [], confirm: [], block: [] };
    const hookMs: Record<string, number[]> = { guard: [], local: [] };
    const hookSaid: Record<string, number> = {};
    const middle = async (): Promise<void> => {
      if (marks.length > 0 && done >= decisions * marks[0]) await sample(`after ${(marks.shift() as number) * 100}% of the decisions`);
    };

    const terminal = async (t: number): Promise<void> => {
      const share = Math.floor(terminalTotal / TERMINALS) + (t < terminalTotal % TERMINALS ? 1 : 0);
      for (let i = 0; i < share && Date.now() < deadline; i++) {
        const command = commands[(t * 7919 + i * 31) % commands.length];
        issued++;
        const started = performance.now();
        const r = await shellAsk(ready.port, ready.secret, command, workspace);
        const ms = performance.now() - started;
        done++;
        if (!r.ok) lost.push(`terminal ${t}: ${r.why}`);
        else terminalMs[String(r.answer.decision)]?.push(ms);
        await middle();
      }
    };

    const agent = async (h: number): Promise<void> => {
      const share = Math.floor(hookTotal / HOOKS) + (h < hookTotal % HOOKS ? 1 : 0);
      for (let i = 0; i < share && Date.now() < deadline; i++) {
        const command = HOOK_COMMANDS[(h + i) % HOOK_COMMANDS.length];
        issued++;
        const r = await runHook(cli, command, workspace, hookEnv);
        done++;
        // A confirm reaches the guard and the person answers; anything the agent is told to ask
        // itself means the guard's answer did not arrive.
        const viaGuard = /^Interlock: (approved|denied)/.test(r.reason);
        hookSaid[`${r.said}${viaGuard ? ' (person in the editor)' : ''}`] = (hookSaid[`${r.said}${viaGuard ? ' (person in the editor)' : ''}`] ?? 0) + 1;
        (viaGuard ? hookMs.guard : hookMs.local).push(r.ms);
        if (r.said === 'ask' || r.said === 'malformed' || r.said === 'none' || r.said.startsWith('exit')) lost.push(`hook ${h}: ${r.said} ${r.reason.slice(0, 120)}`);
        await middle();
      }
    };

    const started = performance.now();
    await Promise.all([...Array.from({ length: TERMINALS }, (_, t) => terminal(t)), ...Array.from({ length: HOOKS }, (_, h) => agent(h))]);
    const seconds = (performance.now() - started) / 1000;
    await sample('end (100%)');
    const finished = expect<Extract<FromGuard, { type: 'finished' }>>('finished');
    guard.send({ type: 'finish' } satisfies ToGuard);
    const f = await finished;

    const all = Object.values(terminalMs).flat();
    const row = (name: string, xs: number[]): string => `| ${name} | ${xs.length} | ${quantile(xs, 0.5).toFixed(2)} | ${quantile(xs, 0.99).toFixed(2)} | ${Math.max(...xs).toFixed(1)} |`;
    console.log(`\n## Load: ${TERMINALS} terminals + ${HOOKS} agent hooks, ${done} of ${decisions} decisions in ${seconds.toFixed(1)} s (${(done / seconds).toFixed(0)}/s)`);
    console.log('| client | decisions | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|');
    console.log(row('terminal, all', all));
    for (const k of ['allow', 'block', 'confirm'] as const) if (terminalMs[k].length > 0) console.log(row(`terminal, ${k}${k === 'confirm' ? ' (queued for the person)' : ''}`, terminalMs[k]));
    console.log(row('agent hook, answered by the person in the editor (whole process)', hookMs.guard));
    if (hookMs.local.length > 0) console.log(row('agent hook, settled in the hook (allow/block; whole process)', hookMs.local));
    console.log(`\nanswers lost: ${lost.length}${lost.length ? ` (${[...new Set(lost)].slice(0, 5).join('; ')})` : ''}; issued ${issued}, answered ${done - lost.length}`);
    console.log(`agent hooks were told: ${Object.entries(hookSaid).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`guard: ${JSON.stringify(f.stats)}; engine decisions ${JSON.stringify(f.decisions)}; audit log ${f.audit.entries} entries, ${f.audit.problems} chain problems`);
    const g = f.inGuard;
    console.log(`inside the guard, per decision: engine p50 ${g.engineP50.toFixed(3)} ms, p99 ${g.engineP99.toFixed(3)} ms; audit commit (lock, write, fsync, shared by decisions that arrive together) p50 ${g.auditP50.toFixed(3)} ms, p99 ${g.auditP99.toFixed(3)} ms, ${g.auditTotalS.toFixed(1)} s in all`);
    console.log('\n| guard process memory (after forced GC) | RSS MiB | heap used MiB | heap total MiB | external MiB |\n|---|---:|---:|---:|---:|');
    for (const m of memory) console.log(`| ${m.label} | ${mib(m.rss)} | ${mib(m.heapUsed)} | ${mib(m.heapTotal)} | ${mib(m.external)} |`);
    const growth = memory.at(-1)!.heapUsed - memory[0].heapUsed;
    console.log(`heap used from start to end: ${growth >= 0 ? '+' : ''}${mib(growth)} MiB (the replay window keeps the last 10,000 request ids, about 1 MiB when full)`);
    if (lost.length > 0) process.exitCode = 1;
  } finally {
    guard.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv.includes('--guard-process')) {
  void guardProcess();
} else if (require.main === module) {
  const n = Number(process.argv[2] ?? 10_000) || 10_000;
  void benchLoad(n, process.argv[3]);
}
