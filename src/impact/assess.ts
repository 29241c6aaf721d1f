/**
 * What a command line would destroy on this machine, measured before it runs: files and bytes a
 * delete or overwrite removes, how many of them git cannot give back (untracked, or with
 * uncommitted changes), and commits that a reset, stash drop, branch delete or force-push loses.
 * Read-only and bounded: past the time budget the answer says "not measured", never waits longer.
 * The same assessment names what a snapshot must keep, so the two never disagree.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Engine } from '../engine/index';
import type { LocalCommand } from '../engine/localEffects';
import { basename as programName } from '../engine/unwrap';
import { repoOf, runGit, status, unquoteGitPath } from './git';
import type { StatusEntry } from './git';
import { expandPath } from './targets';
import { walk } from './walk';

/** Counts of what would be lost; a key is present only where it applies. */
export interface Impact {
  files?: number;
  bytes?: number;
  /** Files among them that git does not track (untracked or ignored): this is their only copy. */
  untracked?: number;
  /** Tracked files whose uncommitted changes would be lost. */
  modified?: number;
  /** Commits (or stash entries) that would be dropped. */
  commits?: number;
  /** False when the time budget ran out or a target is only known at run time: counts are lower bounds. */
  measured: boolean;
  /** One line a person reads in ten seconds, e.g. `deletes 1,284 files (320 MB), 12 untracked`. */
  summary: string;
}

/**
 * How a path is lost: deleted, overwritten in place, (a git discard) created where nothing was, or
 * moved away — nothing is lost then, but an undo that puts back what the move overwrote must put
 * the moved file back too, or the moved content would be the one lost.
 */
export type TargetHow = 'delete' | 'overwrite' | 'absent' | 'move';

export interface Target {
  path: string;
  how: TargetHow;
}

/** Git state a snapshot keeps besides files. */
export type GitKeep =
  | { kind: 'index'; root: string; indexPath: string }
  | { kind: 'ref'; root: string; ref: string; oid: string }
  | { kind: 'stash'; root: string; entries: { oid: string; message: string }[] }
  | { kind: 'branch'; root: string; name: string; oid: string };

export interface Assessment {
  impact: Impact;
  targets: Target[];
  git: GitKeep[];
  /** What could not be named or measured: a snapshot cannot keep it either. */
  unknown: string[];
  /** Something is lost only remotely (a force-push): no snapshot can give it back. */
  remoteOnly: string[];
}

export interface AssessOptions {
  engine: Engine;
  cwd: string;
  home: string;
  /** Milliseconds for the whole measure, git included; default 2000. */
  budgetMs?: number;
}

export const DEFAULT_IMPACT_BUDGET_MS = 2000;

/** Programs whose file changes are deletions (the path is gone afterwards): a hard link can keep them. */
const DELETERS = new Set(['rm', 'unlink', 'rmdir', 'find']);

interface GitCommand {
  cwd: string;
  sub: string;
  args: string[];
}

/** `git [-C dir] [-c x=y] sub args…` read for its subcommand and the folder it acts in. */
function gitCommand(c: LocalCommand): GitCommand | undefined {
  if (programName(c.argv[0]).toLowerCase() !== 'git') return undefined;
  let cwd = c.cwd;
  let i = 1;
  for (; i < c.argv.length; i++) {
    const a = c.argv[i];
    if (a === '-C') cwd = resolve(cwd, c.argv[++i] ?? '.');
    else if (a === '-c' || a === '--git-dir' || a === '--work-tree' || a === '--namespace') i++;
    else if (!a.startsWith('-')) break;
  }
  if (i >= c.argv.length) return undefined;
  return { cwd, sub: c.argv[i], args: c.argv.slice(i + 1) };
}

const positionals = (args: string[]): string[] => {
  const dd = args.indexOf('--');
  return (dd < 0 ? args : args.slice(0, dd)).filter((a) => !a.startsWith('-'));
};
const afterDashDash = (args: string[]): string[] => (args.includes('--') ? args.slice(args.indexOf('--') + 1) : []);
const flag = (args: string[], long: string[], short = ''): boolean =>
  args.some((a) => long.includes(a) || (short !== '' && /^-[A-Za-z]+$/.test(a) && [...short].some((l) => a.includes(l))));

