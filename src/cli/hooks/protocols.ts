/**
 * Each agent's pre-tool-use hook protocol: what its JSON on stdin says the agent is about to do,
 * and how to answer on stdout. Field names and shapes follow each agent's documentation
 * (see /work/shared/AGENT-HOOKS.md); events and tools Interlock has no opinion on get the agent's
 * "no opinion" answer, so installing the hook never changes what the agent does with them.
 */
import { resolve } from 'node:path';
import { parseMcpToolName } from '../../engine/toolCalls';
import type { FileAccess, ToolCall } from '../../engine/toolCalls';
import { applyPatchWrites } from '../../engine/fileWrites';
import type { FileWrite } from '../../engine/fileWrites';
import type { Shell } from '../../engine/types';

export const AGENTS = ['claude', 'cursor', 'copilot', 'gemini', 'codex'] as const;
export type AgentId = (typeof AGENTS)[number];

export function isAgent(x: string | undefined): x is AgentId {
  return (AGENTS as readonly string[]).includes(x ?? '');
}

/**
 * The answer format the caller reads. Mostly the agent's own; VS Code reads Claude's format from
 * Copilot's hook files too, and Cursor's `beforeReadFile` takes a bare permission.
 */
export type Dialect = 'claude' | 'cursor' | 'cursor-read' | 'copilot' | 'gemini' | 'codex';

export type Subject =
  | { kind: 'shell'; command: string; shell?: Shell }
  | { kind: 'tool'; call: ToolCall }
  | { kind: 'files'; access: FileAccess }
  | { kind: 'writes'; writes: FileWrite[] };

export interface HookCall {
  agent: AgentId;
  dialect: Dialect;
  event: string;
  tool: string;
  subject: Subject;
  /** Where the command runs, when the agent says. */
  cwd?: string;
  /** Workspace folders the agent has open (Cursor), for finding the editor window. */
  roots: string[];
  /** The agent's id for this tool call, when it sends one. */
  callId?: string;
}

export interface Output {
  stdout: string;
  code: number;
}

export type Reading = { kind: 'call'; call: HookCall } | { kind: 'pass'; output: Output } | { kind: 'invalid'; message: string };

export type Answer =
  | { kind: 'allow'; byPerson: boolean; message?: string }
  | { kind: 'deny'; message: string }
  | { kind: 'ask'; message: string };

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

const NONE: Output = { stdout: '', code: 0 };
const pass = (output: Output = NONE): Reading => ({ kind: 'pass', output });
const invalid = (message: string): Reading => ({ kind: 'invalid', message });

/** The dialect a shell's name (`pwsh`, `powershell.exe`, `cmd`, `/bin/zsh`) stands for, if one Interlock reads. */
export function shellKind(v: unknown): Shell | undefined {
  if (typeof v !== 'string') return undefined;
  const name = v.replace(/^.*[\\/]/, '').replace(/\.exe$/i, '').toLowerCase();
  if (name === 'pwsh' || name === 'powershell' || name === 'pwsh-preview') return 'powershell';
  if (name === 'cmd') return 'cmd';
  if (name === 'bash' || name === 'sh' || name === 'gitbash' || name === 'wsl') return 'bash';
  if (name === 'zsh' || name === 'fish') return name;
  return undefined;
}

/**
 * A command given as an argv array (Codex's older shell tool) joined for the shell parser; a
 * script handed to a shell (`["bash", "-lc", s]`, `["pwsh", "-Command", s]`, `["cmd", "/c", s]`)
 * is that shell's line.
 */
function commandText(v: unknown): { text: string; shell?: Shell } | undefined {
  if (typeof v === 'string') return { text: v };
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) {
    const argv = v as string[];
    const shell = shellKind(argv[0]);
    if (argv.length === 3 && shell && shell !== 'cmd' && shell !== 'powershell' && /^-l?c$/.test(argv[1])) return { text: argv[2], shell };
    if (argv.length >= 3 && shell === 'powershell' && /^-(c|command)$/i.test(argv[argv.length - 2])) return { text: argv[argv.length - 1], shell };
    if (argv.length >= 3 && shell === 'cmd' && /^\/[ck]$/i.test(argv[argv.length - 2])) return { text: argv[argv.length - 1], shell };
    return { text: argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ') };
  }
  return undefined;
}

