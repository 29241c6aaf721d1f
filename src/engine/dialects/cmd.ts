/**
 * cmd.exe command lines → the simple commands that would execute. No grammar exists for cmd, and
 * its syntax is small: a lexer reads `&`, `&&`, `||`, `|`, `( … )` groups, `^` escapes, `"…"`,
 * redirections and `%VAR%` (known variables expanded, `%USERPROFILE%` as the home), exactly or not
 * at all. Built-ins that delete, write, move or read (`del /s /q`, `rd /s`, `copy`, `move`, `ren`,
 * `type`, `robocopy /MIR`) are also given as the POSIX command with the same effect, so the packs
 * judge them as they judge bash; `cmd /c`, `start` and `call` run the command they name.
 */
import type { ParseContext } from '../parse';
import type { ParsedLine, ParseIssue, Redirect, SimpleCommand, Span, Word } from '../types';
import { posixPath } from './cmdlets';
import type { NestedParser } from './powershell';

interface Token {
  kind: 'word' | 'op';
  value: string;
  span: Span;
  dynamic: boolean;
  /** The raw text, quotes kept: `cmd /c` hands it on as written. */
  raw: string;
}

const OPERATORS = ['&&', '||', '&', '|', '(', ')'];

/** Split cmd text into words and operators; undefined with a message when a quote is left open. */
function lex(text: string, ctx: ParseContext, issues: ParseIssue[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (s: number, e: number): Span => ctx.mapSpan({ start: s, end: e });
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ',' || c === ';' || (c === '@' && (tokens.length === 0 || tokens[tokens.length - 1].kind === 'op'))) {
      // A newline ends a command as `&` does.
      if (c === '\n') tokens.push({ kind: 'op', value: '&', span: at(i, i + 1), dynamic: false, raw: '\n' });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', value: op, span: at(i, i + op.length), dynamic: false, raw: op });
      i += op.length;
      continue;
    }
    const redirect = /^(?:[0-9]?>>?(?:&[0-9])?|<)/.exec(text.slice(i, i + 5));
    if (redirect) {
      tokens.push({ kind: 'op', value: redirect[0], span: at(i, i + redirect[0].length), dynamic: false, raw: redirect[0] });
      i += redirect[0].length;
      continue;
    }
    const start = i;
    let value = '';
    let quoted = false;
    let dynamic = false;
    while (i < text.length) {
      const ch = text[i];
      if (!quoted && (/[\s,;&|()<>]/.test(ch) || (/[0-9]/.test(ch) && text[i + 1] === '>' && value === ''))) break;
      if (ch === '"') {
        quoted = !quoted;
        i++;
        continue;
      }
      if (ch === '^' && !quoted) {
        value += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (ch === '%') {
        const close = text.indexOf('%', i + 1);
        const name = close > i + 1 ? text.slice(i + 1, close) : '';
        if (/^[A-Za-z_][\w()]*$/.test(name)) {
          const v = expand(name, ctx);
          value += v.value;
          dynamic ||= v.dynamic;
          i = close + 1;
          continue;
        }
      }
      value += ch;
      i++;
    }
    if (quoted) issues.push({ message: 'a double quote is not closed', span: at(start, text.length) });
    tokens.push({ kind: 'word', value, span: at(start, i), dynamic, raw: text.slice(start, i) });
  }
  return tokens;
}

function expand(name: string, ctx: ParseContext): { value: string; dynamic: boolean } {
  const upper = name.toUpperCase();
  if (upper === 'USERPROFILE' || upper === 'HOMEPATH' || upper === 'HOME') return { value: '~', dynamic: false };
  if (upper === 'SYSTEMDRIVE' || upper === 'HOMEDRIVE') return { value: 'C:', dynamic: false };
  for (const [k, v] of ctx.scope.vars) if (!k.startsWith('ps:') && k.toUpperCase() === upper && !v.unset) return { value: v.value, dynamic: v.dynamic };
  // Path classes know these by their Windows names (paths.ts).
  if (/^(TEMP|TMP|APPDATA|LOCALAPPDATA|SYSTEMROOT|WINDIR|PROGRAMFILES|PROGRAMDATA|SYSTEMDRIVE)$/.test(upper)) return { value: `%${name}%`, dynamic: false };
  return { value: `$${name}`, dynamic: true };
}

