/** Shared test fixtures: the packs read from rules/ as the build reads them, and a ready engine. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../src/engine/index';
import type { Engine, CheckOptions } from '../../src/engine/index';
import { environmentFrom } from '../../src/engine/environment';
import { parsePack } from '../../src/engine/packs';
import type { Pack } from '../../src/engine/packs';
import type { Decision } from '../../src/engine/types';

export const ROOT = join(__dirname, '..', '..');
export const RULES_DIR = join(ROOT, 'rules');
export const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'peers.jsonl');

export function loadPacks(dir = RULES_DIR): Pack[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonc'))
    .sort()
    .map((f) => parsePack(readFileSync(join(dir, f), 'utf8'), `rules/${f}`));
}

const WASM = join(ROOT, 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm');
export const grammarBytes = () => ({
  runtime: readFileSync(join(WASM, 'tree-sitter.wasm')),
  bash: readFileSync(join(WASM, 'tree-sitter-bash.wasm')),
  powershell: readFileSync(join(WASM, 'tree-sitter-powershell.wasm')),
});

let shared: Engine | undefined;
export function engine(): Engine {
  shared ??= createEngine({ packs: loadPacks(), grammarBytes });
  return shared;
}

export const TEST_CWD = '/work/project';
export const TEST_HOME = '/home/user';

/** Decide a line with the built-in packs, in a fixed workspace and home. */
export async function check(line: string, opts: Partial<CheckOptions> & { env?: string } = {}): Promise<Decision> {
  const { env, ...rest } = opts;
  return engine().check(line, {
    environment: environmentFrom({ label: env, source: 'test' }),
    cwd: TEST_CWD,
    home: TEST_HOME,
    ...rest,
  });
}
