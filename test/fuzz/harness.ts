/**
 * The fuzzing properties, shared by the bounded test (test/unit/fuzz.test.ts) and the long mode
 * (scripts/fuzz.ts): one engine with the grammar loaded, seeds read into shapes, per-call timing.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadBashGrammar } from '../../src/engine/grammar';
import { environmentFrom } from '../../src/engine/environment';
import { TIME_BUDGET_MS } from '../../src/engine/evaluate';
import type { Decision } from '../../src/engine/types';
import { CORPUS_HOME, CORPUS_WORKSPACE } from '../unit/corpus';
import { engine, grammarBytes } from '../unit/helpers';
import { analyseLine, loadSeeds, mutate, mutatedInput, randomLine, render, variant } from './arbitraries';
import type { MutatedInput, Seeds, Shape, Variant } from './arbitraries';

/**
 * Every decision must come back within this many milliseconds, measured around the synchronous
 * call with the grammar loaded. Typical calls take well under a millisecond; the bound is generous
 * so a loaded CI machine passes, yet low enough to catch a pathological input. A call over it is
 * timed again twice and fails only if its fastest run is still over: a garbage-collection pause
 * or a descheduled thread does not repeat, a slow input does.
 */
export const DECISION_LIMIT_MS = 50;
/**
 * Lines longer than this (the size of a long real command line) are held to the engine's own time
 * budget instead: tens of kilobytes of words or expansions cost the grammar and the walk over its
 * tree tens of milliseconds more, linearly.
 */
export const LARGE_LINE = 8 * 1024;

const environment = environmentFrom({ source: 'fuzz' });

/** Decision times, kept apart for command-line-sized and large input. */
export class Timings {
  readonly small = new Samples();
  readonly large = new Samples();

  add(ms: number, input: string): void {
    (input.length <= LARGE_LINE ? this.small : this.large).add(ms, input);
  }

  get count(): number {
    return this.small.count + this.large.count;
  }

  summary(): string {
    const row = (name: string, s: Samples): string =>
      s.count === 0 ? `${name}: none` : `${name}: ${s.count} decisions, p50 ${s.percentile(0.5).toFixed(2)} ms, p99 ${s.percentile(0.99).toFixed(2)} ms, max ${s.max.toFixed(1)} ms (a ${s.maxInput.length}-character line)`;
    return `${row(`lines up to ${LARGE_LINE / 1024} KiB`, this.small)}\n${row('larger lines', this.large)}`;
  }
}

export class Samples {
  private readonly samples: number[] = [];
  max = 0;
  maxInput = '';

  add(ms: number, input: string): void {
    this.samples.push(ms);
    if (ms > this.max) {
      this.max = ms;
      this.maxInput = input;
    }
  }

  get count(): number {
    return this.samples.length;
  }

  percentile(p: number): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  }
}

/** One run of a property: how many inputs it tried and, on a failure, the shrunk counterexample. */
export interface Outcome {
  runs: number;
  failure?: { line: string; recipe: string; message: string; shrinks: number };
}

export const PROPERTY_NAMES = {
  robustness: 'mutated and random lines never throw, decide the same twice, and are answered in time',
  flagging: 'a flagged line stays flagged under quoting, path prefixes, wrappers, whitespace, look-alike dashes, unset variables and SQL case',
  allowing: 'an allowed line stays allowed under whitespace, continuations, quoting of plain words, grouping and FOO=1',
} as const;

export type PropertyKey = keyof typeof PROPERTY_NAMES;

export interface Property {
  name: string;
  /** Try `numRuns` inputs from `seed`; `timeLimitMs` stops early (not a failure). */
  run(numRuns: number, seed: number, timeLimitMs?: number): Outcome;
}

function runProperty<T>(arbitrary: fc.Arbitrary<T>, predicate: (input: T) => void, lineOf: (input: T) => string, numRuns: number, seed: number, timeLimitMs?: number): Outcome {
  const limit = timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: Math.max(1, timeLimitMs), markInterruptAsFailure: false };
  const r = fc.check(fc.property(arbitrary, predicate), { numRuns, seed, ...limit });
  if (!r.failed || !r.counterexample) return { runs: r.numRuns };
  const input = r.counterexample[0];
  return {
    runs: r.numRuns,
    failure: { line: lineOf(input), recipe: JSON.stringify(input), message: (r.errorInstance as Error | undefined)?.message ?? String(r.errorInstance), shrinks: r.numShrinks },
  };
}

/** The limit a decision is held to: the per-call bound, or for large input the engine's own budget. */
export function limitFor(line: string): number {
  return line.length <= LARGE_LINE ? DECISION_LIMIT_MS : TIME_BUDGET_MS;
}

export interface FlagCase {
  seed: number;
  variant: Variant;
}

export interface Harness {
  seeds: Seeds;
  flagged: Shape[];
  benign: Shape[];
  pool: string[];
  timings: Timings;
  /** Called with each line before it is decided (the long mode's watchdog names a hang with it). */
  onInput?: (line: string) => void;
  /** Decide one line, timed; the decision and how long it took. */
  decide(line: string): { decision: Decision; ms: number };
  robustInput: fc.Arbitrary<MutatedInput | string>;
  flagCase: fc.Arbitrary<FlagCase>;
  benignCase: fc.Arbitrary<FlagCase>;
  /** Each property throws (an assertion) on a counterexample. */
  robust(input: MutatedInput | string): void;
  staysFlagged(c: FlagCase): void;
  staysAllowed(c: FlagCase): void;
  /** The line a generated input stands for, for reports. */
  lineOf(input: MutatedInput | string): string;
  flagLine(c: FlagCase): string;
  benignLine(c: FlagCase): string;
  /** Rule ids a rewrite lost while the line stayed flagged: reported, not failed. */
  lostRules: Map<string, { line: string; lost: string[] }>;
  properties: Record<PropertyKey, Property>;
}