const nf = new Intl.NumberFormat('en-US');

/** `320 MB`: decimal units, one decimal below 10. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let u = 0;
  let v = n;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${nf.format(n)} bytes` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${nf.format(n)} ${n === 1 ? one : many}`;

class Measure {
  files = 0;
  bytes = 0;
  untracked = 0;
  modified = 0;
  commits = 0;
  has = { files: false, untracked: false, modified: false, commits: false };
  phrases: string[] = [];
  measured = true;
  targets: Target[] = [];
  git: GitKeep[] = [];
  unknown: string[] = [];
  remoteOnly: string[] = [];
  /** Repositories found so far: one `git rev-parse` per repository, not one per target. */
  repos: { root: string; gitDir: string }[] = [];
  constructor(readonly deadline: number) {}
  async repoFor(dir: string): Promise<{ root: string; gitDir: string } | undefined> {
    const known = this.repos.filter((r) => dir === r.root || dir.startsWith(`${r.root}/`)).sort((a, b) => b.root.length - a.root.length)[0];
    if (known && !dir.slice(known.root.length).split('/').includes('.git')) return known;
    const found = await repoOf(dir, this.left());
    if (found && !this.repos.some((r) => r.root === found.root)) this.repos.push(found);
    return found;
  }
  left(): number {
    return Math.max(0, Math.floor(this.deadline - performance.now()));
  }
  miss(why: string): void {
    this.measured = false;
    if (!this.unknown.includes(why)) this.unknown.push(why);
  }
}

/** Assess `line` as run in `opts.cwd`. Never throws for what the line or the disk holds. */
export async function assess(line: string, opts: AssessOptions): Promise<Assessment> {
  const m = new Measure(performance.now() + (opts.budgetMs ?? DEFAULT_IMPACT_BUDGET_MS));
  const effects = await opts.engine.effects(line, { cwd: opts.cwd, home: opts.home });
  if (effects.incomplete) m.miss('part of the command could not be read');
  const roots: { spelled: string; dynamic: boolean; cwd: string; how: TargetHow }[] = [];
  for (const c of effects.commands) {
    const git = gitCommand(c);
    if (git) await gitEffects(git, m);
    // A git subcommand's own paths are judged by gitEffects; `git rm` and `git mv` are plain deletes and moves.
    if (git && git.sub !== 'rm' && git.sub !== 'mv') continue;
    pushWrites(c, roots);
  }
  // `find -exec rm {}` also unwraps into `rm <what find reaches>`: the same targets, spelled as unknown.
  const known = new Set(roots.filter((r) => !r.dynamic).map((r) => r.spelled));
  const files: Target[] = [];
  for (const r of roots) {
    if (r.dynamic && known.has(r.spelled)) continue;
    const e = await expandPath(r.spelled, r.dynamic, r.cwd, opts.home, m.deadline);
    if ('unknown' in e) {
      m.miss(e.unknown);
      continue;
    }
    if (!e.complete) m.miss(`${r.spelled}: not every match was found in time`);
    for (const p of e.paths) {
      // `rm -rf link/`: the slash makes rm follow the link and empty the folder it points to.
      // That folder is not measured or kept (it may be anywhere): the answer says so instead.
      if (r.spelled.endsWith('/') && isSymlink(p)) {
        m.miss(`${r.spelled} is a symlink the command follows (to ${linkTarget(p)})`);
        continue;
      }
      files.push({ path: p, how: r.how });
    }
  }
  await measureFiles(dedupe(files), m);
  m.targets.push(...m.targets.splice(0).filter((t, i, all) => all.findIndex((u) => u.path === t.path) === i));
  const impact: Impact = { measured: m.measured, summary: '' };
  if (m.has.files) Object.assign(impact, { files: m.files, bytes: m.bytes });
  if (m.has.untracked) impact.untracked = m.untracked;
  if (m.has.modified) impact.modified = m.modified;
  if (m.has.commits) impact.commits = m.commits;
  const phrases = [...m.phrases];
  if (!m.measured) phrases.push(`not fully measured (${m.unknown.slice(0, 2).join('; ')}${m.unknown.length > 2 ? '; …' : ''})`);
  impact.summary = phrases.length > 0 ? phrases.join('; ') : 'destroys nothing on this machine';
  return { impact, targets: m.targets, git: m.git, unknown: m.unknown, remoteOnly: m.remoteOnly };
}

