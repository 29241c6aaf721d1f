/**
 * `interlock install-hooks`: put Interlock's hook into each agent's configuration, show the exact
 * change as a unified diff, and take it out again on `--uninstall`. Edits go through jsonc-parser,
 * so other hooks, unknown keys, comments and formatting stay as they were, and a second run
 * changes nothing. The planning (file texts in, file texts and diffs out) is pure so the editor's
 * command shares it; reading and writing files happens only in the functions at the end.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { applyEdits, findNodeAtLocation, format, getNodeValue, modify, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { FormattingOptions, JSONPath, Node as JsonNode, ParseError } from 'jsonc-parser';
import { AGENTS, isAgent } from '../cli/hooks/protocols';
import type { AgentId } from '../cli/hooks/protocols';
import type { Rule } from '../engine/packs';
import { currentRuntime, launcherPath, writeLauncher } from './launcher';

export type Scope = 'user' | 'project';
export type HookAction = 'install' | 'uninstall';

export interface HookTarget {
  agent: AgentId;
  scope: Scope;
  /** The configuration file Interlock's entry goes into. */
  file: string;
  /** A directory whose presence shows the agent is set up at this scope. */
  marker: string;
  /** A directory of hook files (Copilot's): uninstalling looks in every file there. */
  hookDir?: string;
}

export interface FilePlan {
  target: HookTarget;
  file: string;
  before: string | undefined;
  /** The new text; undefined when the file is (or stays) absent. */
  after: string | undefined;
  changed: boolean;
  diff: string;
  /** Why the file was left untouched (it could not be read as JSON). */
  error?: string;
}

/** Seconds the agent waits for the hook; Interlock answers within 55 s (INTERLOCK_HOOK_TIMEOUT_MS). */
const TIMEOUT_S = 60;

type Json = Record<string, unknown>;

/** Agents whose hooks are grouped under matchers: `{hooks: {Event: [{matcher, hooks: [entry]}]}}`. */
interface GroupedSpec {
  shape: 'grouped';
  event: string;
  matcher: string;
  entry: (command: string) => Json;
}

/** Agents whose hooks are listed per event: `{version: 1, hooks: {event: [entry]}}`. */
interface FlatSpec {
  shape: 'flat';
  events: string[];
  commandKey: string;
  entry: (command: string, event: string) => Json;
}

/**
 * The tools each agent's hook must see: its shell, file reads, MCP calls, and every tool that
 * writes a file, since an agent can turn Interlock off by editing its rule file or a hook config
 * as easily with its file tools as with the shell.
 */
const CLAUDE_TOOLS = [
  'Bash', 'PowerShell', 'Read', 'Grep', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit',
  // VS Code's agent reads this file too and names its tools its own way.
  'run_in_terminal', 'read_file', 'create_file', 'replace_string_in_file', 'multi_replace_string_in_file', 'insert_edit_into_file', 'edit_notebook_file', 'apply_patch',
];
const GEMINI_TOOLS = ['run_shell_command', 'read_file', 'read_many_files', 'search_file_content', 'grep_search', 'write_file', 'replace'];
/** Cursor's `preToolUse` names for tools that change files; its shell, reads and MCP calls have events of their own. */
const CURSOR_WRITE_TOOLS = ['Write', 'Edit', 'StrReplace', 'MultiEdit', 'Delete', 'edit_file', 'search_replace', 'delete_file', 'ApplyPatch', 'apply_patch'];

