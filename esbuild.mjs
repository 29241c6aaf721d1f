// Two bundles: the CLI (`dist/cli.js`) and the extension entry (`dist/extension.js`).
// Rule packs are read, validated and embedded at build time, so neither entry parses JSONC at startup.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');

mkdirSync('dist', { recursive: true });
// The grammar's wasm files ship beside the bundles; the adapters read them lazily.
const wasmDir = join(dirname(require.resolve('@vscode/tree-sitter-wasm')));
for (const file of ['tree-sitter.wasm', 'tree-sitter-bash.wasm', 'tree-sitter-powershell.wasm']) copyFileSync(join(wasmDir, file), join('dist', file));

// Large dependencies that most runs never touch live in their own files beside the bundles and
// are required on first use, so starting the CLI does not parse them.
const VENDORED = { '@vscode/tree-sitter-wasm': 'vendor-tree-sitter.js', ajv: 'vendor-ajv.js' };
const vendorPlugin = {
  name: 'interlock-vendor',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(VENDORED).map((k) => k.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `./${VENDORED[args.path]}`, external: true }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Minified: a short-lived CLI process pays for every byte V8 has to parse. Maps stay beside it.
  sourcemap: 'linked',
  minify: true,
  keepNames: false,
  logLevel: 'warning',
  // jsonc-parser's CommonJS build is UMD with dynamic requires; its ES module build bundles cleanly.
  mainFields: ['module', 'main'],
  plugins: [(await import('./scripts/packsPlugin.mjs')).packsPlugin(), vendorPlugin],
};
const vendor = { ...common, plugins: [] };

const builds = [
  { ...vendor, stdin: { contents: "module.exports = require('@vscode/tree-sitter-wasm');", resolveDir: '.' }, outfile: 'dist/vendor-tree-sitter.js' },
  { ...vendor, stdin: { contents: "module.exports = require('ajv');", resolveDir: '.' }, outfile: 'dist/vendor-ajv.js' },
  { ...common, entryPoints: { 'cli-main': 'src/cli/main.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli/launcher.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' }, plugins: [] },
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
