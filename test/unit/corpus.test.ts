// Decision quality on the peers' own test cases, through the real CLI (see test/unit/corpus.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusAvailable, readCorpus, runCorpus, score, table } from './corpus';

const LOCAL = new Set(['git', 'filesystem', 'wrapper-bypass', 'interpreter', 'containers', 'process', 'permissions', 'other', 'benign']);

test('peers corpus: local-harm categories recall ≥ 0.97, false positives ≤ 0.03; whole corpus recall ≥ 0.95, false positives ≤ 0.05', { skip: corpusAvailable() ? false : 'the peers corpus (../shared/corpus/peers.jsonl) is not beside this clone' }, () => {
  const scored = runCorpus(readCorpus());
  const local = score(scored, LOCAL);
  const all = score(scored);
  console.log(table(local));
  console.log(table(all));
  const recall = (r: { caught: number; flag: number }) => r.caught / r.flag;
  const fp = (r: { falsePositives: number; allow: number }) => r.falsePositives / r.allow;
  assert.ok(recall(local.total) >= 0.97, `local recall ${recall(local.total).toFixed(3)}`);
  assert.ok(fp(local.total) <= 0.03, `local false positives ${fp(local.total).toFixed(3)}`);
  assert.ok(recall(all.total) >= 0.95, `overall recall ${recall(all.total).toFixed(3)}`);
  assert.ok(fp(all.total) <= 0.05, `overall false positives ${fp(all.total).toFixed(3)}`);
});
