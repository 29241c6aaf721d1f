/**
 * What a shell hook may decide on its own, without asking the guard: a line of plain words whose
 * program no rule names and no unwrapper looks inside runs silently. The program list comes from
 * the loaded rules, so the shell's answer and the engine's agree; test/unit/fastPath.test.ts checks that on the corpus.
 */
import type { RuleIndex } from './evaluate';
import { UNWRAPPED_PROGRAMS } from './unwrap';
import { WRITING_PROGRAMS } from './fileWrites';

/**
 * Programs the engine looks inside (from unwrap.ts, so the lists cannot drift), plus shell
 * builtins that change what later words mean (aliases, traps, variables).
 */
export const UNWRAPPING_PROGRAMS: readonly string[] = [
  ...UNWRAPPED_PROGRAMS, 'alias', 'unalias', 'trap', 'set', 'unset', 'export', 'declare', 'typeset', 'readonly', 'local', 'functions', 'bind', 'cd', 'pushd',
];
const UNWRAPPING_GLOBS = ['python*', 'pypy*', 'perl*', 'ruby*', 'php*', 'lua*'];

export interface FastPath {
  /** False when some rule could match any program on a plain line: every line must then be asked. */
  enabled: boolean;
  /** Lower-case program names that always go to the guard. */
  names: string[];
  /** Shell glob patterns of program names that always go to the guard. */
  globs: string[];
}

/**
 * Program-less rules that cannot match a plain line of an unlisted program: they need syntax a plain
 * line does not have, or (`code`) inline code, which only interpreters carry — and those are always asked.
 */
function needsSyntax(rule: RuleIndex['universal'][number]): boolean {
  return rule.redirects !== undefined || rule.assigns !== undefined || rule.stdinFrom !== undefined || rule.stdinOpaque === true || rule.dynamicProgram === true || rule.code !== undefined;
}

/**
 * A program-less `writes` rule matches a plain line only through a program that writes files
 * (`cp a .interlock.jsonc`, `rm ~/.ssh/config`): those names always go to the guard.
 */
function judgesWrites(rule: RuleIndex['universal'][number]): boolean {
  return rule.writes !== undefined;
}

export function fastPath(index: RuleIndex): FastPath {
  const writers = index.universal.some(judgesWrites) ? WRITING_PROGRAMS : [];
  const names = new Set<string>([...index.byProgram.keys(), ...UNWRAPPING_PROGRAMS, ...writers]);
  const globs = new Set<string>([...index.globbed.flatMap((g) => g.patterns.map((p) => p.toLowerCase())), ...UNWRAPPING_GLOBS]);
  return { enabled: index.universal.every((r) => needsSyntax(r) || judgesWrites(r)), names: [...names].sort(), globs: [...globs].sort() };
}

/** The fast path's own decision for a plain line: true when the hook may run it without asking. */
export function fastAllows(fp: FastPath, words: string[], match: (name: string, glob: string) => boolean): boolean {
  if (!fp.enabled || words.length === 0) return words.length === 0;
  if (words[0].includes('=')) return false;
  let name = words[0].slice(words[0].lastIndexOf('/') + 1).toLowerCase();
  if (name.length > 4 && name.endsWith('.exe')) name = name.slice(0, -4);
  return !fp.names.includes(name) && !fp.globs.some((g) => match(name, g));
}
