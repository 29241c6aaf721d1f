/** A real git repository in a temp folder, for impact and snapshot tests. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const made: string[] = [];

export function tempDir(prefix = 'interlock-test-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Remove every folder `tempDir` made (for `after`), read-only ones included. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) {
    try {
      chmodSync(dir, 0o700);
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // already gone
    }
  }
}

/** Write files (path → content) under `root`, making folders as needed. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

/** A repository with `committed` in its first commit. */
export function repo(committed: Record<string, string>): string {
  const root = tempDir('interlock-repo-');
  git(root, 'init', '-q', '-b', 'main');
  writeTree(root, committed);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'init');
  return root;
}
