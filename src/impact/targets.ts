/**
 * From a path as a command line spells it (relative, `~`, a glob, what `find -name` reaches) to
 * the absolute paths it names on this machine now. Read-only; a path whose value is only known
 * when the line runs (`$f`, `$(…)`) cannot be named and says so.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Minimatch } from 'minimatch';
import { walk } from './walk';

export type Expanded = { paths: string[]; complete: boolean } | { unknown: string };

const GLOB = /[*?[]/;

function home(path: string, homeDir: string): string {
  return path.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, homeDir);
}

/** The paths `spelled` names when run in `cwd`, expanding globs as bash would (no dot files unless asked). */
export async function expandPath(spelled: string, dynamic: boolean, cwd: string, homeDir: string, deadline: number): Promise<Expanded> {
  const path = home(spelled, homeDir);
  if (dynamic || /[$`]/.test(path) || path.includes('{stdin}')) return { unknown: `${spelled} is only known when the command runs` };
  if (!isAbsolute(path) && cwd.includes('$unknown')) return { unknown: `${spelled} is relative to a folder only known when the command runs` };
  const abs = resolve(cwd, path);
  // `find START -name NAME -delete`, as fileWrites writes it: NAME anywhere under START.
  const found = /^(.*?)\/\*\*(?:\/([^/]+))?$/.exec(abs);
  if (found) {
    const start = found[1] || '/';
    if (found[2] === undefined) return { paths: [start], complete: true };
    const m = new Minimatch(found[2], { dot: true });
    const paths: string[] = [];
    const r = await walk(start, deadline, ({ path: p }) => {
      if (p !== start && m.match(p.slice(p.lastIndexOf('/') + 1))) paths.push(p);
    });
    // Nested matches are inside a match already listed.
    return { paths: paths.filter((p, i) => !paths.slice(0, i).some((q) => p.startsWith(`${q}/`))), complete: r.complete };
  }
  if (!GLOB.test(abs)) return { paths: [abs], complete: true };
  let current = ['/'];
  for (const seg of abs.split('/').filter((s) => s !== '')) {
    const next: string[] = [];
    if (!GLOB.test(seg)) {
      for (const c of current) next.push(join(c, seg));
    } else {
      const m = new Minimatch(seg, { dot: seg.startsWith('.') });
      for (const c of current) {
        let names: string[];
        try {
          names = readdirSync(c);
        } catch {
          continue;
        }
        for (const n of names.sort()) if (m.match(n)) next.push(join(c, n));
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return { paths: current, complete: true };
}
