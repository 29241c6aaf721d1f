/**
 * One entry for every dialect: bash (zsh and fish lines are read as bash), PowerShell through its
 * tree-sitter grammar, cmd.exe through an exact lexer. Each gives the same `ParsedLine`, with spans
 * into the original line, so unwrapping, effects and rules never ask which shell a line came from.
 */
import { parseCommandLine } from '../parse';
import type { ParseContext } from '../parse';
import type { ParsedLine, Shell } from '../types';
import { parseCmd } from './cmd';
import { parsePowerShell } from './powershell';

/** Parse a line written for `shell` into the simple commands that would run. */
export function parseLine(text: string, ctx: ParseContext, shell: Shell = 'bash'): ParsedLine {
  if (shell === 'powershell') return parsePowerShell(text, ctx, parseLine);
  if (shell === 'cmd') return parseCmd(text, ctx, parseLine);
  return parseCommandLine(text, ctx);
}
