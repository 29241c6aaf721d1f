// Score the peers' corpus and list the misses: `node --import tsx scripts/scoreCorpus.ts [category…]`.
// Builds its own private copy of the CLI first, so it never races a build of dist/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  for (const f of ['tree-sitter.wasm', 'tree-sitter-bash.wasm', 'tree-sitter-powershell.wasm']) copyFileSync(join(wasm, f), join(out, f));
  const wanted = process.argv.slice(2);
  const scored = runCorpus(readCorpus(), join(out, 'cli.js'));
  const categories = wanted.length > 0 ? new Set(wanted) : undefined;
  console.log(table(score(scored, categories)));
  const inScope = scored.filter((s) => !categories || categories.has(s.category));
  const misses = inScope.filter((s) => !DISPUTED[s.id] && (s.expect === 'flag') !== s.flagged);
  console.log(`\n${misses.length} misses:`);
  for (const m of misses) console.log(`${m.expect === 'flag' ? 'MISSED' : 'FALSEPOS'} ${m.id} [${m.category}] ${JSON.stringify(m.command).slice(0, 160)} ${m.rules.join(',')}`);
  // The same figures with the disputed lines scored as the peers label them.
  const all = { flag: 0, caught: 0, allow: 0, falsePositives: 0 };
  for (const s of inScope) {
    if (s.expect === 'flag') {
      all.flag++;
      if (s.flagged) all.caught++;
    } else {
      all.allow++;
      if (s.flagged) all.falsePositives++;
    }
  }
  const r = (n: number, d: number): string => (d === 0 ? '—' : (n / d).toFixed(3));
  console.log(`\nWith disputed lines scored as labelled: recall ${r(all.caught, all.flag)} (${all.caught}/${all.flag}), false positives ${r(all.falsePositives, all.allow)} (${all.falsePositives}/${all.allow}).`);
  // A dispute Interlock no longer needs: its answer now matches the peer's label.
  // Lines whose answer follows the scorer's own environment (TMPDIR set or not) are kept either way.
  const envFile = join(root, 'test', 'disputes', 'environment.json');
  const byEnvironment = new Set(existsSync(envFile) ? Object.keys(JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>) : []);
  const agreed = inScope.filter((s) => DISPUTED[s.id] && !byEnvironment.has(s.id) && (s.expect === 'flag') === s.flagged);
  if (agreed.length > 0) console.log(`\n${agreed.length} disputes where Interlock now agrees with the label (remove them): ${agreed.map((s) => s.id).join(', ')}`);
  console.log(`\n${Object.keys(DISPUTED).length} disputed labels (not scored):`);
  for (const [id, why] of Object.entries(DISPUTED)) console.log(`  ${id}: ${why}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
