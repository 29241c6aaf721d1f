/**
 * `interlock hook <agent>`: read the agent's hook JSON from standard input, decide, route a
 * `confirm` to a person, and answer in the agent's protocol before the agent's own hook timeout.
 * Every failure answers with the agent's safe outcome: never a crash, never a silent allow.
 */
import { homedir } from 'node:os';
import { isatty } from 'node:tty';
import { decideCall } from './decide';
import { AGENTS, defaultDialect, isAgent, readHookInput, refusal, writeAnswer } from './protocols';
import type { AgentId, Dialect, Output } from './protocols';
import { settle } from './route';

/** Hook input beyond this is refused: a tool call's JSON is kilobytes, not megabytes. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;
/**
 * The answer must arrive before the agent gives up on the hook (Claude Code's default is 60 s,
 * VS Code's 30 s unless the hook entry says otherwise; the installer writes 60 s everywhere).
 */
export const DEFAULT_BUDGET_MS = 55_000;

export function hookBudget(vars: Record<string, string | undefined>): number {
  const n = Number(vars.INTERLOCK_HOOK_TIMEOUT_MS);
  return Number.isFinite(n) && n >= 100 && n <= 3_600_000 ? n : DEFAULT_BUDGET_MS;
}

type Input = { ok: true; text: string } | { ok: false; error: string };

function readStdin(max: number): Promise<Input> {
  // Checked on the descriptor: touching process.stdin.isTTY would set up the stream for a terminal.
  if (isatty(0)) return Promise.resolve({ ok: false, error: 'no hook input: agents run this command with their hook JSON on standard input' });
  // The stream, not fs.read on fd 0: a read blocked in the thread pool would hold the process at exit.
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (r: Input): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    process.stdin.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        process.stdin.destroy();
        done({ ok: false, error: `the hook input is larger than ${max} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    process.stdin.on('end', () => {
      try {
        done({ ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) });
      } catch {
        done({ ok: false, error: 'the hook input is not valid UTF-8' });
      }
    });
    process.stdin.on('error', (e) => done({ ok: false, error: `cannot read standard input (${e.message})` }));
  });
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

async function answer(agent: AgentId, budgetMs: number, started: number, setDialect: (d: Dialect) => void): Promise<{ out: Output; error?: string }> {
  const input = await readStdin(MAX_INPUT_BYTES);
  if (!input.ok) return { out: refusal(agent, `Interlock: ${input.error}; refused.`), error: input.error };
  if (input.text.trim() === '') return { out: refusal(agent, 'Interlock: the hook input is empty; refused.'), error: 'the hook input is empty' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.text);
  } catch (e) {
    const error = `the hook input is not valid JSON (${(e as Error).message})`;
    return { out: refusal(agent, `Interlock: ${error}; refused.`), error };
  }
  const reading = readHookInput(agent, parsed);
  if (reading.kind === 'pass') return { out: reading.output };
  if (reading.kind === 'invalid') return { out: refusal(agent, `Interlock: ${reading.message}; refused.`), error: reading.message };
  const call = reading.call;
  setDialect(call.dialect);
  const vars = process.env;
  const home = vars.HOME ?? homedir();
  const cwd = call.cwd && call.cwd.startsWith('/') ? call.cwd : call.roots[0] ?? process.cwd();
  const decision = await decideCall({ ...call, cwd }, { cwd, home, vars, warn: (m) => process.stderr.write(`interlock: ${oneLine(m)}\n`) });
  const settled = await settle({ ...call, cwd }, decision, { deadline: started + budgetMs, env: vars, home });
  return { out: writeAnswer(settled, call.dialect) };
}

export async function runHook(args: string[]): Promise<number> {
  const agent = args[0];
  if (!isAgent(agent) || args.length > 1) {
    // Exit 2 is "block" to every agent: a misconfigured hook must not let calls through.
    process.stderr.write(`interlock hook: expected one agent (${AGENTS.join(', ')}), got "${args.join(' ')}"; refused.\n`);
    return 2;
  }
  const started = Date.now();
  const budgetMs = hookBudget(process.env);
  let dialect: Dialect = defaultDialect(agent);
  const out = await new Promise<Output>((resolve) => {
    const timer = setTimeout(() => {
      const message = `Interlock: no decision within ${(budgetMs / 1000).toFixed(budgetMs < 10_000 ? 1 : 0)} s; refused.`;
      process.stderr.write(`interlock hook: no decision within ${budgetMs} ms; refused.\n`);
      resolve(writeAnswer({ kind: 'deny', message }, dialect));
    }, budgetMs);
    answer(agent, budgetMs, started, (d) => (dialect = d)).then(
      ({ out, error }) => {
        clearTimeout(timer);
        if (error) process.stderr.write(`interlock hook: ${oneLine(error)}; refused.\n`);
        resolve(out);
      },
      (e: unknown) => {
        clearTimeout(timer);
        process.stderr.write(`interlock hook: internal error (${oneLine((e as Error)?.message ?? String(e))}); refused.\n`);
        resolve(refusal(agent, 'Interlock failed while checking this call; refused.'));
      },
    );
  });
  // An input that never ended must not keep the process waiting for more.
  process.stdin.destroy();
  if (out.stdout) await new Promise<void>((resolve) => process.stdout.write(out.stdout + '\n', () => resolve()));
  // Whatever else is still pending (a guard that never answered) must not hold the agent.
  setTimeout(() => process.exit(out.code), 200).unref();
  return out.code;
}
