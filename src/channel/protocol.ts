/**
 * The guard channel: hooks (shell, task, agent) ask the editor's guard over loopback TCP with a
 * per-window secret. One JSON object per line each way.
 *
 * Why loopback TCP and not a Unix socket: bash (`/dev/tcp`) and zsh (`zsh/net/tcp`) can open a TCP
 * connection without starting a process, so asking costs a millisecond, not a process start.
 * Only the same user can use it because every request must carry the window's 256-bit secret,
 * which lives only in that user's terminal environments and in a registry file readable by them
 * alone (0600 in a 0700 directory); a request without it is dropped unanswered.
 */
import type { Decision, DecisionKind, Reason } from '../engine/types';

export const PROTOCOL_VERSION = 1;
/** Requests larger than this are refused: a command line is at most 64 KiB, plus its metadata. */
export const MAX_REQUEST_BYTES = 256 * 1024;

export type RequestSource =
  | { kind: 'terminal'; name?: string; shell?: string; /** The shell's own pid, to find its terminal. */ pid?: number }
  | { kind: 'task'; name: string }
  | { kind: 'agent'; agent: string; tool?: string; event?: string };

/** What an agent hook already found: the guard folds it in (tool calls and file reads are not shell). */
export interface HookFindings {
  subject: 'shell' | 'tool' | 'files';
  reasons: Pick<Reason, 'rule' | 'message' | 'decision' | 'risk'>[];
  /** Epoch ms by which the hook must answer its agent: the confirmation closes (denied) by then. */
  deadline: number;
}

export interface GuardRequest {
  v: number;
  secret: string;
  id: string;
  type: 'check' | 'ping';
  command?: string;
  cwd?: string;
  source?: RequestSource;
  hook?: HookFindings;
}

/** Who settled it: the policy alone, a person in the modal, or a timer no one answered. */
export type AnsweredBy = 'policy' | 'person' | 'timeout' | 'guard-error';

export interface GuardAnswer {
  v: number;
  id: string;
  /** The only field a hook has to read: may the command run? */
  outcome: 'allow' | 'deny';
  decision: DecisionKind;
  by: AnsweredBy;
  /** One line for the terminal: why, and which rule. */
  message: string;
  rule?: string;
  full?: Decision;
}

export function isGuardRequest(x: unknown): x is GuardRequest {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    typeof r.v === 'number' && typeof r.secret === 'string' && typeof r.id === 'string' && r.id.length <= 128 &&
    (r.type === 'check' || r.type === 'ping') &&
    (r.command === undefined || typeof r.command === 'string') &&
    (r.cwd === undefined || typeof r.cwd === 'string')
  );
}