function pushWrites(c: LocalCommand, roots: { spelled: string; dynamic: boolean; cwd: string; how: TargetHow }[]): void {
  const deleter = DELETERS.has(programName(c.argv[0]).toLowerCase());
  for (const w of c.writes) {
    // Appends and mode changes keep the content; a move's destination is a write.
    if (w.how === 'move') roots.push({ spelled: w.path, dynamic: w.dynamic === true, cwd: c.cwd, how: 'move' });
    else if (w.how === 'delete') roots.push({ spelled: w.path, dynamic: w.dynamic === true, cwd: c.cwd, how: deleter ? 'delete' : 'overwrite' });
    else if (w.how === 'write' || w.how === 'edit') roots.push({ spelled: w.path, dynamic: w.dynamic === true, cwd: c.cwd, how: 'overwrite' });
  }
}

/** Targets inside another target of the same kind are counted with it. */
function dedupe(ts: Target[]): Target[] {
  const sorted = [...ts].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const out: Target[] = [];
  for (const t of sorted) {
    const parent = out.find((o) => o.how === 'delete' && (t.path === o.path || t.path.startsWith(`${o.path}/`)));
    if (parent) continue;
    if (out.some((o) => o.path === t.path)) continue;
    out.push(t);
  }
  return out;
}

/** Count what deletes and overwrites remove, and how much of it only exists here. */
async function measureFiles(ts: Target[], m: Measure): Promise<void> {
  const byRepo = new Map<string, { paths: string[]; files: number; complete: boolean }>();
  let delFiles = 0;
  let delBytes = 0;
  let overFiles = 0;
  let overBytes = 0;
  let counted = 0;
  for (const t of ts) {
    let st;
    try {
      st = lstatSync(t.path);
    } catch {
      continue; // nothing there now: nothing to lose
    }
    // Writing into a folder (`cp x dir/`) overwrites nothing in particular.
    if (t.how === 'overwrite' && st.isDirectory()) continue;
    m.targets.push(t);
    // Kept for the undo, not counted: a move loses nothing by itself.
    if (t.how === 'move') continue;
    counted++;
    const r = t.how === 'delete' ? await walk(t.path, m.deadline) : { files: 1, bytes: st.size, complete: true, problems: [] };
    if (!r.complete) m.miss(`${t.path}: ${r.problems[0] ?? 'not walked'}`);
    if (t.how === 'delete') {
      delFiles += r.files;
      delBytes += r.bytes;
    } else {
      overFiles += r.files;
      overBytes += r.bytes;
    }
    const repo = await m.repoFor(st.isDirectory() ? t.path : dirname(t.path));
    if (repo) {
      const e = byRepo.get(repo.root) ?? { paths: [], files: 0, complete: true };
      e.paths.push(t.path);
      e.files += r.files;
      e.complete &&= r.complete;
      byRepo.set(repo.root, e);
    }
  }
  if (counted === 0) return;
  m.has.files = true;
  m.files += delFiles + overFiles;
  m.bytes += delBytes + overBytes;
  let untracked = 0;
  let modified = 0;
  let gitKnown = byRepo.size > 0;
  for (const [root, e] of byRepo) {
    // Untracked files are counted from ls-files; status need not list them (the slow part in a big tree).
    const [tracked, st] = await Promise.all([runGit(root, ['ls-files', '-z', '--', ...e.paths], m.left()), status(root, e.paths, m.left(), false)]);
    if (!tracked.ok || !st || !e.complete) {
      gitKnown = false;
      m.miss(`git status of ${root}: ${tracked.error ?? (st ? 'files not all walked' : 'failed')}`);
      continue;
    }
    const nTracked = tracked.stdout.toString('utf8').split('\0').filter((s) => s !== '').length;
    untracked += Math.max(0, e.files - nTracked);
    modified += st.filter((s) => s.x !== '?' && s.y !== '.' && s.y !== 'D').length;
  }
  if (gitKnown) {
    m.has.untracked = m.has.modified = true;
    m.untracked += untracked;
    m.modified += modified;
  }
  const git = gitKnown ? `${untracked > 0 ? `, ${nf.format(untracked)} untracked` : ''}${modified > 0 ? `, ${plural(modified, 'file')} with uncommitted changes` : ''}` : '';
  if (delFiles > 0 || overFiles === 0) m.phrases.push(`deletes ${plural(delFiles, 'file')} (${formatBytes(delBytes)})${overFiles === 0 ? git : ''}`);
  if (overFiles > 0) m.phrases.push(`overwrites ${plural(overFiles, 'file')} (${formatBytes(overBytes)})${git}`);
}

