/**
 * Unwrapping: what hides a command must not hide it from Interlock. Each simple command is peeled
 * of wrappers (`sudo`, `env`, `timeout`, `xargs`…) and every command text it carries — `bash -c`,
 * `eval`, `ssh host '…'`, `docker exec`, shell strings inside inline interpreters, scripts under the
 * working directory — is parsed and unwrapped in turn, down to a fixed depth.
 */
import { GrammarNeeded, newScope, parseCommandLine, shellQuote } from './parse';
import type { ParseContext, Scope } from './parse';
import type { BashGrammar } from './grammar';
import type { ParseIssue, SimpleCommand, Span, Word } from './types';
import { extractInterpreterCode, shellStringsInCode } from './interpreters';

export const MAX_DEPTH = 8;
/** Scripts larger than this are not read: the answer for them is `confirm`. */
export const MAX_SCRIPT_BYTES = 256 * 1024;

export interface FileReader {
  /** Text of a file, or undefined if it does not exist or cannot be read. Paths are absolute. */
  readFile(path: string): string | undefined;
}

export interface UnwrapContext {
  grammar?: BashGrammar;
  reader?: FileReader;
  cwd: string;
  home: string;
  scope: Scope;
  issues: ParseIssue[];
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
};

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
  peel(cmd, ctx, out);
  return out;
}

function withArgv(cmd: SimpleCommand, argv: Word[], via: string): SimpleCommand {
  return { ...cmd, argv, via: [...cmd.via, via] };
}

function peel(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  let current = cmd;
  for (let guard = 0; guard < 64; guard++) {
    const next = peelOnce(current, ctx, out);
    if (!next) return;
    current = next;
  }
  out.push(current);
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
    out.push({ ...cmd, argv: argv.slice(0, 1) });
    return withArgv(cmd, argv.slice(1), 'assignment');
  }
  const wrapper = PREFIX_WRAPPERS[name];
  if (name === 'command' && argv.slice(1).some((w) => w.value === '-v' || w.value === '-V')) {
    out.push(cmd); // `command -v git` asks where git is; it runs nothing.
    return undefined;
  }
  if (wrapper) {
    if ((name === 'sudo' || name === 'doas') && argv.slice(1).some((w) => w.value === '-s' || w.value === '-i' || w.value === '--shell' || w.value === '--login')) {
      // `sudo -s cmd…` hands the words to a shell as one command string.
      const at = skipOptions(argv, 1, wrapper.withValue);
      out.push(cmd);
      if (at < argv.length) nested(cmd, argv.slice(at).map((w) => w.value).join(' '), argv[at].span, `${name} -s`, ctx, out);
      return undefined;
    }
    const at = skipOptions(argv, 1, wrapper.withValue, wrapper.positionals);
    if (at >= argv.length) {
      out.push(cmd);
      return undefined;
    }
    out.push({ ...cmd, argv: argv.slice(0, at) });
    return withArgv(cmd, argv.slice(at), name);
  }
  switch (name) {
    case 'env':
      return unwrapEnv(cmd, ctx, out);
    case 'watch':
      return unwrapWatch(cmd, ctx, out);
    case 'xargs':
      return unwrapXargs(cmd, out);
    case 'parallel':
      return unwrapParallel(cmd, out);
    case 'find':
      unwrapFind(cmd, ctx, out);
      return undefined;
    case 'eval':
      out.push(cmd);
      if (argv.length > 1) nested(cmd, argv.slice(1).map((w) => w.value).join(' '), argv[1].span, 'eval', ctx, out);
      return undefined;
    case 'source':
    case '.':
      out.push(cmd);
      if (argv[1]) script(cmd, argv[1], 'bash', ctx, out);
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
  const code = extractInterpreterCode(argv, ctx.cwd);
  if (code) {
    let text = code.text;
    if (code.file !== undefined) {
      text = readScript(code.file, cmd, ctx) ?? '';
    }
    const effective: Effective = { ...cmd, code: { language: code.language, text, span: code.span } };
    out.push(effective);
    for (const shell of shellStringsInCode(text, code.language)) {
      if (shell.argv) {
        const words = shell.argv.map((value) => ({ value, span: code.span, dynamic: false }));
        peel({ ...cmd, argv: words, stdin: undefined, via: [...cmd.via, `${name} ${shell.call}`], depth: cmd.depth + 1 }, ctx, out);
      } else if (shell.command !== undefined) {
        nested(cmd, shell.command, code.span, `${name} ${shell.call}`, ctx, out);
      }
    }
    return undefined;
  }
  out.push(cmd);
  return undefined;
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
): void {
  const depth = host.depth + 1;
  if (depth > MAX_DEPTH) {
    ctx.issues.push({ message: `commands are nested more than ${MAX_DEPTH} levels deep; Interlock stops reading there`, span });
    return;
  }
  const pctx: ParseContext = {
    grammar: ctx.grammar,
    scope: ctx.scope,
    depth,
    via: [...host.via, via],
    remote: remote ?? host.remote,
    mapSpan: () => span,
  };
  let parsed;
  try {
    parsed = parseCommandLine(text, pctx);
  } catch (e) {
    if (e instanceof GrammarNeeded) throw e;
    ctx.issues.push({ message: `could not read the nested command: ${(e as Error).message}`, span });
    return;
  }
  ctx.issues.push(...parsed.issues);
  for (const c of parsed.commands) peel(c, ctx, out);
}

