/**
 * Unwrapping: what hides a command must not hide it from Interlock. Each simple command is peeled
 * of wrappers (`sudo`, `env`, `timeout`, `xargs`…) and every command text it carries — `bash -c`,
 * `eval`, `ssh host '…'`, `docker exec`, shell strings inside inline interpreters, scripts under the
 * working directory — is parsed and unwrapped in turn, down to a fixed depth.
 */
import { GrammarNeeded, decodeAnsiC, newScope, normalizeDashes, shellQuote } from './parse';
import { parseLine } from './dialects/index';
import type { ParseContext, Scope } from './parse';
import type { BashGrammar } from './grammar';
import type { ParseIssue, Shell, SimpleCommand, Span, Word } from './types';
import { normalizePath } from './paths';
import { deletionsInCode, extractInterpreterCode, shellStringsInCode, stdinCodeLanguage } from './interpreters';
import type { InterpreterCode } from './interpreters';

export const MAX_DEPTH = 8;
/** Commands one line may unwrap into; wrappers that multiply (parallel, xargs -I) stop there. */
export const MAX_UNWRAPPED = 512;
/** Scripts larger than this are not read: the answer for them is `confirm`. */
export const MAX_SCRIPT_BYTES = 256 * 1024;

export interface FileReader {
  /** Text of a file, or undefined if it does not exist or cannot be read. Paths are absolute. */
  readFile(path: string): string | undefined;
}

export interface UnwrapContext {
  grammar?: BashGrammar;
  powershell?: BashGrammar;
  reader?: FileReader;
  cwd: string;
  home: string;
  scope: Scope;
  issues: ParseIssue[];
  /** Unwrapping steps left for this line; set on first use. */
  budget?: number;
  /** Files an earlier command of the line wrote with text known here (`echo … > x.sh`), by absolute path. */
  written?: Map<string, string>;
}

/** A command after unwrapping, with inline code attached when an interpreter runs some. */
export interface Effective extends SimpleCommand {
  /** Source code run by an interpreter (`python -c`, a script file), for code matchers. */
  code?: { language: string; text: string; span: Span };
}

/** A program's name as rules see it: no directory, no Windows `.exe`. */
export function basename(program: string): string {
  const i = Math.max(program.lastIndexOf('/'), program.lastIndexOf('\\'));
  const name = i >= 0 ? program.slice(i + 1) : program;
  return name.length > 4 && /\.exe$/i.test(name) ? name.slice(0, -4) : name;
}

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'busybox', 'rbash', 'tcsh', 'csh']);

