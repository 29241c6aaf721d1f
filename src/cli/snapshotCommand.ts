/** `interlock snapshot -- <line>` keeps what a line would destroy; `interlock undo` lists and restores. */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { assess } from '../impact/assess';
import { formatBytes } from '../impact/assess';
import { listSnapshots, restoreSnapshot, takeSnapshot } from '../snapshot/store';
import { engineFor } from './engines';

/** A snapshot's list of targets must be complete, so it gets far longer than the impact line's 2 s. */
const SNAPSHOT_TIME_MS = 60_000;

function usage(cmd: string, message: string): number {
  process.stderr.write(`interlock ${cmd}: ${message}. See interlock --help.\n`);
  return 64;
}

export async function runSnapshot(args: string[]): Promise<number> {
  let json = false;
  let cwd = process.cwd();
  let line: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      line = args.slice(i + 1).join(' ');
      break;
    }
    if (a === '--json') json = true;
    else if (a === '--cwd' && args[i + 1] !== undefined) cwd = resolve(args[++i]);
    else if (a.startsWith('--cwd=')) cwd = resolve(a.slice(6));
    else return usage('snapshot', `unknown option ${a}`);
  }
  if (line === undefined || line.trim() === '') return usage('snapshot', 'give the command line after --');
  const a = await assess(line, { engine: engineFor(undefined), cwd, home: process.env.HOME ?? homedir(), budgetMs: SNAPSHOT_TIME_MS });
  const r = await takeSnapshot(a, line, cwd);
  if (!r.ok) {
    if (json) process.stdout.write(`${JSON.stringify({ id: null, error: r.reason, impact: a.impact })}\n`);
    else process.stderr.write(`interlock snapshot: no snapshot, so no undo: ${r.reason}\n`);
    return 1;
  }
  const m = r.manifest;
  if (json) process.stdout.write(`${JSON.stringify({ id: m.id, files: m.files, bytes: m.bytes, linked: m.linked, copied: m.copied, vanished: m.vanished, impact: a.impact })}\n`);
  else {
    process.stdout.write(`${m.id}\n`);
    process.stderr.write(`kept ${m.files} files (${formatBytes(m.bytes)}; ${m.linked} linked, ${m.copied} copied) for: ${a.impact.summary}\n`);
  }
  return 0;
}

export async function runUndo(args: string[]): Promise<number> {
  let json = false;
  let force = false;
  let list = false;
  let id: string | undefined;
  for (const a of args) {
    if (a === '--json') json = true;
    else if (a === '--force') force = true;
    else if (a === '--list') list = true;
    else if (!a.startsWith('-') && id === undefined) id = a;
    else return usage('undo', `unknown option ${a}`);
  }
  if (list || id === undefined) {
    const all = listSnapshots();
    if (json) process.stdout.write(`${JSON.stringify(all.map((m) => ({ id: m.id, command: m.command, cwd: m.cwd, createdAt: new Date(m.createdAt).toISOString(), expiresAt: new Date(m.expiresAt).toISOString(), summary: m.summary, files: m.files, bytes: m.bytes, restored: m.restoredAt !== undefined })))}\n`);
    else if (all.length === 0) process.stdout.write('No snapshots.\n');
    else {
      for (const m of all) {
        process.stdout.write(`${m.id}  ${new Date(m.createdAt).toISOString()}  ${m.restoredAt ? '(undone) ' : ''}${JSON.stringify(m.command)} in ${m.cwd}\n    ${m.summary}\n`);
      }
    }
    return 0;
  }
  const r = await restoreSnapshot(id, { force });
  if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else if (r.ok) process.stdout.write(`Restored ${r.restored} paths from ${id}.\n`);
  else {
    if (r.conflicts.length > 0 && !force) {
      process.stderr.write(`interlock undo: nothing restored; changed since the command ran (undo ${id} --force overwrites them):\n`);
      for (const c of r.conflicts) process.stderr.write(`  ${JSON.stringify(c.path)}: ${c.why}\n`);
    }
    if (r.failed.length > 0) {
      process.stderr.write(`interlock undo: INCOMPLETE — ${r.restored} paths restored, ${r.failed.length} not:\n`);
      for (const f of r.failed) process.stderr.write(`  ${JSON.stringify(f.path)}: ${f.why}\n`);
    }
  }
  return r.ok ? 0 : 1;
}
