/**
 * `interlock doctor`: what protects the folder a command would run in, and what does not. Its
 * environment and rule files (judged against the approval store exactly as `check` and every hook
 * judge them, without recording anything), each agent's hook (installed where, starting a live
 * Interlock, and whether the agent will run it at all), the hook launcher, and the editor's guard.
 * Nothing unprotected goes unmentioned; each problem comes with the step that fixes it.
 */
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { openApprovalStore } from '../approvals/approvalStore';
import { agentStatuses } from '../install/agentStatus';
import type { AgentStatus, LauncherStatus } from '../install/agentStatus';
import { windowFor } from '../channel/registry';
import { realDir } from '../approvals/resolveWorkspace';
import { resolveContext } from '../engine/resolve';
import { fileReader } from '../fsutil/fileReader';

export interface DoctorReport {
  ok: boolean;
  cwd: string;
  store: { path: string; readable: boolean; reason?: string };
  environment: { label: string; production: boolean; source: string };
  ruleFiles: {
    file: string;
    sha256?: string;
    baseline?: { sha256: string; label?: string; by: string; at: string };
    pending: string[];
  }[];
  configError?: string;
  launcher: LauncherStatus;
  agents: AgentStatus[];
  /** The editor window guarding this folder, and whether its guard answers the phone. */
  guard: { window?: { pid: number; app: string; port: number }; reachable: boolean };
}

/** A TCP connect to the guard's port: the window's guard is listening (nothing is sent). */
function reachable(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function doctorReport(cwd: string, vars: Record<string, string | undefined>): Promise<DoctorReport> {
  const store = openApprovalStore(vars);
  const view = store.view();
  const dir = realDir(cwd);
  const home = vars.HOME ?? homedir();
  const r = resolveContext({ cwd: dir, home, vars, reader: fileReader, approvals: view });
  const { launcher, agents } = agentStatuses(home, dir, vars);
  let win: DoctorReport['guard']['window'];
  try {
    const w = windowFor([dir], vars);
    win = w && { pid: w.pid, app: w.app, port: w.port };
  } catch {
    win = undefined;
  }
  const ruleFiles = r.folders.map((f) => {
    const b = view.unreadable ? undefined : view.record(f.folder)?.baseline;
    return {
      file: f.file,
      sha256: f.sha256,
      baseline: b && { sha256: b.sha256, label: b.reading.environment, by: b.by, at: b.at },
      pending: f.pending,
    };
  });
  return {
    ok: !view.unreadable && ruleFiles.every((f) => f.pending.length === 0) && !r.configError && agents.every((a) => a.problem === undefined),
    cwd: dir,
    store: { path: store.path, readable: !view.unreadable, reason: view.unreadable?.reason },
    environment: { label: r.environment.label, production: r.environment.production, source: r.environment.source },
    ruleFiles,
    configError: r.configError,
    launcher,
    agents,
    guard: { window: win, reachable: win ? await reachable(win.port) : false },
  };
}

/** The report as a person reads it in a terminal. */
export function doctorText(d: DoctorReport): string {
  const lines = [`Interlock doctor — ${d.cwd}`, ''];
  lines.push(`Environment: ${d.environment.label}${d.environment.production ? ' (production)' : ''}, from ${d.environment.source}`);
  lines.push(`Approval store: ${d.store.path} — ${d.store.readable ? 'readable' : `UNREADABLE: ${d.store.reason}. Each folder keeps the stricter of its rule file and its last known label; rebuild it from the editor (a person's approval).`}`);
  if (d.ruleFiles.length === 0) lines.push('Rule files: none here or above.');
  for (const f of d.ruleFiles) {
    lines.push('', `${f.file}${f.sha256 ? ` (sha256 ${f.sha256.slice(0, 12)}…)` : ' (absent or unreadable)'}`);
    if (f.baseline) lines.push(`  baseline: ${f.baseline.label ?? 'no label'}, ${f.baseline.sha256 === f.sha256 ? 'this content' : 'other content'}, recorded ${f.baseline.at} (${f.baseline.by})`);
    if (f.pending.length > 0) lines.push(`  WAITING for a person's approval (the baseline applies until then): ${f.pending.join('; ')}`);
  }
  if (d.configError) lines.push('', `Rule file error: ${d.configError}`);
  lines.push('', 'Agents:');
  for (const a of d.agents) {
    const mark = a.guarded ? 'guarded' : a.problem ? 'NOT GUARDED' : 'not set up here';
    lines.push(`  ${a.label}: ${mark}`);
    for (const h of a.hooks) lines.push(`    ${h.scope}: ${h.file} — ${h.live ? 'starts a live Interlock' : 'starts a copy of Interlock that is GONE'}${h.runs === 'no' ? '; will NOT run here' : ''}`);
    if (a.problem) lines.push(`    problem: ${a.problem}`, `    fix: ${a.fix}`);
  }
  lines.push('', `Hook launcher: ${d.launcher.path} — ${d.launcher.exists ? (d.launcher.live ? `starts ${d.launcher.cli}` : `BROKEN: starts ${d.launcher.cli ?? 'nothing'}, which is gone`) : 'not written yet (install-hooks or the extension writes it)'}`);
  lines.push(
    d.guard.window
      ? `Editor guard: window ${d.guard.window.pid} (${d.guard.window.app}) guards this folder; ${d.guard.reachable ? 'reachable' : 'NOT reachable: terminals refuse in production and ask elsewhere'}`
      : 'Editor guard: no editor window guards this folder; agent hooks ask through the agent itself, and terminals here are not guarded',
  );
  lines.push('', d.ok ? 'Nothing needs attention.' : 'Something needs attention: see the problems and fixes above. Rule-file changes are approved from the Interlock status-bar item in the editor.');
  return lines.join('\n');
}
