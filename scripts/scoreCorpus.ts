// Score the peers' corpus and list the misses: `node --import tsx scripts/scoreCorpus.ts [category…]`.
// Builds its own private copy of the CLI first, so it never races a build of dist/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISPUTED, corpusAvailable, readCorpus, runCorpus, score, table } from '../test/unit/corpus';

if (!corpusAvailable()) {
  console.error('The peers corpus (../shared/corpus/peers.jsonl) is not here; nothing to score.');
  process.exit(0);
}
const root = join(__dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'interlock-score-'));
try {
  execFileSync(process.execPath, ['-e', `
    const esbuild = require('esbuild');
    import(${JSON.stringify(join(root, 'scripts', 'packsPlugin.mjs'))}).then(({ packsPlugin }) => esbuild.build({
      entryPoints: [${JSON.stringify(join(root, 'src', 'cli', 'main.ts'))}], bundle: true, platform: 'node', format: 'cjs',
      mainFields: ['module', 'main'], outfile: ${JSON.stringify(join(out, 'cli.js'))}, logLevel: 'error', plugins: [packsPlugin()],
    })).catch((e) => { console.error(e.message); process.exit(1); });`], { cwd: root, stdio: 'inherit' });
  const wasm = join(root, 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm');
  for (const f of ['tree-sitter.wasm', 'tree-sitter-bash.wasm']) copyFileSync(join(wasm, f), join(out, f));
  const wanted = process.argv.slice(2);
  const scored = runCorpus(readCorpus(), join(out, 'cli.js'));
  const categories = wanted.length > 0 ? new Set(wanted) : undefined;
  console.log(table(score(scored, categories)));
  const inScope = scored.filter((s) => !categories || categories.has(s.category));
  const misses = inScope.filter((s) => !DISPUTED[s.id] && (s.expect === 'flag') !== s.flagged);
  console.log(`\n${misses.length} misses:`);
  for (const m of misses) console.log(`${m.expect === 'flag' ? 'MISSED' : 'FALSEPOS'} ${m.id} [${m.category}] ${JSON.stringify(m.command).slice(0, 160)} ${m.rules.join(',')}`);
  console.log(`\n${Object.keys(DISPUTED).length} disputed labels (not scored):`);
  for (const [id, why] of Object.entries(DISPUTED)) console.log(`  ${id}: ${why}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
