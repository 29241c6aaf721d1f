// @ts-check
// Runs each real agent CLI against its scripted model server, once per mode and case, with
// Interlock's hooks as its own installer writes them, and checks whether the command ran.
//   node test/agents/run.mjs [--agent ID]... [--record] [--keep]
//   --record  also write what each agent put on the hook's stdin as golden cases
//             (test/golden/hooks/<agent>/real-<case>.*.json)
//   --keep    leave the temporary folders in place
// A second, measuring pass puts a recording wrapper in front of the hook (the proof pass never
// does): it gives the hook's answer, its stdin and the time the hook process took.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENTS } from './agents.mjs';
import { CASES, MARKER, SENTINEL } from './cases.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const RECORDER = fileURLToPath(new URL('./hookRecorder.mjs', import.meta.url));
const GOLDEN = join(ROOT, 'test', 'golden', 'hooks');
const AGENT_TIMEOUT_MS = 120_000;
/** @type {import('./agents.mjs').Mode[]} */
const MODES = ['default', 'bypass'];

const argv = process.argv.slice(2);
const only = argv.flatMap((a, i) => (argv[i - 1] === '--agent' ? [a] : []));
const record = argv.includes('--record');
const keep = argv.includes('--keep');
const agents = AGENTS.filter((a) => only.length === 0 || only.includes(a.id));

/**
 * @typedef {{ stdin: string, stdout: string, stderr: string, exit: number | null, ms: number }} HookCall
 * @typedef {{
 *   agent: import('./agents.mjs').Agent, mode: import('./agents.mjs').Mode, kase: import('./cases.mjs').Case,
 *   ran: boolean, how: string, exit: number | null, wallMs: number, hooks: HookCall[], paths: Record<string, string>,
 *   output: string,
 * }} Outcome
 */