/** Options (with a value) of the simple prefix wrappers, and whether the value is separate. */
const PREFIX_WRAPPERS: Record<string, { withValue: string[]; positionals?: number }> = {
  sudo: { withValue: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--chdir', '--host', '--prompt', '--role', '--type', '--other-user', '--command-timeout', '--close-from'] },
  doas: { withValue: ['-u', '-C'] },
  run0: { withValue: ['-u', '--user', '-g', '--group', '-D', '--chdir', '--setenv', '--unit', '--property', '--description', '--slice', '--nice', '--background'] },
  command: { withValue: [] },
  builtin: { withValue: [] },
  exec: { withValue: ['-a'] },
  nohup: { withValue: [] },
  setsid: { withValue: [] },
  time: { withValue: ['-f', '-o', '--format', '--output'] },
  nice: { withValue: ['-n', '--adjustment'] },
  ionice: { withValue: ['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'] },
  timeout: { withValue: ['-s', '-k', '--signal', '--kill-after'], positionals: 1 },
  stdbuf: { withValue: ['-i', '-o', '-e', '--input', '--output', '--error'] },
  chrt: { withValue: [], positionals: 1 },
  taskset: { withValue: [], positionals: 1 },
  unbuffer: { withValue: [] },
  caffeinate: { withValue: ['-t', '-w'] },
  flock: { withValue: ['-w', '-E', '--timeout', '--conflict-exit-code'], positionals: 1 },
  'xvfb-run': { withValue: ['-n', '-s', '-f', '-e', '-p', '--server-num', '--server-args', '--auth-file', '--error-file'] },
  strace: { withValue: ['-e', '-o', '-p', '-s', '-u', '-E'] },
  ltrace: { withValue: ['-e', '-o', '-p', '-s', '-u'] },
  firejail: { withValue: [] },
  proxychains: { withValue: ['-f'] },
  proxychains4: { withValue: ['-f'] },
  torsocks: { withValue: [] },
  'dotenv': { withValue: ['-e', '-c', '-v'] },
  pkexec: { withValue: ['--user', '-u'] },
  gosu: { withValue: [], positionals: 1 },
  'su-exec': { withValue: [], positionals: 1 },
  chroot: { withValue: ['--userspec', '--groups'], positionals: 1 },
  nsenter: { withValue: ['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-w', '-r'] },
  unshare: { withValue: ['--setgroups', '--map-user', '--map-group', '-S', '--setuid', '-G', '--setgid', '-R', '--root', '-w', '--wd'] },
  setpriv: { withValue: ['--reuid', '--regid', '--groups', '--inh-caps', '--ambient-caps', '--bounding-set', '--securebits', '--selinux-label', '--apparmor-profile'] },
  cgexec: { withValue: ['-g'] },
  prlimit: { withValue: ['-p', '--pid'] },
  numactl: { withValue: ['-C', '--physcpubind', '-N', '--cpunodebind', '-m', '--membind', '-i', '--interleave', '-p', '--preferred'] },
  faketime: { withValue: ['-f'], positionals: 1 },
  'systemd-run': {
    withValue: ['-u', '--unit', '-p', '--property', '--description', '--slice', '-E', '--setenv', '--uid', '--gid', '-M', '--machine', '-H', '--host', '--on-active', '--on-boot', '--on-startup', '--on-unit-active', '--on-unit-inactive', '--on-calendar', '--working-directory', '--nice', '--service-type'],
  },
  'env-cmd': { withValue: ['-f', '--file', '-e', '--environments', '-r', '--rc-file'] },
  entr: { withValue: [] },
  // Package runners run a package's binary with the remaining words.
  npx: { withValue: ['-p', '--package', '--cache', '--userconfig', '-w', '--workspace'] },
  pnpx: { withValue: ['-p', '--package'] },
  bunx: { withValue: ['-p', '--package'] },
};

/** `-s`, `-i` and clusters holding them (`-Es`, `-iu root`): sudo runs the command through a shell. */
const SUDO_SHELL = /^-[AbBEHKklnPS]*[is][AbBEHKklnPSis]*[ugCDhprtUT]?$/;

/** Marks the words before `at` as a wrapper's own, when a wrapped command follows them. */
function wraps(argv: Word[], at: number): { wrapper?: true } {
  return at < argv.length ? { wrapper: true } : {};
}

function isOption(w: Word): boolean {
  return w.value.startsWith('-') && w.value !== '-' ;
}

/** Skip a wrapper's options (and `--`); returns the index of the wrapped command. */
function skipOptions(argv: Word[], from: number, withValue: string[], positionals = 0): number {
  let i = from;
  while (i < argv.length && isOption(argv[i])) {
    const v = argv[i].value;
    i++;
    if (v === '--') break;
    if (withValue.includes(v)) i++;
    // `-uroot` carries its value; `-nu root` ends in a value-taking letter.
    else if (/^-[A-Za-z]{2,}$/.test(v) && withValue.includes(`-${v.at(-1)}`) && !withValue.includes(v.slice(0, 2))) i++;
  }
  return Math.min(i + positionals, argv.length);
}

/** Unwrap one parsed command into every command it effectively runs. */
export function unwrapCommand(cmd: SimpleCommand, ctx: UnwrapContext): Effective[] {
  const out: Effective[] = [];
  noteWrittenScript(cmd, ctx);
  peel(cmd, ctx, out);
  return out;
}

function withArgv(cmd: SimpleCommand, argv: Word[], via: string): SimpleCommand {
  return { ...cmd, argv, via: [...cmd.via, via] };
}

/** Spend one unwrapping step; false (and an issue, once) when the line has used them all. */
function spend(ctx: UnwrapContext, span: Span): boolean {
  ctx.budget ??= MAX_UNWRAPPED;
  if (ctx.budget <= 0) return false;
  if (--ctx.budget === 0) ctx.issues.push({ message: `the command unwraps into more than ${MAX_UNWRAPPED} commands; Interlock stops reading there`, span });
  return ctx.budget > 0;
}

function peel(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  if (!spend(ctx, cmd.span)) return;
  let current = cmd;
  const empty = emptyReading(cmd);
  for (let guard = 0; guard < 64; guard++) {
    const next = peelOnce(current, ctx, out);
    if (!next) {
      if (empty) peel(empty, ctx, out);
      return;
    }
    current = next;
  }
  out.push(current);
}

/** `via` of a command read with its glued expansions empty (see `emptyReading`). */
export const EMPTY_EXPANSIONS = 'unknown expansions as empty';
const UNRESOLVED = /\$\{[^{}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]|\$\([^()]*\)|`[^`]*`/g;
/** Variables path classification takes as set (paths.ts), and `$(mktemp …)`, which always prints a path: they are not read as empty. */
const ASSUMED_SET = /^\$\{?(HOME|TMPDIR|TMP|TEMP|RUNNER_TEMP|PWD)\b|^\$\(\s*mktemp\b|^`\s*mktemp\b/;

/**
 * The command as it runs when expansions Interlock cannot resolve, glued to literal text, are
 * empty (an unset variable): `git reset$X --hard` is `git reset --hard`, `chmod 777 /etc$X` is
 * `chmod 777 /etc`. Words that are only an expansion stay, so option values keep their places.
 * Matched besides the command as written, never instead. Undefined when nothing changes.
 */
function emptyReading(cmd: SimpleCommand): SimpleCommand | undefined {
  let changed = false;
  const argv = cmd.argv.map((w) => {
    if (!w.dynamic || !/[$`]/.test(w.value)) return w;
    const value = w.value.replace(UNRESOLVED, (m) => (ASSUMED_SET.test(m) ? m : ''));
    if (value === w.value || value === '' || /[$`]/.test(value)) return w;
    changed = true;
    return { ...w, value: normalizeDashes(value), dynamic: false };
  });
  return changed ? { ...cmd, argv, via: [...cmd.via, EMPTY_EXPANSIONS] } : undefined;
}

/**
 * Peel one layer. Returns the inner command to keep peeling, or undefined once `cmd` (or what it
 * stands for) has been pushed to `out`.
 */
function peelOnce(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  if (argv.length === 0) {
    out.push(cmd);
    return undefined;
  }
  const name = basename(argv[0].value);
  if (/^[^/=]*=/.test(argv[0].value) && argv.length > 1) {
    // `1A=2 git …` is not a valid assignment, so bash would run a program named `1A=2`; read
    // the rest as the command anyway, as a typo'd assignment usually means it.
    out.push({ ...cmd, argv: argv.slice(0, 1), ...wraps(argv, 1) });
    return withArgv(cmd, argv.slice(1), 'assignment');
  }
  const wrapper = PREFIX_WRAPPERS[name];
  if (name === 'command' && commandQueries(argv)) {
    out.push(cmd); // `command -v git` asks where git is; it runs nothing.
    return undefined;
  }
  if (wrapper) {
    const call = name === 'npx' ? argv.findIndex((w) => w.value === '-c' || w.value === '--call') : -1;
    if (call > 0 && argv[call + 1]) {
      // `npx -c 'cmd'` runs a command line with the package binaries on PATH.
      out.push(cmd);
      nested(cmd, argv[call + 1].value, argv[call + 1].span, 'npx -c', ctx, out);
      return undefined;
    }
    const at = skipOptions(argv, 1, wrapper.withValue, wrapper.positionals);
    // Only sudo's own options count: in `sudo env -i …` the `-i` is env's.
    if ((name === 'sudo' || name === 'doas') && argv.slice(1, at).some((w) => SUDO_SHELL.test(w.value) || w.value === '--shell' || w.value === '--login')) {
      // `sudo -s cmd…` hands the words to a shell as one command string, each word escaped.
      out.push(cmd);
      if (at < argv.length) nested(cmd, argv.slice(at).map((w) => shellQuote(w.value)).join(' '), argv[at].span, `${name} -s`, ctx, out);
      return undefined;
    }
    if (at >= argv.length) {
      out.push(cmd);
      return undefined;
    }
    out.push({ ...cmd, argv: argv.slice(0, at), ...wraps(argv, at) });
    return withArgv(cmd, argv.slice(at), name);
  }
  const runner = RUNNERS[name];
  if (runner) {
    const inner = unwrapRunner(cmd, runner, ctx, out);
    if (inner !== false) return inner;
  }
  switch (name) {
    case 'env':
    case 'cross-env':
      return unwrapEnv(cmd, ctx, out);
    case 'script':
    case 'runuser':
    case 'sg':
      return unwrapSu(cmd, ctx, out);
    case 'at':
    case 'batch': {
      // at reads the job's commands from standard input, or from -f FILE.
      out.push(cmd);
      const f = argv.findIndex((w) => w.value === '-f');
      stdinScript(cmd, f > 0 ? argv[f + 1] : undefined, name, ctx, out);
      return undefined;
    }
    case 'crontab':
      unwrapCrontab(cmd, ctx, out);
      return undefined;
    case 'tmux':
      unwrapTmux(cmd, ctx, out);
      return undefined;
    case 'screen':
      return unwrapScreen(cmd, out);
    case 'fd':
    case 'fdfind':
      unwrapFd(cmd, ctx, out);
      return undefined;
    case 'watch':
      return unwrapWatch(cmd, ctx, out);
    case 'sed':
    case 'gsed':
      unwrapSed(cmd, ctx, out);
      return undefined;
    case 'docker-compose':
    case 'podman-compose':
      unwrapCompose(cmd, 1, ctx, out);
      return undefined;
    case 'xargs':
      unwrapXargs(cmd, ctx, out);
      return undefined;
    case 'parallel':
      unwrapParallel(cmd, ctx, out);
      return undefined;
    case 'find':
      unwrapFind(cmd, ctx, out);
      return undefined;
    case 'eval':
      out.push(cmd);
      if (argv.length > 1) nested(cmd, argv.slice(1).map((w) => w.value).join(' '), argv[1].span, 'eval', ctx, out);
      return undefined;
    case 'cmd':
      unwrapCmd(cmd, ctx, out);
      return undefined;
    case 'source':
    case '.':
      out.push(cmd);
      if (argv[1]) script(cmd, argv[1], name, ctx, out);
      return undefined;
    case 'su':
      return unwrapSu(cmd, ctx, out);
    case 'ssh':
      unwrapSsh(cmd, ctx, out);
      return undefined;
    case 'docker':
    case 'podman':
    case 'nerdctl':
      unwrapContainer(cmd, ctx, out);
      return undefined;
    case 'heroku':
    case 'fly':
    case 'flyctl':
      if (unwrapPaasRun(cmd, name, ctx, out)) return undefined;
      break;
    case 'kubectl':
    case 'oc':
      unwrapKubectlExec(cmd, ctx, out);
      return undefined;
    case 'git':
      return unwrapGitAlias(cmd, ctx, out);
  }
  if (SHELLS.has(name)) {
    unwrapShell(cmd, ctx, out);
    return undefined;
  }
  const lower = name.toLowerCase();
  if (lower === 'iex' || lower === 'invoke-expression') {
    // PowerShell's eval: the string is run as a PowerShell command line.
    out.push(cmd);
    if (argv.length > 1) nested(cmd, argv.slice(1).map((w) => w.value).join(' '), argv[1].span, name, ctx, out, undefined, 'powershell');
    return undefined;
  }
  if (/\.(ps1|cmd|bat)$/i.test(argv[0].value) && !argv[0].dynamic) {
    // A PowerShell or batch script run by its path (`./deploy.ps1`, `& .\build.cmd`): read in its dialect.
    out.push(cmd);
    script(cmd, argv[0], argv[0].value, ctx, out, /\.ps1$/i.test(argv[0].value) ? 'powershell' : 'cmd');
    return undefined;
  }
  if (lower === 'wsl' || lower === 'wsl.exe') {
    unwrapWsl(cmd, ctx, out);
    return undefined;
  }
  if (lower === 'pwsh' || lower === 'powershell') {
    unwrapPowerShell(cmd, ctx, out);
    return undefined;
  }
  if (argv[0].value.includes('/') && !argv[0].dynamic && ctx.written?.has(absolute(argv[0].value, ctx))) {
    // A script this line wrote, run by its path.
    out.push(cmd);
    script(cmd, argv[0], argv[0].value, ctx, out);
    return undefined;
  }
  const code = extractInterpreterCode(argv, ctx.cwd) ?? stdinCode(cmd, ctx);
  if (code) {
    let text = code.text;
    if (code.file !== undefined) {
      text = readScript(code.file, cmd, ctx) ?? '';
    }
    const effective: Effective = { ...cmd, code: { language: code.language, text, span: code.span } };
    out.push(effective);
    for (const shell of [...shellStringsInCode(text, code.language), ...deletionsInCode(text, code.language)]) {
      if (shell.argv) {
        const words = shell.argv.map((value) => ({ value, span: code.span, dynamic: false }));
        peel({ ...cmd, argv: words, stdin: undefined, redirects: [], via: [...cmd.via, `${name} ${shell.call}`], depth: cmd.depth + 1 }, ctx, out);
      } else if (shell.command !== undefined) {
        nested(cmd, shell.command, code.span, `${name} ${shell.call}`, ctx, out);
      }
    }
    return undefined;
  }
  out.push(cmd);
  return undefined;
}

/** `command -v`, `-V`, `-pv`…: the words are looked up and described, never run. */
function commandQueries(argv: Word[]): boolean {
  for (const w of argv.slice(1)) {
    if (w.value === '--' || !w.value.startsWith('-')) return false;
    if (/^-[pvV]*[vV][pvV]*$/.test(w.value)) return true;
  }
  return false;
}

/** Code an interpreter reads from standard input: a heredoc, a here-string, `echo … |`, `< file`. */
function stdinCode(cmd: SimpleCommand, ctx: UnwrapContext): InterpreterCode | undefined {
  const language = cmd.stdin ? stdinCodeLanguage(cmd.argv) : undefined;
  const text = language ? stdinText(cmd, ctx) : undefined;
  return language && text ? { language, text: text.text, span: text.span } : undefined;
}

/** `cat FILE | …`: the one file whose text the next command reads. */
function catFile(cmd: SimpleCommand): Word | undefined {
  const argv = wrappedArgv(cmd.argv);
  return basename(argv[0]?.value ?? '') === 'cat' && argv.length === 2 && !argv[1].dynamic && !argv[1].value.startsWith('-') ? argv[1] : undefined;
}

/** Parse command text found inside a command (`bash -c`, `eval`, `ssh`…) and unwrap what it runs. */
function nested(
  host: SimpleCommand,
  text: string,
  span: Span,
  via: string,
  ctx: UnwrapContext,
  out: Effective[],
  remote?: SimpleCommand['remote'],
  shell: Shell = 'bash',
): void {
  const depth = host.depth + 1;
  if (!spend(ctx, span)) return;
  if (text.trim() === STDIN_MARKER) {
    // The whole command line arrives on standard input: the program itself is unknown.
    out.push({ ...host, argv: [{ value: STDIN_MARKER, span, dynamic: true }], stdin: undefined, redirects: [], via: [...host.via, via], depth });
    return;
  }
  if (depth > MAX_DEPTH) {
    ctx.issues.push({ message: `commands are nested more than ${MAX_DEPTH} levels deep; Interlock stops reading there`, span });
    return;
  }
  const pctx: ParseContext = {
    grammar: ctx.grammar,
    powershell: ctx.powershell,
    scope: ctx.scope,
    depth,
    via: [...host.via, via],
    remote: remote ?? host.remote,
    mapSpan: () => span,
  };
  let parsed;
  try {
    parsed = parseLine(text, pctx, shell);
  } catch (e) {
    if (e instanceof GrammarNeeded) throw e;
    ctx.issues.push({ message: `could not read the nested command: ${(e as Error).message}`, span });
    return;
  }
  ctx.issues.push(...parsed.issues);
  for (const c of parsed.commands) peel(c, ctx, out);
}

interface Runner {
  /** Subcommands that run the rest of the line as a command. */
  sub: string[];
  withValue: string[];
  /** Operands before the command (`aws-vault exec PROFILE -- cmd`). */
  positionals?: number;
  /** Options whose value is a command line for a shell. */
  commandOptions?: string[];
  /** The command follows `--` (operands before it are tools or services); without `--`, none. */
  afterDashes?: boolean;
}

/**
 * Tools that run a command inside an environment they prepare: virtualenvs, package binaries,
 * secrets injected as variables. What matters is the command they run.
 */
const RUNNERS: Record<string, Runner> = {
  uv: { sub: ['run'], withValue: ['--with', '--python', '-p', '--project', '--directory', '--env-file', '--extra', '--group', '--index', '--package', '--with-requirements'] },
  uvx: { sub: [], withValue: ['--with', '--python', '-p', '--from', '--index'] },
  poetry: { sub: ['run'], withValue: ['-C', '--directory', '-P', '--project'] },
  pipenv: { sub: ['run'], withValue: [] },
  pdm: { sub: ['run'], withValue: ['-p', '--project'] },
  hatch: { sub: ['run'], withValue: ['-e', '--env'] },
  rye: { sub: ['run'], withValue: [] },
  pixi: { sub: ['run', 'exec'], withValue: ['-e', '--environment', '--manifest-path'] },
  devbox: { sub: ['run'], withValue: ['-c', '--config'] },
  bundle: { sub: ['exec'], withValue: ['--gemfile'] },
  npm: { sub: ['exec', 'x'], withValue: ['-p', '--package', '-w', '--workspace'], commandOptions: ['-c', '--call'] },
  pnpm: { sub: ['exec', 'dlx'], withValue: ['-C', '--dir', '--filter', '-F', '--package'], commandOptions: ['-c'] },
  yarn: { sub: ['exec', 'dlx'], withValue: ['-p', '--package'] },
  conda: { sub: ['run'], withValue: ['-n', '--name', '-p', '--prefix', '--cwd'] },
  mamba: { sub: ['run'], withValue: ['-n', '--name', '-p', '--prefix', '--cwd'] },
  micromamba: { sub: ['run'], withValue: ['-n', '--name', '-p', '--prefix', '--cwd'] },
  mise: { sub: ['exec', 'x'], withValue: ['-C', '--cd', '-j', '--jobs'], commandOptions: ['-c', '--command'], afterDashes: true },
  asdf: { sub: ['exec'], withValue: [] },
  'aws-vault': { sub: ['exec'], withValue: ['-d', '--duration', '--region', '-t', '--mfa-token', '--prompt', '--server', '--ec2-server', '--lazy'], positionals: 1 },
  op: { sub: ['run'], withValue: ['--env-file', '--account'] },
  doppler: { sub: ['run'], withValue: ['-p', '--project', '-c', '--config', '--scope', '--token', '--mount', '--fallback'], commandOptions: ['--command'] },
  dotenvx: { sub: ['run'], withValue: ['-f', '--env-file', '-e', '--env', '-fk', '--env-keys-file'] },
  infisical: { sub: ['run'], withValue: ['--env', '--path', '--projectId', '--token', '--domain'], commandOptions: ['--command'] },
  // `railway run cmd`: the linked environment's variables (its secrets) injected into a local command.
  railway: { sub: ['run'], withValue: ['-s', '--service', '-e', '--environment'] },
  direnv: { sub: ['exec'], withValue: [], positionals: 1 },
  chamber: { sub: ['exec'], withValue: ['-b', '--backend'], afterDashes: true },
  'nix-shell': { sub: [], withValue: ['-p', '--packages', '-I', '--arg', '--argstr', '-A', '--attr'], commandOptions: ['--run', '--command'], afterDashes: true },
};

/**
 * Unwrap `runner sub [options] [operands] [--] command…`. Returns false when `cmd` is not that
 * runner's running form (`uv pip install …`), so other unwrapping applies.
 */
function unwrapRunner(cmd: SimpleCommand, runner: Runner, ctx: UnwrapContext, out: Effective[]): SimpleCommand | undefined | false {
  const argv = cmd.argv;
  let i = 1;
  if (runner.sub.length > 0) {
    // Global options before the subcommand.
    while (i < argv.length && argv[i].value.startsWith('-')) i += runner.withValue.includes(argv[i].value) ? 2 : 1;
    if (!runner.sub.includes(argv[i]?.value ?? '')) return false;
    i++;
  }
  const name = basename(argv[0].value);
  for (let j = i; j < argv.length && argv[j].value.startsWith('-') && argv[j].value !== '--'; j++) {
    const v = argv[j].value;
    const eq = v.indexOf('=');
    const option = eq > 0 ? v.slice(0, eq) : v;
    if (runner.commandOptions?.includes(option)) {
      const text = eq > 0 ? v.slice(eq + 1) : argv[j + 1]?.value;
      out.push(cmd);
      if (text !== undefined) nested(cmd, text, argv[j].span, `${name} ${option}`, ctx, out);
      return undefined;
    }
    if (runner.withValue.includes(v)) j++;
  }
  const dashes = argv.findIndex((w, k) => k >= i && w.value === '--');
  const at = runner.afterDashes ? (dashes < 0 ? argv.length : dashes) : skipOptions(argv, i, runner.withValue, runner.positionals ?? 0);
  const start = argv[at]?.value === '--' ? at + 1 : at;
  out.push({ ...cmd, argv: argv.slice(0, start), ...wraps(argv, start) });
  if (start >= argv.length) return undefined;
  return withArgv(cmd, argv.slice(start), runner.sub.length > 0 ? `${name} ${argv[i - 1].value}` : name);
}

function unwrapEnv(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  const assignments = [...cmd.assignments];
  let i = 1;
  for (; i < argv.length; i++) {
    const v = argv[i].value;
    if (v === '--') { i++; break; }
    if (v === '-u' || v === '--unset' || v === '-C' || v === '--chdir' || v === '-P') { i++; continue; }
    if (v === '-S' || v === '--split-string' || /^-S./.test(v) || v.startsWith('--split-string=')) {
      // `env -S 'cmd args'` splits one string into the command and its arguments.
      const separate = v === '-S' || v === '--split-string';
      const text = separate ? argv[i + 1]?.value ?? '' : v.startsWith('-S') ? v.slice(2) : v.slice('--split-string='.length);
      out.push({ ...cmd, argv: argv.slice(0, i + 1), ...wraps(argv, i + 1) });
      nested(cmd, [text, ...argv.slice(i + (separate ? 2 : 1)).map((w) => shellQuote(w.value))].join(' '), argv[i].span, 'env -S', ctx, out);
      return undefined;
    }
    if (v.startsWith('-')) continue;
    const eq = v.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v.slice(0, eq))) {
      assignments.push({ name: v.slice(0, eq), value: { ...argv[i], value: v.slice(eq + 1) } });
      continue;
    }
    break;
  }
  out.push({ ...cmd, argv: argv.slice(0, i), assignments, ...wraps(argv, i) });
  if (i >= argv.length) return undefined;
  return { ...withArgv(cmd, argv.slice(i), 'env'), assignments };
}

