/**
 * The decision: parse the line, unwrap every command it runs, match each against the rule packs
 * in context, and fold the matches into allow / confirm / block with readable reasons.
 * Fail closed: anything the engine cannot read or finish is `confirm`, never `allow`.
 */
import { GrammarNeeded, MAX_NESTING, newScope, structureProblem } from './parse';
import { parseLine } from './dialects/index';
import type { BashGrammar } from './grammar';
import { ParseCancelled } from './grammar';
import { EMPTY_EXPANSIONS, basename, unwrapCommand } from './unwrap';
import type { Effective, FileReader } from './unwrap';
import { matchedWrites, matches } from './match';
import { analyse } from './analyse';
import type { FileWrite } from './fileWrites';
import type { Analysed } from './analyse';
import type { HttpRequest } from './http';
import type { MatchContext } from './match';
import type { Pack, ProgramSpec, Rule } from './packs';
import { glob } from './glob';
import { commandFacts } from './context';
import type { FactPolicy } from './context';
import { DEFAULT_PRODUCTION_PATTERNS } from './environment';
import { DECISION_ORDER, RISK_ORDER } from './types';
import type { Decision, DecisionKind, EnvironmentInfo, ParseIssue, Reason, Risk, Shell } from './types';

/** Lines longer than this are not parsed: a person reviews them instead. */
export const MAX_LINE_LENGTH = 64 * 1024;
export { MAX_NESTING };
/**
 * Milliseconds one decision may take, scripts it reads included. A line that needs longer is
 * `confirm`: a person reads it instead, and the terminal or agent is not held up. Generous, so a
 * cold or loaded machine never turns an ordinary line into a question; typical lines take well
 * under a millisecond.
 */
export const TIME_BUDGET_MS = 1000;
/**
 * One parse may take this long plus a millisecond per 1,000 characters (half the grammar's speed on
 * real shell text here): malformed input whose error recovery runs quadratic is stopped early.
 */
export const PARSE_BASE_MS = 25;
export const PARSE_CHARS_PER_MS = 1000;

export interface RuleIndex {
  packs: Pack[];
  byProgram: Map<string, Rule[]>;
  /** Rules whose program names are globs, and rules with no program (redirects, assignments). */
  globbed: { patterns: string[]; rule: Rule }[];
  /** Rules per program, resolved once: glob-named rules would otherwise be re-matched per command. */
  resolved: Map<string, Rule[]>;
  universal: Rule[];
  /** Rules about a file change alone (`writes`, no program or argv matcher): they also judge agents' file tools. */
  effects: Rule[];
  programs: Map<string, ProgramSpec>;
}

/** Matchers that read a command line; a rule with none of them but `writes` describes a file change alone. */
const COMMAND_MATCHERS = [
  'command', 'subcommand', 'flags', 'args', 'words', 'paths', 'redirects', 'assigns', 'stdinFrom', 'stdinOpaque', 'dynamicProgram', 'wraps',
  'stdoutTo', 'stdinFile', 'secrets', 'code', 'sql', 'content', 'http', 'target',
] as const;

/** Index packs by program name, so each command meets only the rules that name it. */
export function indexPacks(packs: Pack[]): RuleIndex {
  const index: RuleIndex = { packs, byProgram: new Map(), globbed: [], universal: [], effects: [], programs: new Map(), resolved: new Map() };
  for (const pack of packs) {
    for (const [name, spec] of Object.entries(pack.programs ?? {})) {
      const prev = index.programs.get(name);
      index.programs.set(name, prev ? mergeSpecs(prev, spec) : spec);
    }
    for (const rule of pack.rules) {
      if (rule.writes && COMMAND_MATCHERS.every((m) => rule[m] === undefined)) index.effects.push(rule);
      if (rule.command === undefined) {
        index.universal.push(rule);
        continue;
      }
      const names = Array.isArray(rule.command) ? rule.command : [rule.command];
      const literal = names.filter((n) => !/[*?[\]{}]/.test(n));
      const patterns = names.filter((n) => /[*?[\]{}]/.test(n));
      for (const n of literal.map((x) => x.toLowerCase())) {
        const list = index.byProgram.get(n) ?? [];
        list.push(rule);
        index.byProgram.set(n, list);
      }
      if (patterns.length > 0) index.globbed.push({ patterns, rule });
    }
  }
  return index;
}

