/**
 * Read-only git queries for impact and snapshots, each a child process with a time limit. Status
 * runs with GIT_OPTIONAL_LOCKS=0 so that even its index refresh never writes: measuring a command
 * must not change the repository it measures.
 */
import { execFile } from 'node:child_process';

export interface GitResult {
  ok: boolean;
  stdout: Buffer;
  /** Why it failed: a timeout, git missing, or git's own message. */
  error?: string;
}

/** Run `git args` in `cwd`, giving up after `timeoutMs` (a timeout is a failure, never a hang). */
export function runGit(cwd: string, args: string[], timeoutMs: number, input?: Buffer): Promise<GitResult> {
  return new Promise((resolve) => {
    if (timeoutMs <= 0) return resolve({ ok: false, stdout: Buffer.alloc(0), error: 'out of time' });
    const child = execFile('git', args, {
      cwd,
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      encoding: 'buffer',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        const why = e.killed ? 'out of time' : e.code === 'ENOENT' ? 'git is not installed' : (stderr.toString('utf8').trim().split('\n')[0] || e.message);
        resolve({ ok: false, stdout, error: why });
      } else resolve({ ok: true, stdout });
    });
    if (input) child.stdin?.end(input);
  });
}

/** The repository's top folder and git dir for `cwd`, or undefined outside a repository. */
export async function repoOf(cwd: string, timeoutMs: number): Promise<{ root: string; gitDir: string } | undefined> {
  const r = await runGit(cwd, ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir'], timeoutMs);
  if (!r.ok) return undefined;
  const [root, gitDir] = r.stdout.toString('utf8').split('\n');
  return root && gitDir ? { root, gitDir } : undefined;
}

export interface StatusEntry {
  /** Relative to the repository's top folder. */
  path: string;
  /** `X` and `Y` of porcelain v2 (`.` unchanged); `?` untracked, `!` ignored. */
  x: string;
  y: string;
}

/** `git status --porcelain=v2 -z` read into entries (untracked files listed one by one unless `untracked` is false). */
export async function status(root: string, pathspecs: string[], timeoutMs: number, untracked = true): Promise<StatusEntry[] | undefined> {
  const args = ['-c', 'core.quotePath=false', 'status', '--porcelain=v2', '-z', `--untracked-files=${untracked ? 'all' : 'no'}`, '--ignored=no', '--no-renames'];
  const r = await runGit(root, [...args, '--', ...(pathspecs.length > 0 ? pathspecs : ['.'])], timeoutMs);
  if (!r.ok) return undefined;
  const out: StatusEntry[] = [];
  const parts = r.stdout.toString('utf8').split('\0');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '') continue;
    if (p[0] === '?' || p[0] === '!') out.push({ path: p.slice(2), x: p[0], y: p[0] });
    else if (p[0] === '1' || p[0] === 'u' || p[0] === '2') {
      // Fields before the path: 8 for `1`, 9 for `2` (then the original path), 10 for `u`.
      const fields = p[0] === '1' ? 8 : p[0] === '2' ? 9 : 10;
      const f = p.split(' ');
      out.push({ path: f.slice(fields).join(' '), x: f[1][0], y: f[1][1] });
      if (p[0] === '2') i++;
    }
  }
  return out;
}

/** Read a C-quoted path as git prints it (`"a\nb"`), or the text as is. */
export function unquoteGitPath(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"')) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  const esc: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i];
    if (/[0-7]/.test(n)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(esc[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}
