/**
 * Bash command lines → the simple commands that would execute, with their words, redirections and
 * standard input, each carrying its span in the original line.
 *
 * Two readers, one result: lines made only of plain words (most benign commands) are split by a
 * tiny exact lexer, so the grammar never loads for them; everything else goes through tree-sitter's
 * bash grammar. The lexer refuses anything it cannot read exactly, so the two never disagree.
 */
import type { BashGrammar, GrammarLanguage, TsNode } from './grammar';
import type { ParsedLine, ParseIssue, Redirect, SimpleCommand, Span, StdinSource, Word } from './types';

/** Thrown when a line needs the grammar and the caller has not loaded it yet. */
export class GrammarNeeded extends Error {
  constructor(readonly language: GrammarLanguage = 'bash') {
    super(`the ${language} grammar is not loaded`);
  }
}

export interface Variable {
  value: string;
  dynamic: boolean;
  /** Known to be unset (from the check's environment): it expands to nothing. */
  unset?: true;
}

/** What earlier parts of the same line defined: later parts see it, as the shell would. */
export interface Scope {
  vars: Map<string, Variable>;
  aliases: Map<string, string>;
  gitAliases: Map<string, string>;
}

export function newScope(): Scope {
  return { vars: new Map(), aliases: new Map(), gitAliases: new Map() };
}

export interface ParseContext {
  grammar?: BashGrammar;
  /** The PowerShell grammar, when loaded: `pwsh -Command …` inside a bash line is read with it. */
  powershell?: BashGrammar;
  scope: Scope;
  depth: number;
  via: string[];
  remote?: SimpleCommand['remote'];
  /** Maps a span of the text being parsed to a span of the original line. */
  mapSpan: (span: Span) => Span;
}

const LOOKALIKE_DASHES = /^[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]+/;

/** Unicode dashes look like `-` to a reviewer; treat a word that starts with them as an option. */
export function normalizeDashes(value: string): string {
  return value.replace(LOOKALIKE_DASHES, (m) => '-'.repeat(Math.min(m.length, 2)));
}

interface Heredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

/** The reserved word `time`, with its `-p`, before the pipeline it times. */
const TIME_KEYWORD = /^time(?:[ \t]+-p)?(?=[ \t])/;

