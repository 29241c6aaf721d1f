/**
 * PowerShell command lines → the simple commands that would execute, read with tree-sitter's
 * PowerShell grammar from the same package as bash's. Every command anywhere in the tree counts
 * (pipelines, `&&`/`||` chains, script blocks, `$(…)`, `(…)`, function bodies), aliases and
 * parameter prefixes are resolved as PowerShell resolves them, and cmdlets with an effect are also
 * given as the POSIX command with the same effect (cmdlets.ts), so the packs judge both alike.
 * What the grammar cannot read, and what runs a command Interlock cannot see (`& $x`, `iex $code`,
 * splatted parameters of a cmdlet that deletes or writes), is an issue: the answer is `confirm`.
 */
import { GrammarNeeded, normalizeDashes, structureProblem } from '../parse';
import type { ParseContext } from '../parse';
import type { TsNode } from '../grammar';
import type { ParsedLine, ParseIssue, Redirect, SimpleCommand, Span, Word } from '../types';
import { CMDLETS, bind, canonicalCmdlet, isOn, posixEquivalent, posixPath, resolveParam, takesValue } from './cmdlets';
import type { Bound, Element } from './cmdlets';

/** Parses text in another dialect (cmd.exe, bash) for commands found here; set by dialects/index.ts. */
export type NestedParser = (text: string, ctx: ParseContext, shell: 'bash' | 'cmd' | 'powershell') => ParsedLine;

/**
 * Two spellings PowerShell reads in argument mode and tree-sitter-powershell reports as errors are
 * evened out before parsing, with offsets kept: a variable followed by more path
 * (`$env:USERPROFILE\x`, one argument) is quoted, so are `--` and `--name=value` (words a native
 * program gets as written), and blanks after a comma (`Select-Object Id, CPU`, one array) are
 * dropped; more below. None changes what PowerShell runs.
 */
