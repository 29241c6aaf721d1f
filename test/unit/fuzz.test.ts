// Fuzzing, bounded for `npm test` (about half a minute): broken and random lines are always
// answered, in time; meaning-preserving rewrites never change a verdict. The long mode is
// scripts/fuzz.ts (`npm run fuzz -- --minutes N`); both share test/fuzz/. Seeds are the peers'
// corpus when it is beside this clone, a built-in list otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_BENIGN, BUILTIN_FLAGGED, HAND_FLAGGED } from '../fuzz/arbitraries';
import { DECISION_LIMIT_MS, LARGE_LINE, PROPERTY_NAMES, createHarness } from '../fuzz/harness';
import type { PropertyKey } from '../fuzz/harness';

// Times are reported, not asserted here (a shared machine makes them noise); `npm run fuzz` holds
// each decision to its limit.
const ready = createHarness({ enforceTime: false });

// Fixed seeds and run counts: the same inputs every time, so a failure reproduces.
const runs: { property: PropertyKey; numRuns: number; seed: number }[] = [
  { property: 'robustness', numRuns: 4000, seed: 20261125 },
  { property: 'flagging', numRuns: 8000, seed: 7 },
  { property: 'allowing', numRuns: 6000, seed: 11 },
];

for (const { property, numRuns, seed } of runs) {
  test(`${PROPERTY_NAMES[property]} (${numRuns} inputs, seed ${seed})`, async (t) => {
    const h = await ready;
    const { runs: tried, failure } = h.properties[property].run(numRuns, seed);
    t.diagnostic(`${tried} inputs tried; seeds: ${h.seeds.source}`);
    if (failure) {
      assert.fail(`counterexample after ${failure.shrinks} shrinks:\n  line: ${JSON.stringify(failure.line).slice(0, 2000)}\n  recipe: ${failure.recipe.slice(0, 2000)}\n  ${failure.message}`);
    }
  });
}

test('the seed lists are decided as labelled, so no rewrite starts from a wrong base (the built-in ones stand in for the corpus)', async () => {
  const h = await ready;
  const flaggedAllowed = [...HAND_FLAGGED, ...BUILTIN_FLAGGED].filter((line) => h.decide(line).decision.decision === 'allow');
  const benignFlagged = BUILTIN_BENIGN.filter((line) => h.decide(line).decision.decision !== 'allow');
  assert.deepEqual({ flaggedAllowed, benignFlagged }, { flaggedAllowed: [], benignFlagged: [] });
});

test(`decision times under fuzzing are reported (the long run holds lines up to ${LARGE_LINE / 1024} KiB to ${DECISION_LIMIT_MS} ms)`, async (t) => {
  const h = await ready;
  for (const line of h.timings.summary().split('\n')) t.diagnostic(line);
  assert.ok(h.timings.count > 0, 'decisions were timed');
});
