/**
 * The engines one process decides with: the built-in packs, plus a workspace's rule-file pack where
 * it has one. Keyed by the pack's content, never by its path, so a rule file edited between two
 * calls (the resident engine, an editor window) gets a fresh index; each grammar is loaded once per
 * process and shared by every engine.
 */
import { createEngine } from './index';
import type { Engine } from './index';
import { loadGrammar } from './grammar';
import type { BashGrammar, GrammarBytes, GrammarLanguage } from './grammar';
import type { Pack } from './packs';

/** Enough for the workspaces one person switches between; the oldest is dropped past it. */
const MAX_ENGINES = 16;

export interface EngineCache {
  engineFor(workspacePack: Pack | undefined): Engine;
}

/** `builtin` is called once, on first use; `grammarBytes` when a line first needs a grammar. */
export function engineCache(builtin: () => Pack[], grammarBytes: () => GrammarBytes | Promise<GrammarBytes>): EngineCache {
  const engines = new Map<string, Engine>();
  const grammars: Partial<Record<GrammarLanguage, Promise<BashGrammar>>> = {};
  let packs: Pack[] | undefined;
  const sharedGrammar = (language: GrammarLanguage): Promise<BashGrammar> => {
    const loading = (grammars[language] ??= Promise.resolve(grammarBytes()).then((bytes) => loadGrammar(bytes, language)));
    // A failed load is retried by the next line that needs it, not remembered.
    loading.catch(() => delete grammars[language]);
    return loading;
  };
  return {
    engineFor(workspacePack) {
      const key = workspacePack ? JSON.stringify(workspacePack) : '';
      let engine = engines.get(key);
      if (engine) {
        // Most recently used last, so the oldest is the first key.
        engines.delete(key);
      } else {
        packs ??= builtin();
        engine = createEngine({ packs: workspacePack ? [...packs, workspacePack] : packs, grammarBytes, grammar: sharedGrammar });
        if (engines.size >= MAX_ENGINES) engines.delete(engines.keys().next().value as string);
      }
      engines.set(key, engine);
      return engine;
    },
  };
}
