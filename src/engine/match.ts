/**
 * Matching one unwrapped command against one rule: argv structure (program, subcommand, options,
 * arguments, path classes), redirections, standard input, inline code and SQL/HTTP content, and
 * context conditions. Every matcher present must hold.
 */
import { Minimatch, braceExpand } from 'minimatch';
import { glob } from './glob';
import type { Analysed, Option } from './analyse';
import type { Effective, FileReader } from './unwrap';
import { basename, literalOutput, wrappedArgv } from './unwrap';

export { analyse } from './analyse';
export type { Analysed } from './analyse';
export { glob } from './glob';
import type { MatchSet, ProgramSpec, Rule } from './packs';
import { classifyPath } from './paths';
import type { PathClass, PathContext } from './paths';
import { sqlKinds } from './sql';
import { findSecrets } from './secrets';
import { httpRequest, hostMatches } from './http';
import type { HttpRequest } from './http';
import { fileWrites } from './fileWrites';
import { TARGET_KIND_NAMES, targetKinds } from './effects';
import type { TargetKind } from './effects';
import type { FileWrite } from './fileWrites';
import { normalizePath } from './paths';
import type { EnvironmentInfo, SimpleCommand, Word } from './types';

export interface MatchContext {
  environment: EnvironmentInfo;
  paths: PathContext;
  programs: Map<string, ProgramSpec>;
  reader?: FileReader;
  /** Files written earlier on the same line with known text, by absolute path. */
  written?: Map<string, string>;
}

function hasFlag(options: Option[], spec: string): boolean {
  const eq = spec.indexOf('=');
  if (eq > 0) {
    const name = spec.slice(0, eq);
    const value = spec.slice(eq + 1);
    return options.some((o) => o.name === name && o.value !== undefined && glob(o.value, value));
  }
  if (/^-[A-Za-z0-9]$/.test(spec)) {
    return options.some((o) => o.name === spec || (o.letters !== undefined && o.letters.includes(spec[1])));
  }
  return options.some((o) => o.name === spec);
}

/** any / all / none over a predicate. */
function setHolds(set: MatchSet | undefined, test: (item: string) => boolean): boolean {
  if (!set) return true;
  if (set.any && !set.any.some(test)) return false;
  if (set.all && !set.all.every(test)) return false;
  if (set.none && set.none.some(test)) return false;
  return true;
}

function anyWord(words: string[], pattern: string, nocase: boolean): boolean {
  return words.some((w) => glob(w, pattern, nocase));
}

/** Where the subcommand (if any) ends: positional index after it. */
function subcommandEnd(a: Analysed, rule: Rule): number | undefined {
  const spec = rule.subcommand;
  if (!spec) return 0;
  if (a.positionals.length < spec.length) return undefined;
  for (let i = 0; i < spec.length; i++) {
    const alts = Array.isArray(spec[i]) ? (spec[i] as string[]) : [spec[i] as string];
    if (!alts.some((p) => glob(a.positionals[i].value, p, rule.nocase))) return undefined;
  }
  return spec.length;
}

function memo<T>(a: Analysed, key: string, make: () => T): T {
  if (a.cache.has(key)) return a.cache.get(key) as T;
  const v = make();
  a.cache.set(key, v);
  return v;
}

function pathClasses(a: Analysed, from: number, ctx: MatchContext): PathClass[] {
  return memo(a, `paths:${from}`, () => a.positionals.slice(from).map((w) => classifyPath(w.value, w.dynamic, ctx.paths)));
}

const WRITE_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);
const PATH_CLASS_NAMES = new Set<string>([
  'root', 'system', 'device', 'home', 'home-data', 'parent', 'workspace', 'workspace-files', 'git', 'source', 'disposable', 'temp', 'outside', 'dynamic',
]);

function redirectTargets(a: Analysed): Word[] {
  const targets = a.cmd.redirects.filter((r) => WRITE_OPS.has(r.op) && r.target).map((r) => r.target!);
  // `… | tee file` and `tee -a file` write files too.
  if (a.program === 'tee') targets.push(...a.positionals);
  return targets;
}

function targetMatches(w: Word, pattern: string, ctx: MatchContext): boolean {
  if (PATH_CLASS_NAMES.has(pattern)) return classifyPath(w.value, w.dynamic, ctx.paths) === pattern;
  const home = ctx.paths.home.replace(/\/+$/, '');
  const expanded = w.value.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, home);
  return glob(expanded, pattern.replace(/^~(?=\/|$)/, home)) || glob(w.value, pattern);
}