const SPECS: Record<AgentId, GroupedSpec | FlatSpec> = {
  // One group, so that readers which ignore matchers (VS Code reads this file) still run it once.
  claude: {
    shape: 'grouped',
    event: 'PreToolUse',
    matcher: `^(${CLAUDE_TOOLS.join('|')}|mcp__.*)$`,
    entry: (command) => ({ type: 'command', command, timeout: TIMEOUT_S }),
  },
  codex: {
    shape: 'grouped',
    event: 'PreToolUse',
    matcher: '^(Bash|apply_patch|mcp__.*)$',
    entry: (command) => ({ type: 'command', command, timeout: TIMEOUT_S }),
  },
  gemini: {
    shape: 'grouped',
    event: 'BeforeTool',
    // Gemini CLI names MCP tools `mcp_<server>_<tool>`.
    matcher: `^(${GEMINI_TOOLS.join('|')}|mcp_.*)$`,
    // Gemini CLI's timeout is in milliseconds.
    entry: (command) => ({ type: 'command', name: 'interlock', command, timeout: TIMEOUT_S * 1000 }),
  },
  // failClosed: a hook that crashes or times out must refuse, not wave the call through.
  // `preToolUse` only for file changes: shell, MCP and reads already have their own events, and a
  // second hook on them would ask twice. Its matcher is a plain alternation, unanchored, so it
  // reads the same whether Cursor takes it as a regex or as a list of names.
  cursor: {
    shape: 'flat',
    events: ['beforeShellExecution', 'beforeMCPExecution', 'beforeReadFile', 'preToolUse'],
    commandKey: 'command',
    entry: (command, event) => ({ command, ...(event === 'preToolUse' ? { matcher: CURSOR_WRITE_TOOLS.join('|') } : {}), timeout: TIMEOUT_S, failClosed: true }),
  },
  copilot: {
    shape: 'flat',
    events: ['preToolUse'],
    commandKey: 'bash',
    // Copilot CLI runs `bash` on Linux and macOS, `powershell` on Windows.
    entry: (command) => ({ type: 'command', bash: command, powershell: powershellHookCommand(command), timeoutSec: TIMEOUT_S, comment: 'Interlock: checks commands and tool calls before they run' }),
  },
};

export const AGENT_LABELS: Record<AgentId, string> = { claude: 'Claude Code (and VS Code agent hooks)', cursor: 'Cursor', copilot: 'GitHub Copilot CLI', gemini: 'Gemini CLI', codex: 'Codex' };

/** Every file Interlock may configure, per agent and scope. */
export function hookTargets(home: string, project: string, vars: Record<string, string | undefined> = {}): HookTarget[] {
  const codexHome = vars.CODEX_HOME ?? join(home, '.codex');
  const copilotHome = vars.COPILOT_HOME ?? join(home, '.copilot');
  return [
    { agent: 'claude', scope: 'user', file: join(home, '.claude', 'settings.json'), marker: join(home, '.claude') },
    { agent: 'claude', scope: 'project', file: join(project, '.claude', 'settings.json'), marker: join(project, '.claude') },
    { agent: 'cursor', scope: 'user', file: join(home, '.cursor', 'hooks.json'), marker: join(home, '.cursor') },
    { agent: 'cursor', scope: 'project', file: join(project, '.cursor', 'hooks.json'), marker: join(project, '.cursor') },
    { agent: 'copilot', scope: 'user', file: join(copilotHome, 'hooks', 'interlock.json'), marker: copilotHome, hookDir: join(copilotHome, 'hooks') },
    { agent: 'copilot', scope: 'project', file: join(project, '.github', 'hooks', 'interlock.json'), marker: join(project, '.github'), hookDir: join(project, '.github', 'hooks') },
    { agent: 'gemini', scope: 'user', file: join(home, '.gemini', 'settings.json'), marker: join(home, '.gemini') },
    { agent: 'gemini', scope: 'project', file: join(project, '.gemini', 'settings.json'), marker: join(project, '.gemini') },
    { agent: 'codex', scope: 'user', file: join(codexHome, 'hooks.json'), marker: codexHome },
    { agent: 'codex', scope: 'project', file: join(project, '.codex', 'hooks.json'), marker: join(project, '.codex') },
  ];
}

function shQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command an agent runs: the stable launcher (see launcher.ts), by absolute path so it works
 * from any directory and any PATH, with no `VAR=value` prefix that a non-POSIX shell would misread.
 * On Windows agents run it through cmd.exe (Node's shell there) or Git Bash: a path in double
 * quotes reads the same in both (a Windows path holds no `"`; bash keeps its backslashes).
 */
export function hookCommand(launcher: string, agent: AgentId, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `"${launcher}" hook ${agent}` : `${shQuote(launcher)} hook ${agent}`;
}

/**
 * The same command for PowerShell (Copilot CLI's `powershell` key on Windows): a quoted path is a
 * string there, so `&` calls it; single quotes keep `$` and backticks literal.
 */
export function powershellHookCommand(command: string): string {
  const m = /^(?:'((?:[^']|'\\'')*)'|"([^"]*)"|(\S+))( .*)$/.exec(command);
  if (!m) return command;
  const path = m[1]?.replace(/'\\''/g, `'`) ?? m[2] ?? m[3];
  return `& '${path.replace(/'/g, "''")}'${m[4]}`;
}