function unwrapWatch(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  const at = skipOptions(argv, 1, ['-n', '--interval', '-d', '-q', '--equexit', '--chgexit', '-s', '--shotsdir']);
  out.push({ ...cmd, argv: argv.slice(0, at), ...wraps(argv, at) });
  if (at >= argv.length) return undefined;
  if (argv.slice(1, at).some((w) => w.value === '-x' || w.value === '--exec')) return withArgv(cmd, argv.slice(at), 'watch');
  // Without -x, watch joins its words and hands them to `sh -c`.
  nested(cmd, argv.slice(at).map((w) => w.value).join(' '), argv[at].span, 'watch', ctx, out);
  return undefined;
}

const SED_WITH_VALUE = ['-e', '--expression', '-f', '--file', '-l', '--line-length'];

/**
 * GNU sed runs shell commands from its script: `e COMMAND` runs COMMAND, and the `e` flag of `s`
 * runs the pattern space after the substitution, which is the replacement text when the pattern
 * takes the whole line (`s/.*\/rm -rf src/e`). Both are read as a `bash -c` line would be.
 */
function unwrapSed(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  out.push(cmd);
  const argv = cmd.argv;
  const scripts: Word[] = [];
  let fromFile = false;
  let operand: Word | undefined;
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i].value;
    if (v === '-e' || v === '--expression') {
      if (argv[i + 1]) scripts.push(argv[++i]);
    } else if (v.startsWith('--expression=')) scripts.push({ ...argv[i], value: v.slice('--expression='.length) });
    else if (/^-[nrEsuz]*e./.test(v)) scripts.push({ ...argv[i], value: v.slice(v.indexOf('e') + 1) });
    else if (v === '-f' || v === '--file' || v.startsWith('--file=')) {
      fromFile = true;
      if (!v.includes('=')) i++;
    } else if (SED_WITH_VALUE.includes(v)) i++;
    else if (!v.startsWith('-') && operand === undefined) operand = argv[i];
  }
  if (scripts.length === 0 && !fromFile && operand) scripts.push(operand);
  for (const script of scripts) {
    for (const command of sedShellCommands(script.value).slice(0, MAX_ITEMS)) nested(cmd, command, script.span, 'sed e', ctx, out);
  }
}