/** `~`, `$HOME`, `${HOME}`, `$PWD`, `$(pwd)` at the start of a path: known here, though the shell word counts as dynamic. */
const HOME_PREFIX = /^(~|\$HOME|\$\{HOME\})(?=\/|$)/;
const PWD_PREFIX = /^(\$PWD|\$\{PWD\}|\$\(pwd\)|`pwd`)(?=\/|$)/;

/**
 * Each write's absolute path, per working directory: a write meets every pattern of every `writes`
 * rule, and resolving it once instead of per pattern keeps the universal rules cheap.
 */
const resolvedWrites = new WeakMap<FileWrite, { cwd: string; home: string; abs: string | undefined }>();

/** A written path made absolute against the working directory, or undefined when part of it is unknown. */
function resolveWrite(w: FileWrite, ctx: MatchContext): string | undefined {
  const seen = resolvedWrites.get(w);
  if (seen && seen.cwd === ctx.paths.cwd && seen.home === ctx.paths.home) return seen.abs;
  const abs = resolveWriteOnce(w, ctx);
  resolvedWrites.set(w, { cwd: ctx.paths.cwd, home: ctx.paths.home, abs });
  return abs;
}

function resolveWriteOnce(w: FileWrite, ctx: MatchContext): string | undefined {
  const home = ctx.paths.home.replace(/\/+$/, '');
  const known = HOME_PREFIX.test(w.path) || PWD_PREFIX.test(w.path);
  const p = w.path.replace(HOME_PREFIX, home).replace(PWD_PREFIX, ctx.paths.cwd.replace(/\/+$/, ''));
  if (/[$`]/.test(p) || (w.dynamic === true && !known) || p === '') return undefined;
  // A Windows drive path (`C:/Windows/…`, from PowerShell and cmd lines) is absolute: `/C:/Windows/…`.
  if (/^[A-Za-z]:[\\/]/.test(p)) return normalizePath(`/${p.replace(/\\/g, '/')}`);
  return normalizePath(p.startsWith('/') ? p : `${ctx.paths.cwd}/${p}`);
}

/** `~` where a glob names the home directory: at its start or as one alternative of a brace (`{~,/root}/.bashrc`). */
// Per home, then per pattern: asked for every pattern of every `writes` rule for every write.
// Bounded: homes come from the check's options, patterns from the packs.
const homeGlobs = new Map<string, Map<string, string>>();
function homeGlob(pattern: string, rawHome: string): string {
  let byPattern = homeGlobs.get(rawHome);
  if (byPattern === undefined) {
    if (homeGlobs.size >= 64) homeGlobs.clear();
    byPattern = new Map();
    homeGlobs.set(rawHome, byPattern);
  }
  let g = byPattern.get(pattern);
  if (g === undefined) {
    const home = rawHome.replace(/\/+$/, '');
    g = pattern.replace(/(^|[{,])~(?=[/,}]|$)/g, (_, lead: string) => lead + home);
    if (byPattern.size < 8192) byPattern.set(pattern, g);
  }
  return g;
}

/**
 * A line's shell glob, compiled once: each is tried against every guarded pattern of every
 * `writes` rule, and compiling it each time cost milliseconds for one `find -exec rm {}`.
 * Bounded: the globs come from untrusted lines.
 */
const shellGlobs = new Map<string, Minimatch>();
function shellGlob(path: string): Minimatch {
  let m = shellGlobs.get(path);
  if (!m) {
    m = new Minimatch(path, { dot: false, nocomment: true, nonegate: true });
    if (shellGlobs.size >= 1024) shellGlobs.clear();
    shellGlobs.set(path, m);
  }
  return m;
}

/** A shell glob on the line (`rm .interlock*`, `rm -rf .*`) that would expand to the guarded file a pattern names. */
function shellGlobHits(path: string, pattern: string): boolean {
  // A bare `*` names no file in particular: `rm -rf /tmp/*` is not taken as deleting a `profile.ps1` there.
  const own = path.slice(path.lastIndexOf('/') + 1);
  if (!/[*?[]/.test(own) || !/[^*?[\]]/.test(own)) return false;
  const last = pattern.slice(pattern.lastIndexOf('/') + 1);
  if (last === '' || /[*?[\]{}!()]/.test(last)) return false;
  const candidate = `${path.slice(0, path.lastIndexOf('/'))}/${last}`;
  // The shell's `*` skips dot files unless the glob itself starts with a dot.
  return shellGlob(path).match(candidate) && glob(candidate, pattern);
}

/**
 * A delete, move or mode change of a directory reaches the guarded files in it: `rm -rf .vscode`
 * for `.vscode/settings.json` anywhere, `mv ~/.ssh x` for `~/.ssh/**`. Only the file's own directory
 * counts, so deleting `~/.cache` or `build` does not read as deleting every guarded file.
 */
function coversGuarded(path: string, pattern: string): boolean {
  const dir = pattern.endsWith('/**') ? pattern.slice(0, -3) : pattern.slice(0, Math.max(0, pattern.lastIndexOf('/')));
  if (dir === '' || dir === '**' || dir.endsWith('/**')) return false;
  return glob(path, dir);
}

/** Does a file write hit a guarded-path glob (or path class)? Relative paths resolve against the working directory. */
export function writeMatches(w: FileWrite, pattern: string, ctx: MatchContext): boolean {
  if (PATH_CLASS_NAMES.has(pattern)) return classifyPath(w.path, w.dynamic === true, ctx.paths) === pattern;
  if (TARGET_KIND_NAMES.has(pattern)) return kindsOf(w, ctx).includes(pattern as TargetKind);
  const pat = homeGlob(pattern, ctx.paths.home);
  const abs = resolveWrite(w, ctx);
  if (abs === undefined) {
    // An unknown directory still ends in known names: `"$DIR"/.vscode/settings.json` is that file somewhere.
    if (!pat.startsWith('**/')) return false;
    const segs = w.path.split('/');
    let i = segs.length;
    while (i > 0 && !/[$`]/.test(segs[i - 1])) i--;
    const tail = segs.slice(i).join('/');
    return i > 0 && tail !== '' && glob(`/\u2205/${tail}`, pat);
  }
  if (glob(abs, pat)) return true;
  const whole = w.how === 'delete' || w.how === 'move' || w.how === 'mode';
  return expanded(pat).some((p) => shellGlobHits(abs, p) || (whole && coversGuarded(abs, p)));
}

const braceCache = new Map<string, string[]>();
/** A glob's brace alternatives, so each names one directory and one file name. */
function expanded(pattern: string): string[] {
  let list = braceCache.get(pattern);
  if (!list) {
    list = braceExpand(pattern);
    if (braceCache.size < 4096) braceCache.set(pattern, list);
  }
  return list;
}

/** The command's file writes, whose text (when the rule asks about it) is unknown or matches. */
/** A write's target kinds, once per working directory (every kind-naming pattern asks). */
const writeKinds = new WeakMap<FileWrite, { cwd: string; home: string; kinds: TargetKind[] }>();
function kindsOf(w: FileWrite, ctx: MatchContext): TargetKind[] {
  const seen = writeKinds.get(w);
  if (seen && seen.cwd === ctx.paths.cwd && seen.home === ctx.paths.home) return seen.kinds;
  const kinds = targetKinds(w.path, w.dynamic === true, ctx.paths);
  writeKinds.set(w, { cwd: ctx.paths.cwd, home: ctx.paths.home, kinds });
  return kinds;
}

/** The same file written the same way twice (`rm a a`, `rm rm rm …`) is judged once. */
function distinctWrites(writes: FileWrite[]): FileWrite[] {
  if (writes.length < 2) return writes;
  const seen = new Set<string>();
  return writes.filter((w) => {
    const key = `${w.how}\0${w.dynamic === true}\0${w.path}\0${w.text ?? '\u2205'}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function writesFor(a: Analysed, rule: Rule): FileWrite[] {
  const every = memo(a, 'writes', () => distinctWrites(fileWrites(a)));
  const how = rule.writeHow;
  const all = how ? every.filter((w) => how.includes(w.how)) : every;
  const text = rule.writeText;
  if (!text || all.length === 0) return all;
  const re = regex(text.pattern, 'im');
  return all.filter((w) => w.text === undefined || re.test(w.text));
}

/** The writes of the command that a rule's `writes` globs name: for reasons that say which file. */
export function matchedWrites(a: Analysed, rule: Rule, ctx: MatchContext): FileWrite[] {
  const patterns = [...(rule.writes?.any ?? []), ...(rule.writes?.all ?? [])];
  return writesFor(a, rule).filter((w) => patterns.some((p) => writeMatches(w, p, ctx)));
}

function stdinProgram(a: Analysed): string | undefined {
  const s = a.cmd.stdin;
  if (s?.kind !== 'command') return undefined;
  // Look through prefix wrappers on the producing side: `sudo cat x | sh`.
  return basename(wrappedArgv(s.command.argv)[0]?.value ?? '');
}

/** Content (SQL, mongo, redis) a database client will run, from flags, files, stdin or arguments. */
export function programContent(a: Analysed, spec: ProgramSpec | undefined, ctx: MatchContext, from: number): string | undefined {
  const c = spec?.content;
  if (!c) return undefined;
  return memo(a, `content:${from}`, () => {
    const parts: string[] = [];
    // Content Interlock could not read (a file outside the workspace, a command's output) is noted,
    // so a rule can ask about it instead of treating it as empty.
    const read = (text: string | undefined): void => {
      if (text === undefined) a.cache.set(`content-unreadable:${from}`, true);
      parts.push(text ?? '');
    };
    for (const o of a.options) {
      if (o.value !== undefined && c.flags?.includes(o.name)) parts.push(o.value);
      if (o.value !== undefined && c.files?.includes(o.name)) read(readRelative(o.value, ctx));
    }
    if (c.stdin) {
      const s = a.cmd.stdin;
      if (s?.kind === 'text') parts.push(s.text);
      else if (s?.kind === 'command') read(literalOutput(s.command) ?? readPipedFile(s.command, ctx));
      else if (s?.kind === 'file') read(readRelative(s.path.value, ctx));
    }
    if (c.positional) parts.push(a.positionals.slice(from).map((w) => w.value).join(' '));
    return parts.length > 0 ? parts.join('\n;\n') : undefined;
  });
}

/** `cat schema.sql | psql`: the file's text is what the client reads. */
function readPipedFile(cmd: SimpleCommand, ctx: MatchContext): string | undefined {
  const argv = wrappedArgv(cmd.argv);
  if (basename(argv[0]?.value ?? '') !== 'cat' || argv.length !== 2) return undefined;
  return readRelative(argv[1].value, ctx);
}

function readRelative(path: string, ctx: MatchContext): string | undefined {
  if (/[$`]/.test(path)) return undefined;
  const abs = path.startsWith('/') ? path : `${ctx.paths.cwd.replace(/\/+$/, '')}/${path}`;
  const known = ctx.written?.get(normalizePath(abs));
  if (known !== undefined) return known;
  if (!ctx.reader) return undefined;
  const text = ctx.reader.readFile(abs);
  return text !== undefined && text.length <= 1024 * 1024 ? text : undefined;
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string, flags = 'm'): RegExp {
  const key = `${flags}/${pattern}`;
  let r = regexCache.get(key);
  if (!r) {
    r = new RegExp(pattern, flags);
    regexCache.set(key, r);
  }
  return r;
}

/** Does `rule` match the analysed command in this context? */
export function matches(a: Analysed, rule: Rule, ctx: MatchContext): boolean {
  const when = rule.when;
  if (when) {
    if (when.production !== undefined && when.production !== ctx.environment.production) return false;
    if (when.environments && !when.environments.includes(ctx.environment.label)) return false;
    if (when.remote !== undefined) {
      const kind = a.cmd.remote?.kind;
      const ok = typeof when.remote === 'boolean' ? when.remote === (kind !== undefined) : kind !== undefined && [when.remote].flat().includes(kind);
      if (!ok) return false;
    }
  }
  // Most commands write nothing: a rule that needs a written file is settled before its other matchers.
  if (rule.writes && (rule.writes.any || rule.writes.all) && writesFor(a, rule).length === 0) return false;
  if (rule.dynamicProgram !== undefined && rule.dynamicProgram !== (a.cmd.argv[0]?.dynamic === true)) return false;
  if (rule.wraps !== undefined && rule.wraps !== (a.cmd.wrapper === true)) return false;
  if (rule.stdoutTo) {
    const out = a.cmd.stdout;
    const to = out?.kind === 'pipe' ? basename(out.to.argv[0]?.value ?? '').toLowerCase() : out?.kind ?? 'terminal';
    if (!setHolds(rule.stdoutTo, (p) => glob(to, p))) return false;
  }
  if (rule.stdinFile) {
    const s = a.cmd.stdin;
    if (s?.kind !== 'file' || !setHolds(rule.stdinFile, (p) => targetMatches(s.path, p, ctx))) return false;
  }
  if (rule.secrets) {
    const found = memo(a, 'secrets', () => findSecrets([
      ...a.cmd.argv.map((w) => w.value),
      ...a.cmd.assignments.map((x) => `${x.name}=${x.value.value}`),
      a.cmd.stdin?.kind === 'text' ? a.cmd.stdin.text : '',
    ].join('\n')));
    const kinds = rule.secrets.kinds;
    if (!found.some((f) => !kinds || kinds.includes(f.kind))) return false;
  }
  const end = subcommandEnd(a, rule);
  if (end === undefined) return false;
  if (rule.flags && !setHolds(rule.flags, (f) => hasFlag(a.options, f))) return false;
  const nocase = rule.nocase === true;
  if (rule.args) {
    const rest = a.positionals.slice(end).map((w) => w.value);
    if (!setHolds(rule.args, (p) => anyWord(rest, p, nocase))) return false;
  }
  if (rule.words) {
    const all = a.words.map((w) => w.value);
    if (!setHolds(rule.words, (p) => anyWord(all, p, nocase))) return false;
  }
  if (rule.paths) {
    const classes = pathClasses(a, end, ctx);
    if (!setHolds(rule.paths, (c) => classes.includes(c as PathClass))) return false;
  }
  if (rule.target) {
    const rest = a.positionals.slice(end);
    if (rest.length < 2) return false;
    const dest = rest[rest.length - 1];
    if (!setHolds(rule.target, (p) => targetMatches(dest, p, ctx))) return false;
  }
  if (rule.writes) {
    const writes = writesFor(a, rule);
    if (!setHolds(rule.writes, (p) => writes.some((w) => writeMatches(w, p, ctx)))) return false;
  }
  if (rule.redirects) {
    const targets = redirectTargets(a);
    if (!setHolds(rule.redirects, (p) => targets.some((t) => targetMatches(t, p, ctx)))) return false;
  }
  if (rule.assigns) {
    const names = a.cmd.assignments.map((x) => x.name);
    if (!setHolds(rule.assigns, (p) => names.some((n) => glob(n, p)))) return false;
  }
  if (rule.stdinFrom) {
    const from = stdinProgram(a);
    // Program names match case-insensitively, as they do for `command`: `Invoke-WebRequest | iex`.
    if (!setHolds(rule.stdinFrom, (p) => from !== undefined && glob(from, p, true))) return false;
  }
  if (rule.stdinOpaque !== undefined) {
    const s = a.cmd.stdin;
    const opaque = s?.kind === 'command' && literalOutput(s.command) === undefined;
    if (opaque !== rule.stdinOpaque) return false;
  }
  if (rule.code) {
    const code = a.cmd.code;
    if (!code || (rule.code.languages && !rule.code.languages.includes(code.language))) return false;
    if (!regex(rule.code.pattern).test(code.text)) return false;
  }
  if (rule.sql || rule.content) {
    const spec = ctx.programs.get(a.program);
    const text = programContent(a, spec, ctx, end);
    if (text === undefined) return false;
    if (rule.sql) {
      if (spec?.content?.language !== 'sql' && spec?.content?.language !== 'cql') return false;
      const kinds = memo(a, 'sql', () => sqlKinds(text));
      const unreadable = a.cache.get(`content-unreadable:${end}`) === true;
      if (!rule.sql.statements.some((k) => kinds.has(k as never) || (k === 'unknown' && unreadable))) return false;
    }
    if (rule.content) {
      if (rule.content.languages && !rule.content.languages.includes(spec?.content?.language ?? '')) return false;
      if (!regex(rule.content.pattern).test(text)) return false;
    }
  }
  if (rule.http) {
    const req = memo<HttpRequest | undefined>(a, 'http', () => httpRequest(a, ctx.reader, ctx.paths.cwd));
    if (!req) return false;
    const h = rule.http;
    if (h.methods && !h.methods.includes(req.method)) return false;
    if (h.hosts && !setHolds(h.hosts, (p) => req.hosts.some((host) => hostMatches(host, p)))) return false;
    if (h.authorization !== undefined && h.authorization !== req.authorization) return false;
    if (h.uploadsFile !== undefined && h.uploadsFile !== req.uploadsFile) return false;
    if (h.mutations && !req.mutations.some((m) => h.mutations!.some((p) => glob(m, p, true)))) return false;
    if (h.urls && !setHolds(h.urls, (p) => req.urls.some((u) => glob(u, p, true)))) return false;
    if (h.readOnly !== undefined && h.readOnly !== readOnlyRequest(req)) return false;
  }
  return true;
}

/** GET, HEAD and OPTIONS read; so does a GraphQL POST whose body holds queries and no mutation. */
export function readOnlyRequest(req: HttpRequest): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return true;
  return req.method === 'POST' && req.mutations.length === 0 && /\bquery\b|^\s*\{/.test(req.body) && !/\bmutation\b/.test(req.body) && /"query"|\bquery\s*[{(]/.test(req.body);
}
