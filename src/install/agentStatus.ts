/**
 * Whether each agent on this machine is actually guarded: Interlock's hook installed at which
 * scope, pointing at a live copy of Interlock, and whether the agent will run it at all — agents
 * skip hooks silently in common setups (Codex until a hook is reviewed, Gemini CLI and Copilot CLI
 * in folders not marked trusted). Each finding that leaves an agent unguarded carries the exact
 * step that fixes it. Read-only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AGENT_LABELS, hookTargets, installedCommands, isInterlockCommand } from './installHooks';
import type { HookTarget, Scope } from './installHooks';
import { launcherPath, readLauncher } from './launcher';
import type { AgentId } from '../cli/hooks/protocols';
import { AGENTS } from '../cli/hooks/protocols';

export type Runs = 'yes' | 'no' | 'unknown';

export interface HookInstall {
  scope: Scope;
  file: string;
  command: string;
  /** The hook starts a copy of Interlock that exists. */
  live: boolean;
  /** Whether the agent will run this hook here, and why not. */
  runs: Runs;
  why?: string;
  fix?: string;
}

export interface AgentStatus {
  agent: AgentId;
  label: string;
  /** The agent's configuration folder exists at some scope. */
  present: boolean;
  hooks: HookInstall[];
  /** Guarded here: some hook is live and runs. */
  guarded: boolean;
  problem?: string;
  fix?: string;
}

export interface LauncherStatus {
  path: string;
  exists: boolean;
  cli?: string;
  live: boolean;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const words = (command: string): string[] => (command.match(/'(?:[^']|'\\'')*'|\S+/g) ?? []).map((w) => w.replace(/^'|'$/g, '').replace(/'\\''/g, `'`));

export function launcherStatus(vars: Record<string, string | undefined>): LauncherStatus {
  const path = launcherPath(vars);
  const target = readLauncher(path);
  return { path, exists: existsSync(path), cli: target?.cli, live: target !== undefined && existsSync(target.cli) };
}

/** Whether a hook command starts a copy of Interlock that is there: the launcher's CLI, or the files it names. */
function live(command: string, launcher: LauncherStatus): boolean {
  const w = words(command).filter((x) => !/^[A-Z_]+=/.test(x));
  if (w[0] === launcher.path) return launcher.live;
  const files = w.slice(0, 2).filter((x) => x.startsWith('/'));
  return files.length > 0 && files.every((f) => existsSync(f));
}

/** Objects with their keys sorted, recursively: the canonical JSON Codex hashes. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/**
 * The hash Codex records when a person reviews a hook (codex-rs hooks `command_hook_hash`): the
 * event's label and the matcher group holding just this handler, normalised (timeout defaulted to
 * 600 s, `async` false), as JSON with sorted keys. Any edit of the entry changes it, and Codex then
 * skips the hook until it is reviewed again.
 */
export function codexHookHash(group: { matcher?: unknown }, hook: Record<string, unknown>): string {
  const handler: Record<string, unknown> = { type: 'command', command: hook.command, timeout: Math.max(1, Number(hook.timeout ?? hook.timeoutSec ?? 600)), async: hook.async ?? false };
  if (hook.statusMessage !== undefined) handler.statusMessage = hook.statusMessage;
  const identity: Record<string, unknown> = { event_name: 'pre_tool_use', hooks: [handler] };
  if (group.matcher !== undefined && group.matcher !== null) identity.matcher = group.matcher;
  return `sha256:${createHash('sha256').update(JSON.stringify(sortedKeys(identity))).digest('hex')}`;
}

/** Whether Codex will run Interlock's PreToolUse hook in `file`: reviewed, and unchanged since. */
function codexReviewed(file: string, vars: Record<string, string | undefined>, home: string): boolean {
  const config = readText(join(vars.CODEX_HOME ?? join(home, '.codex'), 'config.toml')) ?? '';
  let groups: { matcher?: unknown; hooks?: Record<string, unknown>[] }[] = [];
  try {
    groups = ((JSON.parse(readText(file) ?? '{}') as { hooks?: { PreToolUse?: typeof groups } }).hooks?.PreToolUse) ?? [];
  } catch {
    return false;
  }
  return groups.some((group, g) =>
    (group.hooks ?? []).some((hook, h) => {
      if (!isInterlockCommand(hook.command, 'codex')) return false;
      const key = `${file}:pre_tool_use:${g}:${h}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const m = new RegExp(`^\\[hooks\\.state\\."${key}"\\]\\s*\\n(?:[^\\[]*\\n)?\\s*trusted_hash\\s*=\\s*"([^"]+)"`, 'm').exec(config);
      return m?.[1] === codexHookHash(group, hook);
    }),
  );
}

