/**
 * Who settles a `confirm`: the person at the editor window guarding this workspace (its modal,
 * over the guard channel), else the agent's own prompt, else nobody (a refusal that says how to
 * go ahead). `block` is refused without asking anyone; `allow` says nothing.
 */
import type { Decision } from '../../engine/types';
import { adviceFor, agentAsksFor } from './agentRules';
import { canAsk } from './protocols';
import type { Answer, HookCall } from './protocols';

export interface SettleOptions {
  /** Epoch milliseconds by which the agent must have its answer. */
  deadline: number;
  env: Record<string, string | undefined>;
  home: string;
}

const AGENT_NAMES: Record<HookCall['agent'], string> = { claude: 'Claude Code', cursor: 'Cursor', copilot: 'Copilot', gemini: 'Gemini CLI', codex: 'Codex' };
/** Time kept back from the deadline to write the answer. */
const MARGIN_MS = 300;
/** A claim on a call this old is left over from a process that was killed. */
const STALE_CLAIM_MS = 10 * 60_000;
/** Larger requests are refused by the guard channel; such a command goes to the agent's prompt. */
const MAX_GUARD_COMMAND = 128 * 1024;

/** One line naming what was found and by which rules. */
export function summarize(d: Decision): string {
  const parts = d.reasons.filter((r) => r.decision !== 'allow').slice(0, 3).map((r) => `${r.message} [${r.rule}]`);
  const more = d.reasons.length > 3 ? ` (+${d.reasons.length - 3} more)` : '';
  const text = parts.join(' ') + more;
  return text.length > 1500 ? text.slice(0, 1497) + '…' : text;
}

/** What the modal shows as "the command": the line itself, or a readable form of a tool call. */
export function guardCommand(call: HookCall): string {
  const s = call.subject;
  if (s.kind === 'shell') return s.command;
  if (s.kind === 'files') return `${s.access.tool} ${[...s.access.paths, ...(s.access.globs ?? [])].join(' ')}`;
  if (s.kind === 'writes') return `${call.tool} ${s.writes.map((w) => `${w.how} ${w.path}`).join(', ')}`;
  const args = JSON.stringify(s.call.args ?? {});
  const text = `${s.call.server ? `${s.call.server}.` : ''}${s.call.tool} ${args}`;
  return text.length > 16 * 1024 ? text.slice(0, 16 * 1024) + '…' : text;
}

function prefixed(message: string): string {
  return /^interlock\b/i.test(message) ? message : `Interlock: ${message}`;
}

/** Nobody can be asked in the editor: the agent's own prompt, or a refusal saying how to go ahead. */
function withoutEditor(call: HookCall, d: Decision, opts: SettleOptions, why?: string): Answer {
  const summary = summarize(d);
  const note = why ? ` (${why})` : '';
  if (canAsk(call.dialect)) return { kind: 'ask', message: `Interlock asks you to confirm: ${summary}${note}` };
  const command = call.subject.kind === 'shell' ? call.subject.command : undefined;
  if ((call.agent === 'codex' || call.agent === 'gemini') && command !== undefined) {
    const rule = agentAsksFor(call.agent, command, { home: opts.home, cwd: call.cwd, vars: opts.env });
    // The agent's own rule asks the person: step aside rather than refuse what they chose to be asked about.
    if (rule) return { kind: 'allow', byPerson: false, message: `Interlock defers to ${rule}` };
  }
  const advice = call.agent === 'codex' || call.agent === 'gemini' ? ` ${adviceFor(call.agent, command)}` : '';
  return {
    kind: 'deny',
    message: `Interlock refused this because it needs a person's confirmation and ${AGENT_NAMES[call.agent]} cannot ask from a hook${note}: ${summary}${advice}`,
  };
}

/** Settle a decision into the answer the agent gets. */
export async function settle(call: HookCall, d: Decision, opts: SettleOptions): Promise<Answer> {
  const a = await settleDecision(call, d, opts);
  // The agent's own prompt is where the person decides: it says what would be lost, and a snapshot is kept.
  if (a.kind === 'ask' && call.subject.kind === 'shell') {
    const { impactNote } = require('./impactNote') as typeof import('./impactNote');
    a.message += await impactNote(call.subject.command, call.cwd, opts);
  }
  return a;
}

