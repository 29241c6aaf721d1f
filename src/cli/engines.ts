/**
 * The engines `check` and `hook` decide with: the built-in packs, plus a workspace's rule-file pack
 * where it has one. Keyed by the pack's content, never by its path, so a rule file edited between
 * two calls of the resident engine gets a fresh index; each grammar is loaded once per process.
 */
import { createEngine } from '../engine/index';
import type { Engine } from '../engine/index';
import { loadGrammar } from '../engine/grammar';
import type { BashGrammar, GrammarLanguage } from '../engine/grammar';
import type { Pack } from '../engine/packs';
import { builtinPacks, grammarBytesForCli } from './io';

/** Enough for the workspaces one person switches between; the oldest is dropped past it. */
const MAX_ENGINES = 16;
const engines = new Map<string, Engine>();
const grammars: Partial<Record<GrammarLanguage, Promise<BashGrammar>>> = {};
let packs: Pack[] | undefined;

function sharedGrammar(language: GrammarLanguage): Promise<BashGrammar> {
  const loading = (grammars[language] ??= Promise.resolve(grammarBytesForCli()).then((bytes) => loadGrammar(bytes, language)));
  // A failed load is retried by the next line that needs it, not remembered.
  loading.catch(() => delete grammars[language]);
  return loading;
}

export function engineFor(workspacePack: Pack | undefined): Engine {
  const key = workspacePack ? JSON.stringify(workspacePack) : '';
  let engine = engines.get(key);
  if (engine) {
    // Most recently used last, so the oldest is the first key.
    engines.delete(key);
  } else {
    packs ??= builtinPacks();
    engine = createEngine({ packs: workspacePack ? [...packs, workspacePack] : packs, grammarBytes: grammarBytesForCli, grammar: sharedGrammar });
    if (engines.size >= MAX_ENGINES) engines.delete(engines.keys().next().value as string);
  }
  engines.set(key, engine);
  return engine;
}
