/** Messages between the confirmation panel (media/confirm.js) and the extension. */
import type { Decision } from '../engine/types';
import type { RequestSource } from '../channel/protocol';
import type { ImpactView } from './undo';

export interface PendingView {
  id: string;
  command: string;
  decision: Decision;
  source: RequestSource;
  workspace?: string;
  /** What it would destroy here, and whether it can be undone. */
  impact?: ImpactView;
  /** What the person must type to approve (production), or undefined. */
  phrase?: string;
  /** Seconds until Approve unlocks, and until the request denies itself. */
  unlockIn: number;
  expiresIn: number;
  /** How many requests wait behind this one. */
  queued: number;
}

export type ToPanel =
  | { type: 'show'; pending: PendingView }
  | { type: 'tick'; id: string; unlockIn: number; expiresIn: number; queued: number }
  | { type: 'rejected'; id: string; why: string };

export type FromPanel =
  | { type: 'ready' }
  | { type: 'approve'; id: string; scope: 'once' | 'session'; typed?: string }
  | { type: 'deny'; id: string };
