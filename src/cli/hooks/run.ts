/**
 * `interlock hook <agent>`: read the agent's hook JSON from standard input, decide, route a
 * `confirm` to a person, and answer in the agent's protocol before the agent's own hook timeout.
 * Every failure answers with the agent's safe outcome: never a crash, never a silent allow.
 */
import { homedir } from 'node:os';
import type { CliIo } from '../cliIo';
import { decideCall } from './decide';
import { AGENTS, defaultDialect, isAgent, readHookInput, refusal, writeAnswer } from './protocols';
import type { AgentId, Dialect, Output } from './protocols';
import { settle } from './route';
import { hookBudget } from './budget';

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

async function answer(agent: AgentId, io: CliIo, budgetMs: number, started: number, setDialect: (d: Dialect) => void): Promise<{ out: Output; error?: string }> {
  const input = await io.stdin();
  if (!input.ok) return { out: refusal(agent, `Interlock: ${input.error}; refused.`), error: input.error };
  if (input.text.trim() === '') return { out: refusal(agent, 'Interlock: the hook input is empty; refused.'), error: 'the hook input is empty' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(input.text);
  } catch (e) {
    const error = `the hook input is not valid JSON (${(e as Error).message})`;
    return { out: refusal(agent, `Interlock: ${error}; refused.`), error };
  }
  const reading = readHookInput(agent, parsed, io.cwd);
  if (reading.kind === 'pass') return { out: reading.output };
  if (reading.kind === 'invalid') return { out: refusal(agent, `Interlock: ${reading.message}; refused.`), error: reading.message };
  const call = reading.call;
  setDialect(call.dialect);
  const vars = io.env;
  const home = vars.HOME ?? homedir();
  const cwd = call.cwd && call.cwd.startsWith('/') ? call.cwd : call.roots[0] ?? io.cwd;
  const decision = await decideCall({ ...call, cwd }, { cwd, home, vars, warn: (m) => io.err(`interlock: ${oneLine(m)}\n`) });
  const settled = await settle({ ...call, cwd }, decision, { deadline: started + budgetMs, env: vars, home });
  return { out: writeAnswer(settled, call.dialect) };
}

/** Answer one hook call; the caller ends the process (or, in the resident engine, the request). */
export async function runHook(args: string[], io: CliIo): Promise<number> {
  const agent = args[0];
  if (!isAgent(agent) || args.length > 1) {
    // Exit 2 is "block" to every agent: a misconfigured hook must not let calls through.
    io.err(`interlock hook: expected one agent (${AGENTS.join(', ')}), got "${args.join(' ')}"; refused.\n`);
    return 2;
  }
  const started = Date.now();
  const budgetMs = hookBudget(io.env);
  let dialect: Dialect = defaultDialect(agent);
  const out = await new Promise<Output>((resolve) => {
    const timer = setTimeout(() => {
      const message = `Interlock: no decision within ${(budgetMs / 1000).toFixed(budgetMs < 10_000 ? 1 : 0)} s; refused.`;
      io.err(`interlock hook: no decision within ${budgetMs} ms; refused.\n`);
      resolve(writeAnswer({ kind: 'deny', message }, dialect));
    }, budgetMs);
    answer(agent, io, budgetMs, started, (d) => (dialect = d)).then(
      ({ out, error }) => {
        clearTimeout(timer);
        if (error) io.err(`interlock hook: ${oneLine(error)}; refused.\n`);
        resolve(out);
      },
      (e: unknown) => {
        clearTimeout(timer);
        io.err(`interlock hook: internal error (${oneLine((e as Error)?.message ?? String(e))}); refused.\n`);
        resolve(refusal(agent, 'Interlock failed while checking this call; refused.'));
      },
    );
  });
  if (out.stdout) await io.out(out.stdout + '\n');
  return out.code;
}
