/**
 * When the agent's own prompt asks the person (no editor window guards the folder), the prompt is
 * all they see: it says what the command would destroy here, and a snapshot is kept first, because
 * the hook answers "ask" and never learns the answer — if the person approves, `interlock undo ID`
 * puts it back; if not, the snapshot expires unused (deleted files are hard links: no space spent).
 */
import { assess } from '../../impact/assess';
import { storeOptions, takeSnapshot } from '../../snapshot/store';
import { engineFor } from '../engines';

/** Never more than this of the agent's hook time on measuring and keeping. */
const MAX_MS = 8000;

export async function impactNote(command: string, cwd: string | undefined, opts: { deadline: number; home: string; env: Record<string, string | undefined> }): Promise<string> {
  const left = Math.min(MAX_MS, opts.deadline - Date.now() - 1000);
  if (left < 300 || !cwd?.startsWith('/')) return '';
  try {
    const a = await assess(command, { engine: engineFor(undefined), cwd, home: opts.home, budgetMs: Math.min(2000, left / 2) });
    const i = a.impact;
    // Measured and nothing here to lose (no such files, no commits): nothing to say or keep.
    if (i.measured && !i.files && !i.commits && !i.modified && !i.untracked) return '';
    let note = ` — This command ${i.summary}.`;
    if (opts.env.INTERLOCK_SNAPSHOTS === 'off') return note;
    // The caller's store, also when the resident engine (started with another environment) answers.
    const r = await takeSnapshot(a, command, cwd, storeOptions(opts.env));
    if (r.ok) note += ` A snapshot was kept: \`interlock undo ${r.manifest.id}\` puts it back.`;
    else if (!r.nothing) note += ` No undo: ${r.reason}.`;
    if (a.remoteOnly.length > 0) note += ` Commits dropped from ${a.remoteOnly.join(', ')} cannot be undone here.`;
    return note;
  } catch {
    return '';
  }
}