function mergeSpecs(a: ProgramSpec, b: ProgramSpec): ProgramSpec {
  return {
    optionsWithValue: [...new Set([...(a.optionsWithValue ?? []), ...(b.optionsWithValue ?? [])])],
    content: a.content ?? b.content,
  };
}

export interface EvaluateOptions {
  rules: RuleIndex;
  /** The workspace's environment; commands may add facts of their own (`--context prod`). */
  environment: EnvironmentInfo;
  /** What counts as production in names and hosts (from `.interlock.jsonc`, or the defaults). */
  policy?: FactPolicy;
  cwd: string;
  home: string;
  grammar?: BashGrammar;
  /** tree-sitter's PowerShell grammar, for PowerShell lines and PowerShell text inside other lines. */
  powershell?: BashGrammar;
  /** The dialect the line is written in; default bash (zsh and fish are read as bash). */
  shell?: Shell;
  reader?: FileReader;
  /**
   * The environment of another folder, for a line that moves there (`cd prod-app && kubectl …`):
   * the adapter resolves its rule files the way it resolved the starting folder's.
   */
  environmentAt?: (cwd: string) => EnvironmentInfo | undefined;
  /**
   * The environment variables the command will run with. Temp-directory variables are read from
   * here (unset is empty: `rm -rf "$TMPDIR"/*` is `rm -rf /*` then); without it they are taken as set.
   */
  vars?: Record<string, string | undefined>;
}

/** Variables path classification would otherwise take as a temp directory (paths.ts). */
const TEMP_VARS = ['TMPDIR', 'TMP', 'TEMP', 'RUNNER_TEMP'];

/** A line's scope seeded with what the check's environment says of the temp-directory variables. */
function seededScope(vars: EvaluateOptions['vars']): ReturnType<typeof newScope> {
  const scope = newScope();
  if (!vars) return scope;
  for (const name of TEMP_VARS) {
    const value = vars[name];
    scope.vars.set(name, value ? { value, dynamic: false } : { value: '', dynamic: false, unset: true });
  }
  return scope;
}

export const UNKNOWN_ENVIRONMENT: EnvironmentInfo = { label: 'unknown', production: false, source: 'none', facts: [] };

function rulesFor(program: string, index: RuleIndex): Rule[] {
  let rules = index.resolved.get(program);
  if (!rules) {
    const direct = index.byProgram.get(program) ?? [];
    const globbed = index.globbed.filter((g) => g.patterns.some((p) => glob(program, p, true))).map((g) => g.rule);
    rules = globbed.length === 0 && index.universal.length === 0 ? direct : [...direct, ...globbed, ...index.universal];
    // Bounded: program names come from untrusted lines.
    if (index.resolved.size < 4096) index.resolved.set(program, rules);
  }
  return rules;
}

/** Quick scan for input that must not reach the parser: too long, NUL, broken text, deep nesting, a flood of syntax errors. */
export function precheck(line: string): string | undefined {
  if (line.length > MAX_LINE_LENGTH) return `the command is ${line.length} characters long, more than the ${MAX_LINE_LENGTH} Interlock reads`;
  if (line.includes('\0')) return 'the command contains a NUL byte';
  if (line.includes('\uFFFD') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(line)) {
    return 'the command contains invalid UTF-8 or broken characters';
  }
  return structureProblem(line);
}

function failClosed(rule: string, message: string, environment: EnvironmentInfo): Decision {
  return { decision: 'confirm', risk: 'medium', environment, reasons: [{ rule, message, decision: 'confirm', risk: 'medium' }] };
}

/**
 * Decide one command line. Throws GrammarNeeded if the line needs the bash grammar and none was
 * given; every other failure becomes a `confirm` decision.
 */
