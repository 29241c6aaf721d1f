/**
 * Agent tool calls that are not shell lines: MCP tools and file reads. An MCP tool call is judged
 * by its name (a destructive verb), its arguments (SQL text, shell lines, paths to credential
 * files) and its target (production by the workspace's facts or by a name in its arguments).
 * Shell lines found in arguments are handed back for the caller to run through the engine, so
 * they get exactly the checks a typed command gets. Pure: plain data in, reasons out.
 */
import { looksProduction, DEFAULT_PRODUCTION_PATTERNS } from './environment';
import { urlHost } from './context';
import { sqlKinds } from './sql';
import type { SqlKind } from './sql';
import { shellQuote } from './parse';
import { credentialFile, globSelectsCredentials, searchReachesCredentials } from './credentialFiles';
import type { FileContext } from './credentialFiles';
import type { EnvironmentFact, EnvironmentInfo, Reason, Risk } from './types';

export interface ToolCall {
  /** The MCP server, when the agent names it. */
  server?: string;
  tool: string;
  args: unknown;
}

export interface ToolCallContext extends FileContext {
  environment: EnvironmentInfo;
  productionPatterns?: string[];
}

export interface ToolCallFindings {
  reasons: Reason[];
  /** Shell lines in the arguments, for the caller to decide with the engine. */
  commands: string[];
  /** What in the call says production, beyond the workspace's own environment. */
  production: EnvironmentFact[];
}

/** Verbs that destroy: a call named with one deletes something whatever it targets. */
const DESTRUCTIVE = new Set([
  'delete', 'del', 'destroy', 'drop', 'purge', 'remove', 'rm', 'terminate', 'truncate', 'wipe', 'erase', 'flush',
  'flushall', 'flushdb', 'nuke', 'obliterate', 'unlink', 'rmdir', 'deprovision', 'decommission',
]);

/** Verbs that change things: harmless in a sandbox, worth a person's look against production. */
const MUTATING = new Set([
  'create', 'update', 'set', 'put', 'patch', 'write', 'insert', 'upsert', 'modify', 'edit', 'replace', 'deploy',
  'apply', 'scale', 'restart', 'reboot', 'stop', 'start', 'rollback', 'restore', 'migrate', 'exec', 'execute', 'run',
  'move', 'rename', 'reset', 'disable', 'enable', 'revoke', 'rotate', 'promote', 'merge', 'push', 'publish',
  'release', 'upload', 'import', 'grant', 'assign', 'resize', 'redeploy', 'rebuild', 'cancel', 'suspend', 'kill',
]);

/** Verbs that only say "send this SQL": what the SQL does decides. */
const SQL_RUNNERS = new Set(['run', 'exec', 'execute', 'query']);
/** Argument keys that carry a shell line. */
const COMMAND_KEYS = new Set(['command', 'cmd', 'commandline', 'command_line', 'script', 'shell', 'bash', 'sh', 'shell_command']);
/** Argument keys that carry SQL, whatever it looks like. */
const SQL_KEYS = new Set(['sql', 'query', 'statement', 'statements', 'stmt', 'sql_query', 'sqlquery']);
/** Argument keys that carry a verb for the tool to perform (`{"action": "delete"}`). */
const ACTION_KEYS = new Set(['action', 'operation', 'op', 'method', 'verb', 'mode']);
/** Argument keys that name a file the tool will read or change. */
const PATH_KEYS = /^(path|paths|file|files|file_?path|file_?paths|filename|file_?name|absolute_?path|source|src|target_?file|uri)$/i;
/** Argument keys that name where the tool acts: a project, cluster, database, host, environment. */
const TARGET_KEY =
  /(^|_)(name|project|env|environment|stage|cluster|context|namespace|database|db|host|hostname|url|uri|endpoint|app|application|service|stack|workspace|account|bucket|instance|server|resource|target|branch|deployment|site|org|organization|team|region|profile|subscription)s?(_?(id|name|ref|slug))?$/i;