function git(/** @type {string} */ cwd, /** @type {Record<string, string>} */ env, /** @type {string[]} */ args) {
  const r = spawnSync('git', ['-c', 'user.name=Interlock Test', '-c', 'user.email=test@interlock.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** One agent, one mode, one case, in folders of its own under the system's temporary directory. */
async function runCase(/** @type {import('./agents.mjs').Agent} */ agent, /** @type {import('./agents.mjs').Mode} */ mode, /** @type {import('./cases.mjs').Case} */ kase, measuring = false) {
  // Not named /tmp/interlock-*: that is where Interlock keeps its own state.
  const root = realpathSync(mkdtempSync(join(tmpdir(), `agents-${agent.id}-`)));
  const home = join(root, 'home');
  const shop = join(root, 'work', 'shop');
  const prod = join(root, 'work', 'prod-api');
  const remote = join(root, 'work', 'remote.git');
  const runtime = join(root, 'run');
  for (const dir of [home, shop, prod, runtime, join(root, 'tmp'), join(root, 'hook-calls')]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  // `rm -rf ~/` is one of the cases: HOME must be this run's own folder and nothing else.
  if (!home.startsWith(realpathSync(tmpdir()) + sep) || home.split(sep).length < 4) throw new Error(`refusing to run with HOME=${home}`);

  const baseEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    USER: process.env.USER ?? 'root',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    TMPDIR: join(root, 'tmp'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_RUNTIME_DIR: runtime,
    INTERLOCK_REGISTRY_DIR: join(runtime, 'interlock'),
    GIT_CONFIG_NOSYSTEM: '1',
  };

  git(root, baseEnv, ['init', '-q', '--bare', remote]);
  writeFileSync(join(shop, SENTINEL), 'present only in this workspace\n');
  git(shop, baseEnv, ['init', '-q']);
  git(shop, baseEnv, ['add', '.']);
  git(shop, baseEnv, ['commit', '-q', '-m', 'first']);
  git(shop, baseEnv, ['remote', 'add', 'origin', remote]);
  git(shop, baseEnv, ['push', '-q', 'origin', 'main']);
  // A local history that differs from the remote's: only a force-push would replace it.
  git(shop, baseEnv, ['commit', '-q', '--amend', '-m', 'rewritten']);
  const remoteHead = git(remote, baseEnv, ['rev-parse', 'main']);
  writeFileSync(join(prod, '.interlock.jsonc'), '{ "environment": "production" }\n');
  const cwd = kase.where === 'prod' ? prod : shop;

  /** @type {string[]} */
  const toolResults = [];
  const server = await agent.start({ command: kase.command, onToolResult: (t) => toolResults.push(t) });
  const ctx = { home, cwd, url: server.url, mode };
  const env = { ...baseEnv, ...agent.env(ctx) };
  try {
    agent.configure(ctx);
    const install = spawnSync(process.execPath, [CLI, 'install-hooks', '--agent', agent.id, '--user'], { env: baseEnv, cwd, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`install-hooks --agent ${agent.id}: ${install.stderr}${install.stdout}`);
    if (measuring) {
      for (const rel of agent.hookFiles) {
        const file = join(home, rel);
        const text = readFileSync(file, 'utf8');
        const wrapped = text.replace(/("(?:command|bash)": ")([^"]* hook (?:claude|codex|gemini|copilot))"/g, (_, key, command) => `${key}${process.execPath} ${RECORDER} ${join(root, 'hook-calls')} ${command}"`);
        if (wrapped === text) throw new Error(`no Interlock hook entry in ${file}`);
        writeFileSync(file, wrapped);
      }
    }
    agent.trust(ctx);

    const startedAt = Date.now();
    const [bin, ...args] = agent.argv(ctx);
    const { code, output } = await new Promise((resolve, reject) => {
      const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
      const timer = setTimeout(() => {
        out += `\n[killed after ${AGENT_TIMEOUT_MS} ms]`;
        try {
          process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL');
        } catch {}
      }, AGENT_TIMEOUT_MS);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, output: out });
      });
    });
    const wallMs = Date.now() - startedAt;

    const markerRan = existsSync(join(cwd, MARKER)) || (kase.id === 'force-push' && git(remote, baseEnv, ['rev-parse', 'main']) !== remoteHead);
    // A sandbox that refuses the marker's write (Codex's default is read-only) still let the line
    // start: touch's complaint in the output counts as run.
    const started = markerRan || toolResults.some((t) => /touch: cannot touch/.test(t));
    const ran = kase.mustRun ? toolResults.some((t) => t.includes(SENTINEL)) : started;
    const said = toolResults.join(' ').replace(/\s+/g, ' ').trim();
    const how = ran ? 'ran' : toolResults.length === 0 ? `no tool result reached the model (exit ${code})` : said.slice(0, 150);
    const hooks = readdirSync(join(root, 'hook-calls')).sort().map((f) => /** @type {HookCall} */ (JSON.parse(readFileSync(join(root, 'hook-calls', f), 'utf8'))));
    /** @type {Outcome} */
    const outcome = { agent, mode, kase, ran, how, exit: code, wallMs, hooks, paths: { home, shop, prod }, output };
    return outcome;
  } finally {
    await server.close();
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}

/** Run jobs two at a time (the CI machines have two cores). */
async function pool(/** @type {(() => Promise<Outcome>)[]} */ jobs, width = 2) {
  /** @type {Outcome[]} */
  const results = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }));
  return results;
}

/** What the hook answered, in a word or two. */
function answer(/** @type {HookCall | undefined} */ call) {
  if (!call) return 'not called';
  if (call.stdout.trim() === '') return call.exit === 0 ? 'no opinion (exit 0)' : `exit ${call.exit}`;
  try {
    const out = JSON.parse(call.stdout);
    return String(out.hookSpecificOutput?.permissionDecision ?? out.permissionDecision ?? out.decision ?? out.permission ?? call.stdout.slice(0, 40));
  } catch {
    return `unparsable (exit ${call.exit})`;
  }
}

const median = (/** @type {number[]} */ xs) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The agent's real hook stdin as a golden input, its paths turned into the test's placeholders. */
function placeholders(/** @type {string} */ text, /** @type {Record<string, string>} */ paths) {
  return text.replaceAll(paths.shop, '${WORKSPACE}').replaceAll(paths.prod, '${PROD}').replaceAll(paths.home, '${HOME}');
}

/**
 * The hook's answer as an expectation: reasons quote rule-pack wording, so pin the rule id.
 * @param {unknown} v
 * @returns {unknown}
 */
function expectation(v) {
  if (typeof v === 'string') {
    const rule = /\[([a-z0-9-]+\/[a-z0-9-]+)\]/.exec(v);
    return rule ? `re:\\[${rule[1]}\\]` : v;
  }
  if (Array.isArray(v)) return v.map(expectation);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expectation(x)]));
  return v;
}

function writeGolden(/** @type {Outcome} */ o) {
  const call = o.hooks.find((h) => h.stdin.includes(o.kase.command.slice(0, 20)) || h.stdin.includes(JSON.stringify(o.kase.command).slice(1, 21)));
  if (!call) return false;
  const dir = join(GOLDEN, o.agent.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `real-${o.kase.id}.input.json`), `${placeholders(call.stdin.trim(), o.paths)}\n`);
  const stdout = call.stdout.trim() === '' ? null : expectation(JSON.parse(call.stdout));
  writeFileSync(join(dir, `real-${o.kase.id}.expected.json`), `${JSON.stringify({ exit: call.exit, stdout }, null, 2)}\n`);
  return true;
}

const cell = (/** @type {string} */ s) => s.replaceAll('|', '\\|');

const t0 = Date.now();
const jobs = agents.flatMap((agent) => MODES.flatMap((mode) => CASES.map((kase) => () => runCase(agent, mode, kase))));
const proof = await pool(jobs);
// Sequential, so that two hooks never compete for the two cores while one is being timed.
const measured = await pool(agents.flatMap((agent) => MODES.flatMap((mode) => CASES.map((kase) => () => runCase(agent, mode, kase, true)))), 1);

const key = (/** @type {Outcome} */ o) => `${o.agent.id}/${o.mode}/${o.kase.id}`;
const measuredBy = new Map(measured.map((o) => [key(o), o]));
let passed = 0;
let failed = 0;
const lines = [
  '| agent | mode | case | expected | result | hook answered (measuring pass) | how (tool result the model saw) |',
  '|---|---|---|---|---|---|---|',
];
for (const o of proof) {
  const ok = o.ran === o.kase.mustRun;
  if (ok) passed++;
  else failed++;
  const m = measuredBy.get(key(o));
  const call = m?.hooks[0];
  const mode = o.mode === 'default' ? 'default' : o.agent.bypassFlag;
  lines.push(`| ${o.agent.name} | ${mode} | ${o.kase.id} | ${o.kase.mustRun ? 'runs' : 'not run'} | ${ok ? '' : '**FAIL** '}${o.ran ? 'ran' : 'not run'} | ${answer(call)}${call ? ` (${call.ms.toFixed(0)} ms)` : ''} | ${cell(o.how)} |`);
  if (!ok) console.error(`--- ${key(o)}: agent exit ${o.exit}, output:\n${o.output.slice(-3000)}`);
}
console.log(lines.join('\n'));
console.log('');
console.log('| agent | version | hook calls timed | median hook ms | max hook ms | median agent run ms |');
console.log('|---|---|---|---|---|---|');
for (const agent of agents) {
  const calls = measured.filter((o) => o.agent === agent).flatMap((o) => o.hooks.slice(0, 1));
  const ms = calls.map((c) => c.ms);
  const version = JSON.parse(readFileSync(fileURLToPath(new URL(`./node_modules/${agent.pkg}/package.json`, import.meta.url)), 'utf8')).version;
  const runs = proof.filter((o) => o.agent === agent).map((o) => o.wallMs);
  console.log(`| ${agent.name} | ${version} | ${calls.length} | ${median(ms).toFixed(0)} | ${Math.max(...ms).toFixed(0)} | ${median(runs).toFixed(0)} |`);
}
if (record) {
  const written = measured.filter((o) => o.mode === 'bypass').filter(writeGolden).length;
  console.log(`\nwrote ${written} golden hook cases under test/golden/hooks/*/real-*`);
}
console.log(`\n${agents.length} agents x ${MODES.length} modes x ${CASES.length} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
