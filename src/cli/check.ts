/** `interlock check`: one command line from argv, or a JSONL batch from standard input. */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { environmentLookup, resolveWorkspace } from '../approvals/resolveWorkspace';
import type { ResolvedContext } from '../engine/resolve';
import { explainDecision } from '../engine/explain';
import type { ExplainStyle } from '../engine/explain';
import { SHELLS } from '../engine/types';
import type { Decision, Shell } from '../engine/types';
import { fileReader } from './io';
import { engineFor } from './engines';
import type { CliIo } from './cliIo';
import { DEFAULT_IMPACT_BUDGET_MS, assess } from '../impact/assess';
import type { Impact } from '../impact/assess';

const EXIT: Record<Decision['decision'], number> = { allow: 0, confirm: 1, block: 2 };

interface CheckArgs {
  json: boolean;
  jsonl: boolean;
  impact: boolean;
  env?: string;
  cwd: string;
  command?: string;
  shell: Shell;
}

function isShell(v: unknown): v is Shell {
  return typeof v === 'string' && (SHELLS as readonly string[]).includes(v);
}

const SHELL_ERROR = `--shell must be one of ${SHELLS.join(', ')}`;

function parseArgs(args: string[], cwd: string): CheckArgs | string {
  const out: CheckArgs = { json: false, jsonl: false, impact: false, cwd, shell: 'bash' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.command = args.slice(i + 1).join(' ');
      break;
    }
    if (a === '--json') out.json = true;
    else if (a === '--jsonl') out.jsonl = true;
    else if (a === '--impact') out.impact = true;
    else if (a === '--env' || a === '--cwd' || a === '--shell') {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === '--env') out.env = v;
      else if (a === '--cwd') out.cwd = resolve(cwd, v);
      else if (isShell(v)) out.shell = v;
      else return `${SHELL_ERROR}, not ${JSON.stringify(v)}`;
    } else if (a.startsWith('--shell=')) {
      const v = a.slice(8);
      if (!isShell(v)) return `${SHELL_ERROR}, not ${JSON.stringify(v)}`;
      out.shell = v;
    } else if (a.startsWith('--env=')) out.env = a.slice(6);
    else if (a.startsWith('--cwd=')) out.cwd = resolve(cwd, a.slice(6));
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else {
      out.command = args.slice(i).join(' ');
      break;
    }
  }
  if (!out.jsonl && out.command === undefined) return 'give the command line after --, or use --jsonl';
  return out;
}

interface Request {
  command: string;
  cwd: string;
  env?: string;
  vars: Record<string, string | undefined>;
  shell: Shell;
}

/**
 * What one run (a line, or a batch) has already worked out: each distinct workspace context is
 * resolved once per run, and each warning said once. Never kept between runs: the resident engine
 * serves many, and a rule file may change between two of them.
 */
interface RunState {
  contexts: Map<string, ResolvedContext>;
  warned: Set<string>;
  err: (text: string) => void;
}

function newRun(err: (text: string) => void): RunState {
  return { contexts: new Map(), warned: new Set(), err };
}

async function decide(run: RunState, req: Request, overrides?: Record<string, string>): Promise<Decision> {
  const home = req.vars.HOME ?? homedir();
  const key = JSON.stringify([req.cwd, req.env, overrides ?? null]);
  const warn = (message: string): void => {
    if (run.warned.has(message)) return;
    run.warned.add(message);
    run.err(`interlock: ${message}\n`);
  };
  let resolved = run.contexts.get(key);
  if (!resolved) {
    resolved = resolveWorkspace({ cwd: req.cwd, home, vars: req.vars, label: req.env, labelSource: '--env', warn });
    run.contexts.set(key, resolved);
  }
  if (resolved.configError) warn(resolved.configError);
  if (resolved.withheld.length > 0) {
    warn(`${resolved.configFile ?? 'the workspace rule file'}: held back until a person approves it in the editor (the last approved reading applies): ${resolved.withheld.join('; ')}`);
  }
  const engine = engineFor(resolved.workspacePack);
  const environmentAt = req.env ? undefined : environmentLookup(home, req.vars, warn);
  const d = await engine.check(req.command, { environment: resolved.environment, policy: resolved.policy, cwd: req.cwd, home, reader: fileReader, environmentAt, vars: req.vars, shell: req.shell });
  if (resolved.configError && resolved.environment.production === false) {
    // A broken rule file must not make a workspace look safer than it is.
    d.reasons.push({ rule: 'interlock/workspace-config', message: `The workspace rule file is invalid (${resolved.configError}); the environment is unknown.`, decision: 'allow', risk: 'none' });
  }
  return d;
}