/** Parse a cmd.exe line into the commands that would run. */
export function parseCmd(text: string, ctx: ParseContext, nestedParse: NestedParser): ParsedLine {
  const issues: ParseIssue[] = [];
  const commands: SimpleCommand[] = [];
  const tokens = lex(text, ctx, issues);
  let words: Token[] = [];
  let redirects: Redirect[] = [];
  let upstream: SimpleCommand | undefined;
  let piped = false;
  let depth = 0;
  const emit = (partial: Omit<SimpleCommand, 'via' | 'depth' | 'remote'>, via?: string): SimpleCommand => {
    const cmd: SimpleCommand = { ...partial, via: via ? [...ctx.via, via] : ctx.via, depth: ctx.depth, remote: ctx.remote };
    commands.push(cmd);
    return cmd;
  };
  const finish = (): void => {
    // `if exist x rd /s /q x`, `for %i in (…) do rd …`, `else`: the condition runs nothing; the command after it runs.
    words = conditionless(words);
    if (words.length === 0) {
      for (const r of redirects) emit({ argv: [], assignments: [], redirects: [r], span: r.span });
      redirects = [];
      return;
    }
    const argv: Word[] = words.map((t) => ({ value: t.value, span: t.span, dynamic: t.dynamic }));
    const span = { start: words[0].span.start, end: words[words.length - 1].span.end };
    const stdin = piped && upstream ? { kind: 'command' as const, command: upstream } : undefined;
    const toFile = redirects.some((r) => r.target && (r.fd === undefined || r.fd === 1) && r.op !== '<');
    const cmd = builtin(argv, words, span, redirects, stdin, toFile, ctx, emit, nestedParse, issues, commands);
    if (piped && upstream && cmd) upstream.stdout = { kind: 'pipe', to: cmd };
    upstream = cmd;
    words = [];
    redirects = [];
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === 'word') {
      if (t.value.toLowerCase() === 'do' && words[0]?.value.toLowerCase() === 'for') {
        finish();
        continue;
      }
      words.push(t);
      continue;
    }
    if (t.value === '(' && words[0]?.value.toLowerCase() === 'for') {
      // `for %i in (set) do …`: the set is a list of words, not a command.
      while (k + 1 < tokens.length && tokens[k + 1].value !== ')') k++;
      k++;
      continue;
    }
    if (t.value === '(' && words.length === 0) {
      depth++;
      continue;
    }
    if (t.value === ')' && depth > 0) {
      finish();
      depth--;
      continue;
    }
    if (/^[0-9]?>>?(&[0-9])?$|^<$/.test(t.value)) {
      const target = tokens[k + 1]?.kind === 'word' ? tokens[++k] : undefined;
      if (t.value.includes('&')) continue;
      const fd = /^[0-9]/.test(t.value) ? Number(t.value[0]) : undefined;
      const word = target ? posixPath({ value: /^nul$/i.test(target.value) ? '/dev/null' : target.value, span: target.span, dynamic: target.dynamic }) : undefined;
      redirects.push({ op: t.value.replace(/^[0-9]/, ''), target: word, fd, span: t.span });
      if (!target) issues.push({ message: 'a redirection has no file', span: t.span });
      continue;
    }
    finish();
    piped = t.value === '|';
    if (!piped) upstream = undefined;
  }
  finish();
  if (depth > 0) issues.push({ message: 'a parenthesis is not closed', span: ctx.mapSpan({ start: 0, end: text.length }) });
  return { commands, issues, functions: [] };
}

/** The words of a command after an `if` condition, a `do` or an `else`. */
function conditionless(words: Token[]): Token[] {
  let w = words;
  for (let guard = 0; guard < 8 && w.length > 0; guard++) {
    const first = w[0].value.toLowerCase();
    if (first === 'do' || first === 'else') {
      w = w.slice(1);
      continue;
    }
    if (first !== 'if') break;
    let k = 1;
    while (k < w.length && /^(not|\/i)$/i.test(w[k].value)) k++;
    const test = w[k]?.value.toLowerCase();
    if (test === 'exist' || test === 'defined' || test === 'errorlevel' || test === 'cmdextversion') k += 2;
    else if (w[k]?.value.includes('==')) k += 1;
    else k += 3; // `a == b`, `a EQU b`
    w = w.slice(k);
  }
  return w;
}

