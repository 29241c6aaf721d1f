/**
 * The engine's one entry point for adapters: load packs and (lazily, once) the grammar, then
 * `check` command lines. Pure: bytes, files and variables arrive through the options.
 */
import { checkFileWrites, evaluate, indexPacks } from './evaluate';
import type { EvaluateOptions, RuleIndex } from './evaluate';
import { loadBashGrammar } from './grammar';
import type { BashGrammar, GrammarBytes } from './grammar';
import { GrammarNeeded } from './parse';
import type { Pack } from './packs';
import type { Decision } from './types';
import type { FileWrite } from './fileWrites';
import { localEffects } from './localEffects';
import type { LocalEffects } from './localEffects';

export interface EngineOptions {
  packs: Pack[];
  /** Supplies the grammar's wasm bytes the first time a line needs the full parser. */
  grammarBytes: () => GrammarBytes | Promise<GrammarBytes>;
  /** A grammar already loaded (or loading) elsewhere, shared by engines of one process instead of loading their own. */
  grammar?: () => Promise<BashGrammar>;
}

export type CheckOptions = Omit<EvaluateOptions, 'rules' | 'grammar'>;

export interface Engine {
  readonly rules: RuleIndex;
  /** Decide a command line, loading the grammar first if the line needs it. */
  check(line: string, opts: CheckOptions): Promise<Decision>;
  /** Decide without waiting; throws GrammarNeeded if the grammar is needed and not loaded yet. */
  checkSync(line: string, opts: CheckOptions): Decision;
  /** Decide an agent's direct file changes (no shell line) with the packs' `writes` rules. */
  checkWrites(writes: FileWrite[], opts: CheckOptions, tool: string): Decision;
  /** The commands a line runs on this machine and the files each changes (for impact and snapshots). */
  effects(line: string, opts: { cwd: string; home: string }): Promise<LocalEffects>;
  /** Start loading the grammar now (an editor does this after activation). */
  warm(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const rules = indexPacks(options.packs);
  let grammar: BashGrammar | undefined;
  let loading: Promise<BashGrammar> | undefined;
  const load = (): Promise<BashGrammar> => {
    loading ??= (options.grammar ? options.grammar() : Promise.resolve(options.grammarBytes()).then(loadBashGrammar)).then((g) => (grammar = g));
    return loading;
  };
  const checkSync = (line: string, opts: CheckOptions): Decision => evaluate(line, { ...opts, rules, grammar });
  return {
    rules,
    checkSync,
    async check(line, opts) {
      try {
        return checkSync(line, opts);
      } catch (e) {
        if (!(e instanceof GrammarNeeded)) throw e;
        await load();
        return checkSync(line, opts);
      }
    },
    checkWrites(writes, opts, tool) {
      return checkFileWrites(writes, { rules, environment: opts.environment, cwd: opts.cwd, home: opts.home }, tool);
    },
    async effects(line, opts) {
      const run = (): LocalEffects => localEffects(line, { rules, cwd: opts.cwd, home: opts.home, grammar });
      try {
        return run();
      } catch (e) {
        if (!(e instanceof GrammarNeeded)) throw e;
        await load();
        return run();
      }
    },
    async warm() {
      await load();
    },
  };
}

export { GrammarNeeded };
export type { Decision, FileWrite, LocalEffects };