/** A statement shape, so `delete the cache` in a commit message is not read as SQL. */
const SQL_SHAPE =
  /^\s*(with\s+\w+(\s*\([^)]*\))?\s+as\s*\(|drop\s+(table|database|schema|view|index|user|role|function|procedure|trigger|sequence|type|extension|materialized)\b|truncate\s+(table\s+)?[\w."`[\]]+|delete\s+from\s|update\s+[\w."`[\]]+\s+set\s|alter\s+(table|database|schema|user|role)\s|insert\s+into\s|replace\s+into\s|merge\s+into\s|grant\s|revoke\s|create\s+(or\s+replace\s+)?(table|database|schema|index|view|user|role|function|procedure|trigger)\b|select\s[\s\S]*?\bfrom\s)/i;

const MAX_DEPTH = 8;
const MAX_STRINGS = 2000;
const MAX_STRING = 64 * 1024;

/** Words of a tool name: `mcp__db__dropTable` → mcp, db, drop, table; `delete-repo` → delete, repo. */
export function toolNameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** `mcp__server__tool` (Claude Code, Gemini CLI, Codex) split into its server and tool. */
export function parseMcpToolName(name: string): { server: string; tool: string } | undefined {
  const m = /^mcp__(.+?)__(.+)$/.exec(name);
  return m ? { server: m[1], tool: m[2] } : undefined;
}

/** Whether a string argument reads as SQL statements rather than prose. */
export function looksLikeSql(text: string): boolean {
  return text.split(';').some((stmt) => SQL_SHAPE.test(stmt.replace(/^\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '')));
}

interface Leaf {
  key: string;
  value: string;
  /** An array of strings under a command key is one argv. */
  argv?: string[];
}

/** String leaves of the arguments with the key that holds each, bounded in depth and count. */
function leaves(args: unknown): Leaf[] {
  const out: Leaf[] = [];
  const walk = (v: unknown, key: string, depth: number): void => {
    if (out.length >= MAX_STRINGS || depth > MAX_DEPTH) return;
    if (typeof v === 'string') out.push({ key, value: v.length > MAX_STRING ? v.slice(0, MAX_STRING) : v });
    else if (Array.isArray(v)) {
      if (COMMAND_KEYS.has(key.toLowerCase()) && v.length > 0 && v.every((x) => typeof x === 'string')) {
        out.push({ key, value: (v as string[]).map(shellQuote).join(' '), argv: v as string[] });
        return;
      }
      for (const x of v) walk(x, key, depth + 1);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, k, depth + 1);
    }
  };
  walk(args, '', 0);
  return out;
}

function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function reason(rule: string, message: string, risk: Risk): Reason {
  return { rule, message, decision: 'confirm', risk };
}

function productionNote(facts: EnvironmentFact[], env: EnvironmentInfo): string {
  const named = [...env.facts.filter((f) => f.production), ...facts];
  if (named.length === 0) return env.production ? ` — environment ${env.label} (${env.source})` : '';
  return ` — production: ${named.map((f) => `${f.kind} ${f.value} (from ${f.source})`).join(', ')}`;
}

const SQL_DESTRUCTIVE: Partial<Record<SqlKind, string>> = {
  'drop-database': 'drops a database or schema',
  drop: 'drops a table or other object',
  truncate: 'truncates a table',
  'delete-without-where': 'deletes every row of a table (DELETE without WHERE)',
  'update-without-where': 'updates every row of a table (UPDATE without WHERE)',
  'alter-drop': 'drops a column or constraint',
};

/** Inspect one MCP (or other structured) tool call. */
export function inspectToolCall(call: ToolCall, ctx: ToolCallContext): ToolCallFindings {
  const patterns = ctx.productionPatterns ?? DEFAULT_PRODUCTION_PATTERNS;
  const label = call.server ? `${call.server}.${call.tool}` : call.tool;
  const reasons: Reason[] = [];
  const commands: string[] = [];
  const production: EnvironmentFact[] = [];
  const noteFact = (kind: string, value: string, source: string): void => {
    if (!production.some((f) => f.kind === kind && f.value === value)) production.push({ kind, value, source, production: true });
  };

  if (call.server && looksProduction(call.server, patterns)) noteFact('MCP server', call.server, 'tool name');
  const verbs = new Set(toolNameWords(call.tool));
  const all = leaves(call.args);
  for (const leaf of all) {
    const key = leaf.key.toLowerCase();
    if (ACTION_KEYS.has(key) && leaf.value.length < 64) for (const w of toolNameWords(leaf.value)) verbs.add(w);
    if (COMMAND_KEYS.has(key) && leaf.value.trim() !== '') commands.push(leaf.value);
    // Targets are names, hosts and URLs, not prose: "fix the prod outage" names nothing.
    if (leaf.value.length <= 512 && !/\s/.test(leaf.value.trim()) && TARGET_KEY.test(snake(leaf.key)) && looksProduction(leaf.value, patterns)) {
      noteFact('tool argument', `${leaf.key}=${leaf.value}`, label);
    }
    const host = leaf.value.length <= 2048 ? urlHost(leaf.value) : undefined;
    if (host && looksProduction(host, patterns)) noteFact('host', host, `${label} ${leaf.key}`);
  }
  const isProduction = ctx.environment.production || production.length > 0;
  const where = isProduction ? productionNote(production, ctx.environment) : '';

  const sql = all.filter((leaf) => SQL_KEYS.has(leaf.key.toLowerCase()) || looksLikeSql(leaf.value)).map((leaf) => sqlKinds(leaf.value));
  // `run_query` with a SELECT reads production; the SQL, not the verb, says what it does.
  const readOnlySql = sql.length > 0 && sql.every((kinds) => !kinds.has('write'));
  const destructive = [...verbs].find((v) => DESTRUCTIVE.has(v));
  if (destructive) {
    reasons.push(reason('tools/destructive-call', `The tool ${label} ${destructive === 'rm' || destructive === 'del' ? 'deletes' : `performs "${destructive}"`}: it can destroy data or resources${where}.`, isProduction ? 'critical' : 'high'));
  } else if (isProduction) {
    const mutating = [...verbs].find((v) => MUTATING.has(v) && !(readOnlySql && SQL_RUNNERS.has(v)));
    if (mutating) reasons.push(reason('tools/production-change', `The tool ${label} performs "${mutating}" against production${where}.`, 'high'));
  }

  for (const kinds of sql) {
    const worst = (Object.keys(SQL_DESTRUCTIVE) as SqlKind[]).find((k) => kinds.has(k));
    if (worst) {
      reasons.push(reason('tools/destructive-sql', `SQL passed to ${label} ${SQL_DESTRUCTIVE[worst]!}${where}.`, worst === 'drop-database' || isProduction ? 'critical' : 'high'));
    } else if (isProduction && kinds.has('write')) {
      reasons.push(reason('tools/production-sql-write', `SQL passed to ${label} writes to a production database${where}.`, 'high'));
    }
  }

  for (const leaf of all) {
    if (!PATH_KEYS.test(leaf.key)) continue;
    const what = credentialFile(leaf.value, ctx);
    if (what) reasons.push(reason('tools/credential-file', `The tool ${label} reads ${leaf.value}, ${what}: an agent that sees a secret can use it far beyond this task.`, 'high'));
  }
  return { reasons: dedupe(reasons), commands: [...new Set(commands)], production };
}

export interface FileAccess {
  /** Files the agent reads, or directories it searches when `search` is set. */
  paths: string[];
  search?: boolean;
  /** File-name globs a search is limited to (`.env*`). */
  globs?: string[];
  /** The tool, for messages. */
  tool: string;
}

/** Reasons to confirm a file read or search: it reaches credential files. */
export function inspectFileAccess(access: FileAccess, ctx: FileContext): Reason[] {
  const reasons: Reason[] = [];
  for (const p of access.paths) {
    if (typeof p !== 'string' || p.trim() === '') continue;
    const what = access.search ? searchReachesCredentials(p, ctx) : credentialFile(p, ctx);
    if (what) {
      const verb = access.search ? 'searches' : 'reads';
      reasons.push(reason('tools/credential-file', `${access.tool} ${verb} ${p}, ${what}: an agent that sees a secret can use it far beyond this task.`, 'high'));
    }
  }
  for (const g of access.globs ?? []) {
    const what = globSelectsCredentials(g);
    if (what) reasons.push(reason('tools/credential-file', `${access.tool} searches files matching ${g}, ${what}: an agent that sees a secret can use it far beyond this task.`, 'high'));
  }
  return dedupe(reasons);
}

function dedupe(reasons: Reason[]): Reason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => (seen.has(r.message) ? false : (seen.add(r.message), true)));
}