/** The shell commands a sed script runs: `e COMMAND` lines and the replacement of `s///e`. */
export function sedShellCommands(script: string): string[] {
  const found: string[] = [];
  let i = 0;
  const n = script.length;
  const skipBlank = (): void => {
    while (i < n && /[\s;]/.test(script[i])) i++;
  };
  /** Text up to an unescaped delimiter, escapes of the delimiter removed. */
  const delimited = (delim: string): string => {
    let text = '';
    while (i < n && script[i] !== delim) {
      if (script[i] === '\\' && i + 1 < n) {
        text += script[i + 1] === delim ? delim : script[i] + script[i + 1];
        i += 2;
        continue;
      }
      if (script[i] === '\n' && delim !== '\n') break;
      text += script[i++];
    }
    i++;
    return text;
  };
  const restOfLine = (): string => {
    const end = script.indexOf('\n', i);
    const text = script.slice(i, end < 0 ? n : end);
    i = end < 0 ? n : end + 1;
    return text;
  };
  for (let guard = 0; i < n && guard < 1000; guard++) {
    skipBlank();
    // An address: line numbers, `$`, `/regex/`, `\cregexc`, ranges and steps, negation.
    while (i < n) {
      const c = script[i];
      if (/[0-9$,~+!\s]/.test(c)) i++;
      else if (c === '/') {
        i++;
        delimited('/');
        while (i < n && /[IM]/.test(script[i])) i++;
      } else if (c === '\\' && i + 1 < n) {
        const d = script[i + 1];
        i += 2;
        delimited(d);
      } else break;
    }
    if (i >= n) break;
    const command = script[i++];
    if (command === 's' || command === 'y') {
      const d = script[i++];
      if (d === undefined) break;
      const pattern = delimited(d);
      const replacement = delimited(d);
      let flags = '';
      while (i < n && !/[;\n}]/.test(script[i])) {
        // A `w FILE` flag takes the rest of the line.
        if (script[i] === 'w') {
          restOfLine();
          break;
        }
        flags += script[i++];
      }
      if (command === 's' && flags.includes('e')) {
        // What runs is the line after the substitution: exactly the replacement when the pattern
        // takes the whole line, otherwise the replacement with input text around it.
        const text = replacement.replace(/\\(.)/g, '$1').replace(/&/g, '');
        found.push(/^\^?\.\*\$?$/.test(pattern) ? text : `${text}${STDIN_MARKER}`);
      }
    } else if (command === 'e') {
      const text = restOfLine().trim();
      // A bare `e` runs the pattern space: text from the input, unknown here.
      found.push(text === '' ? STDIN_MARKER : text);
    } else if ('aic'.includes(command)) {
      // Text to add; `a\` continues on the next line, and so does each line ending in a backslash.
      let text = restOfLine();
      while (/\\$/.test(text) && i < n) text = restOfLine();
    } else if ('rRwWbtTvq:'.includes(command)) {
      restOfLine();
    } else if (command === '#') {
      restOfLine();
    }
  }
  return found;
}

/** Stands for input that arrives on standard input at run time; path classes read it as unknown. */
const STDIN_MARKER = '{stdin}';
const FROM_STDIN = (span: Span): Word => ({ value: STDIN_MARKER, span, dynamic: true });
/** Bound on the commands built from one literal input list, so a long list cannot slow a check. */
const MAX_ITEMS = 16;

/**
 * Split literal input the way `xargs` does by default: blanks and newlines separate items, quotes
 * and backslashes group them (POSIX xargs, "STDIN").
 */
function xargsTokens(text: string): string[] {
  const items: string[] = [];
  const re = /(?:[^\s'"\\]|\\.|"[^"]*"|'[^']*')+/gs;
  for (const m of text.matchAll(re)) items.push(m[0].replace(/\\(.)|"([^"]*)"|'([^']*)'/gs, (_, a?: string, b?: string, c?: string) => a ?? b ?? c ?? ''));
  return items;
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/^\s+/, '')).filter((l) => l !== '');
}

/**
 * What a command feeding a pipe hands to the next one, as words: literal text (`echo a b`), the
 * files a `find` reaches, or the stdin marker when it cannot be known here.
 */
function pipedItems(cmd: SimpleCommand, span: Span, split: (text: string) => string[]): Word[] {
  const s = cmd.stdin;
  if (s?.kind === 'command') {
    const text = literalOutput(s.command);
    if (text !== undefined) return split(text).slice(0, MAX_ITEMS).map((value) => ({ value, span, dynamic: false }));
    const finder = findArgv(s.command.argv);
    if (finder) {
      const scan = findScan(finder);
      return scan.roots.slice(0, MAX_ITEMS).map((root) => ({ value: foundBelow(root, scan.name), span, dynamic: true }));
    }
  } else if (s?.kind === 'text') {
    return split(s.text).slice(0, MAX_ITEMS).map((value) => ({ value, span, dynamic: false }));
  }
  return [FROM_STDIN(span)];
}

const XARGS_WITH_VALUE = [
  '-I', '-J', '-R', '-S', '-n', '-P', '-L', '-d', '-E', '-s', '-a', '--max-args', '--max-procs', '--delimiter',
  '--arg-file', '--max-chars', '--eof', '--process-slot-var', '--max-lines',
];

function unwrapXargs(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  let replace: string | undefined;
  let byLine = false;
  let fromFile = false;
  let i = 1;
  for (; i < argv.length && isOption(argv[i]); i++) {
    const v = argv[i].value;
    if (v === '--') { i++; break; }
    const next = argv[i + 1]?.value;
    // -I and BSD -J name the string to replace; -i and --replace default it to `{}`.
    if (v === '-I' || v === '-J') replace = next;
    else if (/^-[IJ]./.test(v)) replace = v.slice(2);
    else if (v === '-i' || v === '--replace') replace = '{}';
    else if (/^-i./.test(v)) replace = v.slice(2);
    else if (v.startsWith('--replace=')) replace = v.slice('--replace='.length) || '{}';
    if (/^(-0|--null|-d.*|--delimiter.*|-L.*|--max-lines.*)$/.test(v)) byLine = true;
    if (/^(-a.*|--arg-file.*)$/.test(v)) fromFile = true;
    if (XARGS_WITH_VALUE.includes(v)) i++;
  }
  out.push({ ...cmd, argv: argv.slice(0, i), ...wraps(argv, i) });
  const inner = i < argv.length ? argv.slice(i) : [{ value: 'echo', span: cmd.span, dynamic: false }];
  const base: SimpleCommand = { ...withArgv(cmd, inner, 'xargs'), stdin: undefined };
  // With a replace string, each input line is one item (xargs -I implies -L 1).
  const items = fromFile ? [FROM_STDIN(cmd.span)] : pipedItems(cmd, cmd.span, replace !== undefined || byLine ? lines : xargsTokens);
  if (replace === undefined) {
    peel({ ...base, argv: [...inner, ...items] }, ctx, out);
    return;
  }
  const r = replace;
  for (const item of items.length > 0 ? items : [FROM_STDIN(cmd.span)]) {
    const filled = inner.map((w) => (r && w.value.includes(r) ? { ...w, value: w.value.split(r).join(item.value), dynamic: w.dynamic || item.dynamic } : w));
    peel({ ...base, argv: filled }, ctx, out);
  }
}

const PARALLEL_WITH_VALUE = [
  '-j', '--jobs', '-S', '--sshlogin', '--delay', '--timeout', '--joblog', '--results', '--res', '-a', '--arg-file', '-I',
  '--colsep', '-C', '-d', '--delimiter', '-n', '--max-args', '-N', '-L', '--max-lines', '--tmpdir', '--workdir', '--wd', '--env',
  '-E', '--retries', '--load', '--memfree', '--tagstring', '--basefile', '--bf', '--transferfile', '--tf', '--return', '--halt',
  '--block', '--blocksize', '--sshloginfile', '--slf', '--shell', '--tmux', '-P', '--max-procs',
];
const PARALLEL_SEPARATOR = /^:{3,4}\+?$/;
const PARALLEL_SLOTS = /\{\}|\{\.\}|\{\/\}|\{\/\/\}|\{\/\.\}|\{\d+\}/;

/**
 * `parallel [options] [command] (::: args | :::: files)…` runs the command once per input, or each
 * input as a command line when no command is given. GNU parallel joins the command's words into
 * one shell line (so `'rm -rf {}'` splits again), unless `-q` quotes them; both readings are
 * checked, since an old or differently configured parallel may do either.
 */
