/** `interlock check`: one command line from argv, or a JSONL batch from standard input. */
import { homedir } from 'node:os';
import { createEngine } from '../engine/index';
import type { Engine } from '../engine/index';
import { environmentLookup, resolveWorkspace } from '../approvals/resolveWorkspace';
import type { ResolvedContext } from '../engine/resolve';
import type { Pack } from '../engine/packs';
import { explainDecision } from '../engine/explain';
import type { ExplainStyle } from '../engine/explain';
import { SHELLS } from '../engine/types';
import type { Decision, Shell } from '../engine/types';
import { builtinPacks, fileReader, grammarBytesForCli } from './io';

const EXIT: Record<Decision['decision'], number> = { allow: 0, confirm: 1, block: 2 };

interface CheckArgs {
  json: boolean;
  jsonl: boolean;
  env?: string;
  cwd: string;
  command?: string;
  shell: Shell;
}

function isShell(v: unknown): v is Shell {
  return typeof v === 'string' && (SHELLS as readonly string[]).includes(v);
}

const SHELL_ERROR = `--shell must be one of ${SHELLS.join(', ')}`;

function parseArgs(args: string[]): CheckArgs | string {
  const out: CheckArgs = { json: false, jsonl: false, cwd: process.cwd(), shell: 'bash' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      out.command = args.slice(i + 1).join(' ');
      break;
    }
    if (a === '--json') out.json = true;
    else if (a === '--jsonl') out.jsonl = true;
    else if (a === '--env' || a === '--cwd' || a === '--shell') {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === '--env') out.env = v;
      else if (a === '--cwd') out.cwd = v;
      else if (isShell(v)) out.shell = v;
      else return `${SHELL_ERROR}, not ${JSON.stringify(v)}`;
    } else if (a.startsWith('--shell=')) {
      const v = a.slice(8);
      if (!isShell(v)) return `${SHELL_ERROR}, not ${JSON.stringify(v)}`;
      out.shell = v;
    } else if (a.startsWith('--env=')) out.env = a.slice(6);
    else if (a.startsWith('--cwd=')) out.cwd = a.slice(6);
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

/** Engines by workspace rule file, so a batch over many workspaces builds each index once. */
const engines = new Map<string, Engine>();

function engineFor(workspacePack: Pack | undefined, configFile: string | undefined): Engine {
  const key = workspacePack ? configFile ?? '' : '';
  let engine = engines.get(key);
  if (!engine) {
    engine = createEngine({ packs: workspacePack ? [...builtinPacks(), workspacePack] : builtinPacks(), grammarBytes: grammarBytesForCli });
    engines.set(key, engine);
  }
  return engine;
}

/** A batch resolves each distinct workspace context once, not once per line. */
const contexts = new Map<string, ResolvedContext>();

async function decide(req: Request, overrides?: Record<string, string>): Promise<Decision> {
  const home = req.vars.HOME ?? homedir();
  const key = JSON.stringify([req.cwd, req.env, overrides ?? null]);
  let resolved = contexts.get(key);
  if (!resolved) {
    resolved = resolveWorkspace({ cwd: req.cwd, home, vars: req.vars, label: req.env, labelSource: '--env', warn });
    contexts.set(key, resolved);
  }
  if (resolved.configError) warn(resolved.configError);
  if (resolved.withheld.length > 0) {
    warn(`${resolved.configFile ?? 'the workspace rule file'}: held back until a person approves it in the editor (the last approved reading applies): ${resolved.withheld.join('; ')}`);
  }
  const engine = engineFor(resolved.workspacePack, resolved.configFile);
  const environmentAt = req.env ? undefined : environmentLookup(home, req.vars, warn);
  const d = await engine.check(req.command, { environment: resolved.environment, policy: resolved.policy, cwd: req.cwd, home, reader: fileReader, environmentAt, vars: req.vars, shell: req.shell });
  if (resolved.configError && resolved.environment.production === false) {
    // A broken rule file must not make a workspace look safer than it is.
    d.reasons.push({ rule: 'interlock/workspace-config', message: `The workspace rule file is invalid (${resolved.configError}); the environment is unknown.`, decision: 'allow', risk: 'none' });
  }
  return d;
}

const warned = new Set<string>();
function warn(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`interlock: ${message}\n`);
}

/** JSON shape of the contract: decision, risk, environment, reasons with rule, message, span. */
export function toJson(d: Decision): string {
  return JSON.stringify({
    decision: d.decision,
    risk: d.risk,
    environment: d.environment,
    reasons: d.reasons.map((r) => ({ rule: r.rule, message: r.message, decision: r.decision, risk: r.risk, span: r.span })),
  });
}

function style(): ExplainStyle {
  const on = process.stdout.isTTY && !process.env.NO_COLOR;
  const c = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: c('1'), red: c('31'), yellow: c('33'), green: c('32'), dim: c('2') };
}

export async function runCheck(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`interlock check: ${parsed}. See interlock --help.\n`);
    return 64;
  }
  if (parsed.jsonl) return runBatch(parsed);
  const d = await decide({ command: parsed.command!, cwd: parsed.cwd, env: parsed.env, vars: process.env, shell: parsed.shell });
  process.stdout.write((parsed.json ? toJson(d) : explainDecision(parsed.command!, d, style())) + '\n');
  return EXIT[d.decision];
}

/** One answer per input line, in order; a bad line gets an error object and the batch goes on. */
async function runBatch(args: CheckArgs): Promise<number> {
  // Required here: a single check should not load readline and its streams.
  const { createInterface } = require('node:readline') as typeof import('node:readline');
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out: string[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(out.join(''));
    out.length = 0;
  };
  // Copied once: enumerating process.env costs more than deciding a plain line.
  const processVars = { ...process.env };
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
    out.push(toJson(await decide(req, overrides)) + '\n');
    if (out.length >= 256) flush();
  }
  flush();
  return 0;
}
