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
}

export interface BashGrammar {
  parse(text: string): Tree;
}

/** Instantiate the tree-sitter runtime and the bash language from their wasm bytes. */
export async function loadBashGrammar(bytes: GrammarBytes): Promise<BashGrammar> {
  // Required here, not imported at the top: most command lines never need the grammar, and a
  // short-lived CLI process should not pay for loading its glue code.
  const { Parser, Language } = require('@vscode/tree-sitter-wasm') as typeof import('@vscode/tree-sitter-wasm');
  await Parser.init({
    // Instantiate synchronously from bytes we were handed: no fetch, no file lookup by the glue.
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      const module = new WebAssembly.Module(bytes.runtime);
      const instance = new WebAssembly.Instance(module, imports);
      receive(instance, module);
      return instance.exports;
    },
  } as unknown as Parameters<typeof Parser.init>[0]);
  const language = await Language.load(bytes.bash);
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    parse(text: string): Tree {
      const tree = parser.parse(text);
      if (!tree) throw new Error('tree-sitter returned no tree');
      return tree;
    },
  };
}
