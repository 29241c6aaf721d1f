/**
 * Node adapters the CLI hands the engine: the grammar's wasm bytes, a bounded file reader, and
 * the built-in packs embedded at build time.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import builtin from 'interlock:builtin-packs';
import type { GrammarBytes } from '../engine/grammar';
import { trustedPack } from '../engine/packs';
import type { Pack } from '../engine/packs';

export function builtinPacks(): Pack[] {
  return builtin.map(({ file, pack }) => trustedPack(pack, file));
}

/** Find the grammar files: beside the bundle in dist/, or in node_modules when run from source. */
function wasmDir(): string {
  const fromSource = join(__dirname, '..', '..', 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm');
  try {
    statSync(join(__dirname, 'tree-sitter-bash.wasm'));
    return __dirname;
  } catch {
    return fromSource;
  }
}

/**
 * Read the grammar. A short-lived process compiles wasm with the baseline compiler only: the
 * optimizing tier would spend ~400 ms compiling code the process exits before using.
 */
export function grammarBytesForCli(): GrammarBytes {
  // Required here: most runs never need the grammar, and loading node:v8 costs a few milliseconds.
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--liftoff-only');
  const dir = wasmDir();
  const bytes: GrammarBytes = { runtime: readFileSync(join(dir, 'tree-sitter.wasm')), bash: readFileSync(join(dir, 'tree-sitter-bash.wasm')) };
  // Read on first use only: a bash line never needs it.
  Object.defineProperty(bytes, 'powershell', { enumerable: true, get: () => readFileSync(join(dir, 'tree-sitter-powershell.wasm')) });
  return bytes;
}

export { fileReader } from '../fsutil/fileReader';