/** Gemini CLI's trusted folders: `~/.gemini/trustedFolders.json`, `{ "<path>": "TRUST_FOLDER" | "TRUST_PARENT" | "DO_NOT_TRUST" }`. */
function geminiTrusts(folder: string, vars: Record<string, string | undefined>, home: string): boolean {
  if (vars.GEMINI_CLI_TRUST_WORKSPACE === 'true') return true;
  let rules: Record<string, unknown> = {};
  try {
    rules = JSON.parse(readText(join(home, '.gemini', 'trustedFolders.json')) ?? '{}') as Record<string, unknown>;
  } catch {
    return false;
  }
  return Object.entries(rules).some(([path, how]) => {
    const p = path.replace(/\/+$/, '');
    if (how === 'TRUST_FOLDER') return folder === p || folder.startsWith(`${p}/`);
    if (how === 'TRUST_PARENT') {
      const parent = p.slice(0, p.lastIndexOf('/')) || '/';
      return folder === parent || folder.startsWith(`${parent}/`);
    }
    return false;
  });
}

/** Copilot CLI's trusted folders: `trusted_folders` (or `trustedFolders`) in `~/.copilot/config.json`. */
function copilotTrusts(folder: string, vars: Record<string, string | undefined>, home: string): boolean {
  let config: { trusted_folders?: unknown; trustedFolders?: unknown } = {};
  try {
    config = JSON.parse(readText(join(vars.COPILOT_HOME ?? join(home, '.copilot'), 'config.json')) ?? '{}') as typeof config;
  } catch {
    return false;
  }
  const list = [config.trusted_folders, config.trustedFolders].flatMap((x) => (Array.isArray(x) ? x : [])).filter((x): x is string => typeof x === 'string');
  return list.some((p) => folder === p.replace(/\/+$/, '') || folder.startsWith(`${p.replace(/\/+$/, '')}/`));
}

/** Will the agent run this installed hook in `project`? */
function willRun(t: HookTarget, project: string, vars: Record<string, string | undefined>, home: string): Pick<HookInstall, 'runs' | 'why' | 'fix'> {
  if (t.agent === 'codex') {
    if (codexReviewed(t.file, vars, home)) return { runs: 'yes' };
    return {
      runs: 'no',
      why: 'Codex runs a hook only after a person reviews it, and again after every change to its entry; `codex exec` never asks, and runs the tool without the hook',
      fix: `start \`codex\` once${t.scope === 'project' ? ` in ${project} (and trust the project)` : ''} and approve Interlock's hook on its "Hooks need review" screen`,
    };
  }
  if (t.agent === 'gemini' && t.scope === 'project' && !geminiTrusts(project, vars, home)) {
    return {
      runs: 'no',
      why: 'Gemini CLI loads project hooks only in a trusted folder (and never with --skip-trust)',
      fix: 'install at user scope (`interlock install-hooks --agent gemini --user`), or trust this folder in Gemini CLI (/permissions)',
    };
  }
  if (t.agent === 'copilot' && t.scope === 'project' && !copilotTrusts(project, vars, home)) {
    return {
      runs: 'no',
      why: 'Copilot CLI ignores .github/hooks in a folder it does not trust',
      fix: 'install at user scope (`interlock install-hooks --agent copilot --user`), or trust this folder when Copilot CLI asks (or start it with --trust-folder)',
    };
  }
  return { runs: 'yes' };
}

/** Each agent's protection as seen from `project` (the folder agents would be started in). */
export function agentStatuses(home: string, project: string, vars: Record<string, string | undefined>): { launcher: LauncherStatus; agents: AgentStatus[] } {
  const launcher = launcherStatus(vars);
  const targets = hookTargets(home, project, vars);
  const agents = AGENTS.map((agent): AgentStatus => {
    const mine = targets.filter((t) => t.agent === agent && (t.scope === 'user' || project !== home));
    const present = mine.some((t) => existsSync(t.marker) && statSync(t.marker).isDirectory());
    const hooks: HookInstall[] = mine.flatMap((t) =>
      installedCommands(agent, readText(t.file)).map((command) => ({ scope: t.scope, file: t.file, command, live: live(command, launcher), ...willRun(t, project, vars, home) })),
    );
    const guarded = hooks.some((h) => h.live && h.runs === 'yes');
    const status: AgentStatus = { agent, label: AGENT_LABELS[agent], present, hooks, guarded };
    if (guarded || (!present && hooks.length === 0)) return status;
    if (hooks.length === 0) return { ...status, problem: 'configured on this machine, but Interlock\'s hook is not installed', fix: `interlock install-hooks --agent ${agent} --user` };
    const dead = hooks.find((h) => !h.live);
    if (dead && hooks.every((h) => !h.live)) {
      return { ...status, problem: `the hook in ${dead.file} starts a copy of Interlock that is gone`, fix: `open the editor with Interlock installed (it repairs the launcher), or run \`interlock install-hooks --agent ${agent} --user\`` };
    }
    const skipped = hooks.find((h) => h.runs === 'no');
    return { ...status, problem: `the hook in ${skipped?.file} is installed but will not run: ${skipped?.why}`, fix: skipped?.fix };
  });
  return { launcher, agents };
}