function unwrapEnv(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  const assignments = [...cmd.assignments];
  let i = 1;
  for (; i < argv.length; i++) {
    const v = argv[i].value;
    if (v === '--') { i++; break; }
    if (v === '-u' || v === '--unset' || v === '-C' || v === '--chdir') { i++; continue; }
    if (v === '-S' || v === '--split-string' || v.startsWith('-S')) {
      // `env -S 'cmd args'` splits one string into the command and its arguments.
      const text = v === '-S' || v === '--split-string' ? argv[i + 1]?.value ?? '' : v.slice(2);
      out.push({ ...cmd, argv: argv.slice(0, i + 1) });
      nested(cmd, [text, ...argv.slice(i + 2).map((w) => shellQuote(w.value))].join(' '), argv[i].span, 'env -S', ctx, out);
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
  out.push({ ...cmd, argv: argv.slice(0, i), assignments });
  if (i >= argv.length) return undefined;
  return { ...withArgv(cmd, argv.slice(i), 'env'), assignments };
}

function unwrapWatch(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  const at = skipOptions(argv, 1, ['-n', '--interval', '-d', '-q', '--equexit', '--chgexit', '-s', '--shotsdir']);
  out.push({ ...cmd, argv: argv.slice(0, at) });
  if (at >= argv.length) return undefined;
  if (argv.slice(1, at).some((w) => w.value === '-x' || w.value === '--exec')) return withArgv(cmd, argv.slice(at), 'watch');
  // Without -x, watch joins its words and hands them to `sh -c`.
  nested(cmd, argv.slice(at).map((w) => w.value).join(' '), argv[at].span, 'watch', ctx, out);
  return undefined;
}

const FROM_STDIN = (span: Span): Word => ({ value: '{stdin}', span, dynamic: true });

function unwrapXargs(cmd: SimpleCommand, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  const withValue = ['-I', '-i', '-n', '-P', '-L', '-l', '-d', '-E', '-e', '-s', '-a', '--max-args', '--max-procs', '--delimiter', '--arg-file', '--max-chars', '--replace', '--eof', '--process-slot-var'];
  let replace: string | undefined;
  let i = 1;
  for (; i < argv.length && isOption(argv[i]); i++) {
    const v = argv[i].value;
    if (v === '--') { i++; break; }
    if (v === '-I' || v === '--replace') replace = argv[i + 1]?.value;
    else if (v.startsWith('-I') && v.length > 2) replace = v.slice(2);
    else if (v === '-i' || v.startsWith('--replace=')) replace = v.includes('=') ? v.split('=')[1] : '{}';
    if (withValue.includes(v) && !(v === '-i')) i++;
  }
  out.push({ ...cmd, argv: argv.slice(0, i) });
  const inner = i < argv.length ? argv.slice(i) : [{ value: 'echo', span: cmd.span, dynamic: false }];
  // Arguments arrive on standard input: unknown here, so mark them dynamic.
  const filled = replace
    ? inner.map((w) => (w.value.includes(replace!) ? { ...w, value: w.value.split(replace!).join('{stdin}'), dynamic: true } : w))
    : [...inner, FROM_STDIN(cmd.span)];
  return { ...withArgv(cmd, filled, 'xargs'), stdin: undefined };
}

function unwrapParallel(cmd: SimpleCommand, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  const sep = argv.findIndex((w) => w.value === ':::' || w.value === '::::');
  const at = skipOptions(argv, 1, ['-j', '--jobs', '-S', '--sshlogin', '--delay', '--timeout', '--joblog', '--results', '-a', '--arg-file']);
  out.push({ ...cmd, argv: argv.slice(0, at) });
  const template = argv.slice(at, sep >= 0 ? sep : undefined);
  if (template.length === 0) return undefined;
  const inputs = sep >= 0 ? argv.slice(sep + 1) : [];
  const value = inputs.length > 0 ? inputs.map((w) => w.value).join(' ') : '{stdin}';
  const hasSlot = template.some((w) => /\{\}|\{\.\}|\{\/\}/.test(w.value));
  const filled = hasSlot
    ? template.map((w) => (/\{\}|\{\.\}|\{\/\}/.test(w.value) ? { ...w, value: w.value.replace(/\{\}|\{\.\}|\{\/\}/g, value), dynamic: inputs.length === 0 } : w))
    : [...template, { value, span: cmd.span, dynamic: inputs.length === 0 }];
  return withArgv(cmd, filled, 'parallel');
}

const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

function unwrapFind(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): void {
  const argv = cmd.argv;
  out.push(cmd);
  // Starting points come before the first expression word.
  const roots: string[] = [];
  for (const w of argv.slice(1)) {
    if (w.value.startsWith('-') || w.value === '(' || w.value === '!') break;
    roots.push(w.value);
  }
  const root = roots[0] ?? '.';
  for (let i = 1; i < argv.length; i++) {
    if (!FIND_EXEC.has(argv[i].value)) continue;
    const end = argv.findIndex((w, j) => j > i && (w.value === ';' || w.value === '+'));
    const inner = argv.slice(i + 1, end < 0 ? argv.length : end);
    if (inner.length === 0) continue;
    // `{}` stands for each file found below the starting point.
    const below = `${root === '/' ? '' : root.replace(/\/+$/, '')}/{found}`;
    const filled = inner.map((w) => (w.value.includes('{}') ? { ...w, value: w.value.split('{}').join(below), dynamic: true } : w));
    peel(withArgv(cmd, filled, `find ${argv[i].value}`), ctx, out);
    i = end < 0 ? argv.length : end;
  }
}

function unwrapSu(cmd: SimpleCommand, ctx: UnwrapContext, out: Effective[]): SimpleCommand | undefined {
  const argv = cmd.argv;
  out.push(cmd);
  const c = argv.findIndex((w) => w.value === '-c' || w.value === '--command');
  if (c > 0 && argv[c + 1]) nested(cmd, argv[c + 1].value, argv[c + 1].span, 'su -c', ctx, out);
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

/** What `echo`/`printf`/`cat <<EOF` writes, when the line says it literally. */
export function literalOutput(cmd: SimpleCommand): string | undefined {
  const name = basename(cmd.argv[0]?.value ?? '');
  if ((name === 'echo' || name === 'printf') && cmd.argv.slice(1).every((w) => !w.dynamic)) {
    const args = cmd.argv.slice(1).filter((w, i) => !(name === 'echo' && i === 0 && /^-[neE]+$/.test(w.value)));
    return args.map((w) => w.value).join(' ').replace(/\\n/g, '\n');
  }
  if (name === 'cat' && cmd.argv.length === 1 && cmd.stdin?.kind === 'text') return cmd.stdin.text;
  return undefined;
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

function script(cmd: SimpleCommand, path: Word, shell: string, ctx: UnwrapContext, out: Effective[]): void {
  const text = readScript(path.value, cmd, ctx);
  if (text === undefined) return;
  nested(cmd, text, path.span, `${shell} ${path.value}`, ctx, out);
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

export { newScope };
