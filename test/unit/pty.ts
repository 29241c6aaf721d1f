/**
 * A real interactive shell in a real pseudo-terminal, for the shell hook tests and the benchmark:
 * the pty itself, a shell session set up the way the extension sets up a guarded terminal, and a
 * guard server with a fixed test policy.
 *
 * Why `script` and not a native pty module: util-linux `script` (Debian package bsdutils, which is
 * Essential, so it is on every Debian machine) allocates the pty, makes it the shell's controlling
 * terminal and copies bytes both ways, with no npm dependency to build. `-f` flushes after every
 * write so prompts arrive as soon as the shell draws them, `-e` passes the shell's exit status on.
 * `script` starts its command through `$SHELL -c`; that shell is dash here because bash, run
 * non-interactively, drops PS1 and PS2 from the environment it passes on.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGuardServer } from '../../src/channel/server';
import type { GuardHandler, GuardServer } from '../../src/channel/server';
import { handshakeFor } from '../../src/channel/protocol';
import type { GuardRequest } from '../../src/channel/protocol';

export interface PtyOptions {
  /** argv of the shell, e.g. ['bash', '-i']; each word is quoted for `sh -c`. */
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  cols?: number;
  rows?: number;
}

/** Strip terminal control sequences (CSI, OSC, charset selection) and carriage returns. */
export function plain(text: string): string {
  return text
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-9;?<=>!]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[()][0-9A-Za-z]/g, '')
    .replace(/\x1b[=>78cDEHMNOZ]/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function hasProgram(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${shq(name)}`], { stdio: 'ignore' }).status === 0;
}

export class Pty {
  private readonly child: ChildProcessWithoutNullStreams;
  /** Everything the terminal has shown, raw. */
  raw = '';
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(opts: PtyOptions) {
    const cols = opts.cols ?? 200;
    const rows = opts.rows ?? 50;
    const command = `stty cols ${cols} rows ${rows} 2>/dev/null; exec ${opts.argv.map(shq).join(' ')}`;
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: opts.cwd,
      env: { ...opts.env, SHELL: '/bin/sh' },
      stdio: 'pipe',
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    const onData = (d: string): void => {
      this.raw += d;
      for (const w of this.waiters.splice(0)) w();
    };
    this.child.stdout.on('data', onData);
    this.child.stderr.on('data', onData);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => {
      for (const w of this.waiters.splice(0)) w();
      resolve(code);
    }));
  }

  /** The screen text so far without control sequences, from `from` (an offset into `raw`). */
  text(from = 0): string {
    return plain(this.raw.slice(from));
  }

  get mark(): number {
    return this.raw.length;
  }

  write(data: string): void {
    this.child.stdin.write(data);
  }

  /** Type a line and press Enter (a carriage return, as a terminal sends it). */
  line(text: string): number {
    const at = this.mark;
    this.write(text + '\r');
    return at;
  }

  /**
   * Wait until the terminal, from offset `from`, shows text matching `pattern` (control sequences
   * stripped); rejects after `timeoutMs` with what it did show, so a failure explains itself.
   */
  waitFor(pattern: RegExp | string, from = 0, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = this.text(from).match(re);
        if (m) {
          clearTimeout(timer);
          resolve(m);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== loop);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re} in terminal output:\n${this.text(from).slice(-3000)}`));
      }, timeoutMs);
      const loop = (): void => {
        if (!check()) this.waiters.push(loop);
      };
      loop();
    });
  }

  /** Wait for a raw substring (control sequences included) after `from`; resolves with its end offset. */
  waitForRaw(needle: string, from = 0, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const i = this.raw.indexOf(needle, from);
        if (i >= 0) {
          clearTimeout(timer);
          resolve(i + needle.length);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== loop);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${JSON.stringify(needle)}; output:\n${this.text(from).slice(-3000)}`));
      }, timeoutMs);
      const loop = (): void => {
        if (!check()) this.waiters.push(loop);
      };
      loop();
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin.end();
      this.child.kill('SIGHUP');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(t);
    }
  }
}

export const HOOK_DIR = join(__dirname, '..', '..', 'shell');

export type ShellName = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly ShellName[] = ['bash', 'zsh', 'fish'];

/** The test guard's decision: refuse DENYME anywhere and rm as the first word. */
export function testDecision(command: string): { outcome: 'allow' | 'deny'; rule?: string } {
  if (command.includes('DENYME')) return { outcome: 'deny', rule: 'test/deny-me' };
  if (/^\s*rm\s/.test(command)) return { outcome: 'deny', rule: 'test/no-rm' };
  return { outcome: 'allow' };
}

export interface TestGuard {
  server: GuardServer;
  requests: Array<GuardRequest & { command: string }>;
}

export async function startTestGuard(): Promise<TestGuard> {
  const requests: TestGuard['requests'] = [];
  const handler: GuardHandler = async (req) => {
    requests.push(req);
    const d = testDecision(req.command);
    return d.outcome === 'deny'
      ? { outcome: 'deny', decision: 'block', by: 'policy', message: `refused by the test guard (${d.rule})`, rule: d.rule }
      : { outcome: 'allow', decision: 'allow', by: 'policy', message: 'allowed by the test guard' };
  };
  return { server: await startGuardServer({ handler }), requests };
}

/** A port nothing listens on: one the system just handed out and took back. */
export async function closedPort(): Promise<number> {
  const g = await startGuardServer({ handler: async () => ({ outcome: 'allow', decision: 'allow', by: 'policy', message: '' }) });
  const port = g.port;
  await g.close();
  return port;
}

export interface SessionOptions {
  shell: ShellName;
  port: number;
  secret: string;
  /** Extra or overriding environment (INTERLOCK_UNREACHABLE, …); `{HOME}` stands for the session's HOME. */
  env?: Record<string, string>;
  /** The user's own startup files, by path under HOME; a prompt is set when none is given. */
  files?: Record<string, string>;
  /** Load the hook (false: the same shell and rc files without Interlock, for the benchmark). */
  hook?: boolean;
  /** The shell's argv, when not `<shell> -i`. */
  argv?: string[];
}

/** The prompt every test session shows. */
export const PROMPT = 'READY> ';

/** Minimal user startup files: nothing but a prompt the tests can recognise. */
export function minimalFiles(shell: ShellName): Record<string, string> {
  switch (shell) {
    case 'bash':
      return { '.bashrc': `PS1='${PROMPT}'\n` };
    case 'zsh':
      return { '.zshenv': '', '.zshrc': `PS1='${PROMPT}'\n` };
    case 'fish':
      return { '.config/fish/config.fish': `set -g fish_greeting\nfunction fish_prompt; printf '%s' '${PROMPT}'; end\n` };
  }
}

/** The environment the extension gives a guarded terminal, for `shell`. */
export function hookEnv(shell: ShellName, port: number, secret: string): Record<string, string> {
  const env: Record<string, string> = {
    INTERLOCK_HOOK_DIR: HOOK_DIR,
    INTERLOCK_PORT: String(port),
    INTERLOCK_SECRET: secret,
    INTERLOCK_HELLO: handshakeFor(secret).hello,
    INTERLOCK_PROOF: handshakeFor(secret).proof,
    INTERLOCK_PROGRAMS: ' git rm sudo kubectl terraform dd ',
    INTERLOCK_PROGRAM_GLOBS: 'mkfs* python*',
    INTERLOCK_FAST_PATH: '1',
    INTERLOCK_PRODUCTION: '0',
    INTERLOCK_ENVIRONMENT: 'test',
    INTERLOCK_UNREACHABLE: 'ask',
    INTERLOCK_ASK_TIMEOUT: '20',
    INTERLOCK_NODE: process.execPath,
  };
  if (shell === 'bash') {
    env.PROMPT_COMMAND = '__interlock_s=$?; . "$INTERLOCK_HOOK_DIR/interlock.bash"';
    env.BASH_ENV = join(HOOK_DIR, 'interlock-noninteractive.bash');
  } else if (shell === 'zsh') {
    env.ZDOTDIR = join(HOOK_DIR, 'zsh');
    env.INTERLOCK_USER_ZDOTDIR = '';
  } else {
    env.XDG_DATA_DIRS = `${join(HOOK_DIR, 'fish-data')}:/usr/local/share:/usr/share`;
  }
  return env;
}

/** An interactive shell in a pty, in its own temporary HOME and working directory. */
export class ShellSession {
  readonly pty: Pty;
  readonly home: string;
  readonly dir: string;
  private syncs = 0;

  private constructor(readonly shell: ShellName, pty: Pty, home: string, dir: string) {
    this.pty = pty;
    this.home = home;
    this.dir = dir;
  }

  static async start(opts: SessionOptions): Promise<ShellSession> {
    const root = mkdtempSync(join(tmpdir(), `interlock-${opts.shell}-`));
    const home = join(root, 'home');
    const dir = join(root, 'work');
    mkdirSync(home);
    mkdirSync(dir);
    for (const [path, text] of Object.entries(opts.files ?? minimalFiles(opts.shell))) {
      mkdirSync(join(home, path, '..'), { recursive: true });
      writeFileSync(join(home, path), text);
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      USER: process.env.USER ?? 'user',
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      ...(opts.hook === false ? {} : hookEnv(opts.shell, opts.port, opts.secret)),
      ...Object.fromEntries(Object.entries(opts.env ?? {}).map(([k, v]) => [k, v.replaceAll('{HOME}', home)])),
    };
    const pty = new Pty({ argv: opts.argv ?? [opts.shell, '-i'], env, cwd: dir });
    const session = new ShellSession(opts.shell, pty, home, dir);
    await pty.waitFor(PROMPT, 0, 15_000);
    return session;
  }

  /** The shell's name for the last command's exit status. */
  get status(): string {
    return this.shell === 'fish' ? '$status' : '$?';
  }

  /**
   * Type `line` and Enter, then wait until it has finished: a second, plain line prints a token,
   * and the shell runs lines in order. The token line takes the fast path, so it asks nothing.
   * Resolves with the terminal text from before the line.
   */
  async run(line: string, timeoutMs = 15_000): Promise<string> {
    const at = this.pty.mark;
    this.pty.write(line + '\r');
    await this.sync(at, timeoutMs);
    return this.pty.text(at);
  }

  /** Wait until everything typed so far has run. */
  async sync(from = this.pty.mark, timeoutMs = 15_000): Promise<void> {
    const token = `SYNC${++this.syncs}x${process.pid}`;
    this.pty.write(`echo ${token}\r`);
    await this.pty.waitFor(new RegExp(`(^|\\n)${token}\\n`), from, timeoutMs);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async close(): Promise<void> {
    await this.pty.close();
    rmSync(join(this.home, '..'), { recursive: true, force: true });
  }
}