export function evaluate(line: string, opts: EvaluateOptions): Decision {
  const environment = opts.environment;
  const problem = precheck(line);
  if (problem) return failClosed('interlock/unreadable-input', `Interlock cannot check this command safely: ${problem}.`, environment);
  const clock = { deadline: performance.now() + TIME_BUDGET_MS };
  try {
    return evaluateParsed(line, opts, clock);
  } catch (e) {
    if (e instanceof GrammarNeeded) throw e;
    if (e instanceof ParseCancelled) return failClosed('interlock/too-complex', OUT_OF_TIME, environment);
    if (e instanceof RangeError) return failClosed('interlock/too-complex', 'The command is too complex for Interlock to read; a person should look at it.', environment);
    return failClosed('interlock/engine-error', `Interlock failed while checking this command (${(e as Error).message}); a person should look at it.`, environment);
  }
}

const OUT_OF_TIME = 'The command takes Interlock too long to read; a person should look at it.';

interface Clock {
  /** `performance.now()` time by which the decision must be done. */
  deadline: number;
}

/** The grammar, stopped when a parse outruns its own bound or the decision's clock runs out. */
function bounded(grammar: BashGrammar | undefined, clock: Clock): BashGrammar | undefined {
  return grammar && {
    parse: (text) => {
      const own = Math.min(clock.deadline, performance.now() + PARSE_BASE_MS + text.length / PARSE_CHARS_PER_MS);
      return grammar.parse(text, () => performance.now() > own);
    },
  };
}

