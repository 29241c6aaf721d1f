// Two bundles: the CLI (`dist/cli.js`) and the extension entry (`dist/extension.js`).
// Rule packs are read, validated and embedded at build time, so neither entry parses JSONC at startup.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

mkdirSync('dist', { recursive: true });
// The grammar's wasm files ship beside the bundles; the adapters read them lazily.
const wasmDir = join(dirname(require.resolve('@vscode/tree-sitter-wasm')));
for (const file of ['tree-sitter.wasm', 'tree-sitter-bash.wasm']) copyFileSync(join(wasmDir, file), join('dist', file));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's CommonJS build is UMD with dynamic requires; its ES module build bundles cleanly.
  mainFields: ['module', 'main'],
  plugins: [(await import('./scripts/packsPlugin.mjs')).packsPlugin()],
};

const builds = [
  { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