function evenOut(text: string): { text: string; toOriginal: (i: number) => number } {
  if (!/[$,]|--|[0-9][kmgtp]b/i.test(text)) return { text, toOriginal: (i) => i };
  const quoted = new Array<boolean>(text.length).fill(false);
  let q: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      quoted[i] = true;
      if (c === '`' && q === '"') {
        quoted[i + 1] = true;
        i++;
        continue;
      }
      if (c === q) q = undefined;
    } else if (c === '"' || c === "'") {
      q = c;
      quoted[i] = true;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      for (; i < text.length && text[i] !== '\n'; i++) quoted[i] = true;
    }
  }
  const kept: number[] = [];
  let out = '';
  /** Copy `len` characters from `at` inside quote `q` (offsets kept); returns where reading goes on. */
  const quoteRun = (at: number, len: number, q: string): number => {
    kept.push(at);
    out += q;
    for (let k = at; k < at + len; k++) {
      kept.push(k);
      out += text[k];
    }
    kept.push(at + len);
    out += q;
    return at + len;
  };
  const VAR_PATH = /\$(?:env:)?[A-Za-z_][A-Za-z0-9_]*[\\/][^\s;|&)}'"`,]*/y;
  const DOUBLE_DASH = /--[^\s;|&)}'"`$(){}@,]*(?=[\s;|&)}]|$)/y;
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (!quoted[i] && c === '-' && text[i + 1] === '-' && (i === 0 || /\s/.test(text[i - 1]))) {
      DOUBLE_DASH.lastIndex = i;
      const m = DOUBLE_DASH.exec(text);
      if (m) {
        i = quoteRun(i, m[0].length, "'");
        continue;
      }
    }
    if (!quoted[i] && c === '$' && (i === 0 || /[\s,=(]/.test(text[i - 1]))) {
      VAR_PATH.lastIndex = i;
      const m = VAR_PATH.exec(text);
      if (m) {
        i = quoteRun(i, m[0].length, '"');
        continue;
      }
    }
    if (!quoted[i] && /[0-9]/.test(c) && (i === 0 || !/[\w.$-]/.test(text[i - 1]))) {
      // `1MB`: a number with a multiplier suffix, which the grammar misreads before a blank. The
      // value never decides anything here, so the suffix is dropped.
      const m = /^[0-9]+(?:\.[0-9]+)?(?=(?:kb|mb|gb|tb|pb)(?![\w]))/i.exec(text.slice(i, i + 32));
      if (m) {
        for (let k = i; k < i + m[0].length; k++) {
          kept.push(k);
          out += text[k];
        }
        i += m[0].length + 2;
        continue;
      }
    }
    if (!quoted[i] && c === ',') {
      // `Name, @{…}`, `Name, (…)`: a bare word before a comma and an expression reads as an error
      // unless it is quoted, which PowerShell reads the same.
      const next = /^[ \t]*([@($"'])/.exec(text.slice(i + 1, i + 64));
      const bare = next ? /(^|[\s])([A-Za-z_][\w.-]*)$/.exec(out) : null;
      if (bare) {
        const at = out.length - bare[2].length;
        out = `${out.slice(0, at)}'${bare[2]}'`;
        kept.splice(at, 0, kept[at]);
        kept.push(i);
      }
    }
    kept.push(i);
    out += c;
    i++;
    if (!quoted[i - 1] && c === ',' && i >= 2 && /[\w"')\]]/.test(text[i - 2])) while (text[i] === ' ' || text[i] === '\t') i++;
  }
  kept.push(text.length);
  return { text: out, toOriginal: (k) => kept[Math.min(k, kept.length - 1)] };
}

/** Parse a PowerShell line (or nested PowerShell text) into the commands that would run. */
export function parsePowerShell(text: string, ctx: ParseContext, nestedParse: NestedParser): ParsedLine {
  if (text.trim() === '') return { commands: [], issues: [], functions: [] };
  if (!ctx.powershell) throw new GrammarNeeded('powershell');
  const fixed = evenOut(text);
  const map = (s: Span): Span => ctx.mapSpan({ start: fixed.toOriginal(s.start), end: fixed.toOriginal(s.end) });
  const problem = structureProblem(fixed.text);
  if (problem) return { commands: [], issues: [{ message: problem, span: map({ start: 0, end: fixed.text.length }) }], functions: [] };
  const tree = ctx.powershell.parse(fixed.text);
  try {
    const walker = new PsWalker(fixed.text, { ...ctx, mapSpan: map }, nestedParse);
    walker.statement(tree.rootNode);
    return walker.result();
  } finally {
    tree.delete();
  }
}

/** .NET static methods that delete or write files, and the POSIX command with that effect. */
const DOTNET: Record<string, Record<string, (args: Word[], l: (v: string) => Word) => Word[] | undefined>> = {
  file: {
    delete: (a, l) => [l('rm'), l('-f'), l('--'), ...a.slice(0, 1)],
    writealltext: (a, l) => [l('tee'), l('--'), ...a.slice(0, 1)],
    writeallbytes: (a, l) => [l('tee'), l('--'), ...a.slice(0, 1)],
    writealllines: (a, l) => [l('tee'), l('--'), ...a.slice(0, 1)],
    appendalltext: (a, l) => [l('tee'), l('-a'), l('--'), ...a.slice(0, 1)],
    appendalllines: (a, l) => [l('tee'), l('-a'), l('--'), ...a.slice(0, 1)],
    copy: (a, l) => [l('cp'), l('-f'), l('--'), ...a.slice(0, 2)],
    move: (a, l) => [l('mv'), l('--'), ...a.slice(0, 2)],
    replace: (a, l) => [l('mv'), l('--'), ...a.slice(0, 2)],
    readalltext: (a, l) => [l('cat'), l('--'), ...a.slice(0, 1)],
    readalllines: (a, l) => [l('cat'), l('--'), ...a.slice(0, 1)],
    readallbytes: (a, l) => [l('cat'), l('--'), ...a.slice(0, 1)],
  },
  directory: {
    // Delete(path, $true) removes the tree; Delete(path) only an empty folder.
    delete: (a, l) => [l('rm'), ...(a[1] && /^\$?true$/i.test(a[1].value) ? [l('-r'), l('-f')] : [l('-d')]), l('--'), ...a.slice(0, 1)],
    move: (a, l) => [l('mv'), l('--'), ...a.slice(0, 2)],
  },
  environment: {
    getenvironmentvariable: (a, l) => (a[0] ? [l('printenv'), a[0]] : undefined),
    getenvironmentvariables: (_a, l) => [l('env')],
  },
};

const PATH_CMDLETS = new Set(['Remove-Item', 'Get-Content', 'Set-Content', 'Add-Content', 'Clear-Content', 'Out-File', 'New-Item', 'Copy-Item', 'Move-Item', 'Rename-Item', 'Get-ChildItem', 'Get-Item', 'Set-Location']);

/** Method names that delete or overwrite whatever object they are called on. */
const DESTRUCTIVE_METHODS = /^(delete|moveto|copyto|replace|writealltext|writeallbytes|writealllines|appendalltext|create|downloadfile|uploadfile|uploadstring|uploaddata|uploadvalues)$/i;

/** Automatic variables with a known meaning for paths and values. */
function automatic(name: string): Word['value'] | undefined {
  switch (name.toLowerCase()) {
    case 'home':
    case 'env:userprofile':
    case 'env:home':
      return '~';
    case 'true':
      return '$true';
    case 'false':
      return '$false';
    case 'null':
      return '';
    case 'env:temp':
    case 'env:tmp':
      return '$env:TEMP';
    case 'env:systemdrive':
    case 'env:homedrive':
      return 'C:';
    case 'env:systemroot':
    case 'env:windir':
      return 'C:/Windows';
    case 'env:programfiles':
      return 'C:/Program Files';
    case 'env:programdata':
    case 'env:allusersprofile':
      return 'C:/ProgramData';
    case 'env:appdata':
    case 'env:localappdata':
      // Classified as a profile's data by their Windows names (paths.ts).
      return `$env:${name.slice(4).toUpperCase()}`;
    case 'profile':
      // The current user's profile script, run by every new PowerShell session.
      return '~/Documents/PowerShell/Microsoft.PowerShell_profile.ps1';
  }
  return undefined;
}

class PsWalker {
  private readonly commands: SimpleCommand[] = [];
  private readonly issues: ParseIssue[] = [];
  private readonly functions: string[] = [];
  /** How each known cmdlet's parameters were bound, for the pipeline stage after it. */
  private readonly bound = new WeakMap<SimpleCommand, Bound>();

  constructor(private readonly src: string, private readonly ctx: ParseContext, private readonly nestedParse: NestedParser) {}

  result(): ParsedLine {
    return { commands: this.commands, issues: this.issues, functions: this.functions };
  }

  private span(node: TsNode): Span {
    return this.ctx.mapSpan({ start: node.startIndex, end: node.endIndex });
  }

  private emit(partial: Omit<SimpleCommand, 'via' | 'depth' | 'remote'>, via?: string): SimpleCommand {
    const cmd: SimpleCommand = { ...partial, via: via ? [...this.ctx.via, via] : this.ctx.via, depth: this.ctx.depth, remote: this.ctx.remote };
    this.commands.push(cmd);
    return cmd;
  }

  private issue(message: string, node: TsNode): void {
    this.issues.push({ message, span: this.span(node) });
  }

  /** Walk any node: commands, assignments and .NET calls are read; everything else is descended into. */
  statement(node: TsNode): void {
    // A line of comments only reads as an error node holding them; there is nothing unread.
    const onlyComments = node.type === 'ERROR' && node.namedChildren.length > 0 && node.namedChildren.every((c) => c?.type === 'comment');
    if ((node.type === 'ERROR' && !onlyComments) || node.isMissing) {
      this.issue(node.isMissing ? `PowerShell expected \`${node.type}\` here` : 'PowerShell text the grammar cannot read', node);
    }
    switch (node.type) {
      case 'pipeline_chain':
        this.pipeline(node);
        return;
      case 'assignment_expression':
        this.assignment(node);
        return;
      case 'invokation_expression':
      case 'member_access':
        this.invocation(node);
        return;
      case 'function_statement': {
        const name = node.namedChildren.find((c) => c?.type === 'function_name');
        if (name) this.functions.push(name.text);
        break;
      }
      case 'comment':
        return;
    }
    for (const child of node.children) if (child) this.statement(child);
  }

  /** `a | b | c`: each command reads the one before it; an expression head is text on standard input. */
  private pipeline(node: TsNode): void {
    let previous: SimpleCommand | undefined;
    let text: string | undefined;
    let chained = false;
    let first = true;
    for (const child of node.children) {
      if (!child) continue;
      const head = first;
      first = false;
      if (child.type === '|') {
        chained = true;
        continue;
      }
      if (child.type === 'command') {
        const cmd = this.command(child, chained ? previous : undefined, chained ? text : undefined);
        previous = cmd;
        text = undefined;
        chained = false;
        continue;
      }
      if (child.type === 'redirections' || child.type === 'redirection') {
        if (previous) previous.redirects.push(...this.redirections(child));
        else for (const r of this.redirections(child)) this.emit({ argv: [], assignments: [], redirects: [r], span: r.span });
        continue;
      }
      chained = false;
      previous = undefined;
      // An expression at the head: `"text" | iex`, or `$env:TOKEN` alone, which prints it.
      if (head && /_expression$|^string_literal$|^variable$/.test(child.type) && !child.hasError) {
        const only = this.onlyLeaf(child);
        if (only?.type === 'variable' && /^\$(\{)?env:/i.test(only.text)) {
          const w = this.word(only);
          this.emit({ argv: [{ value: 'echo', span: w.span, dynamic: false }, w], assignments: [], redirects: [], span: this.span(child) }, 'PowerShell output');
          continue;
        }
        if (only?.type === 'string_literal') {
          // A string alone is printed: `"token: $env:GITHUB_TOKEN"` shows the token.
          const w = this.word(only);
          if (!w.dynamic) text = w.value;
          else this.emit({ argv: [{ value: 'echo', span: w.span, dynamic: false }, w], assignments: [], redirects: [], span: this.span(child) }, 'PowerShell output');
          continue;
        }
      }
      this.statement(child);
    }
  }

  /** The single leaf value an expression wraps (`unary_expression` → `string_literal`), if it is only that. */
  private onlyLeaf(node: TsNode): TsNode | undefined {
    let n: TsNode = node;
    for (let k = 0; k < 16; k++) {
      if (n.type === 'string_literal' || n.type === 'variable') return n;
      const named = n.namedChildren.filter((c): c is TsNode => c !== null);
      if (named.length !== 1) return undefined;
      n = named[0];
    }
    return undefined;
  }

  private assignment(node: TsNode): void {
    const left = node.namedChildren.find((c) => c?.type === 'left_assignment_expression');
    const right = node.namedChildren.filter((c): c is TsNode => c !== null && c !== left && c.type !== 'assignement_operator');
    const target = left ? this.onlyLeaf(left) : undefined;
    const before = this.commands.length;
    let value: Word | undefined;
    const valueNode = right[right.length - 1];
    const leaf = valueNode ? this.onlyLeaf(valueNode) : undefined;
    if (leaf) value = this.word(leaf);
    else for (const r of right) this.statement(r);
    if (!value) value = { value: valueNode?.text ?? '', span: valueNode ? this.span(valueNode) : this.span(node), dynamic: true };
    // A value computed by commands is only known when they run.
    if (this.commands.length > before) for (const c of this.commands.slice(before)) c.stdout ??= { kind: 'capture' };
    if (!target || target.type !== 'variable') return;
    const name = variableName(target.text);
    if (!name) return;
    const env = /^env:/i.exec(name);
    if (env) {
      const envName = name.slice(4);
      this.ctx.scope.vars.set(envName, { value: value.value, dynamic: value.dynamic });
      // Seen by rules and context as a shell assignment is: `$env:AWS_PROFILE = 'prod'`.
      this.emit({ argv: [], assignments: [{ name: envName, value }], redirects: [], span: this.span(node) });
    } else {
      this.ctx.scope.vars.set(`ps:${name.toLowerCase()}`, { value: value.value, dynamic: value.dynamic });
    }
  }

  /** `[IO.File]::Delete(p)`, `[IO.Directory]::Delete(p, $true)`, `$x.Delete()`. */
  private invocation(node: TsNode): void {
    for (const child of node.namedChildren) if (child && child.type !== 'type_literal' && child.type !== 'member_name') this.statement(child);
    const typeNode = node.namedChildren.find((c) => c?.type === 'type_literal');
    const member = node.namedChildren.find((c) => c?.type === 'member_name')?.text.toLowerCase();
    if (!member) return;
    const argList = node.namedChildren.find((c) => c?.type === 'argument_list');
    const args = argList ? this.arguments(argList) : [];
    if (typeNode) {
      const type = typeNode.text.replace(/^\[|\]$/g, '').replace(/^system\./i, '').toLowerCase();
      const short = type.replace(/^io\./, '');
      const method = DOTNET[short]?.[member] ?? (type === 'io.file' || type === 'io.directory' ? undefined : undefined);
      if (method && (type.startsWith('io.') || short === 'environment')) {
        const l = (v: string): Word => ({ value: v, span: this.span(node), dynamic: false });
        const argv = method(args.map(posixPath), l);
        if (argv) this.emit({ argv, assignments: [], redirects: [], span: this.span(node) }, `[${typeNode.text.replace(/^\[|\]$/g, '')}]::${member}`);
        return;
      }
      if ((short === 'file' || short === 'directory') && DESTRUCTIVE_METHODS.test(member)) {
        this.issue(`a .NET file call Interlock does not model (${typeNode.text}::${member})`, node);
      }
      return;
    }
    if (argList && DESTRUCTIVE_METHODS.test(member)) this.issue(`a .NET method that deletes or writes on an object Interlock cannot see (.${member}())`, node);
  }

  private arguments(list: TsNode): Word[] {
    const out: Word[] = [];
    const visit = (n: TsNode): void => {
      if (n.type === 'argument_expression') {
        const leaf = this.onlyLeaf(n);
        if (leaf) out.push(this.word(leaf));
        else {
          this.statement(n);
          out.push({ value: n.text, span: this.span(n), dynamic: true });
        }
        return;
      }
      for (const c of n.namedChildren) if (c) visit(c);
    };
    visit(list);
    return out;
  }

  private redirections(node: TsNode): Redirect[] {
    const list = node.type === 'redirection' ? [node] : node.namedChildren.filter((c): c is TsNode => c?.type === 'redirection');
    const out: Redirect[] = [];
    for (const r of list) {
      const opNode = r.namedChildren.find((c) => c?.type.endsWith('redirection_operator'));
      const op = opNode?.text ?? '>';
      const fileNode = r.namedChildren.find((c) => c?.type === 'redirected_file_name');
      if (op.includes('&')) continue; // `2>&1` merges streams; no file.
      const m = /^([0-9*]?)(>>?)$/.exec(op);
      const fd = m?.[1] === '' || m?.[1] === undefined ? undefined : m[1] === '*' ? undefined : Number(m[1]);
      let target: Word | undefined;
      if (fileNode) {
        const inner = fileNode.namedChildren.find((c) => c !== null && c.type !== 'command_argument_sep');
        const leaf = inner ? this.onlyLeaf(inner) : undefined;
        target = leaf ? this.word(leaf) : inner ? this.word(inner) : undefined;
        if (target && /^\$null$/i.test(fileNode.text.trim())) target = { ...target, value: '/dev/null', dynamic: false };
        else if (target) target = posixPath(target);
      }
      out.push({ op: m?.[2] ?? '>', target, fd, span: this.span(r) });
    }
    return out;
  }

  /** One command: its name, elements, redirections; what it runs or changes. */
  private command(node: TsNode, upstream: SimpleCommand | undefined, pipedText: string | undefined): SimpleCommand | undefined {
    const span = this.span(node);
    const invoke = node.namedChildren.find((c) => c?.type === 'command_invokation_operator')?.text;
    const nameNode = node.namedChildren.find((c) => c?.type === 'command_name' || c?.type === 'command_name_expr');
    const foreach = node.namedChildren.find((c) => c?.type === 'foreach_command');
    if (foreach) {
      // `… | ForEach-Object { … }`: the block's commands run once per item.
      const cmd = this.emit({ argv: [{ value: 'ForEach-Object', span, dynamic: false }], assignments: [], redirects: [], span, ...(upstream ? { stdin: { kind: 'command' as const, command: upstream } } : {}) });
      if (upstream) upstream.stdout = { kind: 'pipe', to: cmd };
      for (const c of foreach.namedChildren) if (c) this.statement(c);
      return cmd;
    }
    if (!nameNode) {
      for (const c of node.namedChildren) if (c) this.statement(c);
      return undefined;
    }
    const nameWord = this.nameWord(nameNode);
    const elements: Element[] = [];
    const redirects: Redirect[] = [];
    let splatted = false;
    const elems = node.namedChildren.find((c) => c?.type === 'command_elements');
    const children = elems ? elems.namedChildren.filter((c): c is TsNode => c !== null) : [];
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (c.type === 'command_argument_sep') continue;
      if (c.type === 'redirection') {
        redirects.push(...this.redirections(c));
        continue;
      }
      if (c.type === 'command_parameter') {
        const attachedColon = c.children.some((k) => k?.type === ':');
        // `-ArgumentList a,b` reads with the array inside the parameter node.
        const inner = c.namedChildren.filter((k): k is TsNode => k !== null && k.type !== ':');
        const paramText = inner.length > 0 ? this.src.slice(c.startIndex, inner[0].startIndex).trim() : c.text;
        const written = normalizeDashes(paramText).replace(/:$/, '');
        const name = written.replace(/^-+/, '');
        const word = { value: written, span: this.span(c), dynamic: false };
        if (inner.length > 0) {
          elements.push({ kind: 'param', name, word, attached: inner.flatMap((k) => this.words(k)) });
        } else if (attachedColon || (children[i + 1]?.type === 'command_argument_sep' && children[i + 1].text === ':')) {
          let next = children[i + 1];
          while (next && next.type === 'command_argument_sep') next = children[++i + 1];
          const values = next ? this.words(next) : [];
          if (next) i++;
          elements.push({ kind: 'param', name, word, attached: values });
        } else {
          elements.push({ kind: 'param', name, word });
        }
        continue;
      }
      if (c.type === 'stop_parsing') {
        elements.push({ kind: 'arg', word: { value: c.text.replace(/^--%\s*/, ''), span: this.span(c), dynamic: false } });
        continue;
      }
      const words = this.words(c);
      for (const w of words) if (w.value.startsWith('@') && /^@[A-Za-z_]\w*$/.test(w.value)) splatted = true;
      // `-ArgumentList a,b,c`: an array after a parameter that takes a value is its value.
      const last = elements[elements.length - 1];
      if (words.length > 1 && last?.kind === 'param' && !last.attached && takesValue(nameWord.value, last.name)) {
        last.attached = words;
        continue;
      }
      // `a,b` reads as a token `a` and a token `,b`: one array.
      if (c.type === 'generic_token' && c.text.startsWith(',') && last?.kind === 'arg') {
        last.rest = [...(last.rest ?? []), ...words];
        continue;
      }
      if (words.length > 0) elements.push({ kind: 'arg', word: words[0], ...(words.length > 1 ? { rest: words.slice(1) } : {}) });
    }
    if (invoke && nameNode.namedChildren.some((k) => k?.type === 'script_block_expression')) {
      // `& { … }` and `. { … }` run the block: its commands were read with it.
      this.statement(nameNode);
      return undefined;
    }
    if (invoke && nameWord.dynamic) this.issue(`\`${invoke} ${nameWord.value}\` runs a command whose name is only known when it runs`, nameNode);
    // An alias set earlier on the line (`Set-Alias x Remove-Item; x …`) runs what it names.
    const defined = nameWord.dynamic ? undefined : this.ctx.scope.aliases.get(`ps:${nameWord.value.toLowerCase()}`);
    const cmdlet = nameWord.dynamic ? nameWord.value : canonicalCmdlet(defined ?? nameWord.value);
    if (defined === DYNAMIC_ALIAS) this.issue(`\`${nameWord.value}\` is an alias for a command only known when it runs`, nameNode);
    const canonicalName: Word = { ...nameWord, value: cmdlet };
    // Parameters by their full names, as PowerShell binds them: `-rec` is `-Recurse`.
    const spec = CMDLETS[cmdlet];
    if (spec) {
      for (const e of elements) {
        const full = e.kind === 'param' ? resolveParam(spec, e.name) : undefined;
        if (e.kind === 'param' && full) e.word = { ...e.word, value: `-${full}` };
      }
    }
    // The item cmdlets' arguments are paths: spelled with `/` (and `~`) as the path classes read them.
    if (PATH_CMDLETS.has(cmdlet)) {
      for (const e of elements) {
        if (e.kind === 'arg') {
          e.word = posixPath(e.word);
          if (e.rest) e.rest = e.rest.map(posixPath);
        } else if (e.attached) e.attached = e.attached.map(posixPath);
      }
    }
    const argv: Word[] = [canonicalName, ...canonicalArgs(cmdlet, elements)];
    const stdin = upstream ? { kind: 'command' as const, command: upstream } : pipedText !== undefined ? { kind: 'text' as const, text: pipedText, span, origin: 'echo' as const } : undefined;
    const toFile = redirects.some((r) => r.target && r.target.value !== '/dev/null' && (r.fd === undefined || r.fd === 1));

    if (cmdlet === 'Invoke-Expression') return this.invokeExpression(node, canonicalName, elements, stdin, upstream, pipedText);
    if (CMDLETS[cmdlet] && splatted && posixEquivalent(cmdlet, { params: new Map(), positionals: [], unknown: [] }, canonicalName, canonicalName) !== undefined) {
      this.issue(`splatted parameters of ${cmdlet} are only known when it runs`, node);
    }
    const bound = bind(cmdlet, elements);
    // `-WhatIf`: the cmdlet says what it would do and does nothing.
    const dryRun = bound !== undefined && SHOULD_PROCESS.has(cmdlet) && isOn(bound, 'WhatIf') && redirects.length === 0;
    const shown = dryRun ? [canonicalName, ...argv.filter((w) => w.value === '-WhatIf')] : argv;
    const cmd = this.emit({ argv: shown, assignments: [], redirects, span, ...(stdin ? { stdin } : {}), ...(toFile ? { stdout: { kind: 'file' as const } } : {}) });
    if (upstream) upstream.stdout = { kind: 'pipe', to: cmd };
    if (bound && !dryRun) {
      this.bound.set(cmd, bound);
      if (cmdlet === 'Set-Alias' || cmdlet === 'New-Alias') {
        const [aliasName] = bound.params.get('Name') ?? [];
        const [target] = bound.params.get('Value') ?? [];
        if (aliasName && target && !aliasName.dynamic) this.ctx.scope.aliases.set(`ps:${aliasName.value.toLowerCase()}`, target.dynamic ? DYNAMIC_ALIAS : target.value);
      }
      const piped = upstream ? this.pipedPath(upstream, span) : undefined;
      const equivalent = posixEquivalent(cmdlet, bound, canonicalName, piped);
      if (equivalent) this.emit({ argv: equivalent, assignments: [], redirects: [], span, ...(upstream && cmdlet !== 'Remove-Item' ? { stdin: { kind: 'command' as const, command: upstream } } : {}) }, cmdlet);
      if (cmdlet === 'Start-Process') this.startProcess(bound, span);
      // A scheduled task's action runs later, unseen: it is judged now.
      if (cmdlet === 'New-ScheduledTaskAction') this.startProcess(bound, span, 'Execute', 'Argument');
    }
    return cmd;
  }

  /** What `Get-ChildItem P | Remove-Item` deletes: P's items, else a list only known at run time. */
  private pipedPath(upstream: SimpleCommand, span: Span): Word & { recursive?: true } {
    const name = upstream.argv[0]?.value;
    const b = this.bound.get(upstream);
    if ((name === 'Get-ChildItem' || name === 'Get-Item') && b && !upstream.argv.some((w) => w.dynamic)) {
      if (b.unknown.length === 0) {
        const base = (b.params.get('Path') ?? b.params.get('LiteralPath') ?? [{ value: '.', span, dynamic: false }]).map(posixPath)[0];
        const picked = (b.params.get('Filter') ?? b.params.get('Include'))?.[0]?.value;
        // `-Include *` picks everything: the same as no filter.
        const filter = picked === '*' || picked === '*.*' ? undefined : picked;
        const recurse = b.params.get('Recurse')?.some((w) => w.value === 'true');
        const dir = base.value.replace(/\/+$/, '');
        const value = name === 'Get-Item' ? base.value : recurse ? (filter ? `${dir}/**/${filter}` : `${dir}/{found}`) : `${dir}/${filter ?? '*'}`;
        return { value, span, dynamic: base.dynamic, ...(recurse && name !== 'Get-Item' ? { recursive: true } : {}) };
      }
    }
    return { value: '{stdin}', span, dynamic: true };
  }

  /** `Start-Process prog -ArgumentList a,b`: prog runs with those words. */
  private startProcess(b: Bound, span: Span, fileParam = 'FilePath', argsParam = 'ArgumentList'): void {
    const file = b.params.get(fileParam)?.[0];
    if (!file) return;
    const list = b.params.get(argsParam) ?? [];
    const args = list.length === 1 && /\s/.test(list[0].value) && !list[0].dynamic ? splitArguments(list[0]) : list;
    this.emit({ argv: [file, ...args], assignments: [], redirects: [], span }, fileParam === 'FilePath' ? 'Start-Process' : 'New-ScheduledTaskAction');
  }

  private invokeExpression(node: TsNode, name: Word, elements: Element[], stdin: SimpleCommand['stdin'], upstream: SimpleCommand | undefined, pipedText: string | undefined): SimpleCommand {
    const span = this.span(node);
    const args = elements.filter((e) => e.kind === 'arg').map((e) => e.word);
    const cmd = this.emit({ argv: [name], assignments: [], redirects: [], span, ...(stdin ? { stdin } : {}) });
    if (upstream) upstream.stdout = { kind: 'pipe', to: cmd };
    const code = args.length > 0 ? args : pipedText !== undefined ? [{ value: pipedText, span, dynamic: false }] : [];
    if (code.length === 0) {
      // Code from a command's output (`irm … | iex`) is judged by the rules on that pipe.
      if (!upstream) this.issue('Invoke-Expression runs code that is not on the line', node);
      return cmd;
    }
    if (code.some((w) => w.dynamic)) {
      this.issue('Invoke-Expression runs code that is only known when it runs', node);
      return cmd;
    }
    this.nested(code.map((w) => w.value).join(' '), code[0].span, 'Invoke-Expression', 'powershell');
    return cmd;
  }

  private nested(text: string, span: Span, via: string, shell: 'bash' | 'cmd' | 'powershell'): void {
    const depth = this.ctx.depth + 1;
    if (depth > 8) {
      this.issues.push({ message: 'commands are nested more than 8 levels deep; Interlock stops reading there', span });
      return;
    }
    const parsed = this.nestedParse(text, { ...this.ctx, depth, via: [...this.ctx.via, via], mapSpan: () => span }, shell);
    this.commands.push(...parsed.commands);
    this.issues.push(...parsed.issues);
    this.functions.push(...parsed.functions);
  }

  private nameWord(node: TsNode): Word {
    const inner = node.type === 'command_name_expr' ? node.namedChildren.find((c) => c !== null) : undefined;
    if (inner && inner.type !== 'command_name') {
      const leaf = this.onlyLeaf(inner) ?? inner;
      return leaf.type === 'string_literal' || leaf.type === 'variable' ? this.word(leaf) : { value: inner.text, span: this.span(inner), dynamic: true };
    }
    const n = inner ?? node;
    return { value: unescapeBacktick(n.text), span: this.span(n), dynamic: false };
  }

  /** An argument element's value(s): `a,b` is two words; sub-expressions are commands that run. */
  private words(node: TsNode): Word[] {
    if (node.type === 'generic_token') {
      const span = this.span(node);
      return unescapeBacktick(node.text).split(',').filter((v) => v !== '').map((value) => ({ value, span, dynamic: false }));
    }
    if (node.type === 'array_literal_expression') {
      const parts = node.namedChildren.filter((c): c is TsNode => c !== null);
      return parts.flatMap((p) => this.words(p));
    }
    const leaf = this.onlyLeaf(node);
    if (leaf) return [this.word(leaf)];
    return [this.word(node)];
  }

  /** The value a leaf or expression has after quote removal and same-line expansion. */
  private word(node: TsNode): Word {
    const span = this.span(node);
    switch (node.type) {
      case 'generic_token':
        return { value: unescapeBacktick(node.text), span, dynamic: false };
      case 'variable': {
        const text = node.text;
        if (text.startsWith('@')) return { value: text, span, dynamic: true };
        const name = variableName(text);
        if (!name) return { value: text, span, dynamic: true };
        const auto = automatic(name);
        if (auto !== undefined) return { value: auto, span, dynamic: false };
        const env = /^env:(.*)$/i.exec(name);
        const known = env ? this.envVar(env[1]) : this.ctx.scope.vars.get(`ps:${name.toLowerCase()}`);
        if (known && !known.unset) return { value: known.value, span, dynamic: known.dynamic };
        // Unknown: spelled as bash spells a variable, so rules about secret variables and paths read it.
        return { value: env ? `$${env[1]}` : `$${name}`, span, dynamic: true };
      }
      case 'string_literal': {
        const inner = node.namedChildren.find((c) => c !== null);
        return inner ? this.word(inner) : { value: node.text.slice(1, -1), span, dynamic: false };
      }
      case 'verbatim_string_characters':
        return { value: node.text.slice(1, -1).replace(/''/g, "'"), span, dynamic: false };
      case 'verbatim_here_string_characters':
        return { value: hereBody(node.text), span, dynamic: false };
      case 'expandable_string_literal':
      case 'expandable_here_string_literal': {
        const here = node.type === 'expandable_here_string_literal';
        const from = node.startIndex + (here ? node.text.indexOf('\n') + 1 : 1);
        const to = node.endIndex - (here ? 2 : 1);
        let value = '';
        let dynamic = false;
        let cursor = from;
        for (const child of node.namedChildren) {
          if (!child || child.startIndex < from) continue;
          value += unescapeBacktick(this.src.slice(cursor, child.startIndex));
          const w = child.type === 'sub_expression' ? this.subExpression(child) : this.word(child);
          value += w.value;
          dynamic ||= w.dynamic;
          cursor = child.endIndex;
        }
        value += unescapeBacktick(this.src.slice(cursor, Math.max(cursor, to)));
        return { value: here ? value.replace(/\r?\n$/, '') : value, span, dynamic };
      }
      case 'sub_expression':
        return this.subExpression(node);
      case 'hash_literal_expression':
      case 'script_block_expression':
        this.statement(node);
        return { value: node.text, span, dynamic: false };
      default:
        this.statement(node);
        return { value: node.text, span, dynamic: true };
    }
  }

  private envVar(name: string): { value: string; dynamic: boolean; unset?: true } | undefined {
    const vars = this.ctx.scope.vars;
    const direct = vars.get(name);
    if (direct) return direct;
    for (const [k, v] of vars) if (!k.startsWith('ps:') && k.toLowerCase() === name.toLowerCase()) return v;
    return undefined;
  }

  /** `$(…)`: the commands inside run and their output becomes the value. */
  private subExpression(node: TsNode): Word {
    const before = this.commands.length;
    for (const c of node.namedChildren) if (c) this.statement(c);
    for (const c of this.commands.slice(before)) c.stdout ??= { kind: 'capture' };
    return { value: node.text, span: this.span(node), dynamic: true };
  }
}

/** What an alias set to a computed name resolves to. */
const DYNAMIC_ALIAS = '\0dynamic';

/** Cmdlets with an effect that honour `-WhatIf` (they support ShouldProcess). */
const SHOULD_PROCESS = new Set(['Remove-Item', 'Set-Content', 'Add-Content', 'Clear-Content', 'Out-File', 'New-Item', 'Copy-Item', 'Move-Item', 'Rename-Item', 'Stop-Process', 'Stop-Computer', 'Restart-Computer']);

/** Parameters whose values are paths; a known cmdlet's other values are kept on their parameter (`-ErrorAction:Stop`). */
const PATH_PARAMS = new Set(['Path', 'LiteralPath', 'FilePath', 'Destination']);

/**
 * A known cmdlet's words as rules read them: parameters by full name, path values as operands,
 * other values joined to their parameter, so `-ErrorAction SilentlyContinue` is no path.
 */
function canonicalArgs(cmdlet: string, elements: Element[]): Word[] {
  const out: Word[] = [];
  const spec = CMDLETS[cmdlet];
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (e.kind === 'arg') {
      out.push(e.word, ...(e.rest ?? []));
      continue;
    }
    const name = e.word.value.replace(/^-+/, '');
    const next = elements[i + 1];
    const values = e.attached ?? (spec && takesValue(cmdlet, name) && next?.kind === 'arg' ? [next.word, ...(next.rest ?? [])] : undefined);
    if (values && !e.attached) i++;
    if (!values) out.push(e.word);
    else if (!spec || PATH_PARAMS.has(name)) out.push(e.word, ...values);
    else out.push({ ...e.word, value: `${e.word.value}:${values.map((v) => v.value).join(',')}`, dynamic: values.some((v) => v.dynamic) });
  }
  return out;
}

/** `$name`, `${name}`, `$env:NAME`, `$script:x` → the variable's name (scope prefixes other than env: dropped). */
function variableName(text: string): string | undefined {
  const m = /^\$\{?((?:env|global|script|local|private|using):)?([A-Za-z_?][A-Za-z0-9_?]*)\}?$/i.exec(text);
  if (!m) return undefined;
  return m[1]?.toLowerCase() === 'env:' ? `env:${m[2]}` : m[2];
}

/** PowerShell's escape character is the backtick: `` `n `` is a newline, `` `x `` is x. */
function unescapeBacktick(text: string): string {
  if (!text.includes('`')) return text;
  const special: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
  return text.replace(/`(.)/gs, (_, c: string) => special[c] ?? c);
}

function hereBody(text: string): string {
  const start = text.indexOf('\n');
  const end = text.lastIndexOf('\n');
  return start >= 0 && end > start ? text.slice(start + 1, end).replace(/\r$/, '') : '';
}

/** Split a `-ArgumentList '…'` string into words as a Windows program reads its command line. */
export function splitArguments(w: Word): Word[] {
  const out: Word[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(w.value); m; m = re.exec(w.value)) out.push({ value: m[1] ?? m[2] ?? m[3], span: w.span, dynamic: false });
  return out;
}