/** JSON shape of the contract: decision, risk, environment, reasons with rule, message, span; `impact` when asked. */
export function toJson(d: Decision, impact?: Impact): string {
  return JSON.stringify({
    decision: d.decision,
    risk: d.risk,
    environment: d.environment,
    reasons: d.reasons.map((r) => ({ rule: r.rule, message: r.message, decision: r.decision, risk: r.risk, span: r.span })),
    ...(impact ? { impact } : {}),
  });
}

/** Milliseconds the impact measure may take (`INTERLOCK_IMPACT_BUDGET_MS`), default 2 s. */
export function impactBudget(vars: Record<string, string | undefined>): number {
  const n = Number(vars.INTERLOCK_IMPACT_BUDGET_MS);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_IMPACT_BUDGET_MS;
}

async function measure(req: Request): Promise<Impact> {
  // The impact reader follows bash's effects; a PowerShell or cmd line is not read as bash.
  if (req.shell === 'powershell' || req.shell === 'cmd') return { measured: false, summary: `not measured (${req.shell} lines are not measured yet)` };
  try {
    const a = await assess(req.command, { engine: engineFor(undefined), cwd: req.cwd, home: req.vars.HOME ?? homedir(), budgetMs: impactBudget(req.vars) });
    return a.impact;
  } catch (e) {
    return { measured: false, summary: `not measured (${(e as Error).message})` };
  }
}

function style(io: CliIo): ExplainStyle {
  const on = io.stdoutIsTTY() && !io.env.NO_COLOR;
  const c = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: c('1'), red: c('31'), yellow: c('33'), green: c('32'), dim: c('2') };
}

export async function runCheck(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, io.cwd);
  if (typeof parsed === 'string') {
    io.err(`interlock check: ${parsed}. See interlock --help.\n`);
    return 64;
  }
  if (parsed.jsonl) return runBatch(parsed, io);
  const req: Request = { command: parsed.command!, cwd: parsed.cwd, env: parsed.env, vars: io.env, shell: parsed.shell };
  const d = await decide(newRun(io.err), req);
  const impact = parsed.impact ? await measure(req) : undefined;
  const text = explainDecision(parsed.command!, d, style(io)) + (impact ? `\n  Impact: ${impact.summary}` : '');
  await io.out((parsed.json ? toJson(d, impact) : text) + '\n');
  return EXIT[d.decision];
}

/** One answer per input line, in order; a bad line gets an error object and the batch goes on. */
async function runBatch(args: CheckArgs, io: CliIo): Promise<number> {
  // Required here: a single check should not load readline and its streams.
  const { createInterface } = require('node:readline') as typeof import('node:readline');
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out: string[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(out.join(''));
    out.length = 0;
  };
  // Copied once: enumerating process.env costs more than deciding a plain line.
  const processVars = { ...io.env };
  const run = newRun(io.err);
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let req: Request;
    let overrides: Record<string, string> | undefined;
    try {
      const obj = JSON.parse(line) as Record<string, unknown>;
      if (typeof obj !== 'object' || obj === null || typeof obj.command !== 'string') throw new Error('expected an object with a string "command"');
      for (const k of ['cwd', 'env'] as const) if (obj[k] !== undefined && typeof obj[k] !== 'string') throw new Error(`"${k}" must be a string`);
      if (obj.shell !== undefined && !isShell(obj.shell)) throw new Error(`"shell" must be one of ${SHELLS.join(', ')}`);
      if (obj.vars !== undefined && (typeof obj.vars !== 'object' || obj.vars === null || Array.isArray(obj.vars))) throw new Error('"vars" must be an object');
      overrides = obj.vars as Record<string, string> | undefined;
      req = {
        command: obj.command,
        cwd: (obj.cwd as string | undefined) ?? args.cwd,
        env: (obj.env as string | undefined) ?? args.env,
        vars: obj.vars === undefined ? processVars : { ...processVars, ...(obj.vars as Record<string, string>) },
        shell: (obj.shell as Shell | undefined) ?? args.shell,
      };
    } catch (e) {
      out.push(JSON.stringify({ error: `line ${lineNo}: ${(e as Error).message}` }) + '\n');
      continue;
    }
    out.push(toJson(await decide(run, req, overrides), args.impact ? await measure(req) : undefined) + '\n');
    if (out.length >= 256) flush();
  }
  flush();
  return 0;
}
