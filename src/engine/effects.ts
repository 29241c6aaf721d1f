/**
 * Effects: what a command does to its targets, whatever the spelling. The file side (write,
 * append, delete, move, edit, mode) comes from `fileWrites`; this module says what a target
 * holds, in the terms a loss is judged by — infrastructure state, a local database, an
 * environment file, credentials, sources a glob sweeps up, a list only known at run time — so
 * one rule (`"writes": { "any": ["database"] }`) covers `rm`, `find -delete`, `xargs rm`, a
 * redirect and an agent's file tool alike. Pure string work; nothing touches the disk.
 */
import { credentialFile } from './credentialFiles';
import { classifyPath } from './paths';
import type { PathContext } from './paths';

export const TARGET_KINDS = [
  'infra-state', 'database', 'database-dump', 'env-file', 'credentials', 'sources', 'listed',
] as const;
/** What a target holds, as far as losing it goes. */
export type TargetKind = (typeof TARGET_KINDS)[number];

export const TARGET_KIND_NAMES: ReadonlySet<string> = new Set(TARGET_KINDS);

/** Terraform/OpenTofu state and its working directory, Pulumi's local backend: the map from code to live resources. */
const INFRA_STATE = /(^|\/)[^/]*\.tfstate(\.[^/]*)?$|(^|\/)\.terraform(\/|$)|(^|\/)terraform\.tfstate\.d(\/|$)|(^|\/)\.pulumi(\/|$)/;
/** Embedded database files (and their journals): the data itself, never in git. */
const DATABASE = /\.(db|sqlite|sqlite3|db3|s3db|sl3|duckdb|mdb|accdb|realm|rdb)(-wal|-shm|-journal)?$|(^|\/)(pgdata|mysql-data|mongo-data|db-data)(\/|$)/i;
/** Database dumps and backups: often the only copy of the data they hold. */
const DATABASE_DUMP = /\.(dump|pgdump|bson|sql\.(gz|bz2|xz|zst|zip))$|(^|\/)[^/]*(dump|backup)[^/]*\.sql$/i;
/** Windows' thumbnail cache is named like a database. */
const NOT_DATABASE = /(^|\/)thumbs\.db$/i;
/** `.env`, `.env.production`, `prod.env`, `.envrc` — not the templates committed beside them. */
const ENV_FILE = /(^|\/)(\.env(\.[^/]+)?|[^/]+\.env|\.envrc)$/;
const ENV_TEMPLATE = /\.(example|sample|template|dist|defaults?|schema)$/i;
/** File extensions of source code and documents a person writes. */
const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py|go|rs|java|kt|kts|scala|rb|php|c|h|cc|cpp|cxx|hpp|cs|fs|swift|m|mm|vue|svelte|astro|dart|ex|exs|erl|hs|ml|clj|lua|r|jl|sh|bash|zsh|ps1|sql|proto|graphql|tf|hcl|html|css|scss|sass|less|md|mdx|rst|ipynb)$/i;
/** One path segment that globs a whole directory. */
const WHOLE_SEGMENT = /^\.?\*$|^\*\*$|^\*\.?\*?$|^\{found\}$/;
/** What xargs, parallel and friends hand over from standard input: a list only known at run time. */
const STDIN_LIST = '{stdin}';

/**
 * The kinds of one target path (as written on the line: relative, `~`, `$HOME`, a glob, or what
 * `find` reaches). Build outputs, caches and temp directories hold nothing of these kinds.
 */
export function targetKinds(path: string, dynamic: boolean, ctx: PathContext): TargetKind[] {
  if (path.includes(STDIN_LIST)) return ['listed'];
  const cls = classifyPath(path, dynamic, ctx);
  if (cls === 'temp' || cls === 'disposable') return [];
  const kinds: TargetKind[] = [];
  const plain = path.replace(/\/\{found\}$/, '');
  if (INFRA_STATE.test(plain)) kinds.push('infra-state');
  if (DATABASE.test(plain) && !NOT_DATABASE.test(plain)) kinds.push('database');
  if (DATABASE_DUMP.test(plain)) kinds.push('database-dump');
  if (ENV_FILE.test(plain) && !ENV_TEMPLATE.test(plain)) kinds.push('env-file');
  else {
    const known = plain.replace(/^(\$PWD|\$\{PWD\})(?=\/|$)/, ctx.cwd);
    if (!/[$`]/.test(known.replace(/^(\$HOME|\$\{HOME\})(?=\/|$)/, '')) && credentialFile(known, ctx) !== undefined) kinds.push('credentials');
  }
  if ((cls === 'source' || cls === 'workspace-files') && sweepsSources(path)) kinds.push('sources');
  return kinds;
}

/**
 * A glob that sweeps up files a person wrote: every file of a folder (`src/*`, `docs/**`, what
 * `find src` reaches) or code by extension across a tree (`./**\/*.ts`, `*.py`). Such files are
 * often new and untracked, so git cannot bring them back.
 */
function sweepsSources(path: string): boolean {
  const segs = path.split('/').filter((s) => s !== '' && s !== '.');
  const first = segs.findIndex((s) => /[*?[]/.test(s) || s === '{found}');
  if (first < 0) return false;
  const tail = segs.slice(first);
  const last = tail[tail.length - 1];
  // A whole folder below the workspace (the workspace itself is judged by its own rules).
  if (first > 0 && tail.every((s) => WHOLE_SEGMENT.test(s))) return true;
  return SOURCE_EXT.test(last) && /^\*/.test(last);
}