/** What a git subcommand discards locally, and what a force-push drops from the remote branch. */
async function gitEffects(g: GitCommand, m: Measure): Promise<void> {
  const { sub, args } = g;
  const discard = async (pathspecs: string[], staged: boolean): Promise<void> => {
    const repo = await repoOf(g.cwd, m.left());
    if (!repo) return;
    const st = await runStatus(g.cwd, pathspecs, m);
    if (!st) return;
    const lost = st.filter((s) => s.x !== '?' && s.x !== '!' && (s.y !== '.' || (staged && s.x !== '.')));
    let bytes = 0;
    for (const s of lost) {
      const path = join(repo.root, s.path);
      try {
        const ls = lstatSync(path);
        bytes += ls.isFile() || ls.isSymbolicLink() ? ls.size : 0;
        m.targets.push({ path, how: 'overwrite' });
      } catch {
        m.targets.push({ path, how: 'absent' });
      }
    }
    m.git.push({ kind: 'index', root: repo.root, indexPath: await gitPath(repo.root, 'index', m) });
    m.has.files = m.has.modified = true;
    m.files += lost.length;
    m.bytes += bytes;
    m.modified += lost.length;
    m.phrases.push(lost.length > 0 ? `discards uncommitted changes to ${plural(lost.length, 'file')} (${formatBytes(bytes)})` : 'discards no uncommitted changes');
  };

  if (sub === 'reset' && flag(args, ['--hard'])) {
    const rev = positionals(args)[0];
    await discard([':/'], true);
    const repo = await repoOf(g.cwd, m.left());
    if (repo && rev !== undefined) {
      // The branch moves to `rev`: commits after it leave the branch, and files differing from it change.
      const head = await runGit(repo.root, ['symbolic-ref', '-q', 'HEAD'], m.left());
      const oid = await runGit(repo.root, ['rev-parse', '--verify', 'HEAD'], m.left());
      if (oid.ok) m.git.push({ kind: 'ref', root: repo.root, ref: head.ok ? head.stdout.toString().trim() : 'HEAD', oid: oid.stdout.toString().trim() });
      const n = await countCommits(repo.root, [`${rev}..HEAD`], m);
      if (n !== undefined) {
        m.has.commits = true;
        m.commits += n;
        if (n > 0) m.phrases.push(`moves the branch back over ${plural(n, 'commit')}`);
      }
      const diff = await runGit(repo.root, ['diff', '--name-only', '-z', rev, 'HEAD'], m.left());
      if (diff.ok) {
        for (const p of diff.stdout.toString('utf8').split('\0').filter(Boolean)) {
          const path = join(repo.root, p);
          let exists = true;
          try {
            lstatSync(path);
          } catch {
            exists = false;
          }
          m.targets.push({ path, how: exists ? 'overwrite' : 'absent' });
        }
      }
    }
  } else if (sub === 'checkout' || sub === 'restore') {
    const dd = afterDashDash(args);
    const pos = positionals(args);
    if (sub === 'checkout') {
      // `checkout [REV] -- paths` or `checkout .`; a lone name that is no path switches branches.
      const paths = dd.length > 0 ? dd : pos.filter((p) => exists(resolve(g.cwd, p)));
      if (paths.length === 0 && !flag(args, ['--force'], 'f')) return;
      const staged = dd.length > 0 && pos.length > 0;
      await discard(paths.length > 0 ? paths : [':/'], staged);
    } else {
      const staged = flag(args, ['--staged'], 'S');
      const worktree = flag(args, ['--worktree'], 'W') || !staged;
      if (!worktree) {
        const repo = await repoOf(g.cwd, m.left());
        if (repo) m.git.push({ kind: 'index', root: repo.root, indexPath: await gitPath(repo.root, 'index', m) });
        return;
      }
      await discard([...pos, ...dd], staged);
    }
  } else if (sub === 'clean' && flag(args, ['--force'], 'f') && !flag(args, ['--dry-run'], 'n')) {
    const repo = await repoOf(g.cwd, m.left());
    if (!repo) return;
    // The same selection as a dry run: -f, -i and -n dropped, every other option kept.
    const dry = args.flatMap((a) => {
      if (a === '--force' || a === '--interactive' || a === '--dry-run') return [];
      if (!/^-[A-Za-z]+$/.test(a)) return [a];
      const rest = a.replace(/[fin]/g, '');
      return rest === '-' ? [] : [rest];
    });
    const r = await runGit(g.cwd, ['-c', 'core.quotePath=true', 'clean', '--dry-run', ...dry], m.left());
    if (!r.ok) return m.miss(`git clean --dry-run: ${r.error}`);
    const paths: string[] = [];
    for (const l of r.stdout.toString('utf8').split('\n')) {
      const w = /^Would remove (.*)$/.exec(l);
      if (w) paths.push(resolve(g.cwd, unquoteGitPath(w[1]).replace(/\/$/, '')));
    }
    let files = 0;
    let bytes = 0;
    for (const p of paths) {
      m.targets.push({ path: p, how: 'delete' });
      const w = await walk(p, m.deadline);
      if (!w.complete) m.miss(`${p}: ${w.problems[0] ?? 'not walked'}`);
      files += w.files;
      bytes += w.bytes;
    }
    m.has.files = m.has.untracked = true;
    m.files += files;
    m.bytes += bytes;
    m.untracked += files;
    m.phrases.push(`deletes ${plural(files, 'untracked file')} (${formatBytes(bytes)})`);
  } else if (sub === 'stash' && (args[0] === 'drop' || args[0] === 'clear')) {
    const list = await runGit(g.cwd, ['stash', 'list', '--format=%H%x00%gs'], m.left());
    const repo = await repoOf(g.cwd, m.left());
    if (!list.ok || !repo) return;
    const entries = list.stdout.toString('utf8').split('\n').filter(Boolean).map((l) => ({ oid: l.split('\0')[0], message: l.split('\0')[1] ?? '' }));
    let dropped = entries;
    if (args[0] === 'drop') {
      const ref = positionals(args.slice(1))[0] ?? 'stash@{0}';
      const n = /^(?:stash@\{)?(\d+)\}?$/.exec(ref)?.[1];
      dropped = n !== undefined && entries[Number(n)] ? [entries[Number(n)]] : [];
    }
    m.git.push({ kind: 'stash', root: repo.root, entries: dropped });
    m.has.commits = true;
    m.commits += dropped.length;
    m.phrases.push(`drops ${plural(dropped.length, 'stash entry', 'stash entries')}`);
  } else if (sub === 'branch' && (flag(args, ['-D']) || (flag(args, ['--delete'], 'd') && flag(args, ['--force'], 'f')))) {
    const repo = await repoOf(g.cwd, m.left());
    if (!repo) return;
    for (const name of positionals(args)) {
      const oid = await runGit(repo.root, ['rev-parse', '--verify', '-q', `refs/heads/${name}`], m.left());
      if (!oid.ok) continue;
      m.git.push({ kind: 'branch', root: repo.root, name, oid: oid.stdout.toString().trim() });
      const n = await countCommits(repo.root, [`refs/heads/${name}`, '--not', `--exclude=refs/heads/${name}`, '--all'], m);
      if (n === undefined) continue;
      m.has.commits = true;
      m.commits += n;
      m.phrases.push(`deletes branch ${name}${n > 0 ? ` with ${plural(n, 'commit')} found on no other branch` : ''}`);
    }
  } else if (sub === 'push') {
    await forcePush(g, m);
  }
}

