// esbuild plugin: `import packs from 'interlock:builtin-packs'` becomes the rule packs of rules/*.jsonc,
// validated by the engine's own parsePack (bundled here on the fly) so a bad pack fails the build
// with file:line:col, and embedded as plain JSON so nothing parses JSONC at startup.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { join, resolve } from 'node:path';

export function loadPackParser(root = process.cwd()) {
  const out = esbuild.buildSync({
    entryPoints: [join(root, 'src/engine/packs.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    mainFields: ['module', 'main'],
  });
  const filename = join(root, 'src/engine/packs.bundle.cjs');
  const mod = new Module(filename);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(root);
  mod.require = createRequire(filename);
  mod._compile(out.outputFiles[0].text, filename);
  return mod.exports;
}

export function packsPlugin() {
  return {
    name: 'interlock-packs',
    setup(build) {
      build.onResolve({ filter: /^interlock:builtin-packs$/ }, () => ({ path: 'builtin-packs', namespace: 'interlock' }));
      build.onLoad({ filter: /.*/, namespace: 'interlock' }, () => {
        const dir = resolve('rules');
        const files = readdirSync(dir).filter((f) => f.endsWith('.jsonc')).sort();
        const { parsePack } = loadPackParser();
        const packs = [];
        for (const f of files) {
          const rel = `rules/${f}`;
          try {
            const { file: _file, ...pack } = parsePack(readFileSync(join(dir, f), 'utf8'), rel);
            // Examples are for tests; the shipped bundle carries only what decides.
            packs.push({ file: rel, pack: { ...pack, rules: pack.rules.map(({ examples: _e, ...rule }) => rule) } });
          } catch (e) {
            return { errors: [{ text: e.message }], watchFiles: files.map((x) => join(dir, x)) };
          }
        }
        // A JSON string parsed once is far cheaper for V8 than the same data as an object literal.
        const contents = `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(packs))});`;
        return { contents, loader: 'js', watchFiles: files.map((x) => join(dir, x)), watchDirs: [dir] };
      });
    },
  };
}
