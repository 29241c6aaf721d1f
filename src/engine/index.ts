/**
 * The engine's one entry point for adapters: load packs and (lazily, once) the grammars, then
 * `check` command lines. Pure: bytes, files and variables arrive through the options.
 */
import { checkFileWrites, evaluate, indexPacks } from './evaluate';
import type { EvaluateOptions, RuleIndex } from './evaluate';
import { loadGrammar } from './grammar';
import type { BashGrammar, GrammarBytes, GrammarLanguage } from './grammar';
import { GrammarNeeded } from './parse';
import type { Pack } from './packs';
import type { Decision } from './types';
import type { FileWrite } from './fileWrites';
import { localEffects } from './localEffects';
import type { LocalEffects } from './localEffects';

export interface EngineOptions {
  packs: Pack[];
  /** Supplies the grammars' wasm bytes the first time a line needs a full parser. */
  grammarBytes: () => GrammarBytes | Promise<GrammarBytes>;
  /** Grammars already loaded (or loading) elsewhere, shared by the engines of one process instead of loading their own. */
  grammar?: (language: GrammarLanguage) => Promise<BashGrammar>;
}

export type CheckOptions = Omit<EvaluateOptions, 'rules' | 'grammar' | 'powershell'>;

export interface Engine {
  readonly rules: RuleIndex;
  /** Decide a command line, loading the grammar first if the line needs it. */
  check(line: string, opts: CheckOptions): Promise<Decision>;
  /** Decide without waiting; throws GrammarNeeded if the grammar is needed and not loaded yet. */
  checkSync(line: string, opts: CheckOptions): Decision;
  /** Decide an agent's direct file changes (no shell line) with the packs' `writes` rules. */
  checkWrites(writes: FileWrite[], opts: CheckOptions, tool: string): Decision;
  /** The commands a (bash) line runs on this machine and the files each changes (for impact and snapshots). */
  effects(line: string, opts: { cwd: string; home: string }): Promise<LocalEffects>;
  /** Start loading the bash grammar now (an editor does this after activation). */
  warm(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const rules = indexPacks(options.packs);
  // Each grammar loads once, on the first line that needs it: bash-only users never load PowerShell's.
  const grammars: Partial<Record<GrammarLanguage, BashGrammar>> = {};
  const loading: Partial<Record<GrammarLanguage, Promise<BashGrammar>>> = {};
  const load = (language: GrammarLanguage = 'bash'): Promise<BashGrammar> => {
    loading[language] ??= (options.grammar ? options.grammar(language) : Promise.resolve(options.grammarBytes()).then((bytes) => loadGrammar(bytes, language)))
      .then((g) => (grammars[language] = g));
    return loading[language];
  };
  const checkSync = (line: string, opts: CheckOptions): Decision => evaluate(line, { ...opts, rules, grammar: grammars.bash, powershell: grammars.powershell });
  return {
    rules,
    checkSync,
    async check(line, opts) {
      // A line may need both grammars (`pwsh -c "…"` in bash): load what each attempt asks for.
      for (let attempt = 0; ; attempt++) {
        try {
          return checkSync(line, opts);
        } catch (e) {
          if (!(e instanceof GrammarNeeded) || attempt >= 2) throw e;
          await load(e.language);
        }
      }
    },
    checkWrites(writes, opts, tool) {
      return checkFileWrites(writes, { rules, environment: opts.environment, cwd: opts.cwd, home: opts.home }, tool);
    },
    async effects(line, opts) {
      const run = (): LocalEffects => localEffects(line, { rules, cwd: opts.cwd, home: opts.home, grammar: grammars.bash });
      try {
        return run();
      } catch (e) {
        if (!(e instanceof GrammarNeeded)) throw e;
        await load(e.language);
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