function unwrapParallel(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  let slot = '{}';
  let fromFile = false;
  let i = 1;
  for (; i < argv.length && isOption(argv[i]) && !PARALLEL_SEPARATOR.test(argv[i].value); i++) {
    const v = argv[i].value;
    if (v === '--') { i++; break; }
    if (v === '-I' && argv[i + 1]) slot = argv[i + 1].value;
    if (v === '-a' || v.startsWith('--arg-file') || v.startsWith('-a')) fromFile = true;
    if (PARALLEL_WITH_VALUE.includes(v)) i++;
  }
  out.push({ ...cmd, argv: argv.slice(0, i), ...wraps(argv, i) });
  const sep = argv.findIndex((w, j) => j >= i && PARALLEL_SEPARATOR.test(w.value));
  const template = argv.slice(i, sep >= 0 ? sep : undefined);
  // Input sources: each `:::` group lists values; `::::` names files, unknown here.
  const groups: Word[][] = [];
  if (sep >= 0) {
    let current: Word[] | undefined;
    for (const w of argv.slice(sep)) {
      if (PARALLEL_SEPARATOR.test(w.value)) {
        current = [];
        groups.push(current);
        if (w.value.startsWith('::::')) current.push(FROM_STDIN(w.span));
      } else if (current && !(current.length === 1 && current[0].value === STDIN_MARKER)) {
        current.push(w);
      }
    }
  } else {
    groups.push(fromFile ? [FROM_STDIN(cmd.span)] : pipedItems(cmd, cmd.span, lines));
  }
  let jobs: Word[][] = [[]];
  for (const g of groups) {
    if (g.length === 0) continue;
    jobs = jobs.flatMap((job) => g.map((w) => [...job, w])).slice(0, MAX_ITEMS);
  }
  const base: SimpleCommand = { ...cmd, stdin: undefined };
  const each: SimpleCommand = { ...base, via: [...cmd.via, 'parallel'] };
  const custom = slot === '{}' ? PARALLEL_SLOTS : new RegExp(slot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const fill = (text: string, job: Word[], quote: (v: string) => string): string =>
    text.replace(new RegExp(custom.source, 'g'), (m) => quote((/^\{(\d+)\}$/.test(m) ? job[Number(m.slice(1, -1)) - 1] : job[0])?.value ?? ''));
  for (const job of jobs) {
    if (job.length === 0) continue;
    const dynamic = job.some((w) => w.dynamic);
    if (template.length === 0) {
      nested(base, job.map((w) => w.value).join(' '), job[0].span, 'parallel', ctx, out);
      continue;
    }
    if (template.length === 1 && new RegExp(`^(?:${custom.source})$`).test(template[0].value)) {
      // `parallel {}`: each input line is itself the command line.
      nested(base, job.map((w) => w.value).join(' '), job[0].span, 'parallel', ctx, out);
      continue;
    }
    const hasSlot = template.some((w) => custom.test(w.value));
    // Reading 1: the words as given, each input filling a slot or appended as one word.
    const words = hasSlot
      ? template.map((w) => (custom.test(w.value) ? { ...w, value: fill(w.value, job, (v) => v), dynamic: w.dynamic || dynamic } : w))
      : [...template, ...job];
    peel({ ...each, argv: words }, ctx, out);
    // Reading 2: the shell line GNU parallel composes, inputs quoted.
    const line = template.map((w) => fill(w.value, job, shellQuote)).join(' ') + (hasSlot ? '' : ' ' + job.map((w) => shellQuote(w.value)).join(' '));
    nested(base, line, template[0].span, 'parallel', ctx, out);
  }
}

const FIND_GLOBAL = /^-(H|L|P|O\d*|D)$/;
/** `find` tests and actions that take one argument; `-fprintf` takes two. */
const FIND_ONE_ARG = new Set([
  '-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname', '-type',
  '-xtype', '-user', '-group', '-uid', '-gid', '-perm', '-size', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin',
  '-newer', '-anewer', '-cnewer', '-maxdepth', '-mindepth', '-samefile', '-inum', '-links', '-used', '-fstype', '-context',
  '-printf', '-fprint', '-fprint0', '-fls', '-regextype', '-files0-from', '-D',
]);
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

interface FindScan {
  /** Starting points. */
  roots: string[];
  /** The one -name pattern that picks the files, when nothing else branches the expression. */
  name?: string;
  /**
   * The -name pattern that narrows `-delete`: one given before it. find evaluates left to right,
   * so `find . -delete -name '*.pyc'` deletes everything before the name is ever tested.
   */
  deleteName?: string;
  /** `-delete` as an action (not as a test's argument). */
  deletes: boolean;
  /** Only empty files and directories are selected. */
  empty: boolean;
  execs: { at: number; inner: Word[] }[];
}

/** The argv of a `find` (also `busybox find`), or undefined. */
function findArgv(argv: Word[]): Word[] | undefined {
  const name = basename(argv[0]?.value ?? '');
  if (name === 'find') return argv;
  if (name === 'busybox' && argv[1]?.value === 'find') return argv.slice(1);
  return undefined;
}

/** Read a find expression: starting points, actions, and the one name test that narrows it, if any. */
function findScan(argv: Word[]): FindScan {
  let i = 1;
  while (i < argv.length && FIND_GLOBAL.test(argv[i].value)) i += argv[i].value === '-D' ? 2 : 1;
  const roots: string[] = [];
  for (; i < argv.length; i++) {
    const v = argv[i].value;
    if (v.startsWith('-') || v === '(' || v === '!' || v === ',') break;
    roots.push(v);
  }
  const names: string[] = [];
  let namesBeforeDelete = 0;
  let branches = false;
  let deletes = false;
  let empty = false;
  const execs: FindScan['execs'] = [];
  for (; i < argv.length; i++) {
    const v = argv[i].value;
    if (FIND_EXEC.has(v)) {
      const end = argv.findIndex((w, j) => j > i && (w.value === ';' || w.value === '+'));
      execs.push({ at: i, inner: argv.slice(i + 1, end < 0 ? argv.length : end) });
      i = end < 0 ? argv.length : end;
    } else if (v === '-name' || v === '-iname') {
      if (argv[i + 1]) names.push(argv[i + 1].value);
      i++;
    } else if (v === '-fprintf') {
      i += 2;
    } else if (FIND_ONE_ARG.has(v) || /^-newer[aBcmt][aBcmt]$/.test(v)) {
      i++;
    } else if (v === '-o' || v === '-or' || v === ',' || v === '!' || v === '-not') {
      branches = true;
    } else if (v === '-delete') {
      if (!deletes) namesBeforeDelete = names.length;
      deletes = true;
    } else if (v === '-empty') {
      empty = true;
    }
  }
  const name = names.length === 1 && !branches && !names[0].includes('/') ? names[0] : undefined;
  const deleteName = namesBeforeDelete === 1 ? name : undefined;
  return { roots: roots.length > 0 ? roots : ['.'], name, deleteName, deletes, empty, execs };
}

/** What `{}` stands for below a starting point: `root/{found}`, or `root/**\/NAME` for one -name test. */
function foundBelow(root: string, name: string | undefined): string {
  const dir = root === '/' ? '' : root.replace(/\/+$/, '');
  return name ? `${dir}/**/${name}` : `${dir}/{found}`;
}

/**
 * `find … -exec cmd {} \;` runs cmd on each file found; `-delete` removes each one, as `rm` would
 * (the whole tree when nothing narrows the search, since -delete works depth-first).
 */
function unwrapFind(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  const scan = findScan(argv);
  for (const root of scan.roots.slice(0, MAX_ITEMS)) {
    const found = foundBelow(root, scan.name);
    if (scan.deletes && !scan.empty) {
      const deleted = foundBelow(root, scan.deleteName);
      const recursive = deleted.endsWith('/{found}');
      const words: Word[] = ['rm', ...(recursive ? ['-r'] : []), deleted].map((value, k) => ({ value, span: cmd.span, dynamic: k > 0 && value === deleted }));
      peel({ ...withArgv(cmd, words, 'find -delete'), redirects: [] }, ctx, out);
    }
    for (const { at, inner } of scan.execs) {
      if (inner.length === 0) continue;
      const filled = inner.map((w) => (w.value.includes('{}') ? { ...w, value: w.value.split('{}').join(found), dynamic: true } : w));
      peel(withArgv(cmd, filled, `find ${argv[at].value}`), ctx, out);
    }
  }
}

/**
 * `su -c`, `runuser -c`, `script -c`, `sg GROUP -c`: the value is a command line for a shell.
 * `runuser -u USER cmd…` runs the words directly.
 */
function unwrapSu(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  const name = basename(argv[0].value);
  // `script -qc CMD`: a short-option cluster ending in c takes the command next.
  const c = argv.findIndex((w, k) => k > 0 && (/^-[A-Za-z]*c$/.test(w.value) || w.value === '--command' || w.value.startsWith('--command=')));
  if (c > 0) {
    out.push(cmd);
    const text = argv[c].value.startsWith('--command=') ? argv[c].value.slice('--command='.length) : argv[c + 1]?.value;
    if (text !== undefined) nested(cmd, text, argv[c].span, `${name} -c`, ctx, out);
    return undefined;
  }
  if (name === 'runuser' && argv.some((w) => w.value === '-u' || w.value === '--user')) {
    const at = skipOptions(argv, 1, ['-u', '--user', '-g', '--group', '-G', '--supp-group', '-s', '--shell', '-w', '--whitelist-environment']);
    out.push({ ...cmd, argv: argv.slice(0, at), ...wraps(argv, at) });
    return at < argv.length ? withArgv(cmd, argv.slice(at), 'runuser') : undefined;
  }
  if (name === 'sg' && argv.length > 2) {
    // `sg GROUP cmd…` (no -c) joins the words into a shell command.
    out.push(cmd);
    nested(cmd, argv.slice(2).map((w) => w.value).join(' '), argv[2].span, 'sg', ctx, out);
    return undefined;
  }
  out.push(cmd);
  return undefined;
}

const SHELL_OPTIONS_WITH_VALUE = ['-o', '+o', '-O', '+O', '--rcfile', '--init-file'];

function unwrapShell(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  let argv = cmd.argv;
  if (basename(argv[0].value) === 'busybox') {
    if (!argv[1] || !SHELLS.has(argv[1].value)) {
      // `busybox rm -rf /` runs the applet named by the first argument.
      if (argv[1]) peel(withArgv(cmd, argv.slice(1), 'busybox'), ctx, out);
      else out.push(cmd);
      return;
    }
    argv = argv.slice(1);
  }
  // `cat script.sh | sh` is `sh < script.sh`: the script is a file Interlock can read.
  const piped = cmd.stdin?.kind === 'command' ? catFile(cmd.stdin.command) : undefined;
  if (piped) cmd = { ...cmd, stdin: { kind: 'file', path: piped } };
  out.push(cmd);
  let commandString: Word | undefined;
  let i = 1;
  for (; i < argv.length; i++) {
    const v = argv[i].value;
    if (v === '--' || v === '-') { i++; break; }
    if (!v.startsWith('-') && !v.startsWith('+')) break;
    if (SHELL_OPTIONS_WITH_VALUE.includes(v)) { i++; continue; }
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(v) && !v.startsWith('--')) {
      // The first operand after -c is the command string; later operands are $0, $1…
      commandString = argv[i + 1];
      break;
    }
    if (v === '--command') { commandString = argv[i + 1]; break; }
  }
  const name = basename(argv[0].value);
  if (commandString) {
    nested(cmd, commandString.value, commandString.span, `${name} -c`, ctx, out);
    return;
  }
  if (i < argv.length) {
    script(cmd, argv[i], name, ctx, out);
    return;
  }
  // No -c and no script: the shell runs what arrives on standard input.
  if (cmd.stdin?.kind === 'text') nested(cmd, cmd.stdin.text, cmd.stdin.span, `${name} <<`, ctx, out);
  else if (cmd.stdin?.kind === 'command') {
    const text = literalOutput(cmd.stdin.command);
    if (text !== undefined) nested(cmd, text, cmd.stdin.command.span, `| ${name}`, ctx, out);
  } else if (cmd.stdin?.kind === 'file') {
    script(cmd, cmd.stdin.path, name, ctx, out);
  }
}