/** `<<WORD`, `<<-WORD`, `<<'WORD'`: a heredoc operator and its delimiter word. */
const HEREDOC_START = /^<<(-?)[ \t]*((?:[^\s;&|()<>'"\\]|\\.|'[^']*'|"[^"]*")+)/;

interface Frame {
  mode: 'code' | 'double' | 'single' | 'ansi';
  /** Open parentheses in a `$(…)` frame; the frame ends when they close. */
  parens?: number;
  /** Inside backticks, whose text bash unescapes and reads again (parse.ts `backticks`). */
  backticks?: boolean;
}

/** Text that needs `joinContinuations`: a continuation, a line starting with `\`, or `time`. */
const NEEDS_JOINING = /\\\r?\n|\n\\|(?:^|[\s;&|(!{])time[ \t]/;

/**
 * Remove backslash-newline pairs where bash does: it joins continued lines before it splits words,
 * so `r\⏎m` is `rm` (bash manual §3.1.2.1). Not in single quotes, `$'…'`, comments or quoted
 * heredocs, and not after an escaped backslash (`\\⏎` is a backslash, then a newline): there the
 * newline stays, and so does the command after it. Returns the joined text and a map back to
 * original offsets.
 *
 * Two places where tree-sitter-bash reads bash differently are evened out in the same pass, with
 * offsets kept: a backslash that starts a line (`a⏎\rm`) is read into the previous command's last
 * word, so a space goes before it; and the reserved word `time` (bash manual §3.2.3) is read as a
 * program, so `time { rm …; }` would hide the group: it becomes blanks, as it changes nothing that runs.
 */
export function joinContinuations(text: string): { text: string; toOriginal: (i: number) => number } {
  if (!NEEDS_JOINING.test(text)) return { text, toOriginal: (i) => i };
  const kept: number[] = [];
  let out = '';
  const keep = (from: number, to = from + 1): void => {
    for (let k = from; k < to && k < text.length; k++) {
      kept.push(k);
      out += text[k];
    }
  };
  /** Length of a backslash-newline at `i` (2 or 3 with CR), or 0. */
  const continuation = (i: number): number => (text[i] !== '\\' ? 0 : text[i + 1] === '\n' ? 2 : text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 0);
  const stack: Frame[] = [{ mode: 'code' }];
  const heredocs: Heredoc[] = [];
  /** Copy heredoc bodies from `from`, each up to its delimiter line; returns where the text goes on. */
  const heredocBodies = (from: number, pending: Heredoc[]): number => {
    let i = from;
    for (const h of pending) {
      while (i < text.length) {
        let line = '';
        while (i < text.length && text[i] !== '\n') {
          // An unquoted body joins continued lines too (bash manual §3.6.6).
          const cont = h.quoted ? 0 : continuation(i);
          if (cont === 0) {
            line += text[i];
            keep(i);
          }
          i += cont || 1;
        }
        if ((h.stripTabs ? line.replace(/^\t+/, '') : line) === h.delimiter || i >= text.length) break;
        keep(i);
        i++;
      }
    }
    return i;
  };
  let i = 0;
  while (i < text.length) {
    const frame = stack[stack.length - 1];
    const c = text[i];
    if (frame.mode === 'single' || frame.mode === 'ansi') {
      // `$'…'` has backslash escapes (`\'` does not end it); single quotes have none.
      const width = c === '\\' && frame.mode === 'ansi' ? 2 : 1;
      if (c === "'") stack.pop();
      keep(i, i + width);
      i += width;
      continue;
    }
    const cont = continuation(i);
    if (cont > 0) {
      i += cont;
      continue;
    }
    if (c === '\\') {
      keep(i, i + 2);
      i += 2;
      continue;
    }
    if (frame.mode === 'double') {
      const opens = c === '$' && text[i + 1] === '(';
      if (c === '"') stack.pop();
      else if (opens) stack.push({ mode: 'code', parens: 1 });
      keep(i, i + (opens ? 2 : 1));
      i += opens ? 2 : 1;
      continue;
    }
    const wordStart = out.length === 0 || /[\s;&|()<>]/.test(out[out.length - 1]);
    const timed = c === 't' && TIME_KEYWORD.exec(text.slice(i, i + 16));
    if (timed && /(?:^|[;&|(!{\n])[ \t]*$/.test(out.slice(-64))) {
      for (let k = 0; k < timed[0].length; k++) {
        kept.push(i + k);
        out += ' ';
      }
      i += timed[0].length;
      continue;
    }
    // Not in backticks: there `\\⏎\\x` becomes a continuation once unescaped, and a blank would split it.
    if (c === '\n' && text[i + 1] === '\\' && heredocs.length === 0 && !frame.backticks) {
      keep(i);
      kept.push(i + 1);
      out += ' ';
      i++;
      continue;
    }
    const heredoc = c === '<' && text[i + 1] === '<' && text[i + 2] !== '<' ? HEREDOC_START.exec(text.slice(i, i + 1024)) : null;
    let width = 1;
    if (c === '#' && wordStart) {
      // A comment runs to the end of the line; a backslash in it continues nothing.
      const end = text.indexOf('\n', i);
      width = (end < 0 ? text.length : end) - i;
    } else if (c === "'") {
      stack.push({ mode: 'single' });
    } else if (c === '"') {
      stack.push({ mode: 'double' });
    } else if (c === '$' && (text[i + 1] === "'" || text[i + 1] === '(')) {
      stack.push(text[i + 1] === "'" ? { mode: 'ansi' } : { mode: 'code', parens: 1 });
      width = 2;
    } else if (c === '`') {
      frame.backticks = !frame.backticks;
    } else if (c === '(' && frame.parens !== undefined) {
      frame.parens++;
    } else if (c === ')' && frame.parens !== undefined) {
      if (--frame.parens === 0) stack.pop();
    } else if (heredoc) {
      const word = heredoc[2];
      heredocs.push({ delimiter: word.replace(/\\(.)|'([^']*)'|"([^"]*)"/g, (_, a?: string, b?: string, d?: string) => a ?? b ?? d ?? ''), quoted: /['"\\]/.test(word), stripTabs: heredoc[1] === '-' });
      width = heredoc[0].length;
    } else if (c === '\n' && heredocs.length > 0) {
      keep(i);
      i = heredocBodies(i + 1, heredocs.splice(0));
      continue;
    }
    keep(i, i + width);
    i += width;
  }
  kept.push(text.length);
  return { text: out, toOriginal: (k) => kept[Math.min(k, kept.length - 1)] };
}

// Characters that make a line more than plain words when unquoted: operators, expansions, quoting
// the lexer does not model, comments, and anything bash treats specially at a word's start.
const SPECIAL_UNQUOTED = /[;&|<>()$`\\!{}#\n\r]/;
// Inside double quotes these still expand or escape.
const SPECIAL_DOUBLE_QUOTED = /[$`\\!]/;

/**
 * Split a line of plain words exactly as bash would, or return undefined if it is not that simple.
 * One left-to-right pass both checks and splits, so a quote inside the other kind of quotes
 * (`"it's"`) is read as bash reads it.
 */
export function lexPlainWords(text: string): Word[] | undefined {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= text.length) break;
    const start = i;
    let value = '';
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t') {
      const ch = text[i];
      if (ch === "'" || ch === '"') {
        const close = text.indexOf(ch, i + 1);
        if (close < 0) return undefined;
        const inner = text.slice(i + 1, close);
        if (ch === '"' && SPECIAL_DOUBLE_QUOTED.test(inner)) return undefined;
        value += inner;
        i = close + 1;
      } else if (SPECIAL_UNQUOTED.test(ch)) {
        return undefined;
      } else {
        value += ch;
        i++;
      }
    }
    words.push({ value, span: { start, end: i }, dynamic: false });
  }
  // A leading NAME=value is an assignment, which the grammar models; leave those to it.
  if (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(text.slice(words[0].span.start, words[0].span.end))) {
    return undefined;
  }
  return words;
}

/** Bracket nesting, unmatched closers and misplaced operators beyond this are refused before parsing. */
export const MAX_NESTING = 256;

/**
 * Why text must not reach the grammar, if it must not: nesting deep enough to exhaust the stack, or
 * so many syntax errors that tree-sitter's error recovery, quadratic in their number, would take
 * seconds. Checked on every text parsed, so decoded or nested text (`bash -c $'\x29…'`) is
 * bounded as the line itself is.
 */
export function structureProblem(line: string): string | undefined {
  let depth = 0;
  let max = 0;
  let unmatched = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    // ( { [ open, ) } ] close.
    if (c === 40 || c === 123 || c === 91) depth++;
    else if (c === 41 || c === 125 || c === 93) {
      if (depth === 0) unmatched++;
      else depth--;
    }
    if (depth > max) max = depth;
  }
  if (max > MAX_NESTING) return `the command nests ${max} levels deep, more than the ${MAX_NESTING} Interlock reads`;
  // Each unmatched closer is a syntax error, and the grammar's error recovery is quadratic in
  // their number (5,000 stray `)` take seconds): the mirror of the nesting bound.
  if (unmatched > MAX_NESTING) return `the command has ${unmatched} unmatched closing brackets, more than the ${MAX_NESTING} Interlock reads`;
  const misplaced = misplacedOperators(line);
  if (misplaced > MAX_NESTING) return `the command has ${misplaced} misplaced shell operators, more than the ${MAX_NESTING} Interlock reads`;
  return undefined;
}

const OPERATOR = /\|\||&&|\|&|;;&|;;|;&|&>>|&>|>&|<&|<<<|<<-|<<|>>|<>|>\||[|&;<>]/y;
const CONTROL = new Set(['||', '&&', '|&', ';;&', ';;', ';&', '|', '&', ';']);

/**
 * Operators where bash allows none: one right after a redirection (`> >`), or two control
 * operators in a row (`| |`, `&& ;`). Each is a syntax error, and the grammar's error recovery is
 * quadratic in their number, like unmatched closers. Quotes are not followed: a line would need
 * hundreds in quoted text to be refused, and then a person reads it.
 */
function misplacedOperators(line: string): number {
  let count = 0;
  let previous: 'control' | 'redirect' | undefined;
  for (let i = 0; i < line.length; ) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
      continue;
    }
    // `<(…)` and `>(…)` are process substitutions: words, not redirections.
    if ('|&;<>'.includes(c) && !((c === '<' || c === '>') && line[i + 1] === '(')) {
      OPERATOR.lastIndex = i;
      const op = OPERATOR.exec(line)![0];
      const kind = CONTROL.has(op) ? 'control' : 'redirect';
      if (previous === 'redirect' || (previous === 'control' && kind === 'control')) count++;
      previous = kind;
      i += op.length;
      continue;
    }
    previous = undefined;
    i++;
  }
  return count;
}


/** Parse one command line (or nested shell text) into the simple commands that would run. */
export function parseCommandLine(text: string, ctx: ParseContext): ParsedLine {
  const joined = joinContinuations(text);
  const map = (s: Span): Span => ctx.mapSpan({ start: joined.toOriginal(s.start), end: joined.toOriginal(s.end) });
  const inner: ParseContext = { ...ctx, mapSpan: map };
  const plain = lexPlainWords(joined.text);
  if (plain) {
    if (plain.length === 0) return { commands: [], issues: [], functions: [] };
    const words = plain.map((w) => ({ ...w, value: normalizeDashes(w.value), span: map(w.span) }));
    const walker = new Walker(joined.text, inner);
    walker.emit({ argv: words, assignments: [], redirects: [], span: map({ start: 0, end: joined.text.length }) });
    return walker.result();
  }
  if (!ctx.grammar) throw new GrammarNeeded();
  const problem = structureProblem(joined.text);
  if (problem) return { commands: [], issues: [{ message: problem, span: map({ start: 0, end: joined.text.length }) }], functions: [] };
  const tree = ctx.grammar.parse(joined.text);
  try {
    const walker = new Walker(joined.text, inner);
    walker.visit(tree.rootNode, {});
    return walker.result();
  } finally {
    tree.delete();
  }
}

interface Inherited {
  redirects?: Redirect[];
  stdin?: StdinSource;
  /** Words after a redirect target belong to the command: `git >/dev/null reset --hard`. */
  extraArgs?: TsNode[];
}

interface WordResult {
  value: string;
  dynamic: boolean;
  /** An unquoted expansion whose value bash would split into several words. */
  split: boolean;
}

const STATEMENT_TYPES = new Set([
  'command', 'pipeline', 'list', 'redirected_statement', 'subshell', 'compound_statement',
  'if_statement', 'while_statement', 'for_statement', 'c_style_for_statement', 'case_statement',
  'function_definition', 'negated_command', 'declaration_command', 'unset_command',
  'variable_assignment', 'variable_assignments', 'test_command',
]);

class Walker {
  private readonly commands: SimpleCommand[] = [];
  private readonly issues: ParseIssue[] = [];
  private readonly functions: string[] = [];

  constructor(private readonly src: string, private readonly ctx: ParseContext) {}

  result(): ParsedLine {
    return { commands: this.commands, issues: this.issues, functions: this.functions };
  }

  private span(node: TsNode): Span {
    return this.ctx.mapSpan({ start: node.startIndex, end: node.endIndex });
  }

  emit(partial: Omit<SimpleCommand, 'via' | 'depth' | 'remote'>): SimpleCommand {
    const cmd: SimpleCommand = { ...partial, via: this.ctx.via, depth: this.ctx.depth, remote: this.ctx.remote };
    this.commands.push(cmd);
    this.learn(cmd);
    return cmd;
  }

  /** Remember aliases defined on the line, so a later use of the name is seen through. */
  private learn(cmd: SimpleCommand): void {
    if (cmd.argv[0]?.value !== 'alias') return;
    for (const arg of cmd.argv.slice(1)) {
      const eq = arg.value.indexOf('=');
      if (eq > 0) this.ctx.scope.aliases.set(arg.value.slice(0, eq), arg.value.slice(eq + 1));
    }
  }

  /** Visit a statement; returns the command whose output a following pipe stage would read. */
  visit(node: TsNode, inh: Inherited): SimpleCommand | undefined {
    switch (node.type) {
      case 'command':
        return this.command(node, inh);
      case 'pipeline':
        return this.pipeline(node, inh);
      case 'redirected_statement':
        return this.redirected(node, inh);
      case 'variable_assignment':
      case 'variable_assignments':
        return this.bareAssignments(node, inh);
      case 'declaration_command':
      case 'unset_command':
        return this.declaration(node, inh);
      case 'function_definition': {
        const name = node.childForFieldName('name');
        if (name) this.functions.push(name.text);
        const body = node.childForFieldName('body');
        if (body) this.visit(body, {});
        return undefined;
      }
      case 'for_statement': {
        const variable = node.childForFieldName('variable');
        for (const child of node.namedChildren) {
          if (!child || child === variable) continue;
          if (STATEMENT_TYPES.has(child.type) || child.type === 'do_group') this.visit(child, inh);
          else this.word(child);
        }
        // The loop variable takes values we do not track one by one.
        if (variable) this.ctx.scope.vars.set(variable.text, { value: `$${variable.text}`, dynamic: true });
        return undefined;
      }
      case 'ERROR':
        this.issues.push({ message: 'the command line has a syntax error', span: this.span(node) });
        break;
      case 'comment':
      case 'heredoc_body':
      case 'heredoc_start':
      case 'heredoc_end':
        return undefined;
      default:
        if (node.isMissing) {
          this.issues.push({ message: `the command line is incomplete (missing ${node.type})`, span: this.span(node) });
          return undefined;
        }
    }
    let last: SimpleCommand | undefined;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (STATEMENT_TYPES.has(child.type) || child.namedChildCount > 0 || child.type === 'ERROR') {
        last = this.visit(child, inh) ?? last;
      } else if (child.type === 'command_substitution' || child.type === 'process_substitution') {
        this.word(child);
      }
    }
    if (node.type !== 'ERROR' && node.hasError && this.issues.length === 0) {
      this.issues.push({ message: 'the command line has a syntax error', span: this.span(node) });
    }
    return last;
  }

  private pipeline(node: TsNode, inh: Inherited): SimpleCommand | undefined {
    let previous: SimpleCommand | undefined;
    let first = true;
    for (const child of node.namedChildren) {
      if (!child) continue;
      const stdin: StdinSource | undefined = first ? inh.stdin : previous ? { kind: 'command', command: previous } : undefined;
      const before = this.commands.length;
      const last = this.visit(child, { redirects: inh.redirects, stdin });
      const consumer = this.commands[before];
      if (previous && consumer && !previous.stdout) previous.stdout = { kind: 'pipe', to: consumer };
      previous = last;
      first = false;
    }
    return previous;
  }

  private redirected(node: TsNode, inh: Inherited): SimpleCommand | undefined {
    const redirects: Redirect[] = [...(inh.redirects ?? [])];
    let stdin = inh.stdin;
    const continuations: TsNode[] = [];
    const extraArgs: TsNode[] = [...(inh.extraArgs ?? [])];
    for (const child of node.namedChildren) {
      if (!child || child === node.childForFieldName('body')) continue;
      const r = this.redirect(child, continuations, extraArgs);
      if (!r) continue;
      redirects.push(r.redirect, ...(r.more ?? []));
      if (r.stdin) stdin = r.stdin;
    }
    const body = node.childForFieldName('body');
    let last = body ? this.visit(body, { redirects, stdin, extraArgs }) : undefined;
    if (!body && redirects.length > 0) {
      // `> file` alone truncates (or creates) the file, as `: > file` does: an empty command with its redirects.
      last = this.emit({ argv: [], assignments: [], redirects, stdin, span: this.span(node) });
    }
    // `cat <<EOF | sh` — the pipe after a heredoc start belongs to the statement it redirects.
    let previous = last;
    for (const cont of continuations) {
      if (cont.type === 'pipeline') {
        for (const stage of cont.namedChildren) {
          if (!stage) continue;
          previous = this.visit(stage, { stdin: previous ? { kind: 'command', command: previous } : undefined });
        }
      } else {
        previous = this.visit(cont, { stdin: previous ? { kind: 'command', command: previous } : undefined });
      }
    }
    return previous;
  }

  /** Read one redirect node: its operator, target, and any standard input it supplies. */
  private redirect(node: TsNode, continuations: TsNode[], extras: TsNode[]): { redirect: Redirect; stdin?: StdinSource; more?: Redirect[] } | undefined {
    const span = this.span(node);
    if (node.type === 'heredoc_redirect') {
      let body = '';
      const more: Redirect[] = [];
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'heredoc_body') body = this.heredocText(child);
        else if (STATEMENT_TYPES.has(child.type)) continuations.push(child);
        // tree-sitter-bash hangs `> file` written after `<<EOF` on the heredoc; bash redirects the command.
        else if (child.type === 'file_redirect') {
          const r = this.redirect(child, continuations, extras);
          if (r) more.push(r.redirect);
        }
      }
      return { redirect: { op: '<<', span }, stdin: { kind: 'text', text: body, span, origin: 'heredoc' }, more };
    }
    if (node.type === 'herestring_redirect') {
      const target = node.namedChildren.find((c) => c !== null);
      const value = target ? this.word(target) : { value: '', dynamic: true, split: false };
      return { redirect: { op: '<<<', span }, stdin: { kind: 'text', text: value.value + '\n', span, origin: 'herestring' } };
    }
    if (node.type === 'file_redirect') {
      const dests = node.namedChildren.filter((c): c is TsNode => c !== null && c.type !== 'file_descriptor');
      const dest = dests[0];
      // tree-sitter-bash hangs later words on the redirect; bash gives them to the command.
      extras.push(...dests.slice(1));
      const fdNode = node.namedChildren.find((c) => c?.type === 'file_descriptor');
      const op = node.children.find((c) => c && !c.isNamed)?.text ?? '>';
      const target = dest ? this.toWord(dest) : undefined;
      const redirect: Redirect = { op, target, fd: fdNode ? Number(fdNode.text) : undefined, span };
      return { redirect, stdin: op === '<' && target ? { kind: 'file', path: target } : undefined };
    }
    return undefined;
  }

  /** Heredoc text as the command will read it; expansions inside count as running. */
  private heredocText(node: TsNode): string {
    for (const child of node.namedChildren) {
      if (child && (child.type === 'command_substitution' || child.type === 'process_substitution')) this.word(child);
    }
    return node.text;
  }

  private bareAssignments(node: TsNode, inh: Inherited): SimpleCommand | undefined {
    const nodes = node.type === 'variable_assignment' ? [node] : node.namedChildren.filter((c): c is TsNode => c?.type === 'variable_assignment');
    const assignments = nodes.map((a) => this.assignment(a, true));
    this.emit({ argv: [], assignments, redirects: inh.redirects ?? [], span: this.span(node) });
    return undefined;
  }

  private assignment(node: TsNode, persist: boolean): { name: string; value: Word } {
    const name = node.childForFieldName('name')?.text ?? '';
    const valueNode = node.childForFieldName('value');
    const value: Word = valueNode ? this.toWord(valueNode) : { value: '', span: this.span(node), dynamic: false };
    if (persist) this.ctx.scope.vars.set(name, { value: value.value, dynamic: value.dynamic });
    return { name, value };
  }

  private declaration(node: TsNode, inh: Inherited): SimpleCommand | undefined {
    const argv: Word[] = [];
    const assignments: { name: string; value: Word }[] = [];
    for (const child of node.children) {
      if (!child) continue;
      if (child.type === 'variable_assignment') {
        const a = this.assignment(child, true);
        assignments.push(a);
        argv.push({ value: `${a.name}=${a.value.value}`, span: this.span(child), dynamic: a.value.dynamic });
      } else if (!child.isNamed) {
        argv.push({ value: child.text, span: this.span(child), dynamic: false });
      } else {
        argv.push(this.toWord(child));
      }
    }
    this.emit({ argv, assignments, redirects: inh.redirects ?? [], span: this.span(node) });
    return undefined;
  }

  private command(node: TsNode, inh: Inherited): SimpleCommand | undefined {
    const argv: Word[] = [];
    const assignments: { name: string; value: Word }[] = [];
    const redirects: Redirect[] = [...(inh.redirects ?? [])];
    let stdin = inh.stdin;
    const continuations: TsNode[] = [];
    const extraArgs: TsNode[] = [];
    // tree-sitter-bash leaves some adjacent parts as siblings (`$'re'\set`); with no blank
    // between them they are one word to bash, so parts are gathered until a gap.
    let parts: { node: TsNode; r: WordResult }[] = [];
    const flush = (): void => {
      if (parts.length === 1) argv.push(...this.split(parts[0].node, parts[0].r));
      else if (parts.length > 1) {
        const span = this.ctx.mapSpan({ start: parts[0].node.startIndex, end: parts[parts.length - 1].node.endIndex });
        argv.push({ value: normalizeDashes(parts.map((p) => p.r.value).join('')), span, dynamic: parts.some((p) => p.r.dynamic) });
      }
      parts = [];
    };
    const part = (n: TsNode): void => {
      if (parts.length > 0 && parts[parts.length - 1].node.endIndex !== n.startIndex) flush();
      parts.push({ node: n, r: this.word(n) });
    };
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'variable_assignment') {
        assignments.push(this.assignment(child, false));
      } else if (child.type === 'command_name') {
        part(child.namedChildren[0] ?? child);
      } else if (child.type === 'subshell') {
        // `word (…)` is a bash syntax error (only `name () …` defines a function): not a command.
        this.issues.push({ message: 'a parenthesis follows a command word (a syntax error in bash)', span: this.span(child) });
        this.visit(child, {});
      } else if (child.type.endsWith('_redirect')) {
        const r = this.redirect(child, continuations, extraArgs);
        if (r) {
          redirects.push(r.redirect, ...(r.more ?? []));
          if (r.stdin) stdin = r.stdin;
        }
      } else {
        part(child);
      }
    }
    flush();
    for (const extra of [...extraArgs, ...(inh.extraArgs ?? [])]) argv.push(...this.split(extra, this.word(extra)));
    const aliased = argv.length > 0 && !argv[0].dynamic ? this.ctx.scope.aliases.get(argv[0].value) : undefined;
    if (aliased !== undefined && this.ctx.depth < 16) {
      // Expand the alias as bash would: its text, then the remaining words.
      const rest = argv.slice(1).map((w) => shellQuote(w.value)).join(' ');
      const host = this.span(node);
      const nested = parseCommandLine(`${aliased} ${rest}`, {
        ...this.ctx,
        depth: this.ctx.depth + 1,
        via: [...this.ctx.via, `alias ${argv[0].value}`],
        mapSpan: () => host,
      });
      this.commands.push(...nested.commands);
      this.issues.push(...nested.issues);
      return nested.commands.at(-1);
    }
    const toFile = redirects.some((r) => (r.op === '>' || r.op === '>>' || r.op === '>|' || r.op === '&>' || r.op === '&>>') && (r.fd === undefined || r.fd === 1) && r.target);
    const cmd = this.emit({ argv, assignments, redirects, stdin, span: this.span(node), ...(toFile ? { stdout: { kind: 'file' as const } } : {}) });
    let previous: SimpleCommand | undefined = cmd;
    for (const cont of continuations) {
      previous = this.visit(cont, { stdin: previous ? { kind: 'command', command: previous } : undefined }) ?? previous;
    }
    return previous;
  }

  /** A word node's value as one or more words, applying bash's splitting of unquoted expansions. */
  private split(node: TsNode, r: WordResult): Word[] {
    const span = this.span(node);
    // An unquoted expansion known to be empty is no word at all: `rm -rf $EMPTY` is `rm -rf`.
    if (r.split && !r.dynamic && r.value.trim() === '') return [];
    if (r.split && /\s/.test(r.value.trim())) {
      return r.value.trim().split(/\s+/).map((value) => ({ value: normalizeDashes(value), span, dynamic: r.dynamic }));
    }
    return [{ value: normalizeDashes(r.value), span, dynamic: r.dynamic }];
  }

  private toWord(node: TsNode): Word {
    const r = this.word(node);
    return { value: r.value, span: this.span(node), dynamic: r.dynamic };
  }

  /** The value a word node has after quote removal and same-line expansion. */
  private word(node: TsNode): WordResult {
    switch (node.type) {
      case 'word':
      case 'number':
      case 'file_descriptor':
        return { value: unescapeUnquoted(node.text), dynamic: false, split: false };
      case 'raw_string':
        return { value: node.text.slice(1, -1), dynamic: false, split: false };
      case 'ansi_c_string':
        return { value: decodeAnsiC(node.text.slice(2, -1)), dynamic: false, split: false };
      case 'string':
      case 'translated_string':
        return this.composite(node, node.startIndex + (node.type === 'string' ? 1 : 2), node.endIndex - 1, true);
      case 'concatenation':
        return this.composite(node, node.startIndex, node.endIndex, false);
      case 'simple_expansion':
      case 'expansion':
        return this.expansion(node);
      case 'command_substitution':
        return this.substitution(node);
      case 'process_substitution':
        for (const child of node.namedChildren) if (child) this.visit(child, {});
        return { value: '/dev/fd/63', dynamic: true, split: false };
      case 'arithmetic_expansion':
        this.scanSubstitutions(node);
        return { value: node.text, dynamic: true, split: false };
      default:
        this.scanSubstitutions(node);
        return { value: unescapeUnquoted(node.text), dynamic: node.type === 'ERROR', split: false };
    }
  }

  /** Strings and concatenations: literal text between child parts, child parts evaluated. */
  private composite(node: TsNode, from: number, to: number, quoted: boolean): WordResult {
    let value = '';
    let dynamic = false;
    let cursor = from;
    const literal = (a: number, b: number): string => {
      const text = this.src.slice(a, b);
      return quoted ? unescapeDoubleQuoted(text) : unescapeUnquoted(text);
    };
    for (const child of node.namedChildren) {
      if (!child || child.startIndex < from) continue;
      if (child.type === 'string_content') continue;
      value += literal(cursor, child.startIndex);
      const r = this.word(child);
      value += r.value;
      dynamic ||= r.dynamic;
      cursor = child.endIndex;
    }
    value += literal(cursor, to);
    const only = node.namedChildren.length === 1 ? node.namedChildren[0] : null;
    const split = !quoted && only !== null && (only.type === 'simple_expansion' || only.type === 'expansion');
    return { value, dynamic, split };
  }

  private expansion(node: TsNode): WordResult {
    const text = node.text;
    const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])(?:(:?[-=+?])(.*?))?\}?$/s.exec(text);
    const known = m ? this.ctx.scope.vars.get(m[1]) : undefined;
    if (m && known?.unset) {
      // Unset in the check's environment: empty, or the default `${VAR:-x}` / `${VAR=x}` names.
      const fallback = m[2] && /[-=]$/.test(m[2]) ? m[3] ?? '' : '';
      return { value: fallback, dynamic: /[$`]/.test(fallback), split: true };
    }
    if (m && known && (!m[2] || m[2].includes('-') || m[2].includes('='))) return { ...known, split: true };
    if (m && m[2] && (m[2].endsWith('-') || m[2].endsWith('='))) {
      // ${VAR:-default}: when VAR is unknown here, the default is the likely value.
      const fallback = m[3] ?? '';
      return { value: fallback, dynamic: true, split: true };
    }
    // `$x` holds no command; only `${…}` can (`${x:-$(cmd)}`).
    if (node.type === 'expansion') this.scanSubstitutions(node);
    return { value: text, dynamic: true, split: false };
  }

  private substitution(node: TsNode): WordResult {
    const before = this.commands.length;
    if (node.text.startsWith('`') && node.text.includes('\\')) this.backticks(node);
    else for (const child of node.namedChildren) if (child) this.visit(child, {});
    // What runs inside `$(…)` writes into the word, not to the terminal.
    for (const c of this.commands.slice(before)) c.stdout ??= { kind: 'capture' };
    // `$(echo rm)` and `$(printf rm)`: the output is knowable, so the command name is too.
    const produced = this.commands.slice(before);
    if (produced.length === 1) {
      const [cmd] = produced;
      const name = cmd.argv[0]?.value;
      if ((name === 'echo' || name === 'printf') && cmd.argv.length > 1 && !cmd.stdin && cmd.argv.every((w) => !w.dynamic)) {
        const args = cmd.argv.slice(1).filter((w) => !(name === 'echo' && /^-[neE]+$/.test(w.value)));
        return { value: args.map((w) => w.value).join(' '), dynamic: false, split: true };
      }
    }
    return { value: node.text, dynamic: true, split: false };
  }

  /**
   * Backticks first remove the backslash before `$`, `` ` `` and `\` (bash manual §3.5.4), so
   * `` `\\g\\i\\t reset` `` runs `\g\i\t reset`, that is `git reset`: read the text as bash will.
   */
  private backticks(node: TsNode): void {
    const body = node.text.length > 1 && node.text.endsWith('`') ? node.text.slice(1, -1) : node.text.slice(1);
    const span = this.span(node);
    const inner = parseCommandLine(body.replace(/\\([$`\\])/g, '$1'), { ...this.ctx, mapSpan: () => span });
    this.commands.push(...inner.commands);
    this.issues.push(...inner.issues);
    this.functions.push(...inner.functions);
  }

  private scanSubstitutions(node: TsNode): void {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'command_substitution' || child.type === 'process_substitution') this.word(child);
      else if (STATEMENT_TYPES.has(child.type)) this.visit(child, {});
      else if (child.namedChildCount > 0) this.scanSubstitutions(child);
    }
  }
}

/** Outside quotes a backslash quotes the next character (bash manual §3.1.2.1). */
function unescapeUnquoted(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/gs, '$1') : text;
}

/** Inside double quotes a backslash only escapes `$`, `` ` ``, `"`, `\` and newline (§3.1.2.3). */
function unescapeDoubleQuoted(text: string): string {
  return text.includes('\\') ? text.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === '\n' ? '' : c)) : text;
}

const ANSI_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** Decode `$'…'` text (bash manual §3.1.2.4), so `$'\x72m'` reads as `rm`. */
export function decodeAnsiC(body: string): string {
  return body.replace(/\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)/gs, (_, esc: string) => {
    const k = esc[0];
    if (k === 'x' || k === 'u' || k === 'U') return String.fromCodePoint(parseInt(esc.slice(1), 16));
    if (/[0-7]/.test(k)) return String.fromCharCode(parseInt(esc, 8));
    if (k === 'c') return String.fromCharCode(esc.charCodeAt(1) & 31);
    return ANSI_ESCAPES[k] ?? `\\${esc}`;
  });
}

/** Quote a value so that bash reads it back as one word with the same value. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
