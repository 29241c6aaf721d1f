// The shell hooks' fast path decides plain lines without asking the guard: it must never let
// through a line the engine would stop. Checked on every plain line of the corpus (or a built-in
// list when the corpus is absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastAllows, fastPath } from '../../src/engine/fastPath';
import { lexPlainWords } from '../../src/engine/parse';
import { glob } from '../../src/engine/match';
import { check, engine } from './helpers';
import { corpusAvailable, readCorpus } from './corpus';

const lines = corpusAvailable()
  ? readCorpus().map((l) => l.command)
  : ['git status', 'ls -la', 'rm -rf /', 'sudo rm -rf ~', 'npm test', 'kubectl delete ns prod', 'echo hello', 'make build'];

test('every plain line the fast path lets through is one the engine allows', async () => {
  const fp = fastPath(engine().rules);
  assert.ok(fp.enabled, 'the built-in packs keep the fast path usable');
  const disagreements: string[] = [];
  let fast = 0;
  for (const line of lines) {
    const words = lexPlainWords(line)?.map((w) => w.value);
    if (!words || !fastAllows(fp, words, (name, g) => glob(name, g, true))) continue;
    fast++;
    const d = await check(line);
    if (d.decision !== 'allow') disagreements.push(`${line} → ${d.decision} (${d.reasons.map((r) => r.rule).join(', ')})`);
  }
  assert.ok(fast > 0, 'some lines take the fast path');
  assert.deepEqual(disagreements, []);
});