async function settleDecision(call: HookCall, d: Decision, opts: SettleOptions): Promise<Answer> {
  if (d.decision === 'allow') return { kind: 'allow', byPerson: false };
  if (d.decision === 'block') return { kind: 'deny', message: `Interlock blocked this: ${summarize(d)}` };

  // The channel's modules (sockets, crypto) load only when a person may have to be asked.
  const { windowFor } = require('../../channel/registry') as typeof import('../../channel/registry');
  let window;
  try {
    window = windowFor([call.cwd, ...call.roots].filter((p): p is string => typeof p === 'string' && p.startsWith('/')), opts.env);
  } catch {
    window = undefined;
  }
  const command = guardCommand(call);
  if (!window || command.length > MAX_GUARD_COMMAND) return withoutEditor(call, d, opts);
  const claim = claimCall(call, command, opts);
  // Another Interlock hook is already asking about this very call: VS Code runs the hooks of
  // Claude's settings and Copilot's hook files alike, and one modal is enough. VS Code applies
  // the most restrictive answer, so the other hook's answer stands.
  if (claim === 'taken') return { kind: 'allow', byPerson: false, message: 'Interlock: another hook is asking about this call' };
  try {
    return await askEditor(call, d, opts, window, command);
  } finally {
    claim?.release();
  }
}

/** Take this call for asking, by its agent-given id, unless another process has it. */
function claimCall(call: HookCall, command: string, opts: SettleOptions): { release(): void } | 'taken' | undefined {
  if (!call.callId || call.dialect !== 'claude') return undefined;
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const { closeSync, openSync, statSync, unlinkSync } = require('node:fs') as typeof import('node:fs');
  const { registryDir } = require('../../channel/registry') as typeof import('../../channel/registry');
  let file: string;
  try {
    file = `${registryDir(opts.env)}/call-${createHash('sha256').update(`${call.callId}\0${command}`).digest('hex').slice(0, 32)}.lock`;
  } catch {
    return undefined;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(file, 'wx', 0o600));
      return {
        release: () => {
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
      try {
        // A claim older than any hook could still be waiting is left over from a killed process.
        if (Date.now() - statSync(file).mtimeMs < STALE_CLAIM_MS) return 'taken';
        unlinkSync(file);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

async function askEditor(call: HookCall, d: Decision, opts: SettleOptions, window: { port: number; secret: string }, command: string): Promise<Answer> {
  const { askGuard } = require('../../channel/client') as typeof import('../../channel/client');
  const timeoutMs = opts.deadline - Date.now() - MARGIN_MS;
  if (timeoutMs <= 0) return { kind: 'deny', message: `Interlock: no time was left to ask a person; refused. ${summarize(d)}` };
  const started = Date.now();
  const r = await askGuard(
    { port: window.port, secret: window.secret },
    {
      type: 'check', command, cwd: call.cwd, source: { kind: 'agent', agent: call.agent, tool: call.tool, event: call.event },
      // The guard folds in what the hook found (tool calls and file reads are not shell) and closes
      // its confirmation before this hook must answer.
      hook: { subject: call.subject.kind, ...(call.subject.kind === 'shell' && call.subject.shell ? { shell: call.subject.shell } : {}), reasons: d.reasons.map(({ rule, message, decision, risk }) => ({ rule, message, decision, risk })), deadline: Date.now() + timeoutMs },
    },
    timeoutMs,
  );
  if (r.ok) {
    const a = r.answer;
    if (a.outcome === 'deny') return { kind: 'deny', message: prefixed(a.message || 'refused in the editor.') };
    if (a.by === 'person') return { kind: 'allow', byPerson: true, message: prefixed(a.message || 'approved in the editor.') };
    // The editor found it risky too and let it through by its own policy (the person paused the guard).
    if (call.subject.kind === 'shell' && a.decision !== 'allow') return { kind: 'allow', byPerson: false, message: prefixed(a.message || 'allowed by the editor.') };
    // The editor judged it harmless: it read a different line (a tool call it cannot read as a
    // command) or saw a different context. A person still has to see this one.
    return withoutEditor(call, d, opts, 'the editor did not ask a person');
  }
  // Deny on expiry: an unattended agent must not proceed because nobody answered in time.
  if (Date.now() - started >= timeoutMs - 20) {
    return { kind: 'deny', message: `Interlock: nobody answered the confirmation in the editor within ${Math.round(timeoutMs / 1000)} s; refused. ${summarize(d)}` };
  }
  if (d.environment.production) {
    return { kind: 'deny', message: `Interlock could not reach the editor's guard (${r.error}) and this is production; refused. ${summarize(d)}` };
  }
  return withoutEditor(call, d, opts, `the editor's guard could not be reached: ${r.error}`);
}