/** A PowerShell parameter given by any unambiguous prefix (`-enc`, `-Comm`), case-insensitive. */
function psParam(word: string, full: string, shortest: number): boolean {
  const w = word.toLowerCase().replace(/^--?|^\//, '');
  return w.length >= shortest && full.startsWith(w) && /^[-/]/.test(word);
}

/**
 * `pwsh -Command …` runs the rest of the line as a command; `-EncodedCommand` carries it as
 * base64 of UTF-16LE text, a favourite way to hide what runs. The text is read as PowerShell.
 */
function unwrapPowerShell(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  const name = basename(argv[0].value);
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i].value;
    if (psParam(v, 'encodedcommand', 1) || v.toLowerCase() === '-ec') {
      const text = decodePowerShellBase64(argv[i + 1]?.value ?? '');
      if (text !== undefined) nested(cmd, text, argv[i + 1].span, `${name} -EncodedCommand`, ctx, out, undefined, 'powershell');
      else ctx.issues.push({ message: 'the encoded PowerShell command could not be decoded', span: argv[i].span });
      return;
    }
    if (psParam(v, 'command', 1)) {
      if (i + 1 < argv.length) nested(cmd, argv.slice(i + 1).map((w) => w.value).join(' '), argv[i + 1].span, `${name} -Command`, ctx, out, undefined, 'powershell');
      return;
    }
    if (psParam(v, 'file', 1)) {
      // `-File script.ps1`: a script in the workspace is read as PowerShell, as bash reads its scripts.
      if (argv[i + 1]) script(cmd, argv[i + 1], name, ctx, out, 'powershell');
      return;
    }
    if (!/^[-/]/.test(v)) {
      // The first operand is the command when no -Command or -File came before it.
      nested(cmd, argv.slice(i).map((w) => w.value).join(' '), argv[i].span, name, ctx, out, undefined, 'powershell');
      return;
    }
    if (['-executionpolicy', '-ex', '-ep', '-configurationname', '-workingdirectory', '-wd', '-windowstyle', '-w', '-inputformat', '-outputformat', '-settingsfile', '-version', '-psconsolefile'].includes(v.toLowerCase())) i++;
  }
}

function decodePowerShellBase64(b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(b64)) return undefined;
  let bytes: string;
  try {
    bytes = atob(b64.replace(/\s+/g, ''));
  } catch {
    return undefined;
  }
  let text = '';
  for (let k = 0; k + 1 < bytes.length; k += 2) text += String.fromCharCode(bytes.charCodeAt(k) | (bytes.charCodeAt(k + 1) << 8));
  return text;
}

/** `cmd /c …` and `cmd /k …` run the rest of the line as a cmd.exe command line. */
function unwrapCmd(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  const at = argv.findIndex((w, i) => i > 0 && /^\/[ck]$/i.test(w.value));
  if (at > 0 && at + 1 < argv.length) nested(cmd, argv.slice(at + 1).map((w) => w.value).join(' '), argv[at + 1].span, 'cmd /c', ctx, out, undefined, 'cmd');
}

/** Options of `wsl` that take a value. */
const WSL_VALUE_OPTIONS = ['-d', '--distribution', '-u', '--user', '--cd', '--shell-type'];

/**
 * `wsl [options] [--] cmd…` runs cmd in the Linux distribution through its default shell, which
 * reads the words as a bash line; `wsl -e cmd…` (`--exec`) runs them without a shell.
 */
function unwrapWsl(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  let i = 1;
  let exec = false;
  for (; i < argv.length; i++) {
    const v = argv[i].value;
    if (v === '--') { i++; break; }
    if (v === '-e' || v === '--exec') { exec = true; i++; break; }
    if (!v.startsWith('-')) break;
    if (WSL_VALUE_OPTIONS.includes(v)) i++;
  }
  out.push({ ...cmd, argv: argv.slice(0, i), ...wraps(argv, i) });
  if (i >= argv.length) return;
  if (exec) peel(withArgv(cmd, argv.slice(i), 'wsl'), ctx, out);
  else nested(cmd, argv.slice(i).map((w) => w.value).join(' '), argv[i].span, 'wsl', ctx, out);
}

/**
 * What `echo`/`printf`/`cat <<EOF` writes, when the line says it literally. `printf` and `echo -e`
 * decode backslash escapes, so `printf '\x72m -rf /'` writes `rm -rf /`.
 */
