/**
 * What a path argument points at, in the terms rules care about: the root, system directories,
 * the home directory, the workspace itself, its sources and `.git`, build outputs and temp dirs.
 * Pure string work against the working directory and home passed in; nothing touches the disk.
 */

export const PATH_CLASSES = [
  'root', 'system', 'device', 'home', 'home-data', 'parent', 'workspace', 'workspace-files', 'git', 'source',
  'disposable', 'temp', 'outside', 'dynamic',
] as const;
export type PathClass = (typeof PATH_CLASSES)[number];

export interface PathContext {
  cwd: string;
  home: string;
}

const SYSTEM_DIRS = [
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/opt', '/proc', '/root', '/sbin', '/srv',
  '/sys', '/usr', '/var', '/home', '/Users', '/System', '/Library', '/Applications', '/Volumes', '/private', '/snap',
  '/mnt', '/media', '/run', '/nix', '/cores',
];
const TEMP_DIRS = ['/tmp', '/var/tmp', '/private/tmp', '/private/var/tmp', '/dev/shm', '/var/folders', '/private/var/folders'];
const DEVICE = /^\/dev\/(sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|disk\d|rdisk\d|md\d|dm-\d|mapper\/|loop\d|sr\d)/;

/** Generated or cached directories: deleting them costs a rebuild, not work. */
export const DISPOSABLE_NAMES = new Set([
  'node_modules', 'dist', 'build', 'out', 'target', 'coverage', '.next', '.nuxt', '.svelte-kit', '.output', '.cache',
  '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.nox', '.turbo', '.parcel-cache', '.vite',
  'tmp', 'temp', '.tmp', '.temp', '.gradle', '.venv', 'venv', '.eggs', '.angular', 'storybook-static', '.docusaurus',
  'bower_components', '.sass-cache', '.webpack', '.expo', 'DerivedData', '.build', '.dart_tool', '.pnpm-store',
  '.yarn-cache', 'obj', '.terraform.d', 'logs', 'log', '.nyc_output', 'htmlcov', 'lib-cov', 'jspm_packages',
]);
const DISPOSABLE_FILE = /\.(log|pyc|pyo|o|obj|class|tmp|swp|swo|bak|orig|rej)$|^\.DS_Store$|\.egg-info$|\.tsbuildinfo$/;

/** Collapse `.` and `..` segments of an absolute path. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : dir + '/');
}

const HOME_VAR = /^(\$HOME|\$\{HOME\}|~)(?=\/|$)/;
const TMP_VAR = /^(\$TMPDIR|\$\{TMPDIR\}|\$\{TMPDIR:-[^}]*\}|\$TMP|\$\{TMP\}|\$TEMP|\$RUNNER_TEMP|\$\{RUNNER_TEMP\})(?=\/|$)/;
const PWD_VAR = /^(\$PWD|\$\{PWD\}|\$\(pwd\)|`pwd`)(?=\/|$)/;

/** Classify one path word. `dynamic` words that no known prefix explains are `dynamic`. */
export function classifyPath(raw: string, dynamic: boolean, ctx: PathContext): PathClass {
  const cwd = normalizePath(ctx.cwd);
  const home = normalizePath(ctx.home);
  let value = raw.replace(/\/\{found\}$/, '');
  const found = value !== raw;
  if (TMP_VAR.test(value)) return 'temp';
  if (HOME_VAR.test(value)) value = home + value.replace(HOME_VAR, '');
  else if (/^~[A-Za-z0-9_.-]+/.test(value)) value = '/home/' + value.slice(1);
  else if (PWD_VAR.test(value)) value = cwd + value.replace(PWD_VAR, '');
  if (/[$`]|\{stdin\}/.test(value)) {
    // An unknown variable decides the path; only a known static prefix still tells us something.
    const prefix = value.slice(0, value.search(/[$`]|\{stdin\}/));
    if (!prefix.startsWith('/') || prefix === '/' || !prefix.includes('/', 1)) return 'dynamic';
    value = prefix.replace(/\/[^/]*$/, '') || '/';
  }
  const globbed = /[*?[]/.test(value);
  const abs = normalizePath(value.startsWith('/') ? value : `${cwd}/${value}`);
  // `rm -rf /*`, `rm -rf .*` and friends reach everything in the directory they glob.
  const globBase = globbed ? normalizePath(abs.slice(0, abs.search(/[*?[]/)).replace(/\/[^/]*$/, '') || '/') : abs;
  const wholeDir = globbed && /^\.?\*$|^\*\.?\*?$/.test(abs.slice(globBase.length + 1).split('/')[0] ?? '');
  const target = globbed ? globBase : abs;

  if (target === '/') return globbed && !wholeDir ? 'system' : found ? 'system' : 'root';
  if (DEVICE.test(target)) return 'device';
  if (TEMP_DIRS.some((d) => under(target, d))) return 'temp';
  if (under(target, cwd)) {
    if (target === cwd) return found ? 'workspace-files' : globbed && !wholeDir ? 'workspace-files' : 'workspace';
    const rel = target.slice(cwd.length + 1).split('/');
    if (rel.includes('.git')) return 'git';
    if (rel.some((seg) => DISPOSABLE_NAMES.has(seg)) || (!globbed && DISPOSABLE_FILE.test(rel.at(-1) ?? ''))) return 'disposable';
    if (globbed && DISPOSABLE_FILE.test(abs.split('/').at(-1) ?? '')) return 'disposable';
    return 'source';
  }
  if (under(cwd, target)) return target === home ? 'home' : target === '/' ? 'root' : SYSTEM_DIRS.includes(target) ? 'system' : 'parent';
  if (target === home) return 'home';
  if (under(target, home)) {
    const rel = target.slice(home.length + 1).split('/');
    if (rel.some((seg) => DISPOSABLE_NAMES.has(seg)) && !rel.some((seg) => seg.startsWith('.') && !DISPOSABLE_NAMES.has(seg))) return 'disposable';
    return 'home-data';
  }
  if (target.split('/').includes('.git')) return 'git';
  if (SYSTEM_DIRS.some((d) => under(target, d))) {
    if (/^\/(home|Users)\/[^/]+$/.test(target)) return 'home';
    if (/^\/(home|Users)\/[^/]+\//.test(target)) return 'home-data';
    return 'system';
  }
  if (dynamic && !found) return 'dynamic';
  return 'outside';
}
