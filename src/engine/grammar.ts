/**
 * The bash grammar VS Code itself uses to read agent commands: tree-sitter's bash grammar compiled
 * to WebAssembly (@vscode/tree-sitter-wasm). The bytes come from the caller so the engine stays free
 * of I/O; loading happens once, and only when a line needs more than the simple-word fast path.
 */
import type { Node as TsNode, Tree } from '@vscode/tree-sitter-wasm';

export type { TsNode };

export interface GrammarBytes {
  runtime: Uint8Array;
  bash: Uint8Array;
  /** tree-sitter's PowerShell grammar, from the same package; read only for PowerShell lines. */
  powershell?: Uint8Array;
}

/** The grammars the engine reads lines with. */
export type GrammarLanguage = 'bash' | 'powershell';

export interface BashGrammar {
  /** Parse text; `cancel` is polled during the parse and, when it returns true, stops it with ParseCancelled. */
  parse(text: string, cancel?: () => boolean): Tree;
}

/**
 * The parse was stopped by its caller's time bound. tree-sitter's error recovery is quadratic on
 * some malformed input (thousands of unmatched `)` or `<<`), so a parse must be stoppable.
 */
export class ParseCancelled extends RangeError {
  constructor() {
    super('the command took too long to read');
  }
}

/**
 * The tree-sitter runtime is one wasm instance per process, shared by every language: a second
 * `Parser.init` would replace the memory that parsers of the first still use.
 */
let runtimeReady: Promise<void> | undefined;

/** Instantiate the tree-sitter runtime and the bash language from their wasm bytes. */
export function loadBashGrammar(bytes: GrammarBytes): Promise<BashGrammar> {
  return loadGrammar(bytes, 'bash');
}

const WARM_UP: Record<GrammarLanguage, string> = {
  bash: 'a=1 b "$(c | d)" \'e\' > f && { g; } || h <<< i # j',
  powershell: '$a = "b $($c)"; Get-Item -Path \'d\', e | ForEach-Object { & $_ @f -g:$true } 2>&1 > h # i',
};

/** Instantiate the tree-sitter runtime and one language from their wasm bytes. */
export async function loadGrammar(bytes: GrammarBytes, which: GrammarLanguage): Promise<BashGrammar> {
  const languageBytes = bytes[which];
  if (!languageBytes) throw new Error(`the ${which} grammar's bytes were not supplied`);
  // Required here, not imported at the top: most command lines never need the grammar, and a
  // short-lived CLI process should not pay for loading its glue code.
  const { Parser, Language } = require('@vscode/tree-sitter-wasm') as typeof import('@vscode/tree-sitter-wasm');
  runtimeReady ??= Parser.init({
    // Instantiate synchronously from bytes we were handed: no fetch, no file lookup by the glue.
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      const module = new WebAssembly.Module(bytes.runtime);
      const instance = new WebAssembly.Instance(module, imports);
      receive(instance, module);
      return instance.exports;
    },
  } as unknown as Parameters<typeof Parser.init>[0]);
  await runtimeReady;
  const language = await Language.load(languageBytes);
  const parser = new Parser();
  parser.setLanguage(language);
  // The first parse compiles much of the grammar's code (25 ms and more for PowerShell's): done here,
  // so a line's parse bound (evaluate.ts) measures reading the line, not compiling the reader.
  parser.parse(WARM_UP[which])?.delete();
  return {
    parse(text: string, cancel?: () => boolean): Tree {
      // tree-sitter stops when the progress callback returns true (its typings say void).
      const tree = parser.parse(text, null, cancel ? { progressCallback: cancel as () => void } : undefined);
      if (tree) return tree;
      // A stopped parse would otherwise resume on the next call, with the wrong text.
      parser.reset();
      if (cancel?.()) throw new ParseCancelled();
      throw new Error('tree-sitter returned no tree');
    },
  };
}
