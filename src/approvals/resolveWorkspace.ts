/**
 * Resolve a folder's environment as every surface must: its rule files judged against the shared
 * approval store, and whatever only tightened stored as the new baseline at once, so the next
 * change is judged against it whichever surface sees that change first.
 */
import { realpathSync } from 'node:fs';
import { resolveContext } from '../engine/resolve';
import type { ResolveInputs, ResolvedContext } from '../engine/resolve';
import type { EnvironmentInfo } from '../engine/types';
import { fileReader } from '../fsutil/fileReader';
import { openApprovalStore } from './approvalStore';
import type { ApprovalStore } from './approvalStore';

export interface WorkspaceInputs extends Omit<ResolveInputs, 'approvals' | 'reader' | 'now'> {
  /** The store to use (the editor keeps one open); opened from the environment otherwise. */
  store?: ApprovalStore;
  /** Told when a baseline could not be stored (a read-only home); the decision stands either way. */
  warn?: (message: string) => void;
}

/** The real directory: a symlinked path to a production folder is that folder. */
export function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

export function resolveWorkspace(input: WorkspaceInputs): ResolvedContext {
  const store = input.store ?? openApprovalStore(input.vars);
  const view = store.view();
  const cwd = realDir(input.cwd);
  const r = resolveContext({ ...input, cwd, reader: fileReader, approvals: view, now: new Date().toISOString() });
  const adoptions = r.folders
    .filter((f) => f.adopt)
    .map((f) => ({ folder: f.folder, baseline: f.adopt!, expected: view.record(f.folder)?.baseline.sha256 }));
  const problem = store.adopt(adoptions);
  if (problem) input.warn?.(`could not record the rule file's reading: ${problem}`);
  return r;
}

/** What the engine asks when a line moves to another folder (`cd prod-app && …`), resolved the same way. */
export function environmentLookup(home: string, vars: Record<string, string | undefined>, warn?: (message: string) => void): (dir: string) => EnvironmentInfo {
  const seen = new Map<string, EnvironmentInfo>();
  return (dir) => {
    let env = seen.get(dir);
    if (!env) {
      env = resolveWorkspace({ cwd: dir, home, vars, warn }).environment;
      seen.set(dir, env);
    }
    return env;
  };
}
