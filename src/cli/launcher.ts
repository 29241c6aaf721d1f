/**
 * The `interlock` executable. A `check` or `hook` is first offered to the resident engine (see
 * resident/server.ts), which answers without loading anything here; when there is none, or it
 * cannot answer, the call is decided in this process as before. The CLI bundle is loaded
 * through V8's code cache: a hook or check runs as a fresh process for every command, and
 * compiling ~400 KB of JavaScript each time would cost more than the decision itself. Node 22 has `module.enableCompileCache()`; on Node 20 the same is
 * done here with `vm.Script` cached data, kept per user in a private directory (0700) so no
 * other account can plant bytecode. Any cache problem just means compiling as usual.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import Module, { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import { offer, startResident } from './resident/client';
import { isPrivateDir, servedHere } from './resident/protocol';
import { hookBudget } from './hooks/budget';
import { readStdin } from './stdin';
import type { StdinText } from './stdin';

const file = join(__dirname, 'cli-main.js');

/**
 * One cache per build and per kind of run: the cache holds the functions the run that wrote it
 * compiled, so a `--help` written first would leave every later `hook` compiling its code afresh.
 */
function cacheFile(): { dir: string; build: string; path: string } | undefined {
  if (process.env.INTERLOCK_NO_CODE_CACHE) return undefined;
  try {
    const dir = join(process.env.XDG_CACHE_HOME ?? tmpdir(), `interlock-v8-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isPrivateDir(dir)) return undefined;
    const me = statSync(file);
    const build = `cli-${process.version}-${me.size}-${Math.floor(me.mtimeMs)}`;
    const kind = ['check', 'hook', 'resident'].includes(process.argv[2] ?? '') ? process.argv[2] : 'other';
    return { dir, build, path: join(dir, `${build}-${kind}.bin`) };
  } catch {
    return undefined;
  }
}

interface CliMain {
  start(argv: string[], preread?: StdinText | Promise<StdinText>): void;
}

/** Agents write their hook input at once; one that takes longer is decided in process, where the hook's budget runs. */
const STDIN_WAIT_MS = 500;

/** Load the CLI bundle (through the code cache) and return its entry. */
function loadMain(): CliMain {
  const source = readFileSync(file, 'utf8');
  const cache = cacheFile();
  const cachePath = cache?.path;
  let cachedData: Buffer | undefined;
  try {
    cachedData = cachePath ? readFileSync(cachePath) : undefined;
  } catch {
    cachedData = undefined;
  }

  const script = new Script((Module as unknown as { wrap(s: string): string }).wrap(source), { filename: file, cachedData });
  if (cachePath && (cachedData === undefined || script.cachedDataRejected)) {
    // Written at exit, so the functions this run compiled lazily are in the cache too.
    process.once('exit', () => {
      try {
        const tmp = `${cachePath}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, cachePath);
        // Caches of earlier builds can never be used again.
        for (const f of readdirSync(cache!.dir)) if (f.startsWith('cli-') && f.endsWith('.bin') && !f.startsWith(cache!.build)) unlinkSync(join(cache!.dir, f));
      } catch {
        // A cache that cannot be written costs only speed.
      }
    });
  }
  const main = new Module(file, module);
  main.filename = file;
  (main as unknown as { paths: string[] }).paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(__dirname);
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(main.exports, main.exports, createRequire(file), main, file, __dirname);
  return main.exports as CliMain;
}

/** Names this exact build: a resident engine of another build is never asked. */
function buildId(): string | undefined {
  try {
    const st = statSync(file);
    return `${process.version}:${file}:${st.size}:${Math.floor(st.mtimeMs)}`;
  } catch {
    return undefined;
  }
}

async function viaResident(argv: string[], build: string): Promise<void> {
  const started = Date.now();
  const hook = argv[0] === 'hook';
  let stdin: StdinText | undefined;
  if (hook) {
    const reading = readStdin();
    let waited: NodeJS.Timeout | undefined;
    stdin = await Promise.race([reading, new Promise<undefined>((resolve) => (waited = setTimeout(() => resolve(undefined), STDIN_WAIT_MS)))]);
    clearTimeout(waited);
    if (stdin === undefined) {
      loadMain().start(argv, reading);
      return;
    }
  }
  const tty = !hook && !argv.includes('--json') && isatty(1);
  const o = await offer(build, argv, stdin, tty);
  if (o.kind === 'answered') {
    const { stdout, stderr, code } = o.answer;
    if (stderr) process.stderr.write(stderr);
    process.exitCode = code;
    if (stdout) process.stdout.write(stdout);
    return;
  }
  if (o.kind === 'timeout' && hook) {
    // Too late to decide here before the agent gives up: exit 2 is "block" to every agent.
    process.stderr.write('interlock hook: no decision in time from the resident engine; refused.\n');
    process.exit(2);
  }
  if (o.kind === 'unreachable' && o.start) startResident(__filename, build);
  if (hook && Date.now() - started > 1000) {
    // What is left of the agent's budget, not a fresh one.
    const left = Math.max(100, hookBudget(process.env) - (Date.now() - started));
    process.env.INTERLOCK_HOOK_TIMEOUT_MS = String(left);
  }
  loadMain().start(argv, stdin);
}

const argv = process.argv.slice(2);
const build = process.env.INTERLOCK_RESIDENT === '0' || process.platform === 'win32' || !servedHere(argv) ? undefined : buildId();
if (build) void viaResident(argv, build);
else loadMain().start(argv);