/** Whether a configured command is Interlock's hook (this exact command, or an Interlock install elsewhere). */
export function isInterlockCommand(command: unknown, agent: AgentId, expected?: string): boolean {
  if (typeof command !== 'string') return false;
  if (expected !== undefined && command.trim() === expected.trim()) return true;
  return new RegExp(`interlock.*\\shook\\s+${agent}\\s*$`, 'i').test(command);
}

function formatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1];
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: indent ? Math.min(indent.length, 8) : 2, eol };
}

function parse(text: string): { root?: JsonNode; error?: string } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const e = errors[0];
    const line = text.slice(0, e.offset).split('\n').length;
    return { error: `not valid JSON at line ${line} (${printParseErrorCode(e.error)})` };
  }
  if (!root || root.type !== 'object') return { error: 'the top level is not a JSON object' };
  return { root };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

class Editor {
  constructor(
    public text: string,
    private readonly fmt: FormattingOptions,
  ) {}

  node(path: JSONPath): JsonNode | undefined {
    const root = parseTree(this.text, [], { allowTrailingComma: true });
    return root ? findNodeAtLocation(root, path) : undefined;
  }

  value(path: JSONPath): unknown {
    const n = this.node(path);
    return n ? getNodeValue(n) : undefined;
  }

  /**
   * Set or insert a value, formatting only the new text. jsonc-parser formats whole lines, so a
   * value added after a sibling starts on a line of its own: the sibling keeps its layout.
   */
  set(path: JSONPath, value: unknown, insert = false): void {
    let text = this.text;
    const eol = this.fmt.eol ?? '\n';
    for (const e of modify(text, path, value, { isArrayInsertion: insert }).sort((a, b) => b.offset - a.offset)) {
      let content = e.content;
      let from = e.offset;
      if (content.startsWith(',')) {
        const lineStart = text.lastIndexOf('\n', e.offset - 1) + 1;
        const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
        content = `,${eol}${indent}${content.slice(1)}`;
        from = e.offset + 1 + eol.length;
      }
      text = text.slice(0, e.offset) + content + text.slice(e.offset + e.length);
      text = applyEdits(text, format(text, { offset: from, length: e.offset + content.length - from }, this.fmt));
    }
    this.text = text;
  }

  /**
   * Remove an array element or object property with the separator before it (or after it, for a
   * first one), so that removing what `set` appended gives back the text as it was. Done by hand:
   * jsonc-parser's unformatted removal of a last element leaves a stray brace.
   */
  remove(path: JSONPath): void {
    const node = this.node(path);
    if (!node?.parent) return;
    const item = node.parent.type === 'property' ? node.parent : node;
    const container = item.parent;
    if (!container) return;
    const siblings = container.children ?? [];
    const k = siblings.indexOf(item);
    let start: number;
    let end: number;
    if (siblings.length === 1) {
      start = container.offset + 1;
      end = container.offset + container.length - 1;
    } else if (k > 0) {
      start = siblings[k - 1].offset + siblings[k - 1].length;
      end = item.offset + item.length;
    } else {
      start = item.offset;
      end = siblings[1].offset;
    }
    this.text = this.text.slice(0, start) + this.text.slice(end);
  }
}

interface Found {
  index: number;
  /** Index of Interlock's entry within a matcher group. */
  entry?: number;
  /** The group holds nothing but Interlock's entry. */
  alone?: boolean;
}

function findGrouped(groups: unknown, agent: AgentId, expected: string | undefined): Found[] {
  if (!Array.isArray(groups)) return [];
  const out: Found[] = [];
  groups.forEach((g, index) => {
    const hooks = (g as Json | null)?.hooks;
    if (!Array.isArray(hooks)) return;
    hooks.forEach((h, entry) => {
      if (isInterlockCommand((h as Json | null)?.command, agent, expected)) out.push({ index, entry, alone: hooks.length === 1 });
    });
  });
  return out;
}

function findFlat(list: unknown, agent: AgentId, key: string, expected: string | undefined): Found[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((h, index) => (isInterlockCommand((h as Json | null)?.[key], agent, expected) ? [{ index }] : []));
}

