/**
 * The stable entry point agents' hooks name: `~/.local/share/interlock/bin/interlock` (under
 * `$XDG_DATA_HOME` where that is set). An agent's hook configuration outlives the copy of
 * Interlock it was written for — an extension update moves its folder, an uninstall removes it —
 * and a hook command that cannot start is, to Claude Code and others, a non-blocking error: the
 * tool runs unguarded. So hooks name this small script instead, the extension rewrites it on
 * every activation and `install-hooks` whenever it runs, and when the CLI it starts is gone the
 * script itself refuses, in the blocking form every agent understands (exit 2), saying how to fix it.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, win32 } from 'node:path';
import { privateDir, replaceFile } from '../fsutil/privateFiles';

export interface LauncherTarget {
  /** The runtime: a Node, or an editor's Electron run as Node. */
  node: string;
  cli: string;
  electron: boolean;
}

/**
 * Where the launcher lives for this user. On Windows, where no `sh` runs hooks, it is a batch file,
 * `%LOCALAPPDATA%\interlock\bin\interlock.cmd`, which cmd.exe, PowerShell and Git Bash all start.
 */
export function launcherPath(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || win32.join(env.USERPROFILE || homedir(), 'AppData', 'Local');
    return win32.join(local, 'interlock', 'bin', 'interlock.cmd');
  }
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.local', 'share'), 'interlock', 'bin', 'interlock');
}

/** Single-quoted for sh. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The runtime a launcher should use from this process: Node as is, Electron as Node. */
export function currentRuntime(cli: string): LauncherTarget {
  return { node: process.execPath, cli, electron: process.versions.electron !== undefined };
}

/**
 * The Windows launcher: a batch file with the same behaviour. Values sit in `set "name=value"`, which
 * keeps spaces and `&` literal; `%` is doubled so a path holding one is not expanded.
 */
function windowsLauncherScript(t: LauncherTarget): string {
  const v = (s: string): string => s.replace(/%/g, '%%');
  return `@echo off\r
rem Interlock's stable entry point for agent hooks. Rewritten by the Interlock extension on every\r
rem activation and by "interlock install-hooks"; edits here are lost.\r
setlocal\r
set "node=${v(t.node)}"\r
set "cli=${v(t.cli)}"\r
set "electron=${t.electron ? 1 : 0}"\r
if not exist "%node%" (\r
  set "node="\r
  set "electron=0"\r
  for %%n in (node.exe) do set "node=%%~$PATH:n"\r
)\r
if not defined node goto missing\r
if not exist "%cli%" goto missing\r
if "%electron%"=="1" set "ELECTRON_RUN_AS_NODE=1"\r
"%node%" "%cli%" %*\r
exit /b\r
:missing\r
rem Interlock is gone or broken. A hook must not fail open: exit 2 is "block" to every agent.\r
echo interlock: refused: the Interlock CLI this hook starts is missing (%cli%). Open the editor with the Interlock extension, run "interlock install-hooks" from a current install, or remove the hook with "interlock install-hooks --uninstall". 1>&2\r
if "%~1"=="hook" if "%~2"=="cursor" echo {"permission":"deny","user_message":"Interlock is missing or broken: reinstall it or remove its hook.","agent_message":"Interlock is missing or broken: reinstall it or remove its hook."}\r
exit /b 2\r
`;
}

export function launcherScript(t: LauncherTarget, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return windowsLauncherScript(t);
  return `#!/bin/sh
# Interlock's stable entry point for agent hooks (and a stable \`interlock\` command). Rewritten by the
# Interlock extension on every activation and by \`interlock install-hooks\`; edits here are lost.
node=${sq(t.node)}
cli=${sq(t.cli)}
electron=${t.electron ? 1 : 0}
if [ ! -x "$node" ]; then
  # The recorded runtime moved (an editor or Node update): any Node on PATH runs the CLI as well.
  node=$(command -v node 2>/dev/null) || node=
  electron=0
fi
if [ -n "$node" ] && [ -f "$cli" ]; then
  if [ "$electron" = 1 ]; then ELECTRON_RUN_AS_NODE=1; export ELECTRON_RUN_AS_NODE; fi
  exec "$node" "$cli" "$@"
fi
# Interlock is gone or broken. A hook must not fail open: exit 2 is "block" to every agent.
echo "interlock: refused: the Interlock CLI this hook starts is missing ($cli). Open the editor with the Interlock extension (it repairs this), run 'interlock install-hooks' from a current install, or remove the hook with 'interlock install-hooks --uninstall'." >&2
if [ "$1" = hook ] && [ "$2" = cursor ]; then
  echo '{"permission":"deny","user_message":"Interlock is missing or broken: reinstall it or remove its hook.","agent_message":"Interlock is missing or broken: reinstall it or remove its hook."}'
fi
exit 2
`;
}

/** The runtime and CLI an existing launcher starts, when it is one of ours. */
export function readLauncher(path: string): LauncherTarget | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const value = (name: string): string | undefined => {
    const m = new RegExp(`^${name}='((?:[^']|'\\\\'')*)'$`, 'm').exec(text);
    if (m) return m[1].replace(/'\\''/g, `'`);
    // The Windows launcher: `set "name=value"`, `%` doubled.
    const w = new RegExp(`^set "${name}=(.*)"\\r?$`, 'm').exec(text);
    return w?.[1].replace(/%%/g, '%');
  };
  const node = value('node');
  const cli = value('cli');
  if (!node || !cli) return undefined;
  return { node, cli, electron: /^(set ")?electron=1"?\r?$/m.test(text) };
}

/**
 * Write the launcher for `t` unless it already says exactly that; returns whether it changed. The
 * directory is the user's alone (0700); the file is replaced whole, so a hook starting at that
 * moment runs the old script or the new one, never half of one.
 */
export function writeLauncher(t: LauncherTarget, env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform): { path: string; changed: boolean } {
  const path = launcherPath(env, platform);
  const text = launcherScript(t, platform);
  try {
    if (readFileSync(path, 'utf8') === text) return { path, changed: false };
  } catch {
    // absent: written below
  }
  privateDir(dirname(path));
  replaceFile(path, text, 0o755);
  return { path, changed: true };
}
