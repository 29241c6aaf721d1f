// Print the corpus score table and the misses: `node --import tsx scripts/scoreCorpus.ts [categories…]`.
import { DISPUTED, corpusAvailable, readCorpus, runCorpus, score, table } from '../test/unit/corpus';

if (!corpusAvailable()) {
  console.error('The peers corpus (../shared/corpus/peers.jsonl) is not here; nothing to score.');
  process.exit(0);
}
const wanted = process.argv.slice(2);
const scored = runCorpus(readCorpus());
const categories = wanted.length > 0 ? new Set(wanted) : undefined;
console.log(table(score(scored, categories)));
const inScope = scored.filter((s) => !categories || categories.has(s.category));
const misses = inScope.filter((s) => !DISPUTED[s.id] && (s.expect === 'flag') !== s.flagged);
console.log(`\n${misses.length} misses:`);
for (const m of misses) console.log(`${m.expect === 'flag' ? 'MISSED' : 'FALSEPOS'} ${m.id} [${m.category}] ${JSON.stringify(m.command).slice(0, 160)} ${m.rules.join(',')}`);
console.log(`\n${Object.keys(DISPUTED).length} disputed labels (not scored):`);
for (const [id, why] of Object.entries(DISPUTED)) console.log(`  ${id}: ${why}`);
