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
  '.npm', '_cacache', 'Caches',
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

const HOME_VAR = /^(\$HOME|\$\{HOME\})(?=\/|$)/;
const TMP_VAR = /^(\$TMPDIR|\$\{TMPDIR\}|\$\{TMPDIR:-[^}]*\}|\$TMP|\$\{TMP\}|\$TEMP|\$\{TEMP\}|\$RUNNER_TEMP|\$\{RUNNER_TEMP\})(?=\/|$)/;
const PWD_VAR = /^(\$PWD|\$\{PWD\}|\$\(pwd\)|`pwd`)(?=\/|$)/;
/** A directory `mktemp` just created (directly or through a variable set from it), unless -p/--tmpdir puts it elsewhere. */
const MKTEMP = /^(\$\(mktemp\b[^)]*\)|`mktemp\b[^`]*`)(?=\/|$)/;
/** Character devices that hold nothing: writing to them, or naming them, destroys no data. */
const NULL_DEVICES = /^\/dev\/(null|zero|full|random|urandom|stdin|stdout|stderr|tty|fd\/\d+)$/;
/** A segment that globs a whole directory: `*`, `.*`, `**`, `*.*`. */
const WHOLE_SEGMENT = /^\.?\*$|^\*\.?\*?$/;

/**
 * Windows paths, as PowerShell and cmd lines carry them. Unquoted backslashes are gone by the time
 * bash has read the word (`C:\\Windows` reads as `C:Windows`), so the separator after the drive is optional.
 */
const WIN_DRIVE = /^[A-Za-z]:(?=[\\/]|$|[A-Za-z$*])/;
const WIN_SYSTEM = /^(windows|program files|program files \(x86\)|programdata|system volume information|boot|recovery|\$recycle\.bin)$/i;
const WIN_VARS: [RegExp, PathClass][] = [
  [/^(%(temp|tmp)%|\$env:(temp|tmp))(?=[\\/]|$)/i, 'temp'],
  [/^(%(userprofile|homepath)%|\$env:(userprofile|homepath))[\\/]?$/i, 'home'],
  [/^(%(userprofile|homepath|appdata|localappdata)%|\$env:(userprofile|homepath|appdata|localappdata))(?=[\\/]|$)/i, 'home-data'],
  [/^(%(systemroot|windir|programfiles|programdata|systemdrive)%|\$env:(systemroot|windir|programfiles|programdata|systemdrive))(?=[\\/]|$)/i, 'system'],
];

function classifyWindows(value: string): PathClass | undefined {
  for (const [re, cls] of WIN_VARS) if (re.test(value)) return cls;
  if (!WIN_DRIVE.test(value)) return undefined;
  const segs = value.slice(2).split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segs.length === 0 || (segs.length === 1 && WHOLE_SEGMENT.test(segs[0]))) return 'root';
  if (WIN_SYSTEM.test(segs[0])) return 'system';
  if (!/[\\/]/.test(value)) {
    // Separators lost to bash quoting: `C:\Users\bob` arrives as `C:Usersbob`. Judge by the prefix.
    if (/^(windows|program ?files|programdata)/i.test(segs[0])) return 'system';
    if (/^users./i.test(segs[0])) return 'home-data';
  }
  if (/^users$/i.test(segs[0])) {
    if (segs.length === 1) return 'system';
    return segs.length === 2 ? 'home' : 'home-data';
  }
  return 'outside';
}

/** Literal segments after a glob's base that say what the glob reaches: `.git`, build outputs, logs. */
function globTailClass(tail: string[]): PathClass | undefined {
  if (tail.includes('.git')) return 'git';
  if (tail.some((seg) => DISPOSABLE_NAMES.has(seg)) || DISPOSABLE_FILE.test(tail.at(-1) ?? '')) return 'disposable';
  return undefined;
}

/**
 * Classify one path word. Variables count only in `dynamic` words: `'$TMPDIR/x'` in single quotes
 * is a directory named `$TMPDIR`. Dynamic words that no known prefix explains are `dynamic`.
 * A `/{found}` suffix (what `find` reaches) stands for everything below its directory.
 */
export function classifyPath(raw: string, dynamic: boolean, ctx: PathContext): PathClass {
  const cwd = normalizePath(ctx.cwd);
  const home = normalizePath(ctx.home);
  const found = raw.endsWith('/{found}');
  let value = found ? raw.slice(0, -'/{found}'.length) || '/' : raw;
  // A relative path on a line that moved to a Windows folder (`Set-Location C:\; …`) is below it.
  const windows = classifyWindows(WIN_DRIVE.test(ctx.cwd) && !WIN_DRIVE.test(value) && !/^[~/\\$%]/.test(value) ? `${ctx.cwd}/${value}` : value);
  if (windows) return windows;
  if (value === '~' || value.startsWith('~/')) value = home + value.slice(1);
  else if (/^~[A-Za-z0-9_.-]+/.test(value)) value = '/home/' + value.slice(1);
  else if (dynamic && MKTEMP.test(value) && !/\s(-p|--tmpdir)\b/.test(value.match(MKTEMP)![0])) value = '/tmp/mktemp' + value.replace(MKTEMP, '');
  else if (dynamic && TMP_VAR.test(value)) value = '/tmp' + value.replace(TMP_VAR, '');
  else if (dynamic && HOME_VAR.test(value)) value = home + value.replace(HOME_VAR, '');
  else if (dynamic && PWD_VAR.test(value)) value = cwd + value.replace(PWD_VAR, '');
  if (/[$`]|\{stdin\}/.test(value) && (dynamic || value.includes('{stdin}'))) {
    // An unknown variable decides the path; only a known static prefix still tells us something.
    const prefix = value.slice(0, value.search(/[$`]|\{stdin\}/));
    if (!prefix.startsWith('/') || prefix === '/' || !prefix.includes('/', 1)) return 'dynamic';
    value = prefix.replace(/\/[^/]*$/, '') || '/';
  }
  // After `cd "$X"` the line's working directory is unknown, and so is every relative path.
  if (!value.startsWith('/') && cwd.includes('$')) return 'dynamic';
  const globbed = /[*?[]/.test(value);
  const abs = normalizePath(value.startsWith('/') ? value : `${cwd}/${value}`);
  if (NULL_DEVICES.test(abs)) return 'temp';
  // `rm -rf /*`, `rm -rf .*` and friends reach everything in the directory they glob.
  const globBase = globbed ? normalizePath(abs.slice(0, abs.search(/[*?[]/)).replace(/\/[^/]*$/, '') || '/') : abs;
  const tail = globbed ? abs.slice(globBase.length).split('/').filter((s) => s !== '') : [];
  const whole = found || (globbed && tail.every((seg) => WHOLE_SEGMENT.test(seg)));
  const target = globbed ? globBase : abs;

  if (target === '/') return globbed && !whole ? 'system' : 'root';
  if (DEVICE.test(target)) return 'device';
  // The workspace first: a project checked out under /tmp (CI scratch clones) keeps its sources.
  const inTempWorkspace = TEMP_DIRS.some((d) => under(cwd, d)) && under(target, cwd);
  // Likewise a home directory under /tmp (sandboxes, CI) is still a home.
  const inTempHome = TEMP_DIRS.some((d) => under(home, d)) && under(target, home) && !under(target, cwd);
  // The home directory itself is a home wherever it sits, inside the working folder too.
  if (target === home && (!globbed || whole || inTempHome)) return 'home';
  if (!inTempWorkspace && !inTempHome && TEMP_DIRS.some((d) => under(target, d))) return 'temp';
  if (under(target, cwd)) {
    const rel = target === cwd ? [] : target.slice(cwd.length + 1).split('/');
    if (rel.includes('.git')) return 'git';
    if (rel.some((seg) => DISPOSABLE_NAMES.has(seg)) || (!globbed && DISPOSABLE_FILE.test(rel.at(-1) ?? ''))) return 'disposable';
    const fromTail = globbed && !whole ? globTailClass(tail) : undefined;
    if (fromTail) return fromTail;
    if (target === cwd) return whole ? 'workspace' : globbed ? 'workspace-files' : 'workspace';
    return 'source';
  }
  // Files a pattern picks in a home (`find ~ -name '*.log'`): not the home itself.
  if (globbed && !whole && under(target, home)) return globTailClass(tail) ?? 'home-data';
  if (under(cwd, target)) return target === home ? 'home' : SYSTEM_DIRS.includes(target) ? 'system' : 'parent';
  if (target === home && (!globbed || whole || inTempHome)) return 'home';
  if (under(target, home)) {
    const rel = [...target.slice(home.length + 1).split('/'), ...tail];
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
