/**
 * The guard: every request — a terminal's command line, a task, an agent's tool call — is decided
 * by the engine, then settled by policy (allow, block), a session approval, or a person in the
 * confirmation panel. Every decision is written to the audit log, and flushed, before the answer.
 * Fail closed: an engine failure refuses in production and asks elsewhere.
 */
import * as vscode from 'vscode';
import { userInfo } from 'node:os';
import type { EngineHost } from './engineHost';
import { folderForPath } from './engineHost';
import type { ConfirmPanel } from './confirmPanel';
import type { Prepared, Undo } from './undo';
import type { AuditLog, AuditFields } from '../audit/auditLog';
import type { GuardAnswer, HookFindings, RequestSource } from '../channel/protocol';
import { fold } from '../engine/evaluate';
import type { Decision } from '../engine/types';

export interface GuardRequestInput {
  command: string;
  cwd?: string;
  source: RequestSource;
  /** An agent hook's own findings and deadline. */
  hook?: HookFindings;
  /** Called before a person is asked or a block is answered: a task guard stops the task here. */
  stopFirst?: () => void;
  /** Aborted when the asker went away (its terminal or hook closed the connection): nothing will run. */
  signal?: AbortSignal;
}

export type GuardResult = Omit<GuardAnswer, 'v' | 'id'>;

export interface Guard extends vscode.Disposable {
  decide(req: GuardRequestInput): Promise<GuardResult>;
  /** Recent decisions by command line, for the second line of defence. */
  decidedRecently(command: string, withinMs: number): boolean;
  /** A flagged command ran in a terminal the guard never heard from. */
  recordUnguarded(e: { command: string; terminal: string; decision: Decision; workspace?: string }): void;
  pause(minutes: number): void;
  resume(): void;
  readonly pausedUntil: number | undefined;
  readonly onDidChangePause: vscode.Event<number | undefined>;
}

function sourceName(s: RequestSource): string {
  if (s.kind === 'terminal') return `terminal${s.name ? ` ${s.name}` : ''}${s.shell ? ` (${s.shell})` : ''}`;
  if (s.kind === 'task') return `task ${s.name}`;
  return `agent ${s.agent}${s.tool ? ` ${s.tool}` : ''}`;
}

function firstReason(d: Decision): { rule?: string; message: string } {
  const r = d.reasons[0];
  return r ? { rule: r.rule, message: `${r.rule}: ${r.message}` } : { message: 'no rule matched' };
}