const ruleIds = (d: Decision): string[] => d.reasons.map((r) => r.rule).filter((r) => !r.startsWith('interlock/'));

/**
 * `enforceTime`: hold every decision to its time limit. The long fuzz run does; `npm test` only
 * reports times, because speed is measured by benchmarks, never asserted by timed tests.
 */
export async function createHarness(options: { enforceTime?: boolean } = {}): Promise<Harness> {
  const eng = engine();
  await eng.warm();
  const grammar = await loadBashGrammar(grammarBytes());
  const seeds = loadSeeds();
  const sqlClients = new Set([...eng.rules.programs].filter(([, spec]) => spec.content?.language === 'sql' || spec.content?.language === 'cql').map(([name]) => name.toLowerCase()));
  const timings = new Timings();
  const opts = { environment, cwd: CORPUS_WORKSPACE, home: CORPUS_HOME };

  const h: Harness = {
    seeds,
    flagged: [],
    benign: [],
    pool: [...seeds.flag, ...seeds.allow],
    timings,
    lostRules: new Map(),
    decide(line) {
      h.onInput?.(line);
      let t = performance.now();
      let decision = eng.checkSync(line, opts);
      let ms = performance.now() - t;
      timings.add(ms, line);
      for (let again = 0; again < 2 && ms > limitFor(line); again++) {
        t = performance.now();
        decision = eng.checkSync(line, opts);
        ms = Math.min(ms, performance.now() - t);
      }
      return { decision, ms };
    },
    robustInput: fc.oneof({ weight: 4, arbitrary: mutatedInput([...seeds.flag, ...seeds.allow]) }, { weight: 1, arbitrary: randomLine }),
    flagCase: fc.record({ seed: fc.nat({ max: 1 << 20 }), variant: variant('flag') }),
    benignCase: fc.record({ seed: fc.nat({ max: 1 << 20 }), variant: variant('benign') }),
    lineOf: (input) => (typeof input === 'string' ? input : mutate(h.pool[input.seed % h.pool.length], input.mutations, h.pool)),
    flagLine: (c) => render(h.flagged[c.seed % h.flagged.length], c.variant, 'flag'),
    benignLine: (c) => render(h.benign[c.seed % h.benign.length], c.variant, 'benign'),
    robust(input) {
      const line = h.lineOf(input);
      let first: { decision: Decision; ms: number };
      try {
        first = h.decide(line);
      } catch (e) {
        assert.fail(`threw ${(e as Error).stack ?? String(e)}`);
      }
      const d = first.decision;
      assert.ok(['allow', 'confirm', 'block'].includes(d.decision), `decision ${String(d.decision)}`);
      assert.ok(d.decision === 'allow' || d.reasons.length > 0, 'a flagged decision without a reason');
      const limit = limitFor(line);
      if (options.enforceTime) assert.ok(first.ms <= limit, `took ${first.ms.toFixed(1)} ms (limit ${limit} ms) on a ${line.length}-character line`);
      // Decisions depend on the line alone: nothing may leak from one check to the next. (A line
      // stopped by the time budget may finish on a second try; that is load, not state.)
      const again = h.decide(line).decision;
      const timed = [d, again].some((x) => x.reasons.some((r) => r.rule === 'interlock/too-complex'));
      if (!timed) assert.deepEqual([again.decision, ruleIds(again)], [d.decision, ruleIds(d)], 'a second check of the same line decided differently');
    },
    staysFlagged(c) {
      const shape = h.flagged[c.seed % h.flagged.length];
      const base = h.decide(shape.line).decision;
      const line = render(shape, c.variant, 'flag');
      const d = h.decide(line).decision;
      assert.notEqual(d.decision, 'allow', `allowed a rewrite of a flagged line (${base.decision}: ${ruleIds(base).join(', ')})`);
      const now = new Set(ruleIds(d));
      const lost = ruleIds(base).filter((r) => !now.has(r));
      if (lost.length > 0 && !h.lostRules.has(line)) h.lostRules.set(line, { line: shape.line, lost });
    },
    staysAllowed(c) {
      const shape = h.benign[c.seed % h.benign.length];
      const line = render(shape, c.variant, 'benign');
      const d = h.decide(line).decision;
      assert.equal(d.decision, 'allow', `flagged a meaning-preserving rewrite of an allowed line: ${d.reasons.map((r) => `${r.rule}: ${r.message}`).join('; ')}`);
    },
    properties: {
      robustness: { name: PROPERTY_NAMES.robustness, run: (n, seed, ms) => runProperty(h.robustInput, (i) => h.robust(i), (i) => h.lineOf(i), n, seed, ms) },
      flagging: { name: PROPERTY_NAMES.flagging, run: (n, seed, ms) => runProperty(h.flagCase, (c) => h.staysFlagged(c), (c) => h.flagLine(c), n, seed, ms) },
      allowing: { name: PROPERTY_NAMES.allowing, run: (n, seed, ms) => runProperty(h.benignCase, (c) => h.staysAllowed(c), (c) => h.benignLine(c), n, seed, ms) },
    },
  };
  // Bases: flag seeds the engine flags, allow seeds it allows (the corpus scorer tracks the rest).
  for (const line of seeds.flag) if (eng.checkSync(line, opts).decision !== 'allow') h.flagged.push(analyseLine(line, grammar, sqlClients));
  for (const line of seeds.allow) if (eng.checkSync(line, opts).decision === 'allow') h.benign.push(analyseLine(line, grammar, sqlClients));
  return h;
}
