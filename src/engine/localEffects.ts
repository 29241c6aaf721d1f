/**
 * The commands a line runs on this machine, each with the folder it runs in and the files it
 * changes: what an impact measure or a snapshot needs to know before the line runs. Pure: the
 * same parse and unwrapping as a decision, no disk access; the caller measures the paths.
 */
import { parseCommandLine } from './parse';
import type { BashGrammar } from './grammar';
import { EMPTY_EXPANSIONS, basename, newScope, unwrapCommand } from './unwrap';
import type { FileReader } from './unwrap';
import { analyse } from './analyse';
import { fileWrites } from './fileWrites';
import type { FileWrite } from './fileWrites';
import { followCd, precheck } from './evaluate';
import type { RuleIndex } from './evaluate';

export interface LocalCommand {
  /** Words after unwrapping (`sudo rm -rf x` → `rm -rf x`), values only. */
  argv: string[];
  /** Which words depend on something unknown here. */
  dynamic: boolean[];
  /** The folder it runs in: the line's own `cd`s followed; `/$unknown-cd` when unknown. */
  cwd: string;
  /** Files it writes, deletes, moves or edits, as written on the line. */
  writes: FileWrite[];
}

export interface LocalEffects {
  commands: LocalCommand[];
  /** Something could not be read (parse issues, unreadable input): the list may be incomplete. */
  incomplete: boolean;
}

export interface LocalEffectsOptions {
  rules: RuleIndex;
  cwd: string;
  home: string;
  grammar?: BashGrammar;
  reader?: FileReader;
}

/** Every command of `line` that runs locally (not over ssh or in a container), in order. */
export function localEffects(line: string, opts: LocalEffectsOptions): LocalEffects {
  if (precheck(line)) return { commands: [], incomplete: true };
  const scope = newScope();
  const parsed = parseCommandLine(line, { grammar: opts.grammar, scope, depth: 0, via: [], mapSpan: (s) => s });
  const issues = [...parsed.issues];
  const unwrapCtx = { grammar: opts.grammar, reader: opts.reader, cwd: opts.cwd, home: opts.home, scope, issues, written: new Map<string, string>() };
  const commands: LocalCommand[] = [];
  let cwd = opts.cwd;
  for (const command of parsed.commands) {
    if (command.depth === 0) unwrapCtx.cwd = cwd;
    for (const eff of unwrapCommand(command, unwrapCtx)) {
      // The reading with unknown expansions taken as empty is a second guess at the same command.
      if (eff.via.includes(EMPTY_EXPANSIONS) || eff.remote || eff.wrapper || eff.argv.length === 0) continue;
      const before = cwd;
      cwd = followCd(eff, cwd, opts.home);
      const program = basename(eff.argv[0].value).toLowerCase();
      const writes = fileWrites(analyse(eff, opts.rules.programs.get(program)));
      commands.push({ argv: eff.argv.map((w) => w.value), dynamic: eff.argv.map((w) => w.dynamic), cwd: before, writes });
    }
  }
  return { commands, incomplete: issues.length > 0 };
}
