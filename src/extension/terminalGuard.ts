/**
 * Terminal guard: starts this window's guard endpoint, registers the window so agent hooks can
 * find it, and puts Interlock's pre-execution hook into every integrated terminal through the
 * environment (bash: PROMPT_COMMAND and BASH_ENV; zsh: ZDOTDIR; fish: XDG_DATA_DIRS), which
 * reaches terminals other extensions and agents open too. The shell scripts live in `shell/`.
 *
 * Second line of defence: every executed command line VS Code reports is checked again; a
 * flagged one that ran with no recorded decision (a shell Interlock does not hook, a terminal
 * that ignores the environment) raises a warning naming the terminal, and can be interrupted.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { Guard } from './guard';
import type { EngineHost } from './engineHost';
import { folderForPath } from './engineHost';
import type { SettingsWatcher } from './settings';
import { startGuardServer } from '../channel/server';
import { handshakeFor } from '../channel/protocol';
import type { GuardServer } from '../channel/server';
import { endpointFile, registerWindow, removeEndpoint, writeEndpoint } from '../channel/registry';
import type { EndpointRecord } from '../channel/registry';
import { fastPath } from '../engine/fastPath';

export interface TerminalGuard extends vscode.Disposable {
  readonly server: GuardServer | undefined;
}

/** Terminals are matched to requests by the shell's pid. */
async function terminalByPid(pid: number | undefined): Promise<vscode.Terminal | undefined> {
  if (pid === undefined) return undefined;
  for (const t of vscode.window.terminals) if ((await t.processId) === pid) return t;
  return undefined;
}

