// A private build of the CLI, bundled as `npm run build` bundles dist/cli.js (the launcher, with the
// CLI in cli-main.js beside it; minified, rule packs embedded, large dependencies in vendor files
// beside them, grammar wasm copied), in a temp directory
// of its own: tests and benchmarks run the real process without racing a concurrent build of dist/.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
let built: string | undefined;

/** Path of a freshly built cli.js, built once per process and removed when the process exits. */
export function buildPrivateCli(): string {
  if (built) return built;
  const out = mkdtempSync(join(tmpdir(), 'interlock-hooks-cli-'));
  process.on('exit', () => {
    // The resident engine this build started (if any) goes with it.
    spawnSync('pkill', ['-f', `${join(out, 'cli.js')} resident`]);
    rmSync(out, { recursive: true, force: true });
  });
  const script = `
    const esbuild = require('esbuild');
    const VENDORED = { '@vscode/tree-sitter-wasm': 'vendor-tree-sitter.js', ajv: 'vendor-ajv.js' };
    const vendorPlugin = { name: 'vendor', setup(b) {
      b.onResolve({ filter: /^(@vscode\\/tree-sitter-wasm|ajv)$/ }, (a) => ({ path: './' + VENDORED[a.path], external: true }));
    } };
    const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, logLevel: 'error', mainFields: ['module', 'main'] };
    import(${JSON.stringify(join(ROOT, 'scripts', 'packsPlugin.mjs'))}).then(({ packsPlugin }) => Promise.all([
      esbuild.build({ ...common, entryPoints: [${JSON.stringify(join(ROOT, 'src', 'cli', 'main.ts'))}], outfile: ${JSON.stringify(join(out, 'cli-main.js'))}, plugins: [packsPlugin(), vendorPlugin] }),
      esbuild.build({ ...common, entryPoints: [${JSON.stringify(join(ROOT, 'src', 'cli', 'launcher.ts'))}], outfile: ${JSON.stringify(join(out, 'cli.js'))} }),
      esbuild.build({ ...common, stdin: { contents: "module.exports = require('@vscode/tree-sitter-wasm');", resolveDir: ${JSON.stringify(ROOT)} }, outfile: ${JSON.stringify(join(out, 'vendor-tree-sitter.js'))} }),
      esbuild.build({ ...common, stdin: { contents: "module.exports = require('ajv');", resolveDir: ${JSON.stringify(ROOT)} }, outfile: ${JSON.stringify(join(out, 'vendor-ajv.js'))} }),
    ])).catch((e) => { console.error(e.message); process.exit(1); });`;
  execFileSync(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const wasm = join(ROOT, 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm');
  for (const f of ['tree-sitter.wasm', 'tree-sitter-bash.wasm', 'tree-sitter-powershell.wasm']) copyFileSync(join(wasm, f), join(out, f));
  built = join(out, 'cli.js');
  return built;
}
