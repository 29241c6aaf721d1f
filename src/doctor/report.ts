/**
 * `interlock doctor`: what protects the folder a command would run in, and what is waiting for a
 * person. Read-only: it judges the rule files against the approval store exactly as `check` and
 * every hook do, without recording anything.
 */
import { homedir } from 'node:os';
import { openApprovalStore } from '../approvals/approvalStore';
import { realDir } from '../approvals/resolveWorkspace';
import { resolveContext } from '../engine/resolve';
import { fileReader } from '../fsutil/fileReader';

interface DoctorArgs {
  json: boolean;
  cwd: string;
}

function parseArgs(args: string[]): DoctorArgs | string {
  const out: DoctorArgs = { json: false, cwd: process.cwd() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') out.json = true;
    else if (a === '--cwd') {
      const v = args[++i];
      if (v === undefined) return '--cwd needs a value';
      out.cwd = v;
    } else if (a.startsWith('--cwd=')) out.cwd = a.slice(6);
    else return `unknown argument ${a}`;
  }
  return out;
}

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
}

export function doctorReport(cwd: string, vars: Record<string, string | undefined>): DoctorReport {
  const store = openApprovalStore(vars);
  const view = store.view();
  const dir = realDir(cwd);
  const r = resolveContext({ cwd: dir, home: vars.HOME ?? homedir(), vars, reader: fileReader, approvals: view });
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
    ok: !view.unreadable && ruleFiles.every((f) => f.pending.length === 0) && !r.configError,
    cwd: dir,
    store: { path: store.path, readable: !view.unreadable, reason: view.unreadable?.reason },
    environment: { label: r.environment.label, production: r.environment.production, source: r.environment.source },
    ruleFiles,
    configError: r.configError,
  };
}

function text(d: DoctorReport): string {
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
  lines.push('', d.ok ? 'Nothing is waiting.' : 'Something needs a person: see above. Approve or review changes from the Interlock status-bar item in the editor.');
  return lines.join('\n');
}

export function runDoctor(args: string[]): number {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`interlock doctor: ${parsed}. See interlock --help.\n`);
    return 64;
  }
  const report = doctorReport(parsed.cwd, process.env);
  process.stdout.write((parsed.json ? JSON.stringify(report) : text(report)) + '\n');
  return report.ok ? 0 : 1;
}