/** A force-push: commits on the remote-tracking branch that the pushed commit does not contain. No network. */
async function forcePush(g: GitCommand, m: Measure): Promise<void> {
  const { args } = g;
  const pos = positionals(args);
  const forced = flag(args, ['--force', '--force-with-lease', '--force-if-includes', '--mirror'], 'f') || args.some((a) => a.startsWith('--force-with-lease='));
  const refspecs = pos.slice(1);
  if (!forced && !refspecs.some((r) => r.startsWith('+')) && !flag(args, ['--delete'], 'd')) return;
  const repo = await repoOf(g.cwd, m.left());
  if (!repo) return;
  const current = await runGit(repo.root, ['symbolic-ref', '-q', '--short', 'HEAD'], m.left());
  const branch = current.ok ? current.stdout.toString().trim() : undefined;
  let remote = pos[0];
  if (remote === undefined && branch) {
    const r = await runGit(repo.root, ['config', `branch.${branch}.remote`], m.left());
    remote = r.ok ? r.stdout.toString().trim() : 'origin';
  }
  remote ??= 'origin';
  const specs = refspecs.length > 0 ? refspecs : branch ? [branch] : [];
  for (const raw of specs) {
    const spec = raw.replace(/^\+/, '');
    const [src, dst] = spec.includes(':') ? spec.split(':', 2) : [spec, spec];
    const name = dst.replace(/^refs\/heads\//, '');
    const tracking = `refs/remotes/${remote}/${name}`;
    const ok = await runGit(repo.root, ['rev-parse', '--verify', '-q', tracking], m.left());
    if (!ok.ok) continue;
    const deleting = src === '' || flag(args, ['--delete'], 'd');
    const n = await countCommits(repo.root, deleting ? [tracking, '--not', `--exclude=${tracking}`, '--all'] : [tracking, '--not', src || 'HEAD'], m);
    if (n === undefined) continue;
    m.has.commits = true;
    m.commits += n;
    m.remoteOnly.push(`${remote}/${name}`);
    m.phrases.push(`drops ${plural(n, 'commit')} from ${remote}/${name} that ${deleting ? 'no other branch has' : `are not in ${src || 'HEAD'}`}`);
  }
}

async function countCommits(root: string, revs: string[], m: Measure): Promise<number | undefined> {
  const r = await runGit(root, ['rev-list', '--count', ...revs], m.left());
  if (!r.ok) {
    m.miss(`git rev-list: ${r.error}`);
    return undefined;
  }
  return Number(r.stdout.toString().trim());
}

async function runStatus(cwd: string, pathspecs: string[], m: Measure): Promise<StatusEntry[] | undefined> {
  const st = await status(cwd, pathspecs, m.left());
  if (!st) m.miss(`git status in ${cwd} failed or ran out of time`);
  return st;
}

async function gitPath(root: string, name: string, m: Measure): Promise<string> {
  const r = await runGit(root, ['rev-parse', '--path-format=absolute', '--git-path', name], m.left());
  return r.ok ? r.stdout.toString().trim() : join(root, '.git', name);
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function linkTarget(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return 'somewhere that does not resolve';
  }
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