/** Remove found entries, last first so earlier indices stay valid. */
function removeFound(ed: Editor, base: JSONPath, found: Found[]): void {
  for (const f of [...found].reverse()) {
    if (f.entry === undefined || f.alone) ed.remove([...base, f.index]);
    else ed.remove([...base, f.index, 'hooks', f.entry]);
  }
}

function dropIfEmpty(ed: Editor, path: JSONPath): void {
  const v = ed.value(path);
  if ((Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)) ed.remove(path);
}

function editGrouped(ed: Editor, spec: GroupedSpec, agent: AgentId, command: string, action: HookAction): void {
  const base = ['hooks', spec.event];
  const found = findGrouped(ed.value(base), agent, command);
  if (action === 'uninstall') {
    removeFound(ed, base, found);
    dropIfEmpty(ed, base);
    dropIfEmpty(ed, ['hooks']);
    return;
  }
  const entry = spec.entry(command);
  const group = { matcher: spec.matcher, hooks: [entry] };
  const [first, ...extra] = found;
  const append = (): void => {
    const groups = ed.value(base);
    if (Array.isArray(groups)) ed.set([...base, groups.length], group, true);
    else ed.set(base, [group]);
  };
  if (first && !first.alone && ed.value([...base, first.index, 'matcher']) !== spec.matcher) {
    // Interlock's entry shares a group whose matcher is not Interlock's (an older install, or a
    // person's edit): the tools Interlock checks now would miss it. Take it out to a group of its
    // own; the group's other hooks keep their matcher.
    removeFound(ed, base, found);
    append();
    return;
  }
  removeFound(ed, base, extra);
  if (!first) append();
  else if (first.alone) {
    // An older install's group gets the current matcher, so an upgrade covers the new tools.
    if (!same(ed.value([...base, first.index]), group)) ed.set([...base, first.index], group);
  } else if (!same(ed.value([...base, first.index, 'hooks', first.entry!]), entry)) {
    ed.set([...base, first.index, 'hooks', first.entry!], entry);
  }
}

function editFlat(ed: Editor, spec: FlatSpec, agent: AgentId, command: string, action: HookAction): void {
  if (action === 'install' && ed.value(['version']) === undefined) ed.set(['version'], 1);
  for (const event of spec.events) {
    const base = ['hooks', event];
    const found = findFlat(ed.value(base), agent, spec.commandKey, command);
    if (action === 'uninstall') {
      removeFound(ed, base, found);
      dropIfEmpty(ed, base);
      continue;
    }
    const entry = spec.entry(command, event);
    const [first, ...extra] = found;
    removeFound(ed, base, extra);
    if (!first) {
      const list = ed.value(base);
      if (Array.isArray(list)) ed.set([...base, list.length], entry, true);
      else ed.set(base, [entry]);
    } else if (!same(ed.value([...base, first.index]), entry)) ed.set([...base, first.index], entry);
  }
  if (action === 'uninstall') dropIfEmpty(ed, ['hooks']);
}

/** The Interlock hook commands a configuration file holds, for telling a current install from a stale one. */
export function installedCommands(agent: AgentId, text: string | undefined): string[] {
  if (text === undefined) return [];
  const root = parse(text).root;
  if (!root) return [];
  const spec = SPECS[agent];
  const value = getNodeValue(root) as Json;
  const hooks = (value.hooks ?? {}) as Json;
  const out: string[] = [];
  const events = spec.shape === 'grouped' ? [spec.event] : spec.events;
  const key = spec.shape === 'grouped' ? 'command' : spec.commandKey;
  for (const event of events) {
    const list = hooks[event];
    if (!Array.isArray(list)) continue;
    const entries = spec.shape === 'grouped' ? list.flatMap((g) => ((g as Json | null)?.hooks as unknown[] | undefined) ?? []) : list;
    for (const e of entries) {
      const c = (e as Json | null)?.[key];
      if (typeof c === 'string' && isInterlockCommand(c, agent)) out.push(c);
    }
  }
  return [...new Set(out)];
}