export function registerTerminalGuard(context: vscode.ExtensionContext, guard: Guard, host: EngineHost, settings: SettingsWatcher, log: vscode.LogOutputChannel): TerminalGuard {
  const disposables: vscode.Disposable[] = [];
  let server: GuardServer | undefined;
  let registration: { dispose(): void } | undefined;
  let endpoint: { file: string; record: EndpointRecord } | undefined;
  const hookDir = join(context.extensionUri.fsPath, 'shell');
  const env = context.environmentVariableCollection;
  // The port and secret change with every guard start: never let VS Code restore stale ones. A
  // terminal that outlives its guard (an extension-host restart keeps the terminals) finds the new
  // one through INTERLOCK_ENDPOINT_FILE, whose path stays the same for the window.
  env.persistent = false;
  env.description = 'Interlock: checks commands before they run';

  const applyEnvironment = (): void => {
    env.clear();
    if (!server || !settings.current.enabled || !settings.current.terminalGuard) return;
    const folder = vscode.workspace.workspaceFolders?.[0];
    const fp = fastPath(host.rulesFor(folder));
    env.replace('INTERLOCK_HOOK_DIR', hookDir);
    env.replace('INTERLOCK_PORT', String(server.port));
    env.replace('INTERLOCK_SECRET', server.secret);
    if (endpoint) {
      env.replace('INTERLOCK_HELLO', endpoint.record.hello);
      env.replace('INTERLOCK_PROOF', endpoint.record.proof);
      env.replace('INTERLOCK_ENDPOINT_FILE', endpoint.file);
    } else {
      const handshake = handshakeFor(server.secret);
      env.replace('INTERLOCK_HELLO', handshake.hello);
      env.replace('INTERLOCK_PROOF', handshake.proof);
    }
    env.replace('INTERLOCK_NODE', process.execPath);
    env.replace('INTERLOCK_FAST_PATH', fp.enabled ? '1' : '0');
    env.replace('INTERLOCK_PROGRAMS', ` ${fp.names.join(' ')} `);
    env.replace('INTERLOCK_PROGRAM_GLOBS', fp.globs.join(' '));
    env.replace('INTERLOCK_UNREACHABLE', settings.current.whenUnreachable);
    env.replace('INTERLOCK_ASK_TIMEOUT', String(settings.current.confirmTimeoutSeconds + 10));
    // bash: the prompt command loads the hook once; VS Code's own integration chains PROMPT_COMMAND.
    // The hook keeps `$?` for the user's own prompt commands and handles being loaded twice.
    env.prepend('PROMPT_COMMAND', `__interlock_s=$?; . "${hookDir}/interlock.bash"\n`);
    if (process.env.BASH_ENV) env.replace('INTERLOCK_USER_BASH_ENV', process.env.BASH_ENV);
    env.replace('BASH_ENV', join(hookDir, 'interlock-noninteractive.bash'));
    env.replace('INTERLOCK_USER_ZDOTDIR', process.env.ZDOTDIR ?? '');
    env.replace('ZDOTDIR', join(hookDir, 'zsh'));
    // An unset XDG_DATA_DIRS means the default; prepending to nothing would hide fish's own files.
    if (process.env.XDG_DATA_DIRS) env.prepend('XDG_DATA_DIRS', `${join(hookDir, 'fish-data')}:`);
    else env.replace('XDG_DATA_DIRS', `${join(hookDir, 'fish-data')}:/usr/local/share:/usr/share`);
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const scoped = env.getScoped({ workspaceFolder: f });
      const r = host.resolve(f);
      scoped.replace('INTERLOCK_ENVIRONMENT', r.environment.label);
      scoped.replace('INTERLOCK_PRODUCTION', r.environment.production ? '1' : '0');
    }
    if (!vscode.workspace.workspaceFolders) {
      env.replace('INTERLOCK_ENVIRONMENT', 'unknown');
      env.replace('INTERLOCK_PRODUCTION', '0');
    }
  };

  const register = (): void => {
    if (!server) return;
    try {
      registration = registerWindow({ pid: process.pid, port: server.port, secret: server.secret, folders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), app: vscode.env.appName });
    } catch (e) {
      log.error(`the window registry cannot be written (${(e as Error).message}); agent hooks will not find this window and will use the agent's own prompt`);
    }
  };

  /** Tell this window's terminals, old ones included, where the guard listens now. */
  const publish = (): void => {
    if (!server) return;
    try {
      const file = endpointFile(vscode.env.sessionId);
      endpoint = { file, record: writeEndpoint(file, { port: server.port, secret: server.secret }) };
    } catch (e) {
      log.error(`the endpoint file cannot be written (${(e as Error).message}); terminals opened before this extension host started will not find the guard`);
    }
  };

  const start = async (): Promise<void> => {
    server = await startGuardServer({
      log: (m) => log.warn(m),
      handler: async (req, hctx) => {
        const source = req.source ?? { kind: 'terminal' };
        if (source.kind === 'terminal' && source.pid !== undefined) {
          const t = await terminalByPid(source.pid);
          if (t) (source as { name?: string }).name = t.name;
        }
        return guard.decide({ command: req.command, cwd: req.cwd, source, hook: req.hook, signal: hctx?.signal });
      },
    });
    log.info(`guard listening on 127.0.0.1:${server.port}`);
    // Terminals first: they find the guard through their environment, not the registry, so a
    // registry that cannot be written must not leave them unguarded.
    publish();
    applyEnvironment();
    register();
  };
  const ready = start().catch((e: unknown) => {
    log.error(`the guard could not start: ${(e as Error).message}`);
    void vscode.window.showErrorMessage(`Interlock's terminal guard could not start (${(e as Error).message}). Terminals are not guarded.`);
  });

  disposables.push(
    settings.onDidChange(applyEnvironment),
    host.onDidChange(applyEnvironment),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      registration?.dispose();
      registration = undefined;
      register();
    }),
    vscode.window.onDidStartTerminalShellExecution((e) => {
      void secondLine(e).catch((err: unknown) => log.warn(`second-line check failed: ${(err as Error).message}`));
    }),
  );

  const secondLine = async (e: vscode.TerminalShellExecutionStartEvent): Promise<void> => {
    const command = e.execution.commandLine.value.trim();
    if (!command) return;
    log.debug(`executed in "${e.terminal.name}": ${command}`);
    if (!settings.current.enabled || guard.decidedRecently(command, 120_000)) return;
    const cwd = e.execution.cwd?.fsPath ?? e.shellIntegration.cwd?.fsPath;
    const d = await host.check(command, folderForPath(cwd), cwd);
    if (d.decision === 'allow') return;
    const rule = d.reasons[0];
    guard.recordUnguarded({ command, terminal: e.terminal.name, decision: d, workspace: folderForPath(cwd)?.name });
    if (settings.current.interruptUnguarded) e.terminal.sendText('\u0003', false);
    void vscode.window.showWarningMessage(
      `Interlock: a flagged command ran in terminal "${e.terminal.name}" without a decision (${rule?.rule ?? d.decision}): ${command.slice(0, 120)}${settings.current.interruptUnguarded ? ' — interrupted.' : ''} That terminal is not guarded (an unsupported shell, or it ignores the environment).`,
    );
  };

  return {
    get server() {
      return server;
    },
    dispose() {
      registration?.dispose();
      if (endpoint && server) removeEndpoint(endpoint.file, server.secret);
      for (const d of disposables) d.dispose();
      void ready.then(() => server?.close());
    },
  };
}