type Emit = (partial: Omit<SimpleCommand, 'via' | 'depth' | 'remote'>, via?: string) => SimpleCommand;

/** Switches (`/s`, `/Q`) apart from operands. */
function switches(argv: Word[]): { flags: Set<string>; operands: Word[] } {
  const flags = new Set<string>();
  const operands: Word[] = [];
  for (const w of argv.slice(1)) {
    // `/s`, `/Q`, `/MIR`, `/w:C:\`, and switches written together: `/s/q`.
    if (/^(\/[A-Za-z?](:[^/]*)?)+$/.test(w.value)) for (const f of w.value.split('/').slice(1)) flags.add(f.toLowerCase().replace(/:.*$/, ''));
    else if (/^\/[A-Za-z?]/.test(w.value) && !/^\/[A-Za-z][\w.-]*\//.test(w.value)) flags.add(w.value.slice(1).toLowerCase().replace(/:.*$/, ''));
    else operands.push(w);
  }
  return { flags, operands };
}

function builtin(
  argv: Word[], tokens: Token[], span: Span, redirects: Redirect[], stdin: SimpleCommand['stdin'], toFile: boolean,
  ctx: ParseContext, emit: Emit, nestedParse: NestedParser, issues: ParseIssue[], commands: SimpleCommand[],
): SimpleCommand {
  const name = argv[0].value.toLowerCase().replace(/\.exe$/, '');
  const base = { assignments: [], redirects, span, ...(stdin ? { stdin } : {}), ...(toFile ? { stdout: { kind: 'file' as const } } : {}) };
  const l = (v: string): Word => ({ value: v, span: argv[0].span, dynamic: false });
  const { flags, operands } = switches(argv);
  const paths = operands.map(posixPath);
  // The file built-ins' operands are paths: spelled as the path classes read them, switches kept.
  if (/^(del|erase|rd|rmdir|copy|xcopy|move|ren|rename|robocopy|type)$/.test(name)) argv = argv.map((w, k) => (k === 0 || !operands.includes(w) ? w : posixPath(w)));
  const nested = (text: string, at: Span, via: string, shell: 'cmd' | 'powershell' | 'bash' = 'cmd'): void => {
    if (ctx.depth + 1 > 8) {
      issues.push({ message: 'commands are nested more than 8 levels deep; Interlock stops reading there', span: at });
      return;
    }
    const parsed = nestedParse(text, { ...ctx, depth: ctx.depth + 1, via: [...ctx.via, via], mapSpan: () => at }, shell);
    commands.push(...parsed.commands);
    issues.push(...parsed.issues);
  };
  switch (name) {
    case 'for':
      // The loop's own words; its `do` command was split off as the next command.
      return emit({ argv, ...base });
    case 'del':
    case 'erase': {
      const cmd = emit({ argv, ...base });
      // `/s` deletes the matching files in every subfolder too.
      if (paths.length > 0) emit({ argv: [l('rm'), ...(flags.has('s') ? [l('-r')] : []), ...(flags.has('q') || flags.has('f') ? [l('-f')] : []), l('--'), ...paths], assignments: [], redirects: [], span }, name);
      return cmd;
    }
    case 'rd':
    case 'rmdir': {
      const cmd = emit({ argv, ...base });
      if (paths.length > 0) emit({ argv: flags.has('s') ? [l('rm'), l('-r'), ...(flags.has('q') ? [l('-f')] : []), l('--'), ...paths] : [l('rmdir'), l('--'), ...paths], assignments: [], redirects: [], span }, name);
      return cmd;
    }
    case 'copy':
    case 'xcopy':
    case 'move':
    case 'ren':
    case 'rename': {
      const cmd = emit({ argv, ...base });
      if (paths.length >= 2) {
        const [src, dest] = [paths.slice(0, -1), paths[paths.length - 1]];
        if (name === 'ren' || name === 'rename') {
          const dir = src[0].value.includes('/') ? src[0].value.replace(/\/[^/]*$/, '/') : '';
          emit({ argv: [l('mv'), l('--'), src[0], { ...dest, value: dir + dest.value }], assignments: [], redirects: [], span }, name);
        } else {
          emit({ argv: [l(name === 'move' ? 'mv' : 'cp'), ...(name === 'xcopy' && flags.has('s') ? [l('-r')] : []), l('-f'), l('--'), ...src, dest], assignments: [], redirects: [], span }, name);
        }
      }
      return cmd;
    }
    case 'robocopy': {
      const cmd = emit({ argv, ...base });
      // /MIR and /PURGE delete what the source does not have: a mirror of an empty folder empties the target.
      if (paths.length >= 2 && (flags.has('mir') || flags.has('purge'))) {
        emit({ argv: [l('rsync'), l('-a'), l('--delete'), { ...paths[0], value: `${paths[0].value.replace(/\/+$/, '')}/` }, { ...paths[1], value: `${paths[1].value.replace(/\/+$/, '')}/` }], assignments: [], redirects: [], span }, name);
      }
      return cmd;
    }
    case 'type': {
      const cmd = emit({ argv, ...base });
      if (paths.length > 0) emit({ argv: [l('cat'), l('--'), ...paths], assignments: [], redirects: [], span }, name);
      return cmd;
    }
    case 'set': {
      const text = tokens.slice(1).map((t) => t.value).join(' ');
      const eq = text.indexOf('=');
      if (eq > 0 && !/^\/[ap]\b/i.test(text)) {
        const varName = text.slice(0, eq).trim();
        const value: Word = { value: text.slice(eq + 1), span: tokens[1].span, dynamic: argv.slice(1).some((w) => w.dynamic) };
        ctx.scope.vars.set(varName, { value: value.value, dynamic: value.dynamic });
        return emit({ argv: [], assignments: [{ name: varName, value }], redirects, span });
      }
      // `set` alone prints every variable; `set X` those whose names start with X.
      return emit({ argv: argv.length === 1 ? [l('set')] : [l('printenv'), ...argv.slice(1)], ...base }, 'set');
    }
    case 'cd':
    case 'chdir':
    case 'pushd': {
      const target = paths.find((p) => p.value.toLowerCase() !== '/d');
      return emit({ argv: [l('cd'), ...(target ? [target] : [])], ...base });
    }
    case 'cmd': {
      const cmd = emit({ argv, ...base });
      const at = tokens.findIndex((t, k) => k > 0 && /^\/[ck]$/i.test(t.value));
      if (at > 0 && at + 1 < tokens.length) {
        // `cmd /c "a & b"`: the rest of the line, one outer pair of quotes removed, is a command line.
        const rest = tokens.slice(at + 1).map((t) => t.raw).join(' ');
        const text = /^".*"$/s.test(rest) ? rest.slice(1, -1) : rest;
        nested(text, tokens[at + 1].span, 'cmd /c');
      }
      return cmd;
    }
    case 'start': {
      const cmd = emit({ argv, ...base });
      // `start "title" /b /wait prog args`: a first quoted word is the window title.
      let k = 1;
      if (tokens[1]?.raw.startsWith('"')) k = 2;
      while (k < tokens.length && /^\/[A-Za-z]/.test(tokens[k].value)) k += /^\/(d|node|affinity)$/i.test(tokens[k].value) ? 2 : 1;
      if (k < tokens.length) nested(tokens.slice(k).map((t) => t.raw).join(' '), tokens[k].span, 'start');
      return cmd;
    }
    case 'call': {
      const cmd = emit({ argv, ...base });
      if (tokens.length > 1) nested(tokens.slice(1).map((t) => t.raw).join(' '), tokens[1].span, 'call');
      return cmd;
    }
    case 'echo': {
      // `echo` prints the rest of the line as written; `echo %SECRET%` prints the secret.
      return emit({ argv: [l('echo'), ...argv.slice(1)], ...base });
    }
  }
  return emit({ argv, ...base });
}