/** Plan the change to one file: its current text (undefined when absent) in, the new text and a diff out. */
export function planFile(target: HookTarget, before: string | undefined, command: string, action: HookAction, file = target.file): FilePlan {
  const unchanged = (error?: string): FilePlan => ({ target, file, before, after: before, changed: false, diff: '', error });
  if (before === undefined && action === 'uninstall') return unchanged();
  const source = before === undefined || before.trim() === '' ? '{}' : before;
  const parsed = parse(source);
  if (parsed.error) return unchanged(parsed.error);
  const ed = new Editor(source, formatting(source));
  const spec = SPECS[target.agent];
  if (spec.shape === 'grouped') editGrouped(ed, spec, target.agent, command, action);
  else editFlat(ed, spec, target.agent, command, action);
  let after: string | undefined = ed.text;
  if (after === source) return unchanged();
  if (before === undefined && !after.endsWith('\n')) after += '\n';
  // A file left with nothing but an empty hook list and its version (Interlock's own Copilot file, a
  // settings.json or hooks.json the install created) goes away rather than staying behind as `{}`.
  if (action === 'uninstall') {
    const rest = parseTree(after);
    const value = rest ? (getNodeValue(rest) as Json) : {};
    if (Object.keys(value).every((k) => k === 'version' || (k === 'hooks' && Object.keys((value.hooks as Json | null) ?? {}).length === 0))) after = undefined;
  }
  return { target, file, before, after, changed: true, diff: unifiedDiff(file, before, after) };
}

