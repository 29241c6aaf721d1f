/**
 * The guard channel: hooks (shell, task, agent) ask the editor's guard over loopback TCP with a
 * per-window secret. One JSON object per line each way.
 *
 * Why loopback TCP and not a Unix socket: bash (`/dev/tcp`) and zsh (`zsh/net/tcp`) can open a TCP
 * connection without starting a process, so asking costs a millisecond, not a process start.
 * Only the same user can use it because every request must carry the window's 256-bit secret,
 * which lives only in that user's terminal environments and in files readable by them alone
 * (0600 in a 0700 directory); a request without it is dropped unanswered.
 *
 * A connection opens with a handshake, before any request:
 *
 *     client: {"v":2,"hello":"<hello>"}      guard: {"v":2,"proof":"<proof>"}
 *
 * and the client sends requests only once the proof matches. Why: the port outlives the guard. When
 * the window or its extension host dies, any local user may listen on that port, and a terminal
 * that still asks there would hand its secret to that listener and run whatever it allows. bash and
 * zsh can compare strings but cannot compute anything keyed without starting a process, so the
 * values are derived from the secret (HMAC-SHA256, see handshakeFor) and handed to them ready-made.
 * The guard does not speak first: a greeting it sent to every connection would be public, since
 * anyone can connect to a live guard, record it, and replay it from the port once the window is
 * gone. It reveals the proof only to a client that sent the hello, that is, to the secret's own
 * holders. What a squatter can learn is the hello of the terminals that reach it, and that is worth
 * nothing: it opens a connection to the one guard whose secret it was derived from, that guard is
 * gone (or the port would not have been free), and every guard start draws a new secret. It never
 * sees the secret or the proof, so it can neither answer as the guard nor ask a live one. Once the
 * far end has proved itself, each answer is bound to its request by the request's id, which the
 * answer echoes; the TCP connection binds the rest.
 */
import { createHmac } from 'node:crypto';
import { SHELLS } from '../engine/types';
import type { Decision, DecisionKind, Reason, Shell } from '../engine/types';

/** 2: the hello/proof handshake. A version 1 client sends its request first, which a version 2 guard refuses unanswered. */
export const PROTOCOL_VERSION = 2;
/** Requests larger than this are refused: a command line is at most 64 KiB, plus its metadata. */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** The two handshake values of a secret: what the client says first, and what only the guard can answer. */
export interface Handshake {
  hello: string;
  proof: string;
}

export function handshakeFor(secret: string): Handshake {
  const mac = (label: string): string => createHmac('sha256', secret).update(label).digest('hex');
  return { hello: mac('interlock-client-hello'), proof: mac('interlock-guard-proof') };
}

/** The handshake lines, byte for byte: the shells compare the guard's line as a whole string. */
export const helloLine = (hello: string): string => `{"v":${PROTOCOL_VERSION},"hello":"${hello}"}\n`;
export const proofLine = (proof: string): string => `{"v":${PROTOCOL_VERSION},"proof":"${proof}"}\n`;

export interface Hello {
  v: number;
  hello: string;
}

export function isHello(x: unknown): x is Hello {
  if (typeof x !== 'object' || x === null) return false;
  const h = x as Record<string, unknown>;
  return typeof h.v === 'number' && typeof h.hello === 'string' && h.hello.length <= 128;
}

export type RequestSource =
  | { kind: 'terminal'; name?: string; shell?: string; /** The shell's own pid, to find its terminal. */ pid?: number }
  | { kind: 'task'; name: string }
  | { kind: 'agent'; agent: string; tool?: string; event?: string };

/** What an agent hook already found: the guard folds it in (tool calls and file reads are not shell). */
export interface HookFindings {
  subject: 'shell' | 'tool' | 'files' | 'writes';
  /** The dialect the hook read a shell line in (default bash), so the editor reads it the same way. */
  shell?: Shell;
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

/** Longest name, shell, tool or event a request may carry: they are labels, not payloads. */
const MAX_LABEL = 4096;

function isLabel(x: unknown, required = false): boolean {
  return x === undefined ? !required : typeof x === 'string' && x.length <= MAX_LABEL;
}

/** Whether `x` is a request source as the hooks send it; anything else is refused, not guessed at. */
export function isRequestSource(x: unknown): x is RequestSource {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const s = x as Record<string, unknown>;
  if (s.kind === 'terminal') return isLabel(s.name) && isLabel(s.shell) && (s.pid === undefined || (Number.isSafeInteger(s.pid) && (s.pid as number) > 0));
  if (s.kind === 'task') return isLabel(s.name, true);
  if (s.kind === 'agent') return isLabel(s.agent, true) && isLabel(s.tool) && isLabel(s.event);
  return false;
}

const DECISIONS = new Set(['allow', 'confirm', 'block']);
const RISKS = new Set(['none', 'low', 'medium', 'high', 'critical']);

/** Whether `x` is what an agent hook sends as its findings; the guard folds these into its decision. */
export function isHookFindings(x: unknown): x is HookFindings {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const h = x as Record<string, unknown>;
  return (
    (h.subject === 'shell' || h.subject === 'tool' || h.subject === 'files' || h.subject === 'writes') &&
    typeof h.deadline === 'number' && Number.isFinite(h.deadline) &&
    (h.shell === undefined || (SHELLS as readonly unknown[]).includes(h.shell)) &&
    Array.isArray(h.reasons) &&
    h.reasons.every((r: unknown) => {
      if (typeof r !== 'object' || r === null) return false;
      const o = r as Record<string, unknown>;
      return typeof o.rule === 'string' && typeof o.message === 'string' && DECISIONS.has(o.decision as string) && (o.risk === undefined || RISKS.has(o.risk as string));
    })
  );
}

export function isGuardRequest(x: unknown): x is GuardRequest {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    typeof r.v === 'number' && typeof r.secret === 'string' && typeof r.id === 'string' && r.id.length > 0 && r.id.length <= 128 &&
    (r.type === 'check' || r.type === 'ping') &&
    (r.command === undefined || typeof r.command === 'string') &&
    (r.cwd === undefined || typeof r.cwd === 'string') &&
    (r.source === undefined || isRequestSource(r.source)) &&
    (r.hook === undefined || isHookFindings(r.hook))
  );
}