function shellCall(base: Omit<HookCall, 'subject'>, command: unknown, what: string, shell?: Shell): Reading {
  const read = commandText(command);
  if (read === undefined) return invalid(`the ${what} call has no command`);
  const dialect = read.shell ?? shell;
  return { kind: 'call', call: { ...base, subject: { kind: 'shell', command: read.text, ...(dialect && dialect !== 'bash' ? { shell: dialect } : {}) } } };
}

function toolCall(base: Omit<HookCall, 'subject'>, call: ToolCall): Reading {
  return { kind: 'call', call: { ...base, subject: { kind: 'tool', call } } };
}

function filesCall(base: Omit<HookCall, 'subject'>, access: Omit<FileAccess, 'tool'>): Reading {
  if (access.paths.length === 0 && (access.globs ?? []).length === 0) return pass();
  return { kind: 'call', call: { ...base, subject: { kind: 'files', access: { ...access, tool: base.tool } } } };
}

/**
 * A file tool's changes. A file tool that names no file is refused rather than passed: the hook
 * cannot tell what it would change, and the guarded files are the point of checking.
 */
function writesCall(base: Omit<HookCall, 'subject'>, writes: FileWrite[]): Reading {
  if (writes.length === 0 || writes.some((w) => w.path.trim() === '')) return invalid(`the ${base.tool} call names no file`);
  return { kind: 'call', call: { ...base, subject: { kind: 'writes', writes } } };
}