function evaluateParsed(line: string, opts: EvaluateOptions, clock: Clock): Decision {
  const scope = seededScope(opts.vars);
  const grammar = bounded(opts.grammar, clock);
  const powershell = bounded(opts.powershell, clock);
  const parsed = parseLine(line, {
    grammar,
    powershell,
    scope,
    depth: 0,
    via: [],
    mapSpan: (s) => s,
  }, opts.shell);
  const issues: ParseIssue[] = [...parsed.issues];
  const ctx: MatchContext = {
    environment: opts.environment,
    paths: { cwd: opts.cwd, home: opts.home },
    programs: opts.rules.programs,
    reader: opts.reader,
  };
  const reasons: Reason[] = [];
  const seen = new Set<string>();
  const lineFacts: EnvironmentInfo['facts'] = [];
  const policy = opts.policy ?? { productionPatterns: DEFAULT_PRODUCTION_PATTERNS, productionHosts: [] };
  // Files the line writes with known text (`echo … > drop.sql && psql -f drop.sql`): read by unwrapping and by content matchers.
  const written = new Map<string, string>();
  ctx.written = written;
  const unwrapCtx = { grammar, powershell, reader: opts.reader, cwd: opts.cwd, home: opts.home, scope, issues, written };
  let cwd = opts.cwd;
  let outOfTime = false;
  // The line's environment: the starting folder's, or a production folder's it moves into.
  let base = opts.environment;
  for (const command of parsed.commands) {
    if (performance.now() > clock.deadline) {
      outOfTime = true;
      break;
    }
    // `cd / && rm -rf *`: later relative paths resolve against where the line has moved to.
    if (command.depth === 0 && cwd !== ctx.paths.cwd) {
      ctx.paths = { ...ctx.paths, cwd };
      unwrapCtx.cwd = cwd;
      // Production wherever the line goes next: moving out of it never makes a line safer.
      const there = !base.production && cwd.startsWith('/') && !/[$`]/.test(cwd) ? opts.environmentAt?.(cwd) : undefined;
      if (there?.production) base = { ...there, source: `${there.source} of ${cwd}` };
    }
    for (const eff of unwrapCommand(command, unwrapCtx)) {
      // A reading that assumes unset variables flags more; it does not move the line elsewhere.
      if (!eff.via.includes(EMPTY_EXPANSIONS)) {
        cwd = followCd(eff, cwd, opts.home);
        noteTerraformWorkspace(eff, scope.vars);
      }
      const facts = commandFacts(eff, policy, scope.vars, { cwd: ctx.paths.cwd, home: opts.home, reader: opts.reader });
      for (const f of facts) if (!lineFacts.some((x) => x.kind === f.kind && x.value === f.value)) lineFacts.push(f);
      const environment = facts.length > 0 ? { ...base, production: true, facts: [...base.facts, ...facts] } : base;
      for (const r of matchCommand(eff, opts.rules, { ...ctx, environment })) {
        const key = `${r.rule}@${r.span?.start}:${r.span?.end}`;
        if (seen.has(key)) continue;
        seen.add(key);
        reasons.push(r);
      }
    }
  }
  if (outOfTime) reasons.push({ rule: 'interlock/too-complex', message: OUT_OF_TIME, decision: 'confirm', risk: 'medium' });
  for (const issue of dedupeIssues(issues)) {
    reasons.push({ rule: 'interlock/unparsed', message: `Interlock could not fully read this command: ${issue.message}.`, decision: 'confirm', risk: 'medium', span: issue.span });
  }
  const environment = lineFacts.length > 0 ? { ...base, production: true, facts: [...base.facts, ...lineFacts] } : base;
  return fold(reasons, environment);
}

/** The directory a static `cd DIR` moves to; unknown targets (`cd $X`, `cd -`) count as unknown. */
export function followCd(eff: Effective, cwd: string, home: string): string {
  const words = eff.argv.map((w) => w.value);
  if (words[0] !== 'cd' && words[0] !== 'pushd') return cwd;
  const target = words.slice(1).find((w) => !w.startsWith('-') || w === '-');
  if (target === undefined || target === '~') return home;
  if (target === '-' || eff.argv.slice(1).some((w) => w.dynamic)) return '/$unknown-cd';
  const expanded = target.replace(/^~(?=\/|$)/, home);
  // `C:/` and `D:/work` (PowerShell and cmd lines) are absolute too.
  return expanded.startsWith('/') || /^[A-Za-z]:[\\/]/.test(expanded) ? expanded : `${cwd.replace(/\/+$/, '')}/${expanded}`;
}

/** `terraform workspace select prod && terraform destroy`: later commands target that workspace. */
function noteTerraformWorkspace(eff: Effective, vars: Map<string, { value: string; dynamic: boolean }>): void {
  const words = eff.argv.map((w) => w.value);
  const program = basename(words[0] ?? '');
  if ((program === 'terraform' || program === 'tofu') && words[1] === 'workspace' && (words[2] === 'select' || words[2] === 'new') && words[3]) {
    vars.set('__terraform_workspace', { value: words[3], dynamic: false });
  }
}

/** Name the facts that make this production, so a reason says why it matters here. */
function productionNote(env: EnvironmentInfo): string {
  const facts = env.facts.filter((f) => f.production);
  if (facts.length === 0) return env.production ? ` — environment ${env.label} (${env.source})` : '';
  return ` — production: ${facts.map((f) => `${f.kind} ${f.value} (from ${f.source})`).join(', ')}`;
}

function dedupeIssues(issues: ParseIssue[]): ParseIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => (seen.has(i.message) ? false : (seen.add(i.message), true)));
}

function matchCommand(eff: Effective, index: RuleIndex, ctx: MatchContext): Reason[] {
  // Program names match case-insensitively: `GIT` runs git on case-insensitive file systems.
  const program = eff.argv.length > 0 ? basename(eff.argv[0].value).toLowerCase() : '';
  const rules = rulesFor(program, index);
  if (rules.length === 0) return [];
  const a = analyse(eff, index.programs.get(program));
  const out: Reason[] = [];
  const silenced = new Set<string>();
  for (const rule of rules) {
    if (!matches(a, rule, ctx)) continue;
    if (rule.decision === 'allow' && rule.overrides) for (const id of rule.overrides) silenced.add(id);
    const decision = ctx.environment.production && rule.production ? rule.production : rule.decision;
    const where = eff.via.length > 0 ? ` (via ${eff.via.join(' → ')})` : '';
    const remote = eff.remote ? ` on ${eff.remote.kind === 'ssh' ? 'host' : eff.remote.kind} ${eff.remote.target}` : '';
    const env = ctx.environment.production ? productionNote(ctx.environment) : '';
    const writes = rule.writes ? writeNote(matchedWrites(a, rule, ctx)) : '';
    out.push({ rule: rule.id, message: `${rule.reason}${writes}${rule.http ? requestNote(a) : ''}${remote}${where}${env}`, decision, risk: rule.risk, span: eff.span });
  }
  // An approved workspace rule may silence named rules for the commands it matches.
  return silenced.size > 0 ? out.filter((r) => !silenced.has(r.rule)) : out;
}

/** Name the request a rule about HTTP matched: method, host and any mutations, e.g. `(POST backboard.railway.app: volumeDelete)`. */
function requestNote(a: Analysed): string {
  const req = a.cache.get('http') as HttpRequest | undefined;
  if (!req) return '';
  const host = req.hosts[0]?.replace(/:(80|443)$/, '');
  const ops = req.mutations.length > 0 ? `: ${req.mutations.slice(0, 3).join(', ')}` : '';
  return ` (${req.method}${host ? ` ${host}` : ''}${ops})`;
}

const WRITE_VERBS: Record<FileWrite['how'], string> = { write: 'writes', append: 'appends to', delete: 'deletes', move: 'moves away', edit: 'edits', mode: 'changes the mode of' };

/** Name the files a `writes` rule matched, e.g. ` (writes .interlock.jsonc)`. */
function writeNote(writes: FileWrite[], tool?: string): string {
  if (writes.length === 0) return '';
  const shown = writes.slice(0, 3).map((w) => `${WRITE_VERBS[w.how]} ${w.path}`).join(', ');
  return ` (${tool ? `${tool} ` : ''}${shown}${writes.length > 3 ? ', …' : ''})`;
}

export interface WriteCheckOptions {
  rules: RuleIndex;
  environment: EnvironmentInfo;
  cwd: string;
  home: string;
}

/**
 * Decide an agent's direct file changes (its Write/Edit/patch tools, no shell line) with the rules
 * that describe a file change alone, so a tool's write and a shell's write of a file meet the same rules.
 */
export function checkFileWrites(writes: FileWrite[], opts: WriteCheckOptions, tool: string): Decision {
  const environment = opts.environment;
  try {
    const ctx: MatchContext = { environment, paths: { cwd: opts.cwd, home: opts.home }, programs: opts.rules.programs };
    // The writes stand in for a command: matchers read them from the cache, and there is no argv.
    const a: Analysed = {
      cmd: { argv: [], assignments: [], redirects: [], span: { start: 0, end: 0 }, via: [], depth: 0 },
      program: '',
      options: [],
      positionals: [],
      words: [],
      cache: new Map<string, unknown>([['writes', writes]]),
    };
    const reasons: Reason[] = [];
    const silenced = new Set<string>();
    const env = environment.production ? productionNote(environment) : '';
    for (const rule of opts.rules.effects) {
      if (!matches(a, rule, ctx)) continue;
      if (rule.decision === 'allow' && rule.overrides) for (const id of rule.overrides) silenced.add(id);
      const decision = environment.production && rule.production ? rule.production : rule.decision;
      reasons.push({ rule: rule.id, message: `${rule.reason}${writeNote(matchedWrites(a, rule, ctx), tool)}${env}`, decision, risk: rule.risk });
    }
    return fold(reasons.filter((r) => !silenced.has(r.rule)), environment);
  } catch (e) {
    return failClosed('interlock/engine-error', `Interlock failed while checking ${tool}'s file changes (${(e as Error).message}); a person should look at it.`, environment);
  }
}

/** The strictest decision wins; risk is the highest named. */
export function fold(reasons: Reason[], environment: EnvironmentInfo): Decision {
  let decision: DecisionKind = 'allow';
  let risk: Risk = 'none';
  for (const r of reasons) {
    if (DECISION_ORDER[r.decision] > DECISION_ORDER[decision]) decision = r.decision;
    if (r.decision !== 'allow' && RISK_ORDER[r.risk] > RISK_ORDER[risk]) risk = r.risk;
  }
  const flagged = reasons.filter((r) => r.decision !== 'allow');
  flagged.sort((x, y) => DECISION_ORDER[y.decision] - DECISION_ORDER[x.decision] || RISK_ORDER[y.risk] - RISK_ORDER[x.risk]);
  return { decision, risk, environment, reasons: flagged };
}
