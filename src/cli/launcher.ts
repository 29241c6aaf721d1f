/**
 * The `interlock` executable: loads the CLI bundle through V8's code cache. A hook or check runs as
 * a fresh process for every command, and compiling ~400 KB of JavaScript each time would cost
 * more than the decision itself. Node 22 has `module.enableCompileCache()`; on Node 20 the same is
 * done here with `vm.Script` cached data, kept per user in a private directory (0700) so no
 * other account can plant bytecode. Any cache problem just means compiling as usual.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import Module, { createRequire } from 'node:module';

const file = join(__dirname, 'cli-main.js');
const source = readFileSync(file, 'utf8');

/**
 * One cache per build and per kind of run: the cache holds the functions the run that wrote it
 * compiled, so a `--help` written first would leave every later `hook` compiling its code afresh.
 */
function cacheFile(): { dir: string; build: string; path: string } | undefined {
  if (process.env.INTERLOCK_NO_CODE_CACHE) return undefined;
  try {
    const dir = join(process.env.XDG_CACHE_HOME ?? tmpdir(), `interlock-v8-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o077) !== 0) return undefined;
    const me = statSync(file);
    const build = `cli-${process.version}-${me.size}-${Math.floor(me.mtimeMs)}`;
    const kind = ['check', 'hook'].includes(process.argv[2] ?? '') ? process.argv[2] : 'other';
    return { dir, build, path: join(dir, `${build}-${kind}.bin`) };
  } catch {
    return undefined;
  }
}

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