/** The first string among an argument object's fields: agents spell one field several ways. */
function field(o: Json, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

const PATH_FIELDS = ['file_path', 'filePath', 'path', 'notebook_path', 'notebookPath', 'target_file', 'targetFile', 'absolute_path'];
const CONTENT_FIELDS = ['content', 'contents', 'file_text', 'fileText', 'text', 'code', 'code_edit', 'codeEdit', 'new_source', 'newSource', 'newCode', 'new_code'];

/** Old and new text of a string replacement, joined: a guarded-settings rule reads both. */
function replaced(o: Json): string | undefined {
  const parts = [field(o, 'old_string', 'oldString', 'old_str', 'oldStr'), field(o, 'new_string', 'newString', 'new_str', 'newStr')].filter((x): x is string => x !== undefined);
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/** One file written whole (`content`) or edited (old/new strings, a code block); empty path when none is named. */
function oneWrite(o: Json, how: FileWrite['how']): FileWrite {
  const path = field(o, ...PATH_FIELDS) ?? '';
  const text = how === 'write' ? field(o, ...CONTENT_FIELDS) : [replaced(o), field(o, ...CONTENT_FIELDS)].filter((x) => x !== undefined).join('\n');
  return text === undefined || text === '' ? { path, how } : { path, how, text };
}

/** A list of replacements in one file (`MultiEdit`'s `edits`) or in several (VS Code's `replacements`, each with its own path). */
function replacements(o: Json, list: unknown): FileWrite[] {
  const items = Array.isArray(list) ? list.map(obj).filter((x): x is Json => x !== undefined) : [];
  const path = field(o, ...PATH_FIELDS);
  if (items.length === 0) return [oneWrite(o, 'edit')];
  return items.map((item) => {
    const w = oneWrite(item, 'edit');
    return w.path === '' && path !== undefined ? { ...w, path } : w;
  });
}

/**
 * An `apply_patch` call's writes. A patch Interlock cannot read is refused: which files it would
 * change is unknown, and a guarded one among them must never pass as "nothing to check".
 */
function patchCall(base: Omit<HookCall, 'subject'>, patch: unknown): Reading {
  const text = typeof patch === 'string' ? patch : Array.isArray(patch) ? patch.find((x): x is string => typeof x === 'string' && x.includes('*** Begin Patch')) : undefined;
  if (text === undefined) return invalid(`the ${base.tool} call has no patch`);
  const writes = applyPatchWrites(text);
  if (!writes) return invalid(`the ${base.tool} call's patch cannot be read (expected *** Begin Patch … *** End Patch)`);
  return writesCall(base, writes);
}

/** Tool arguments given as a JSON string (Copilot CLI's `toolArgs`, some Cursor versions' `tool_input`). */
function argsOf(v: unknown): { ok: true; args: unknown } | { ok: false } {
  if (typeof v !== 'string') return { ok: true, args: v ?? {} };
  try {
    return { ok: true, args: JSON.parse(v) as unknown };
  } catch {
    return { ok: false };
  }
}

// Claude Code's `PowerShell` tool runs PowerShell lines: they are read in that dialect. VS Code's
// terminal tool runs in the user's default shell; a `shell` it names picks the dialect.
const CLAUDE_SHELL = new Set(['Bash', 'PowerShell', 'run_in_terminal', 'runInTerminal']);

/**
 * File-editing tools of Claude Code (`Write`, `Edit`, `MultiEdit`, `NotebookEdit`) and of VS Code's
 * agent, which sends them in Claude's shape with camelCase arguments (`create_file`,
 * `replace_string_in_file`, `multi_replace_string_in_file`, `insert_edit_into_file`,
 * `edit_notebook_file`, `apply_patch`).
 */
function claudeWrites(tool: string, ti: Json): FileWrite[] | 'patch' | undefined {
  switch (tool) {
    case 'Write':
    case 'create_file':
      return [oneWrite(ti, 'write')];
    case 'Edit':
    case 'NotebookEdit':
    case 'replace_string_in_file':
    case 'insert_edit_into_file':
    case 'edit_notebook_file':
      return [oneWrite(ti, 'edit')];
    case 'MultiEdit':
      return replacements(ti, ti.edits);
    case 'multi_replace_string_in_file':
      return replacements(ti, ti.replacements);
    case 'apply_patch':
      return 'patch';
    default:
      return undefined;
  }
}

/**
 * The dialect of a terminal tool's line: the shell it names; else, for VS Code's terminal tool on
 * Windows, PowerShell, the default terminal profile there. Claude's `Bash` runs bash (Git Bash on Windows).
 */
function terminalShell(tool: string, ti: Json, platform: NodeJS.Platform = process.platform): Shell | undefined {
  const named = shellKind(ti.shell ?? ti.shellType ?? ti.shell_type);
  if (named) return named;
  return (tool === 'run_in_terminal' || tool === 'runInTerminal') && platform === 'win32' ? 'powershell' : undefined;
}

/** Claude Code PreToolUse; also VS Code's agent hooks, which send this shape with camelCase common fields. */
function readClaude(input: Json, agent: AgentId): Reading {
  const event = str(input.hook_event_name) ?? str(input.hookEventName);
  if (event !== 'PreToolUse') return pass();
  const tool = str(input.tool_name);
  if (!tool) return invalid('the PreToolUse input has no tool_name');
  const ti = obj(input.tool_input) ?? {};
  const base = { agent, dialect: 'claude' as const, event, tool, cwd: str(input.cwd), roots: [], callId: str(input.tool_use_id) };
  if (CLAUDE_SHELL.has(tool)) return shellCall(base, ti.command, tool, tool === 'PowerShell' ? 'powershell' : terminalShell(tool, ti));
  const mcp = parseMcpToolName(tool);
  if (mcp) return toolCall(base, { server: mcp.server, tool: mcp.tool, args: ti });
  if (tool === 'Read' || tool === 'read_file' || tool === 'NotebookRead') {
    return filesCall(base, { paths: strings(ti.file_path ?? ti.filePath ?? ti.notebook_path ?? ti.path) });
  }
  if (tool === 'Grep') return filesCall(base, { paths: strings(ti.path), search: true, globs: strings(ti.glob) });
  const writes = claudeWrites(tool, ti);
  if (writes === 'patch') return patchCall(base, ti.input ?? ti.patch ?? ti.command);
  if (writes) return writesCall(base, writes);
  return pass();
}

/** GitHub Copilot CLI preToolUse: `toolName`, and `toolArgs` as a JSON string. */
function readCopilot(input: Json): Reading {
  if (input.toolName === undefined) {
    // VS Code runs hooks from .github/hooks/*.json too, with its own (Claude-shaped) input and output.
    if (input.tool_name !== undefined || input.hookEventName !== undefined || input.hook_event_name !== undefined) return readClaude(input, 'copilot');
    return invalid('the preToolUse input has no toolName');
  }
  // The same command configured for postToolUse gets the result too; there is nothing to decide.
  if (input.toolResult !== undefined) return pass();
  const tool = str(input.toolName);
  if (!tool) return invalid('toolName is not a string');
  const base = { agent: 'copilot' as const, dialect: 'copilot' as const, event: 'preToolUse', tool, cwd: str(input.cwd), roots: [] };
  const parsed = argsOf(input.toolArgs);
  if (tool === 'apply_patch') {
    // A patch tool's arguments may be the patch itself rather than JSON.
    const raw = parsed.ok ? parsed.args : input.toolArgs;
    const o = obj(raw);
    return patchCall(base, o ? o.input ?? o.patch ?? o.command : raw);
  }
  if (!parsed.ok) return invalid('toolArgs is not valid JSON');
  const args = obj(parsed.args) ?? {};
  if (tool === 'bash' || tool === 'shell' || tool === 'powershell') return shellCall(base, args.command, tool, tool === 'powershell' ? 'powershell' : shellKind(args.shell));
  // Text typed into a running shell session is a command line too.
  if (tool === 'write_bash') return shellCall(base, args.input ?? args.command, tool);
  const mcp = parseMcpToolName(tool);
  if (mcp) return toolCall(base, { server: mcp.server, tool: mcp.tool, args });
  if (tool === 'view' || tool === 'read' || tool === 'read_file') return filesCall(base, { paths: strings(args.path ?? args.file_path) });
  if (tool === 'grep' || tool === 'rg') return filesCall(base, { paths: strings(args.path), search: true, globs: strings(args.glob) });
  const writes = copilotWrites(tool, args);
  if (writes) return writesCall(base, writes);
  return pass();
}

/**
 * Copilot CLI's file tools: `create` (path, file_text), `edit` (path, old_str, new_str), and the
 * text-editor shape some models use, `str_replace_editor` with a `command` of `create`,
 * `str_replace`, `insert` or `undo_edit`; `view` with that shape only reads. (`apply_patch` is
 * read before the arguments, which may be the bare patch.)
 */
function copilotWrites(tool: string, args: Json): FileWrite[] | undefined {
  switch (tool) {
    case 'create':
    case 'write':
    case 'write_file':
      return [oneWrite(args, 'write')];
    case 'edit':
    case 'str_replace':
    case 'insert':
      return [oneWrite(args, 'edit')];
    case 'str_replace_editor':
    case 'str_replace_based_edit_tool': {
      const command = str(args.command);
      if (command === 'view') return undefined;
      return [oneWrite(args, command === 'create' ? 'write' : 'edit')];
    }
    default:
      return undefined;
  }
}

const CURSOR_PERMISSION_EVENTS = new Set(['beforeShellExecution', 'beforeMCPExecution', 'beforeReadFile', 'preToolUse']);
/** Cursor reads a missing answer as a failed hook, which `failClosed` turns into a refusal: say allow. */
const CURSOR_ALLOW: Output = { stdout: JSON.stringify({ permission: 'allow' }), code: 0 };

function readCursor(input: Json): Reading {
  const event = str(input.hook_event_name);
  if (!event || !CURSOR_PERMISSION_EVENTS.has(event)) return pass();
  const roots = strings(input.workspace_roots);
  const cwd = str(input.cwd) ?? roots[0];
  const base = { agent: 'cursor' as const, dialect: 'cursor' as const, event, tool: event, cwd, roots };
  if (event === 'beforeShellExecution') return shellCall(base, input.command, event);
  if (event === 'beforeReadFile') {
    const paths = strings(input.file_path);
    if (paths.length === 0) return invalid('the beforeReadFile input has no file_path');
    return filesCall({ ...base, dialect: 'cursor-read', tool: 'Read' }, { paths });
  }
  if (event === 'beforeMCPExecution') {
    const name = str(input.tool_name);
    if (!name) return invalid('the beforeMCPExecution input has no tool_name');
    const parsed = argsOf(input.tool_input);
    const mcp = parseMcpToolName(name);
    const server = str(input.mcp_server_name) ?? str(input.server_name) ?? str(input.server) ?? mcp?.server;
    return toolCall({ ...base, tool: name }, { server, tool: mcp?.tool ?? name, args: parsed.ok ? parsed.args : { input: input.tool_input } });
  }
  const tool = str(input.tool_name);
  if (!tool) return invalid('the preToolUse input has no tool_name');
  const parsed = argsOf(input.tool_input);
  const ti = obj(parsed.ok ? parsed.args : undefined) ?? {};
  const toolBase = { ...base, tool, cwd: str(ti.working_directory) ?? str(ti.cwd) ?? cwd };
  if (tool === 'Shell' || tool === 'Bash' || tool === 'run_terminal_cmd') return shellCall(toolBase, ti.command, tool);
  if (tool === 'Read' || tool === 'ReadFile' || tool === 'read_file') return filesCall(toolBase, { paths: strings(ti.path ?? ti.file_path ?? ti.target_file) });
  if (tool === 'Grep') return filesCall(toolBase, { paths: strings(ti.path), search: true, globs: strings(ti.glob) });
  const writes = cursorWrites(tool, ti);
  if (writes === 'patch') return patchCall(toolBase, ti.patch ?? ti.input ?? ti.command);
  if (writes) return writesCall(toolBase, writes);
  const mcp = parseMcpToolName(tool) ?? (/^mcp[:_]/i.test(tool) ? { server: str(ti.server), tool: tool.replace(/^mcp[:_]+/i, '') } : undefined);
  if (mcp) return toolCall(toolBase, { server: mcp.server, tool: mcp.tool, args: ti.arguments ?? ti });
  return pass();
}

/**
 * Cursor's file tools as `preToolUse` names them (its own `Write`/`Delete`, the agent's
 * `edit_file`/`search_replace`/`delete_file`, and Claude-style names from hooks it loads from
 * Claude's settings). Only `preToolUse` can stop an edit: `afterFileEdit` and
 * `afterTabFileEdit` report an edit already on disk, so Interlock installs neither.
 */
function cursorWrites(tool: string, ti: Json): FileWrite[] | 'patch' | undefined {
  switch (tool) {
    case 'Write':
    case 'write':
      return [oneWrite(ti, 'write')];
    case 'Edit':
    case 'StrReplace':
    case 'edit_file':
    case 'search_replace':
      return [oneWrite(ti, 'edit')];
    case 'MultiEdit':
      return replacements(ti, ti.edits);
    case 'Delete':
    case 'delete_file':
      return [oneWrite(ti, 'delete')];
    case 'ApplyPatch':
    case 'apply_patch':
      return 'patch';
    default:
      return undefined;
  }
}

/** Gemini CLI's MCP tools are named `mcp_<server>_<tool>`; its `mcp_context` names the server when it is sent. */
function geminiMcp(tool: string, context: Json | undefined): { server?: string; tool: string } | undefined {
  const named = parseMcpToolName(tool);
  if (named) return named;
  const server = str(context?.server_name) ?? str(context?.serverName);
  const m = /^mcp_(.+)$/.exec(tool);
  if (m) {
    if (server && m[1].startsWith(`${server}_`)) return { server, tool: m[1].slice(server.length + 1) };
    // Without the context a server name with underscores cannot be told from the tool's: the
    // whole rest stays in the tool name, so its verbs are still read.
    const cut = m[1].indexOf('_');
    return cut > 0 ? { server: server ?? m[1].slice(0, cut), tool: m[1].slice(cut + 1) } : { server, tool: m[1] };
  }
  return context ? { server, tool: str(context.tool_name) ?? tool } : undefined;
}

/** Gemini CLI BeforeTool. */
function readGemini(input: Json, hereCwd: string): Reading {
  const event = str(input.hook_event_name);
  if (event !== 'BeforeTool') return pass();
  const tool = str(input.tool_name);
  if (!tool) return invalid('the BeforeTool input has no tool_name');
  const ti = obj(input.tool_input) ?? {};
  const cwd = str(input.cwd);
  const base = { agent: 'gemini' as const, dialect: 'gemini' as const, event, tool, cwd, roots: [] };
  if (tool === 'run_shell_command') {
    const dir = str(ti.dir_path) ?? str(ti.directory);
    return shellCall({ ...base, cwd: dir ? resolve(cwd ?? hereCwd, dir) : cwd }, ti.command, tool);
  }
  const mcp = geminiMcp(tool, obj(input.mcp_context));
  if (mcp) return toolCall(base, { server: mcp.server, tool: mcp.tool, args: ti });
  if (tool === 'write_file') return writesCall(base, [oneWrite(ti, 'write')]);
  if (tool === 'replace') return writesCall(base, [oneWrite(ti, 'edit')]);
  if (tool === 'read_file') return filesCall(base, { paths: strings(ti.file_path ?? ti.absolute_path ?? ti.path) });
  if (tool === 'read_many_files') return filesCall(base, { paths: strings(ti.paths), globs: strings(ti.include) });
  if (tool === 'search_file_content' || tool === 'grep_search') return filesCall(base, { paths: strings(ti.dir_path ?? ti.path), search: true, globs: strings(ti.include) });
  return pass();
}

const CODEX_SHELL = new Set(['Bash', 'shell', 'exec_command', 'local_shell', 'container.exec']);

/** Codex PreToolUse: Claude's shape. `apply_patch` carries a patch in `command` (older builds: `input`), not a shell line. */
function readCodex(input: Json): Reading {
  const event = str(input.hook_event_name);
  if (event !== 'PreToolUse') return pass();
  const tool = str(input.tool_name);
  if (!tool) return invalid('the PreToolUse input has no tool_name');
  const ti = obj(input.tool_input) ?? {};
  const base = { agent: 'codex' as const, dialect: 'codex' as const, event, tool, cwd: str(ti.workdir) ?? str(input.cwd), roots: [] };
  if (CODEX_SHELL.has(tool)) return shellCall(base, ti.command ?? ti.cmd, tool);
  if (tool === 'apply_patch') return patchCall(base, ti.command ?? ti.input ?? ti.patch);
  const mcp = parseMcpToolName(tool);
  if (mcp) return toolCall(base, { server: mcp.server, tool: mcp.tool, args: ti });
  return pass();
}

/** Read an agent's hook input. */
/** `hereCwd`: the directory the hook runs in, for inputs that give a relative one or none. */
export function readHookInput(agent: AgentId, input: unknown, hereCwd = process.cwd()): Reading {
  const o = obj(input);
  if (!o) return invalid('the hook input is not a JSON object');
  switch (agent) {
    case 'claude':
      return readClaude(o, 'claude');
    case 'copilot':
      return readCopilot(o);
    case 'cursor': {
      const r = readCursor(o);
      return r.kind === 'pass' && CURSOR_PERMISSION_EVENTS.has(str(o.hook_event_name) ?? '') ? pass(CURSOR_ALLOW) : r;
    }
    case 'gemini':
      return readGemini(o, hereCwd);
    case 'codex':
      return readCodex(o);
  }
}

/** Whether the agent can show its own confirmation for this call. */
export function canAsk(dialect: Dialect): boolean {
  return dialect === 'claude' || dialect === 'cursor' || dialect === 'copilot';
}

const json = (v: unknown): Output => ({ stdout: JSON.stringify(v), code: 0 });

function claudeDecision(decision: 'allow' | 'deny' | 'ask', reason: string): Output {
  return json({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision, permissionDecisionReason: reason } });
}

/**
 * Write an answer in the caller's dialect. An `allow` Interlock reached alone says nothing, so the
 * agent's own permission rules still apply; an `allow` a person gave in the editor says allow, so
 * the person is not asked twice. Agents that cannot ask get a deny in place of `ask`.
 */
export function writeAnswer(answer: Answer, dialect: Dialect): Output {
  const kind = answer.kind === 'ask' && !canAsk(dialect) ? 'deny' : answer.kind;
  const message = answer.kind === 'allow' ? answer.message ?? 'Approved in the editor.' : answer.message;
  const byPerson = answer.kind === 'allow' && answer.byPerson;
  switch (dialect) {
    case 'claude':
      if (kind === 'allow') return byPerson ? claudeDecision('allow', message) : NONE;
      return claudeDecision(kind, message);
    case 'codex':
      // Codex treats `allow`, `ask` and unknown fields as a failed hook: allow is silence.
      return kind === 'allow' ? NONE : claudeDecision('deny', message);
    case 'copilot':
      if (kind === 'allow') return byPerson ? json({ permissionDecision: 'allow', permissionDecisionReason: message }) : NONE;
      return json({ permissionDecision: kind, permissionDecisionReason: message });
    case 'gemini':
      if (kind === 'allow') return byPerson ? json({ decision: 'allow' }) : NONE;
      return json({ decision: 'deny', reason: message });
    case 'cursor':
      if (kind === 'allow') return CURSOR_ALLOW;
      return json({ permission: kind, user_message: message, agent_message: message });
    case 'cursor-read':
      return json({ permission: kind === 'allow' ? 'allow' : 'deny' });
  }
}

/**
 * The safe outcome for input Interlock cannot read: exit 2, which every agent documents as
 * "block" (the message goes to stderr). Cursor also gets a deny on stdout.
 */
export function refusal(agent: AgentId, message: string): Output {
  if (agent === 'cursor') return { stdout: JSON.stringify({ permission: 'deny', user_message: message, agent_message: message }), code: 2 };
  return { stdout: '', code: 2 };
}

/** The dialect an agent's answers use before its input has been read. */
export function defaultDialect(agent: AgentId): Dialect {
  return agent;
}