export function literalOutput(cmd: SimpleCommand): string | undefined {
  const argv = wrappedArgv(cmd.argv);
  const name = basename(argv[0]?.value ?? '');
  if ((name === 'echo' || name === 'printf') && argv.slice(1).every((w) => !w.dynamic)) {
    let args = argv.slice(1).map((w) => w.value);
    let escapes = name === 'printf';
    if (name === 'echo') {
      while (args.length > 0 && /^-[neE]+$/.test(args[0])) {
        if (args[0].includes('e')) escapes = true;
        args = args.slice(1);
      }
    }
    if (name === 'printf' && args.length > 0) {
      // The format's `%s` slots take the remaining arguments; escapes apply to the format.
      const [format, ...rest] = args;
      let k = 0;
      const filled = decodeAnsiC(format.replace(/\\c.*$/s, '')).replace(/%(%|[-+ #0-9.]*[sbdiouxXcqeEfgG])/g, (m, conv: string) => (conv === '%' ? '%' : rest[k++] ?? ''));
      return filled + rest.slice(k).join(' ');
    }
    const text = args.join(' ');
    return escapes ? decodeAnsiC(text) : text.replace(/\\n/g, '\n');
  }
  if (name === 'cat' && argv.length === 1 && cmd.stdin?.kind === 'text') return cmd.stdin.text;
  return undefined;
}

/** Wrappers that only change how a command runs, not what it writes: `time echo x | psql` pipes `x`. */
const TRANSPARENT_WRAPPERS = new Set(['sudo', 'doas', 'command', 'builtin', 'exec', 'nohup', 'setsid', 'time', 'nice', 'ionice', 'timeout', 'stdbuf', 'unbuffer', 'chrt', 'taskset']);

/** The argv a command runs once prefix wrappers (`time`, `sudo -u x`, `env A=1`) are peeled. */
export function wrappedArgv(argv: Word[]): Word[] {
  let a = argv;
  for (let guard = 0; guard < 8 && a.length > 1; guard++) {
    const name = basename(a[0].value);
    let at: number;
    if (name === 'env') {
      at = 1;
      while (at < a.length && (a[at].value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(a[at].value))) at += a[at].value === '-u' || a[at].value === '-C' ? 2 : 1;
    } else if (TRANSPARENT_WRAPPERS.has(name) && !(name === 'command' && commandQueries(a))) {
      const w = PREFIX_WRAPPERS[name];
      at = skipOptions(a, 1, w.withValue, w.positionals);
    } else {
      break;
    }
    if (at >= a.length) break;
    a = a.slice(at);
  }
  return a;
}

function absolute(path: string, ctx: UnwrapContext): string {
  const expanded = path.replace(/^~(?=\/|$)/, ctx.home);
  return normalizePath(expanded.startsWith('/') ? expanded : `${ctx.cwd.replace(/\/+$/, '')}/${expanded}`);
}

/**
 * `echo 'rm -rf ~' > x.sh`, `cat > s.sh <<EOF … EOF`, `printf … | tee x.sh`: a script written on
 * the line, whose text is known, so running it later on the same line (`bash x.sh`, `./x.sh`,
 * `source x.sh`) is read like any other script.
 */
function noteWrittenScript(cmd: SimpleCommand, ctx: UnwrapContext): void {
  const argv = wrappedArgv(cmd.argv);
  const name = basename(argv[0]?.value ?? '');
  let text: string | undefined;
  const targets: { path: Word; append: boolean }[] = [];
  if (name === 'tee') {
    const s = cmd.stdin;
    text = s?.kind === 'text' ? s.text : s?.kind === 'command' ? literalOutput(s.command) : undefined;
    const append = argv.some((w) => w.value === '-a' || w.value === '--append');
    for (const w of argv.slice(1)) if (!w.value.startsWith('-')) targets.push({ path: w, append });
  } else {
    text = literalOutput(cmd);
  }
  for (const r of cmd.redirects) {
    if (r.target && (r.op === '>' || r.op === '>|' || r.op === '>>' || r.op === '&>')) targets.push({ path: r.target, append: r.op === '>>' });
  }
  if (targets.length === 0) return;
  ctx.written ??= new Map();
  for (const t of targets) {
    if (t.path.dynamic || /[$`]/.test(t.path.value)) continue;
    const abs = absolute(t.path.value, ctx);
    if (text === undefined) {
      // Written with text unknown here: whatever was known of it is stale.
      ctx.written.delete(abs);
      continue;
    }
    const before = t.append ? ctx.written.get(abs) ?? '' : '';
    ctx.written.set(abs, before ? `${before}\n${text}` : text);
  }
}

/** Resolve a script path against the working directory, refusing what lies outside it. */
function scriptPath(path: string, ctx: UnwrapContext): string | undefined {
  if (path.includes('$') || path.includes('`')) return undefined;
  const abs = path.startsWith('/') ? path : `${ctx.cwd.replace(/\/+$/, '')}/${path.replace(/^\.\//, '')}`;
  const cwd = ctx.cwd.replace(/\/+$/, '') + '/';
  if (!abs.startsWith(cwd) || abs.split('/').includes('..')) return undefined;
  return abs;
}

function readScript(path: string, cmd: SimpleCommand, ctx: UnwrapContext): string | undefined {
  if (ctx.written && !/[$`]/.test(path)) {
    const known = ctx.written.get(absolute(path, ctx));
    if (known !== undefined) return known;
  }
  const abs = scriptPath(path, ctx);
  if (!abs || !ctx.reader) return undefined;
  const text = ctx.reader.readFile(abs);
  if (text === undefined) return undefined;
  if (text.length > MAX_SCRIPT_BYTES) {
    ctx.issues.push({ message: `the script ${path} is larger than ${MAX_SCRIPT_BYTES / 1024} KiB and was not read`, span: cmd.span });
    return undefined;
  }
  return text;
}

const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0', '-']);

function script(cmd: SimpleCommand, path: Word, shell: string, ctx: UnwrapContext, out: Effective[], dialect: Shell = 'bash'): void {
  if (dialect !== 'bash') path = { ...path, value: path.value.replace(/\\/g, '/') };
  if (STDIN_PATHS.has(path.value)) {
    // `bash /dev/stdin <<< '…'`, `source /dev/stdin`: the script is what arrives on standard input.
    stdinScript(cmd, undefined, shell, ctx, out);
    return;
  }
  const text = readScript(path.value, cmd, ctx);
  if (text === undefined) return;
  nested(cmd, text, path.span, `${shell} ${path.value}`, ctx, out, undefined, dialect);
}

/** Commands a program reads as a script from standard input, or from `file` when given. */
function stdinScript(cmd: SimpleCommand, file: Word | undefined, name: string, ctx: UnwrapContext, out: Effective[]): void {
  if (file) {
    script(cmd, file, name, ctx, out);
    return;
  }
  const text = stdinText(cmd, ctx);
  if (text !== undefined) nested(cmd, text.text, text.span, `${name} <`, ctx, out);
  else if (cmd.stdin?.kind === 'command') nested(cmd, STDIN_MARKER, cmd.stdin.command.span, `| ${name}`, ctx, out);
}

/** The text on a command's standard input, where the line (or a readable file) says it. */
function stdinText(cmd: SimpleCommand, ctx: UnwrapContext): { text: string; span: Span } | undefined {
  const s = cmd.stdin;
  if (s?.kind === 'text') return { text: s.text, span: s.span };
  if (s?.kind === 'file') {
    const text = readScript(s.path.value, cmd, ctx);
    return text === undefined ? undefined : { text, span: s.path.span };
  }
  if (s?.kind === 'command') {
    const literal = literalOutput(s.command);
    if (literal !== undefined) return { text: literal, span: s.command.span };
    const file = catFile(s.command);
    const text = file ? readScript(file.value, cmd, ctx) : undefined;
    if (file && text !== undefined) return { text, span: file.span };
  }
  return undefined;
}

/** `crontab FILE` and `… | crontab -` install jobs: each line's command runs later, unseen. */
function unwrapCrontab(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  if (argv.slice(1).some((w) => /^-[lerR]/.test(w.value) && w.value !== '-')) return;
  const operand = argv.slice(1).find((w, i, all) => !w.value.startsWith('-') && all[i - 1]?.value !== '-u') ?? argv.find((w) => w.value === '-');
  let text: { text: string; span: Span } | undefined;
  if (!operand || operand.value === '-') text = stdinText(cmd, ctx);
  else {
    const file = readScript(operand.value, cmd, ctx);
    if (file !== undefined) text = { text: file, span: operand.span };
  }
  if (!text) return;
  const jobs = text.text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !/^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(l))
    .map((l) => (l.startsWith('@') ? l.replace(/^@\S+\s+/, '') : l.split(/\s+/).slice(5).join(' ')))
    .filter((l) => l);
  for (const job of jobs.slice(0, MAX_ITEMS)) nested(cmd, job.replace(/%.*$/, ''), text.span, 'crontab job', ctx, out);
}

/** tmux commands that start a shell command: new-session, new-window, split-window, respawn-*, run-shell. */
function unwrapTmux(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  let i = skipOptions(argv, 1, ['-L', '-S', '-f', '-T', '-c']);
  const sub = argv[i]?.value;
  if (!sub || !/^(new-session|new|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run|send-keys|send)$/.test(sub)) return;
  if (sub.startsWith('send')) {
    // Keys typed into a pane run when Enter arrives: read the literal keys as a command line.
    const keys = argv.slice(skipOptions(argv, i + 1, ['-t', '-N', '-c'])).filter((w) => !/^(Enter|C-m|KPEnter)$/.test(w.value));
    if (keys.length > 0) nested(cmd, keys.map((w) => w.value).join(' '), keys[0].span, 'tmux send-keys', ctx, out);
    return;
  }
  i = skipOptions(argv, i + 1, ['-c', '-e', '-F', '-n', '-s', '-t', '-x', '-y', '-l', '-p']);
  if (i < argv.length) nested(cmd, argv.slice(i).map((w) => w.value).join(' '), argv[i].span, `tmux ${sub}`, ctx, out);
}

/** `screen -dm cmd args`: the words after screen's options are a command. */
function unwrapScreen(cmd: SimpleCommand, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  const at = skipOptions(argv, 1, ['-S', '-c', '-e', '-h', '-L', '-Logfile', '-p', '-s', '-t', '-T', '-X']);
  out.push({ ...cmd, argv: argv.slice(0, at), ...wraps(argv, at) });
  if (at >= argv.length || argv.slice(1, at).some((w) => w.value === '-X' || w.value === '-r' || w.value === '-ls' || w.value === '-list')) return undefined;
  return withArgv(cmd, argv.slice(at), 'screen');
}

/** `fd PATTERN [PATH] -x cmd {}`: fd runs cmd on each match, like `find -exec`. */
function unwrapFd(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  const exec = argv.findIndex((w) => ['-x', '--exec', '-X', '--exec-batch'].includes(w.value));
  if (exec < 0 || exec + 1 >= argv.length) return;
  const withValue = ['-e', '--extension', '-t', '--type', '-E', '--exclude', '-d', '--max-depth', '--min-depth', '--exact-depth', '-S', '--size', '--changed-within', '--changed-before', '-o', '--owner', '-g', '--glob', '-j', '--threads', '--base-directory', '--search-path', '--ignore-file', '-c', '--color'];
  const positionals: string[] = [];
  let ext: string | undefined;
  for (let i = 1; i < exec; i++) {
    const v = argv[i].value;
    if (v === '-e' || v === '--extension') ext = argv[i + 1]?.value;
    if (withValue.includes(v)) { i++; continue; }
    if (!v.startsWith('-')) positionals.push(v);
  }
  const root = (positionals[1] ?? '.').replace(/\/+$/, '') || '/';
  const narrowed = ext !== undefined ? `*.${ext}` : undefined;
  const found = narrowed ? `${root === '/' ? '' : root}/**/${narrowed}` : positionals[0] !== undefined && positionals[0] !== '.' ? `${root === '/' ? '' : root}/**/*` : foundBelow(root, undefined);
  const inner = argv.slice(exec + 1).filter((w) => w.value !== ';');
  const slot = /\{\}|\{\.\}|\{\/\}|\{\/\/\}|\{\/\.\}/;
  const filled = inner.some((w) => slot.test(w.value))
    ? inner.map((w) => (slot.test(w.value) ? { ...w, value: w.value.replace(new RegExp(slot.source, 'g'), found), dynamic: true } : w))
    : [...inner, { value: found, span: cmd.span, dynamic: true }];
  peel(withArgv(cmd, filled, `fd ${argv[exec].value}`), ctx, out);
}

const SSH_WITH_VALUE = ['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-B', '-P'];

function unwrapSsh(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  const at = skipOptions(argv, 1, SSH_WITH_VALUE);
  const host = argv[at];
  if (!host || at + 1 >= argv.length) return;
  const remoteText = argv.slice(at + 1).map((w) => w.value).join(' ');
  const target = host.value.replace(/^.*@/, '');
  nested(cmd, remoteText, argv[at + 1].span, `ssh ${target}`, ctx, out, { kind: 'ssh', target });
}

const DOCKER_EXEC_WITH_VALUE = ['-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '--detach-keys'];
const DOCKER_RUN_WITH_VALUE = [
  '-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '-v', '--volume', '-p', '--publish', '--name', '--network',
  '--net', '--entrypoint', '-m', '--memory', '--cpus', '--mount', '-l', '--label', '--platform', '--hostname', '-h', '--add-host',
  '--restart', '--pull', '--gpus', '--device', '--cap-add', '--cap-drop', '--security-opt', '--ulimit', '--log-driver', '--tmpfs',
];

function unwrapContainer(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  let sub = 1;
  while (sub < argv.length && argv[sub].value.startsWith('-')) sub += ['-H', '--host', '--context', '-c', '--config', '--log-level', '-l'].includes(argv[sub].value) ? 2 : 1;
  let verb = argv[sub]?.value;
  let at = sub + 1;
  if (verb === 'compose') {
    unwrapCompose(cmd, at, ctx, out, false);
    return;
  }
  if (verb === 'container' && (argv[at]?.value === 'exec' || argv[at]?.value === 'run')) {
    verb = argv[at].value;
    at++;
  }
  if (verb !== 'exec' && verb !== 'run') return;
  at = skipOptions(argv, at, verb === 'exec' ? DOCKER_EXEC_WITH_VALUE : DOCKER_RUN_WITH_VALUE, 1);
  if (at >= argv.length) return;
  const target = argv[at - 1].value;
  const inner = argv.slice(at);
  peel({ ...withArgv(cmd, inner, `${basename(argv[0].value)} ${verb} ${target}`), depth: cmd.depth + 1, remote: { kind: 'container', target } }, ctx, out);
}

const COMPOSE_GLOBAL_WITH_VALUE = ['-f', '--file', '-p', '--project-name', '--profile', '--env-file', '--project-directory', '--ansi', '--parallel', '--progress'];
const COMPOSE_EXEC_WITH_VALUE = ['-e', '--env', '-u', '--user', '-w', '--workdir', '--index'];
const COMPOSE_RUN_WITH_VALUE = [
  '-e', '--env', '-u', '--user', '-w', '--workdir', '-v', '--volume', '-p', '--publish', '--name', '--entrypoint', '-l', '--label',
  '--cap-add', '--cap-drop', '--pull',
];

/** `docker compose exec SERVICE cmd…`, `docker-compose run --rm SERVICE cmd…`: the command runs in the service's container. */
function unwrapCompose(cmd: SimpleCommand, from: number, ctx: UnwrapContext, out: Effective[], pushHost = true): void {
  const argv = cmd.argv;
  if (pushHost) out.push(cmd);
  let at = skipOptions(argv, from, COMPOSE_GLOBAL_WITH_VALUE);
  const verb = argv[at]?.value;
  if (verb !== 'exec' && verb !== 'run') return;
  at = skipOptions(argv, at + 1, verb === 'exec' ? COMPOSE_EXEC_WITH_VALUE : COMPOSE_RUN_WITH_VALUE, 1);
  if (at >= argv.length) return;
  const target = argv[at - 1].value;
  const tool = basename(argv[0].value) === 'docker' || basename(argv[0].value) === 'podman' ? `${basename(argv[0].value)} compose` : basename(argv[0].value);
  peel({ ...withArgv(cmd, argv.slice(at), `${tool} ${verb} ${target}`), depth: cmd.depth + 1, remote: { kind: 'container', target } }, ctx, out);
}

const HEROKU_RUN_WITH_VALUE = ['-a', '--app', '-r', '--remote', '-s', '--size', '-e', '--env', '--type'];
const FLY_SSH_WITH_VALUE = ['-a', '--app', '-r', '--region', '--machine', '-u', '--user', '--address', '--pty', '-c', '--config', '--org', '-o'];

/**
 * A hosting platform running a command on the app's own machines: `heroku run CMD -a APP` (a
 * one-off dyno with the app's config and database), `fly ssh console -C CMD` (a running machine).
 * The command is judged like one sent over ssh, on a host named after the app. False when `cmd`
 * is not that form, so other rules about the CLI itself apply as usual.
 */
function unwrapPaasRun(cmd: SimpleCommand, tool: string, ctx: UnwrapContext, out: Effective[]): boolean {
  const argv = cmd.argv;
  const appOf = (withValue: string[]): string => {
    for (let i = 1; i < argv.length; i++) {
      const v = argv[i].value;
      if ((v === '-a' || v === '--app') && argv[i + 1]) return argv[i + 1].value;
      if (v.startsWith('--app=')) return v.slice(6);
      if (withValue.includes(v)) i++;
    }
    return 'app';
  };
  if (tool === 'heroku') {
    const verb = argv[1]?.value;
    if (verb !== 'run' && verb !== 'run:detached' && verb !== 'run:inside') return false;
    out.push(cmd);
    const at = skipOptions(argv, 2, HEROKU_RUN_WITH_VALUE);
    if (at >= argv.length) return true;
    // Options may follow the command too (`heroku run bash -a app`): the CLI takes them for itself.
    const words: Word[] = [];
    for (let i = at; i < argv.length; i++) {
      if (HEROKU_RUN_WITH_VALUE.includes(argv[i].value)) { i++; continue; }
      if (/^--(?:app|remote|size|env|type)=/.test(argv[i].value) || ['-x', '--exit-code', '--no-tty', '--no-notify'].includes(argv[i].value)) continue;
      words.push(argv[i]);
    }
    if (words.length === 0) return true;
    const target = `heroku:${appOf(HEROKU_RUN_WITH_VALUE)}`;
    nested(cmd, words.map((w) => w.value).join(' '), words[0].span, `heroku ${verb} ${target.slice(7)}`, ctx, out, { kind: 'ssh', target });
    return true;
  }
  // fly / flyctl: `ssh console [options] -C|--command TEXT`
  if (argv[1]?.value !== 'ssh' || argv[2]?.value !== 'console') return false;
  out.push(cmd);
  for (let i = 3; i < argv.length; i++) {
    const v = argv[i].value;
    const eq = v.startsWith('--command=') ? v.slice(10) : undefined;
    if (v === '-C' || v === '--command' || eq !== undefined) {
      const text = eq ?? argv[i + 1]?.value;
      if (text === undefined) return true;
      const target = `fly:${appOf(FLY_SSH_WITH_VALUE)}`;
      nested(cmd, text, argv[eq !== undefined ? i : i + 1].span, `${tool} ssh console ${target.slice(4)}`, ctx, out, { kind: 'ssh', target });
      return true;
    }
    if (FLY_SSH_WITH_VALUE.includes(v)) i++;
  }
  return true;
}

function unwrapKubectlExec(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  const exec = argv.findIndex((w) => w.value === 'exec');
  const dashes = argv.findIndex((w) => w.value === '--');
  if (exec < 0 || dashes < exec || dashes + 1 >= argv.length) return;
  const pod = argv.slice(exec + 1, dashes).find((w, i, all) => !w.value.startsWith('-') && !['-n', '--namespace', '-c', '--container', '--context'].includes(all[i - 1]?.value ?? ''));
  const target = pod?.value ?? 'pod';
  peel({ ...withArgv(cmd, argv.slice(dashes + 1), `kubectl exec ${target}`), depth: cmd.depth + 1, remote: { kind: 'pod', target } }, ctx, out);
}

const GIT_GLOBAL_WITH_VALUE = ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env', '--super-prefix'];

/** Git settings whose value git runs as a shell command (git-config(1)). */
const GIT_COMMAND_SETTINGS = /^(core\.pager|core\.editor|core\.sshcommand|core\.fsmonitor|core\.askpass|sequence\.editor|diff\.external|gpg\.program|gpg\.\w+\.program|pager\.[\w-]+|credential\.helper|credential\..+\.helper|uploadpack\.packobjectshook|diff\.[\w-]+\.textconv|diff\.[\w-]+\.command|filter\.[\w-]+\.(clean|smudge|process)|merge\.[\w-]+\.driver|mergetool\.[\w-]+\.cmd|difftool\.[\w-]+\.cmd)=(.*)$/is;
/** Environment variables whose value git runs as a command. */
const GIT_COMMAND_VARS = new Set(['GIT_SSH_COMMAND', 'GIT_PAGER', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'GIT_EXTERNAL_DIFF', 'GIT_ASKPASS', 'PAGER', 'EDITOR', 'VISUAL']);

/**
 * Commands git itself runs: `-c core.pager=…` and friends, GIT_SSH_COMMAND-style variables,
 * `rebase --exec`, `submodule foreach`, `bisect run`.
 */
function gitCommandOptions(cmd: SimpleCommand, argv: Word[], subAt: number, ctx: UnwrapContext, out: Effective[]): void {
  for (let k = 1; k < subAt; k++) {
    if (argv[k].value !== '-c' || !argv[k + 1]) continue;
    const m = GIT_COMMAND_SETTINGS.exec(argv[k + 1].value);
    // credential.helper values run as shell commands only when they start with `!`.
    if (m && (!/^credential\./i.test(m[1]) || m[3].startsWith('!'))) nested(cmd, m[3].replace(/^!/, ''), argv[k + 1].span, `git -c ${m[1]}`, ctx, out);
  }
  for (const a of cmd.assignments) {
    if (GIT_COMMAND_VARS.has(a.name) && a.value.value) nested(cmd, a.value.value, a.value.span, `${a.name}=`, ctx, out);
  }
  const sub = argv[subAt]?.value;
  const rest = argv.slice(subAt + 1);
  if (sub === 'rebase') {
    for (let k = 0; k < rest.length; k++) {
      const v = rest[k].value;
      if ((v === '-x' || v === '--exec') && rest[k + 1]) nested(cmd, rest[k + 1].value, rest[k + 1].span, 'git rebase --exec', ctx, out);
      else if (v.startsWith('--exec=')) nested(cmd, v.slice('--exec='.length), rest[k].span, 'git rebase --exec', ctx, out);
    }
  } else if (sub === 'submodule' && rest[0]?.value === 'foreach') {
    const words = rest.slice(1).filter((w) => !w.value.startsWith('-'));
    if (words.length > 0) nested(cmd, words.map((w) => w.value).join(' '), words[0].span, 'git submodule foreach', ctx, out);
  } else if (sub === 'bisect' && rest[0]?.value === 'run' && rest.length > 1) {
    peel({ ...withArgv(cmd, rest.slice(1), 'git bisect run'), assignments: [] }, ctx, out);
  }
}

/** `git -c alias.x='!cmd' x` and `git config alias.x …; git x`: expand the alias. */
function unwrapGitAlias(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): SimpleCommand | undefined {
  // `git -- reset` : a `--` before the subcommand only ends git's own options.
  const dd = cmd.argv.findIndex((w, i) => i > 0 && !w.value.startsWith('-'));
  const argv = cmd.argv.filter((w, i) => !(w.value === '--' && (dd < 0 || i < dd) && i > 0 && cmd.argv.slice(1, i).every((x) => x.value.startsWith('-'))));
  if (argv.length !== cmd.argv.length) cmd = { ...cmd, argv };
  const aliases = ctx.scope.gitAliases;
  let i = 1;
  for (; i < argv.length && argv[i].value.startsWith('-'); i++) {
    const v = argv[i].value;
    if (v === '-c' && argv[i + 1]) {
      const m = /^alias\.([^=]+)=(.*)$/s.exec(argv[i + 1].value);
      if (m) aliases.set(m[1], m[2]);
    }
    if (GIT_GLOBAL_WITH_VALUE.includes(v)) i++;
  }
  const sub = argv[i]?.value;
  gitCommandOptions(cmd, argv, i, ctx, out);
  if (sub === 'config') {
    const rest = argv.slice(i + 1).filter((w) => !w.value.startsWith('-'));
    const m = rest[0] ? /^alias\.(.+)$/.exec(rest[0].value) : null;
    if (m && rest[1]) aliases.set(m[1], rest[1].value);
  }
  const alias = sub !== undefined ? aliases.get(sub) : undefined;
  out.push(cmd);
  if (alias === undefined || cmd.depth >= MAX_DEPTH) return undefined;
  const rest = argv.slice(i + 1).map((w) => shellQuote(w.value)).join(' ');
  if (alias.startsWith('!')) {
    nested(cmd, `${alias.slice(1)} ${rest}`, argv[i].span, `git alias ${sub}`, ctx, out);
  } else {
    const prefix = argv.slice(0, i).map((w) => shellQuote(w.value)).join(' ');
    nested(cmd, `${prefix} ${alias} ${rest}`, argv[i].span, `git alias ${sub}`, ctx, out);
  }
  return undefined;
}

/**
 * Every program whose command line unwrapping looks inside. A shell hook's fast path must send
 * these to the engine, since what they run is not their own name.
 */
export const UNWRAPPED_PROGRAMS: readonly string[] = [
  ...new Set([
    ...Object.keys(PREFIX_WRAPPERS), ...Object.keys(RUNNERS), ...SHELLS, 'env', 'cross-env', 'script', 'runuser', 'sg', 'at',
    'batch', 'crontab', 'tmux', 'screen', 'fd', 'fdfind', 'watch', 'xargs', 'parallel', 'find', 'eval', 'cmd', 'source', '.',
    'su', 'ssh', 'docker', 'podman', 'nerdctl', 'kubectl', 'oc', 'git', 'iex', 'invoke-expression', 'pwsh', 'powershell', 'heroku', 'fly', 'flyctl',
    'sed', 'gsed', 'docker-compose', 'podman-compose', 'node', 'nodejs', 'deno', 'bun', 'rscript', 'awk', 'gawk', 'mawk', 'nawk',
  ]),
].sort();

export { newScope };