export function createGuard(host: EngineHost, panel: ConfirmPanel, audit: AuditLog, log: vscode.LogOutputChannel, undo?: Undo): Guard {
  const sessionApprovals = new Set<string>();
  const recent = new Map<string, number>();
  const pauseChanged = new vscode.EventEmitter<number | undefined>();
  let pausedUntil: number | undefined;
  let pauseTimer: NodeJS.Timeout | undefined;
  const user = (() => {
    try {
      return userInfo().username;
    } catch {
      return undefined;
    }
  })();

  /** Set while writes to the audit log fail: the person is told once per failure, not once per command. */
  let auditFailing = false;

  /**
   * Write the entry; if the log cannot be written the command is refused, never silently run. The
   * answer waits for the entry to be on disk; decisions that arrive together share one fsync.
   */
  const record = async (fields: AuditFields): Promise<string | undefined> => {
    try {
      await audit.commit({ ...fields, user });
      if (auditFailing) log.info('audit log writes work again');
      auditFailing = false;
      return undefined;
    } catch (e) {
      log.error(`audit log write failed: ${(e as Error).message}`);
      if (!auditFailing) {
        void vscode.window.showErrorMessage(`Interlock could not write its audit log (${(e as Error).message}). Production commands are refused until it can.`);
      }
      auditFailing = true;
      return (e as Error).message;
    }
  };

  const decide = async (req: GuardRequestInput): Promise<GuardResult> => {
    const folder = folderForPath(req.cwd);
    recent.set(req.command, Date.now());
    if (recent.size > 2000) recent.delete(recent.keys().next().value as string);
    let d: Decision;
    try {
      // A hook's tool call or file read is not a shell command: its own findings decide. A shell
      // command from a hook is checked here too, and the strictest answer wins.
      const hookReasons = (req.hook?.reasons ?? []).map((r) => ({ ...r }));
      if (req.hook && req.hook.subject !== 'shell') {
        d = fold(hookReasons, host.resolve(folder).environment);
      } else {
        d = await host.check(req.command, folder, req.cwd, req.hook?.shell);
        if (hookReasons.length > 0) d = fold([...d.reasons, ...hookReasons.filter((h) => !d.reasons.some((r) => r.rule === h.rule))], d.environment);
      }
    } catch (e) {
      const production = host.resolve(folder).environment.production;
      log.error(`engine failed on a ${sourceName(req.source)} request: ${(e as Error).message}`);
      await record({ source: sourceName(req.source), workspace: folder?.name, command: req.command, outcome: 'denied', by: 'guard-error', detail: (e as Error).message, production });
      return { outcome: 'deny', decision: 'confirm', by: 'guard-error', message: `Interlock failed while checking this command (${(e as Error).message}); it was not run.` };
    }
    const base: AuditFields = {
      source: sourceName(req.source), workspace: folder?.name, environment: d.environment.label, production: d.environment.production,
      command: req.command, decision: d.decision, rules: d.reasons.map((r) => r.rule), outcome: 'allowed', by: 'policy',
    };
    const { rule, message } = firstReason(d);
    if (d.decision === 'allow') {
      const failed = await record(base);
      if (failed && d.environment.production) return { outcome: 'deny', decision: 'allow', by: 'guard-error', message: `the audit log cannot be written (${failed}); production commands are refused` };
      return { outcome: 'allow', decision: 'allow', by: 'policy', message: 'allowed', full: d };
    }
    if (d.decision === 'block') {
      req.stopFirst?.();
      await record({ ...base, outcome: 'blocked' });
      return { outcome: 'deny', decision: 'block', by: 'policy', rule, message: `blocked by ${message} (a rule in .interlock.jsonc cannot loosen this; run it yourself outside the guarded terminal if you are sure)`, full: d };
    }
    if (pausedUntil !== undefined && Date.now() < pausedUntil) {
      const failed = await record({ ...base, outcome: 'allowed', by: 'paused' });
      if (!failed) return { outcome: 'allow', decision: 'confirm', by: 'policy', rule, message: 'allowed while the guard is paused', full: d };
    }
    /** What the command would destroy, measured read-only before anyone is asked; never fatal. */
    const prepare = async (): Promise<Prepared | undefined> => {
      try {
        return await undo?.prepare(req.command, req.cwd, folder);
      } catch (e) {
        log.warn(`impact of ${req.command} not measured: ${(e as Error).message}`);
        return undefined;
      }
    };
    /** Keep a snapshot before letting an approved command through; a promised one that fails refuses it. */
    const keep = async (p: Prepared | undefined): Promise<{ snapshot?: string; refuse?: string; run?: () => void }> => {
      if (!p || !undo) return {};
      try {
        const k = await undo.keep(p, req.command, req.cwd, folder);
        if (k.problem) return { refuse: k.problem };
        const m = k.manifest;
        return m ? { snapshot: m.id, run: () => undo.offer(m, req.source, req.command) } : {};
      } catch (e) {
        return { refuse: (e as Error).message };
      }
    };
    const noSnapshot = (why: string): string =>
      `approved, but the snapshot the confirmation promised could not be taken (${why}); not run. Run it again to decide knowing there is no undo`;
    if (sessionApprovals.has(req.command)) {
      const prepared = await prepare();
      const kept = await keep(prepared);
      if (kept.refuse) {
        await record({ ...base, outcome: 'denied', by: 'guard-error', impact: prepared?.impact, detail: kept.refuse });
        return { outcome: 'deny', decision: 'confirm', by: 'guard-error', rule, message: noSnapshot(kept.refuse), full: d };
      }
      const failed = await record({ ...base, outcome: 'approved', by: 'session-approval', impact: prepared?.impact, snapshot: kept.snapshot });
      if (!failed) {
        kept.run?.();
        return { outcome: 'allow', decision: 'confirm', by: 'person', rule, message: 'approved earlier in this session', full: d };
      }
    }
    req.stopFirst?.();
    // An approval that cannot be recorded is refused afterwards: in production, do not ask for it.
    const unwritable = d.environment.production ? audit.problem() : undefined;
    if (unwritable) {
      await record({ ...base, outcome: 'denied', by: 'guard-error', detail: unwritable });
      return { outcome: 'deny', decision: 'confirm', by: 'guard-error', rule, message: `the audit log cannot be written (${unwritable}); production commands are refused`, full: d };
    }
    if (req.signal?.aborted) {
      await record({ ...base, outcome: 'denied', by: 'nobody', detail: 'the asker went away before a person was asked' });
      return { outcome: 'deny', decision: 'confirm', by: 'policy', rule, message: 'the asker went away', full: d };
    }
    const prepared = await prepare();
    if (prepared) base.impact = prepared.impact;
    const answer = await panel.ask({ command: req.command, decision: d, source: req.source, workspace: folder?.name, deadline: req.hook?.deadline, impact: prepared?.view });
    if (answer.outcome === 'approved' && req.signal?.aborted) {
      // Nothing will run: the log must not say a command was approved to run when nobody ran it.
      await record({ ...base, outcome: 'denied', by: 'nobody', detail: 'approved after the asker went away; not run' });
      return { outcome: 'deny', decision: 'confirm', by: 'person', rule, message: 'approved after the asker went away; not run', full: d };
    }
    if (answer.outcome === 'approved') {
      // The snapshot comes before the answer: once the answer is out, the command runs.
      const kept = await keep(prepared);
      if (kept.refuse) {
        await record({ ...base, outcome: 'denied', by: 'guard-error', detail: kept.refuse });
        void vscode.window.showWarningMessage(`Interlock: ${noSnapshot(kept.refuse)}.`);
        return { outcome: 'deny', decision: 'confirm', by: 'guard-error', rule, message: noSnapshot(kept.refuse), full: d };
      }
      const failed = await record({ ...base, outcome: 'approved', by: answer.scope === 'session' ? 'person (for this session)' : 'person', snapshot: kept.snapshot });
      if (failed) return { outcome: 'deny', decision: 'confirm', by: 'guard-error', rule, message: `approved, but the audit log cannot be written (${failed}); not run` };
      kept.run?.();
      if (answer.scope === 'session') sessionApprovals.add(req.command);
      return { outcome: 'allow', decision: 'confirm', by: 'person', rule, message: 'approved', full: d };
    }
    if (answer.outcome === 'timed-out') {
      await record({ ...base, outcome: 'timed-out', by: 'timeout' });
      return { outcome: 'deny', decision: 'confirm', by: 'timeout', rule, message: `nobody answered the confirmation in time; not run (${message})`, full: d };
    }
    await record({ ...base, outcome: 'denied', by: answer.why === 'person' ? 'person' : answer.why });
    const why = answer.why === 'failed-to-load' ? 'the confirmation panel could not be shown' : answer.why === 'closed' ? 'the confirmation was closed' : 'denied';
    return { outcome: 'deny', decision: 'confirm', by: 'person', rule, message: `${why} (${message})`, full: d };
  };

  return {
    decide,
    recordUnguarded(e) {
      void record({
        source: `terminal ${e.terminal}`, workspace: e.workspace, environment: e.decision.environment.label, production: e.decision.environment.production,
        command: e.command, decision: e.decision.decision, rules: e.decision.reasons.map((r) => r.rule), outcome: 'ran-unguarded', by: 'nobody',
      });
    },
    decidedRecently: (command, withinMs) => (recent.get(command) ?? 0) > Date.now() - withinMs,
    get pausedUntil() {
      return pausedUntil !== undefined && Date.now() < pausedUntil ? pausedUntil : undefined;
    },
    onDidChangePause: pauseChanged.event,
    pause(minutes) {
      pausedUntil = Date.now() + minutes * 60_000;
      clearTimeout(pauseTimer);
      pauseTimer = setTimeout(() => this.resume(), minutes * 60_000);
      void record({ source: 'person', outcome: 'paused', by: 'person', detail: `${minutes} minutes` });
      pauseChanged.fire(pausedUntil);
    },
    resume() {
      if (pausedUntil === undefined) return;
      pausedUntil = undefined;
      clearTimeout(pauseTimer);
      void record({ source: 'person', outcome: 'resumed', by: 'person' });
      pauseChanged.fire(undefined);
    },
    dispose() {
      clearTimeout(pauseTimer);
      pauseChanged.dispose();
    },
  };
}