function splitLines(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A unified diff (3 lines of context) of one file; `/dev/null` stands for an absent side. */
export function unifiedDiff(file: string, before: string | undefined, after: string | undefined): string {
  const a = splitLines(before);
  const b = splitLines(after);
  // Longest common subsequence table; configuration files are small, and huge ones get one hunk.
  const ops: { op: ' ' | '-' | '+'; line: string }[] = [];
  if (a.length * b.length > 4_000_000) {
    for (const line of a) ops.push({ op: '-', line });
    for (const line of b) ops.push({ op: '+', line });
  } else {
    const n = a.length;
    const m = b.length;
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) {
        ops.push({ op: ' ', line: a[i] });
        i++;
        j++;
      } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ op: '-', line: a[i++] });
      else ops.push({ op: '+', line: b[j++] });
    }
  }
  const out = [`--- ${before === undefined ? '/dev/null' : `a${file}`}`, `+++ ${after === undefined ? '/dev/null' : `b${file}`}`];
  const CONTEXT = 3;
  let k = 0;
  while (k < ops.length) {
    if (ops[k].op === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - CONTEXT);
    let end = k;
    // Extend the hunk while changes are within 2×context of each other.
    for (let e = k; e < ops.length; e++) {
      if (ops[e].op !== ' ') end = e;
      else if (e - end > 2 * CONTEXT) break;
    }
    end = Math.min(ops.length - 1, end + CONTEXT);
    let aStart = 0;
    let bStart = 0;
    for (let x = 0; x < start; x++) {
      if (ops[x].op !== '+') aStart++;
      if (ops[x].op !== '-') bStart++;
    }
    const hunk = ops.slice(start, end + 1);
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${aLen === 0 ? aStart : aStart + 1},${aLen} +${bLen === 0 ? bStart : bStart + 1},${bLen} @@`);
    for (const o of hunk) out.push(o.op + o.line);
    k = end + 1;
  }
  return out.join('\n') + '\n';
}

/** Which targets to change: the agents and scopes asked for, or those configured on this machine. */
export function chooseTargets(
  all: HookTarget[],
  opts: { agents?: AgentId[]; scope?: Scope; action: HookAction },
  exists: (path: string) => boolean,
): HookTarget[] {
  const agents = opts.agents && opts.agents.length > 0 ? opts.agents : [...AGENTS];
  const out: HookTarget[] = [];
  for (const agent of agents) {
    const mine = all.filter((t) => t.agent === agent && (!opts.scope || t.scope === opts.scope));
    if (opts.action === 'uninstall') {
      // Take Interlock out wherever it may be, at every scope asked for.
      out.push(...mine.filter((t) => exists(t.file) || (t.hookDir !== undefined && exists(t.hookDir))));
      continue;
    }
    const detected = mine.filter((t) => exists(t.marker));
    const explicit = opts.agents?.includes(agent) ?? false;
    // One scope per agent: agents merge user and project hooks, and two entries would ask twice.
    const pick = opts.scope ? mine[0] : detected.find((t) => t.scope === 'user') ?? detected[0] ?? (explicit ? mine.find((t) => t.scope === 'user') : undefined);
    if (pick && (detected.includes(pick) || explicit)) out.push(pick);
  }
  return out;
}

/**
 * Entries for VS Code's `chat.tools.terminal.autoApprove` that make Copilot ask before commands
 * the built-in packs flag by program and subcommand alone, so its own prompt shows even where no
 * hook runs (in Autopilot no hook can change that). Keys are command prefixes or /regexes/.
 */
export function copilotAutoApproveEntries(rules: Rule[]): Record<string, false> {
  const out: Record<string, false> = {};
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  // Keys that do not narrow what a rule matches; any other key is a condition a prefix cannot express.
  const PLAIN = new Set(['id', 'command', 'subcommand', 'decision', 'production', 'risk', 'reason', 'examples', 'nocase']);
  for (const rule of rules) {
    if (rule.decision === 'allow' && (rule.production ?? 'allow') === 'allow') continue;
    // Only rules that program and subcommand decide alone: a key cannot say "with --force", and
    // a bare `cat` or `git` would make Copilot ask before everything.
    if (!Object.keys(rule).every((k) => PLAIN.has(k))) continue;
    for (const program of Array.isArray(rule.command) ? rule.command : rule.command ? [rule.command] : []) {
      if (/[*?[\]{}\s]/.test(program)) continue;
      const words = (rule.subcommand ?? []).map((w) => (Array.isArray(w) ? w : [w]));
      // A pattern in the subcommand would widen the prefix past what the rule flags: leave it to the hook.
      if (words.some((alts) => alts.some((w) => /[*?[\]{}]/.test(w)))) continue;
      out[words.length > 0 ? `/^${esc(program)}${words.map((alts) => `\\s+(${alts.map(esc).join('|')})`).join('')}\\b/` : program] = false;
    }
  }
  return out;
}

/** Things a person has to know after the change. */
export function notesFor(plans: FilePlan[], action: HookAction): string[] {
  const notes: string[] = [];
  const agents = new Set(plans.filter((p) => p.changed).map((p) => p.target.agent));
  if (action === 'install') {
    if (agents.has('codex')) notes.push('Codex runs a new hook only after you review and trust it: start Codex and accept the Interlock hook when asked.');
    if (agents.has('claude')) notes.push('Claude Code reads its settings at start: restart running sessions. VS Code agent hooks read the same file.');
    if (agents.has('cursor')) notes.push('Cursor picks up hooks.json changes on its own; check Settings → Hooks if a hook is not listed.');
    const project = new Set(plans.filter((p) => p.changed && p.target.scope === 'project').map((p) => p.target.agent));
    if (project.size > 0) notes.push('Project files now hold absolute paths to this machine’s Interlock; keep them out of version control or install per user instead.');
    // Project-scope hooks are skipped silently where the agent does not trust the folder.
    if (project.has('gemini')) notes.push('Gemini CLI runs project hooks only in a trusted folder, and never with --skip-trust: trust this folder in Gemini CLI, or install per user (the default).');
    if (project.has('copilot')) notes.push('Copilot CLI runs .github/hooks only in a folder it trusts: trust it when Copilot asks (or --trust-folder), or install per user (the default).');
    if (project.has('codex')) notes.push('Codex runs project hooks only in a trusted project: trust the project in Codex as well as reviewing the hook.');
    notes.push('`interlock doctor` shows, per agent, whether its hook is live and will actually run.');
  }
  return notes;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Read the chosen targets and plan each (Copilot's uninstall looks in every hook file of its directory). */
export function planTargets(targets: HookTarget[], command: (agent: AgentId) => string, action: HookAction): FilePlan[] {
  const plans: FilePlan[] = [];
  for (const t of targets) {
    const files = new Set([t.file]);
    if (action === 'uninstall' && t.hookDir) {
      try {
        for (const f of readdirSync(t.hookDir)) if (f.endsWith('.json')) files.add(join(t.hookDir, f));
      } catch {
        // no hook directory
      }
    }
    for (const file of files) {
      let before: string | undefined;
      try {
        before = readText(file);
      } catch (e) {
        plans.push({ target: t, file, before: undefined, after: undefined, changed: false, diff: '', error: `cannot read it (${(e as Error).message})` });
        continue;
      }
      plans.push(planFile(t, before, command(t.agent), action, file));
    }
  }
  return plans;
}

/** Write planned changes: new text atomically beside the old (keeping its mode), or remove the file. */
export function applyPlans(plans: FilePlan[]): void {
  for (const p of plans) {
    if (!p.changed || p.error) continue;
    if (p.after === undefined) {
      unlinkSync(p.file);
      continue;
    }
    mkdirSync(dirname(p.file), { recursive: true });
    const mode = existsSync(p.file) ? statSync(p.file).mode & 0o777 : undefined;
    const tmp = `${p.file}.interlock-${process.pid}.tmp`;
    writeFileSync(tmp, p.after, { mode: mode ?? 0o644 });
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, p.file);
  }
}

interface CliArgs {
  agents: AgentId[];
  scope?: Scope;
  dir: string;
  dryRun: boolean;
  action: HookAction;
}

function parseArgs(args: string[]): CliArgs | string {
  const out: CliArgs = { agents: [], dir: process.cwd(), dryRun: false, action: 'install' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string | undefined => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i]);
    if (a === '--agent' || a.startsWith('--agent=')) {
      const v = value();
      if (!isAgent(v)) return `--agent takes one of ${AGENTS.join(', ')}`;
      out.agents.push(v);
    } else if (a === '--dir' || a.startsWith('--dir=')) {
      const v = value();
      if (!v) return '--dir needs a value';
      out.dir = resolve(v);
    } else if (a === '--project' || a === '--user') {
      const s = a.slice(2) as Scope;
      if (out.scope && out.scope !== s) return 'give --project or --user, not both';
      out.scope = s;
    } else if (a === '--dry-run') out.dryRun = true;
    else if (a === '--uninstall') out.action = 'uninstall';
    else return `unknown option ${a}`;
  }
  return out;
}

/** The running CLI's own path, as the hook command must name it. */
function cliPath(): string {
  const p = resolve(process.argv[1] ?? __filename);
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

export async function runInstallHooks(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`interlock install-hooks: ${parsed}. See interlock --help.\n`);
    return 64;
  }
  const home = process.env.HOME ?? homedir();
  const targets = chooseTargets(hookTargets(home, parsed.dir, process.env), { agents: parsed.agents, scope: parsed.scope, action: parsed.action }, existsSync);
  if (targets.length === 0) {
    process.stdout.write(
      parsed.action === 'install'
        ? 'No agent configuration found (looked for ~/.claude, ~/.cursor, ~/.copilot, ~/.gemini, ~/.codex and their project folders). Name one with --agent.\n'
        : 'No Interlock hooks found.\n',
    );
    return 0;
  }
  // Hooks name the stable launcher; installing points it at this CLI first, so they work at once.
  let launcher = launcherPath(process.env);
  if (parsed.action === 'install' && !parsed.dryRun) {
    try {
      launcher = writeLauncher(currentRuntime(cliPath()), process.env).path;
    } catch (e) {
      process.stderr.write(`interlock install-hooks: cannot write the hook launcher ${launcher}: ${(e as Error).message}\n`);
      return 1;
    }
  }
  const plans = planTargets(targets, (agent) => hookCommand(launcher, agent), parsed.action);
  let failed = false;
  for (const p of plans) {
    const label = `${AGENT_LABELS[p.target.agent]}, ${p.target.scope}: ${p.file}`;
    if (p.error) {
      failed = true;
      process.stdout.write(`! ${label}: ${p.error}; left untouched.\n`);
    } else if (!p.changed) {
      process.stdout.write(`= ${label}: ${parsed.action === 'install' ? 'already up to date' : 'no Interlock hook'}.\n`);
    } else {
      process.stdout.write(`${parsed.dryRun ? 'would change' : 'changed'} ${label}\n${p.diff}`);
    }
  }
  if (!parsed.dryRun) {
    try {
      applyPlans(plans);
    } catch (e) {
      process.stderr.write(`interlock install-hooks: ${(e as Error).message}\n`);
      return 1;
    }
  }
  for (const note of notesFor(plans, parsed.action)) process.stdout.write(`note: ${note}\n`);
  if (parsed.dryRun) process.stdout.write('(dry run: nothing was written)\n');
  return failed ? 1 : 0;
}
