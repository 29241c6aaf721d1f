/**
 * Each agent's pre-tool-use hook protocol: what its JSON on stdin says the agent is about to do,
 * and how to answer on stdout. Field names and shapes follow each agent's documentation
 * (see /work/shared/AGENT-HOOKS.md); events and tools Interlock has no opinion on get the agent's
 * "no opinion" answer, so installing the hook never changes what the agent does with them.
 */
import { resolve } from 'node:path';
import { parseMcpToolName } from '../../engine/toolCalls';
import type { FileAccess, ToolCall } from '../../engine/toolCalls';

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
  | { kind: 'shell'; command: string }
  | { kind: 'tool'; call: ToolCall }
  | { kind: 'files'; access: FileAccess };

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

/** A command given as an argv array (Codex's older shell tool) joined for the shell parser. */
function commandText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) {
    const argv = v as string[];
    // `["bash", "-lc", "<script>"]`: the script is the command.
    if (argv.length === 3 && /^(ba|z|da)?sh$/.test(argv[0].replace(/^.*\//, '')) && /^-l?c$/.test(argv[1])) return argv[2];
    return argv.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
  }
  return undefined;
}

function shellCall(base: Omit<HookCall, 'subject'>, command: unknown, what: string): Reading {
  const text = commandText(command);
  if (text === undefined) return invalid(`the ${what} call has no command`);
  return { kind: 'call', call: { ...base, subject: { kind: 'shell', command: text } } };
}

function toolCall(base: Omit<HookCall, 'subject'>, call: ToolCall): Reading {
  return { kind: 'call', call: { ...base, subject: { kind: 'tool', call } } };
}

function filesCall(base: Omit<HookCall, 'subject'>, access: Omit<FileAccess, 'tool'>): Reading {
  if (access.paths.length === 0 && (access.globs ?? []).length === 0) return pass();
  return { kind: 'call', call: { ...base, subject: { kind: 'files', access: { ...access, tool: base.tool } } } };
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

const CLAUDE_SHELL = new Set(['Bash', 'run_in_terminal', 'runInTerminal']);

/** Claude Code PreToolUse; also VS Code's agent hooks, which send this shape with camelCase common fields. */
function readClaude(input: Json, agent: AgentId): Reading {
  const event = str(input.hook_event_name) ?? str(input.hookEventName);
  if (event !== 'PreToolUse') return pass();
  const tool = str(input.tool_name);
  if (!tool) return invalid('the PreToolUse input has no tool_name');
  const ti = obj(input.tool_input) ?? {};
  const base = { agent, dialect: 'claude' as const, event, tool, cwd: str(input.cwd), roots: [], callId: str(input.tool_use_id) };
  if (CLAUDE_SHELL.has(tool)) return shellCall(base, ti.command, tool);
  const mcp = parseMcpToolName(tool);
  if (mcp) return toolCall(base, { server: mcp.server, tool: mcp.tool, args: ti });
  if (tool === 'Read' || tool === 'read_file' || tool === 'NotebookRead') {
    return filesCall(base, { paths: strings(ti.file_path ?? ti.filePath ?? ti.notebook_path ?? ti.path) });
  }
  if (tool === 'Grep') return filesCall(base, { paths: strings(ti.path), search: true, globs: strings(ti.glob) });
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
  const parsed = argsOf(input.toolArgs);
  if (!parsed.ok) return invalid('toolArgs is not valid JSON');
  const args = obj(parsed.args) ?? {};
  const base = { agent: 'copilot' as const, dialect: 'copilot' as const, event: 'preToolUse', tool, cwd: str(input.cwd), roots: [] };
  if (tool === 'bash' || tool === 'shell' || tool === 'powershell') return shellCall(base, args.command, tool);
  // Text typed into a running shell session is a command line too.
  if (tool === 'write_bash') return shellCall(base, args.input ?? args.command, tool);
  const mcp = parseMcpToolName(tool);
  if (mcp) return toolCall(base, { server: mcp.server, tool: mcp.tool, args });
  if (tool === 'view' || tool === 'read' || tool === 'read_file') return filesCall(base, { paths: strings(args.path ?? args.file_path) });
  if (tool === 'grep' || tool === 'rg') return filesCall(base, { paths: strings(args.path), search: true, globs: strings(args.glob) });
  return pass();
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
  const mcp = parseMcpToolName(tool) ?? (/^mcp[:_]/i.test(tool) ? { server: str(ti.server), tool: tool.replace(/^mcp[:_]+/i, '') } : undefined);
  if (mcp) return toolCall(toolBase, { server: mcp.server, tool: mcp.tool, args: ti.arguments ?? ti });
  return pass();
}

/** Gemini CLI BeforeTool. */
function readGemini(input: Json): Reading {
  const event = str(input.hook_event_name);
  if (event !== 'BeforeTool') return pass();
  const tool = str(input.tool_name);
  if (!tool) return invalid('the BeforeTool input has no tool_name');
  const ti = obj(input.tool_input) ?? {};
  const cwd = str(input.cwd);
  const base = { agent: 'gemini' as const, dialect: 'gemini' as const, event, tool, cwd, roots: [] };
  if (tool === 'run_shell_command') {
    const dir = str(ti.dir_path) ?? str(ti.directory);
    return shellCall({ ...base, cwd: dir ? resolve(cwd ?? process.cwd(), dir) : cwd }, ti.command, tool);
  }
  const mcpContext = obj(input.mcp_context);
  const mcp = parseMcpToolName(tool);
  if (mcp || mcpContext) {
    const server = mcp?.server ?? str(mcpContext?.server_name) ?? str(mcpContext?.serverName);
    return toolCall(base, { server, tool: mcp?.tool ?? str(mcpContext?.tool_name) ?? tool, args: ti });
  }
  if (tool === 'read_file') return filesCall(base, { paths: strings(ti.file_path ?? ti.absolute_path ?? ti.path) });
  if (tool === 'read_many_files') return filesCall(base, { paths: strings(ti.paths), globs: strings(ti.include) });
  if (tool === 'search_file_content' || tool === 'grep_search') return filesCall(base, { paths: strings(ti.dir_path ?? ti.path), search: true, globs: strings(ti.include) });
  return pass();
}

const CODEX_SHELL = new Set(['Bash', 'shell', 'exec_command', 'local_shell', 'container.exec']);

/** Codex PreToolUse: Claude's shape. `apply_patch` carries a patch in `command`, not a shell line. */
function readCodex(input: Json): Reading {
  const event = str(input.hook_event_name);
  if (event !== 'PreToolUse') return pass();
  const tool = str(input.tool_name);
  if (!tool) return invalid('the PreToolUse input has no tool_name');
  const ti = obj(input.tool_input) ?? {};
  const base = { agent: 'codex' as const, dialect: 'codex' as const, event, tool, cwd: str(ti.workdir) ?? str(input.cwd), roots: [] };
  if (CODEX_SHELL.has(tool)) return shellCall(base, ti.command ?? ti.cmd, tool);
  const mcp = parseMcpToolName(tool);
  if (mcp) return toolCall(base, { server: mcp.server, tool: mcp.tool, args: ti });
  return pass();
}

/** Read an agent's hook input. */
export function readHookInput(agent: AgentId, input: unknown): Reading {
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
      return readGemini(o);
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
