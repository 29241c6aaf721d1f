/**
 * Files a command changes: written, appended, deleted, moved over or away, edited in place, or
 * given a new mode. Rules about guarded files match this list, so every writer counts the same —
 * a redirect, `cp`, `mv`, `sed -i`, `curl -o`, `git checkout -- f` or an agent's own file tool.
 * Pure: reads the parsed command only; whether a path is a directory is guessed from its spelling.
 */
import type { Analysed } from './analyse';
import type { Word } from './types';

/** A file a command (or an agent's file tool) changes. */
export interface FileWrite {
  /** As written on the line (relative, `~`, `$HOME`…) or absolute. */
  path: string;
  how: 'write' | 'append' | 'delete' | 'move' | 'edit' | 'mode';
  /**
   * Text being written or replaced, when known (agents' file tools give it; shell writers mostly
   * do not). For an edit, both the replaced and the replacing text, so removing a line shows too.
   */
  text?: string;
  /** The path depends on something unknown here. */
  dynamic?: boolean;
}

type How = FileWrite['how'];

/** Argv read for one writer: options (value-taking ones from its spec) apart from operands. */
interface Args {
  options: { name: string; value?: string; letters?: string }[];
  operands: Word[];
  /** Operands after a `--`. */
  afterDashDash: Word[];
}

interface WriterSpec {
  /** Options whose value is the next word (or the rest of a short cluster). */
  values?: string[];
  writes(x: Args, a: Analysed): FileWrite[];
}

const REDIRECT_HOW: Record<string, How> = { '>': 'write', '>|': 'write', '&>': 'write', '<>': 'write', '>>': 'append', '&>>': 'append' };
/** Where a write goes nowhere: the null device and the terminal's own streams. */
const NO_FILE = /^\/dev\/(null|stdout|stderr|tty|fd\/\d+)$|^-$/;

function parseArgs(argv: Word[], values: ReadonlySet<string>): Args {
  const out: Args = { options: [], operands: [], afterDashDash: [] };
  let ended = false;
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i].value;
    if (ended || !v.startsWith('-') || v === '-') {
      out.operands.push(argv[i]);
      if (ended) out.afterDashDash.push(argv[i]);
      continue;
    }
    if (v === '--') {
      ended = true;
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      if (eq > 0) out.options.push({ name: v.slice(0, eq), value: v.slice(eq + 1) });
      else if (values.has(v) && i + 1 < argv.length) out.options.push({ name: v, value: argv[++i].value });
      else out.options.push({ name: v });
      continue;
    }
    // A short cluster (`-sSLo out`): letters until one that takes a value, which is the rest or the next word.
    let letters = '';
    for (let k = 1; k < v.length; k++) {
      letters += v[k];
      if (values.has(`-${v[k]}`)) {
        const rest = v.slice(k + 1);
        out.options.push({ name: `-${v[k]}`, value: rest || argv[i + 1]?.value });
        if (!rest) i++;
        break;
      }
    }
    out.options.push({ name: v, letters });
  }
  return out;
}

function has(x: Args, ...names: string[]): boolean {
  return x.options.some((o) => names.some((n) => o.name === n || (/^-[^-]$/.test(n) && o.letters?.includes(n[1]) === true)));
}

function optionValues(x: Args, ...names: string[]): string[] {
  return x.options.filter((o) => o.value !== undefined && names.includes(o.name)).map((o) => o.value!);
}

function fromWord(w: Word, how: How): FileWrite {
  return w.dynamic ? { path: w.value, how, dynamic: true } : { path: w.value, how };
}

function fromText(path: string, how: How): FileWrite {
  return /[$`]/.test(path) ? { path, how, dynamic: true } : { path, how };
}

const base = (p: string): string => p.replace(/\/+$/, '').slice(p.replace(/\/+$/, '').lastIndexOf('/') + 1);
const join = (dir: string, name: string): string => `${dir.replace(/\/+$/, '')}/${name}`;

/**
 * A destination that names a directory by its spelling alone: a trailing slash, `.`, `..`, `~`,
 * or the working directory by variable. Copies into it land under the source's own name.
 */
function looksLikeDir(p: string): boolean {
  return /\/$/.test(p) || /(^|\/)\.{1,2}$/.test(p) || /^(~|\$HOME|\$\{HOME\}|\$PWD|\$\{PWD\}|\$\(pwd\)|`pwd`)$/.test(p);
}

/**
 * `cp`, `install`, `ln`, `mv`, `rsync`, `scp`: the destination (`-t DIR` or the last operand) and,
 * where it is a directory, each source's name under it. With `sources`, the sources are listed
 * too: `mv` takes them away from where they were.
 */
function copyLike(x: Args, how: How, opts: { sources?: How; local?: (p: string) => boolean; single?: 'cwd' } = {}): FileWrite[] {
  const ops = x.operands;
  const dirs = optionValues(x, '-t', '--target-directory');
  const local = opts.local ?? (() => true);
  let sources: Word[];
  const out: FileWrite[] = [];
  if (dirs.length > 0) {
    sources = ops;
    for (const d of dirs) for (const s of sources) out.push(fromText(join(d, base(s.value)), how));
  } else if (ops.length === 1 && opts.single === 'cwd') {
    // `ln -s /x/y`: the link is made in the working directory under the target's name.
    sources = [];
    out.push(fromText(base(ops[0].value), how));
  } else {
    if (ops.length < 2) return [];
    const dest = ops[ops.length - 1];
    sources = ops.slice(0, -1);
    if (!local(dest.value)) return opts.sources && sources.every((s) => local(s.value)) ? sources.map((s) => fromWord(s, opts.sources!)) : [];
    out.push(fromWord(dest, how));
    if (sources.length > 1 || looksLikeDir(dest.value)) for (const s of sources) out.push({ ...fromWord(dest, how), path: join(dest.value, base(s.value)) });
  }
  if (opts.sources) for (const s of sources) if (local(s.value)) out.push(fromWord(s, opts.sources));
  return out;
}

/** `host:path`, `user@host:path`, `rsync://…`: a copy's end on another machine. */
const notRemote = (p: string): boolean => !/^[^/]*:/.test(p) || /^[A-Za-z]:[\\/]/.test(p);

/** Operands that are files, after `skip` leading ones (a mode, an owner, a script). */
function operands(x: Args, how: How, skip = 0): FileWrite[] {
  return x.operands.slice(skip).map((w) => fromWord(w, how));
}

/** `w FILE` commands and `s///w FILE` flags in a sed script: sed writes those files. */
function sedScriptWrites(script: string): FileWrite[] {
  const out: FileWrite[] = [];
  for (const m of script.matchAll(/(?:^|[;\n{}]|\/[gpiImMe0-9]*)\s*w\s+([^\n;}]+)/g)) {
    const path = m[1].trim();
    if (path && !NO_FILE.test(path)) out.push(fromText(path, 'write'));
  }
  return out;
}

/** sed, perl and ruby in-place edits: the files after the script (or all, when the script is an option). */
function inPlace(x: Args, scriptOptions: string[], flag: (x: Args) => boolean): FileWrite[] {
  if (!flag(x)) return [];
  const scripted = optionValues(x, ...scriptOptions).length > 0;
  let files = x.operands;
  // BSD sed's `-i ''`: the empty suffix is its own word.
  if (files[0]?.value === '' && x.options.some((o) => o.name === '-i')) files = files.slice(1);
  return files.slice(scripted ? 0 : 1).map((w) => fromWord(w, 'edit'));
}

/**
 * The files a patch in Codex's `apply_patch` format touches (`*** Begin Patch`, then `*** Add
 * File:`, `*** Update File:` with an optional `*** Move to:`, `*** Delete File:`, then `*** End
 * Patch`), with the lines it adds and removes in each. Undefined when the text is not such a
 * patch: the caller must not take that for "no files".
 * Format: https://github.com/openai/codex/blob/main/codex-rs/apply-patch/apply_patch_tool_instructions.md
 */
export function applyPatchWrites(patch: string): FileWrite[] | undefined {
  const lines = patch.replace(/\r\n?/g, '\n').split('\n');
  const begin = lines.findIndex((l) => l.trim() === '*** Begin Patch');
  const end = lines.findIndex((l, i) => i > begin && l.trim() === '*** End Patch');
  if (begin < 0 || end < 0) return undefined;
  const out: FileWrite[] = [];
  let current: { path: string; kind: 'add' | 'update' | 'delete'; body: string[]; moveTo?: string } | undefined;
  const close = (): void => {
    if (!current) return;
    const text = current.body.length > 0 ? { text: current.body.join('\n') } : {};
    if (current.kind === 'add') out.push({ path: current.path, how: 'write', ...text });
    else if (current.kind === 'delete') out.push({ path: current.path, how: 'delete' });
    // A move takes the file away from its old name and writes it, edited, over the new one.
    else if (current.moveTo !== undefined) out.push({ path: current.path, how: 'move', ...text }, { path: current.moveTo, how: 'move', ...text });
    else out.push({ path: current.path, how: 'edit', ...text });
    current = undefined;
  };
  for (const line of lines.slice(begin + 1, end)) {
    const header = /^\*\*\* (Add File|Update File|Delete File|Move to): (.+)$/.exec(line.trim());
    if (header) {
      const path = header[2].trim();
      if (header[1] === 'Move to') {
        if (current?.kind !== 'update' || current.moveTo !== undefined || current.body.length > 0) return undefined;
        current.moveTo = path;
        continue;
      }
      close();
      current = { path, kind: header[1] === 'Add File' ? 'add' : header[1] === 'Update File' ? 'update' : 'delete', body: [] };
      continue;
    }
    if (!current) {
      if (line.trim() === '') continue;
      return undefined;
    }
    if (current.kind === 'add') {
      if (!line.startsWith('+') && line !== '') return undefined;
      current.body.push(line.slice(1));
    } else if (current.kind === 'update') {
      if (line.startsWith('+') || line.startsWith('-')) current.body.push(line.slice(1));
      else if (!(line.startsWith('@@') || line.startsWith(' ') || line === '' || line.trim() === '*** End of File')) return undefined;
    } else if (line.trim() !== '') return undefined;
  }
  close();
  return out.length > 0 ? out : undefined;
}

/** Files named in a unified diff (`+++ b/path`, `--- a/path` for deletions) or a Codex `apply_patch` envelope. */
export function patchWrites(text: string, strip = 1): FileWrite[] {
  // An envelope read strictly when it can be; a damaged one still yields the files it names.
  const envelope = text.includes('*** Begin Patch') ? applyPatchWrites(text) : undefined;
  if (envelope) return envelope;
  const out: FileWrite[] = [];
  const stripped = (p: string): string => (p.startsWith('/') ? p : p.split('/').slice(strip).join('/') || p);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const envelope = /^\s*\*\*\* (Add|Update|Delete) File: (.+)$|^\s*\*\*\* Move to: (.+)$/.exec(lines[i]);
    if (envelope) {
      const path = (envelope[2] ?? envelope[3]).trim();
      const how: How = envelope[1] === 'Delete' ? 'delete' : envelope[1] === 'Add' || envelope[3] ? 'write' : 'edit';
      let body = '';
      for (let k = i + 1; k < lines.length && !lines[k].startsWith('*** '); k++) body += `${lines[k].slice(1)}\n`;
      out.push(how === 'delete' ? { path, how } : { path, how, text: body });
      continue;
    }
    const plus = /^\+\+\+ ([^\t\n]+)/.exec(lines[i]);
    if (plus && lines[i - 1]?.startsWith('--- ')) {
      const target = plus[1].trim();
      if (target === '/dev/null') {
        const from = lines[i - 1].slice(4).split('\t')[0].trim();
        out.push({ path: stripped(from), how: 'delete' });
      } else {
        let body = '';
        for (let k = i + 1; k < lines.length && !lines[k].startsWith('--- ') && !lines[k].startsWith('diff '); k++) {
          if (/^[+-]/.test(lines[k])) body += `${lines[k].slice(1)}\n`;
        }
        out.push({ path: stripped(target), how: 'edit', text: body });
      }
    }
  }
  return out;
}

function stdinText(a: Analysed): string | undefined {
  const s = a.cmd.stdin;
  return s?.kind === 'text' ? s.text : undefined;
}

const CURL_VALUES = [
  '-o', '--output', '-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--json', '-H', '--header', '-X', '--request', '-u', '--user',
  '-A', '--user-agent', '-e', '--referer', '-F', '--form', '-T', '--upload-file', '-b', '--cookie', '-c', '--cookie-jar', '-K', '--config',
  '-w', '--write-out', '-m', '--max-time', '--connect-timeout', '-x', '--proxy', '-r', '--range', '-C', '--continue-at', '-E', '--cert',
  '--cacert', '--key', '--resolve', '--retry', '-y', '-Y', '-z', '--time-cond', '-D', '--dump-header', '--trace', '--trace-ascii', '--stderr',
  '--url', '-Q', '--quote', '--limit-rate', '--max-filesize', '--interface', '--output-dir', '--oauth2-bearer', '--proto', '--noproxy',
];

/** sed's in-place edits and the files its script's `w` commands write. */
const SED: WriterSpec = {
  values: ['-e', '--expression', '-f', '--file', '-l', '--line-length'],
  writes: (x) => {
    const script = optionValues(x, '-e', '--expression').join('\n') || (optionValues(x, '-f', '--file').length === 0 ? x.operands.find((w) => w.value !== '')?.value ?? '' : '');
    return [...inPlace(x, ['-e', '--expression', '-f', '--file'], (y) => has(y, '-i', '--in-place')), ...sedScriptWrites(script)];
  },
};

/** What each writing program changes; read by `fileWrites` and, as names, by the shell fast path. */
const WRITERS: Record<string, WriterSpec> = {
  tee: { values: ['-p'], writes: (x) => operands(x, has(x, '-a', '--append') ? 'append' : 'write') },
  sponge: { writes: (x) => operands(x, has(x, '-a') ? 'append' : 'write') },
  cp: { values: ['-t', '--target-directory', '-S', '--suffix'], writes: (x) => copyLike(x, 'write') },
  install: {
    values: ['-t', '--target-directory', '-m', '--mode', '-o', '--owner', '-g', '--group', '-S', '--suffix', '--strip-program'],
    // `install -d` makes directories: nothing is overwritten.
    writes: (x) => (has(x, '-d', '--directory') ? [] : copyLike(x, 'write')),
  },
  ln: { values: ['-t', '--target-directory', '-S', '--suffix'], writes: (x) => copyLike(x, 'write', { single: 'cwd' }) },
  mv: { values: ['-t', '--target-directory', '-S', '--suffix'], writes: (x) => copyLike(x, 'write', { sources: 'move' }) },
  rsync: {
    values: ['-e', '--rsh', '-f', '--filter', '--exclude', '--include', '--exclude-from', '--include-from', '--files-from', '--log-file', '--backup-dir', '--suffix', '--chmod', '--chown', '-B', '--block-size', '--port', '--password-file', '--rsync-path', '-T', '--temp-dir', '--partial-dir', '--compare-dest', '--link-dest', '--copy-dest', '-M', '--remote-option', '--bwlimit', '--timeout', '--out-format', '--info', '--debug'],
    writes: (x) => copyLike(x, 'write', { local: notRemote, ...(has(x, '--remove-source-files') ? { sources: 'move' as How } : {}) }),
  },
  scp: { values: ['-P', '-i', '-o', '-F', '-c', '-l', '-S', '-J', '-D', '-X'], writes: (x) => copyLike(x, 'write', { local: notRemote }) },
  rm: { writes: (x) => operands(x, 'delete') },
  unlink: { writes: (x) => operands(x, 'delete') },
  rmdir: { writes: (x) => operands(x, 'delete') },
  shred: { values: ['-n', '--iterations', '-s', '--size', '--random-source'], writes: (x) => operands(x, 'delete') },
  truncate: { values: ['-s', '--size', '-r', '--reference'], writes: (x) => operands(x, 'write') },
  // A mode or owner comes first unless `--reference` names a file to copy it from.
  chmod: { values: [], writes: (x) => operands(x, 'mode', has(x, '--reference') || x.options.some((o) => /^-[rwxXst]+$/.test(o.name)) ? 0 : 1) },
  chown: { writes: (x) => operands(x, 'mode', has(x, '--reference') ? 0 : 1) },
  chgrp: { writes: (x) => operands(x, 'mode', has(x, '--reference') ? 0 : 1) },
  // `chattr +i f` carries the change as an operand, `chattr -i f` as an option.
  chattr: { values: ['-v', '-p'], writes: (x) => x.operands.filter((w) => !/^[+=]/.test(w.value)).map((w) => fromWord(w, 'mode')) },
  setfacl: { values: ['-m', '--modify', '-x', '--remove', '-M', '--modify-file', '-X', '--remove-file', '--set', '--set-file'], writes: (x) => operands(x, 'mode') },
  sed: SED,
  gsed: SED,
  perl: { values: ['-e', '-E', '-M', '-m', '-I', '-x'], writes: (x) => inPlace(x, ['-e', '-E'], (y) => has(y, '-i')) },
  ruby: { values: ['-e', '-r', '-I', '-C', '-E'], writes: (x) => inPlace(x, ['-e'], (y) => has(y, '-i')) },
  dd: { writes: (x) => x.operands.filter((w) => w.value.startsWith('of=')).map((w) => ({ ...fromWord(w, 'write'), path: w.value.slice(3) })) },
  curl: {
    values: CURL_VALUES,
    writes: (x) => {
      const dir = optionValues(x, '--output-dir')[0];
      const at = (p: string): string => (dir && !p.startsWith('/') ? join(dir, p) : p);
      const out = optionValues(x, '-o', '--output').filter((p) => !NO_FILE.test(p)).map((p) => fromText(at(p), 'write'));
      out.push(...optionValues(x, '-D', '--dump-header', '-c', '--cookie-jar', '--trace', '--trace-ascii', '--stderr').filter((p) => !NO_FILE.test(p)).map((p) => fromText(p, 'write')));
      // `-O` saves under the URL's last segment, in the working directory (or --output-dir).
      if (has(x, '-O', '--remote-name', '--remote-name-all')) {
        for (const w of x.operands) {
          const name = /^[a-z]+:\/\/[^/?#]+\/(?:[^?#]*\/)?([^/?#]+)/i.exec(w.value)?.[1];
          if (name) out.push(fromText(at(name), 'write'));
        }
      }
      return out;
    },
  },
  wget: {
    values: ['-O', '--output-document', '-o', '--output-file', '-a', '--append-output', '-P', '--directory-prefix', '-U', '--user-agent', '--header', '-t', '--tries', '-T', '--timeout', '-e', '--execute', '-i', '--input-file', '-B', '--base', '--post-data', '--post-file', '-Q', '--quota', '-w', '--wait', '-l', '--level', '--user', '--password', '--body-data', '--method'],
    writes: (x) => [
      ...optionValues(x, '-O', '--output-document', '-o', '--output-file').filter((p) => !NO_FILE.test(p)).map((p) => fromText(p, 'write')),
      ...optionValues(x, '-a', '--append-output').filter((p) => !NO_FILE.test(p)).map((p) => fromText(p, 'append')),
    ],
  },
  sort: { values: ['-o', '--output', '-k', '--key', '-t', '--field-separator', '-S', '--buffer-size', '-T', '--temporary-directory', '--parallel', '--batch-size', '--files0-from'], writes: (x) => optionValues(x, '-o', '--output').map((p) => fromText(p, 'write')) },
  tree: { values: ['-o', '-L', '-P', '-I', '-H', '-T', '--charset', '--filelimit', '--timefmt', '--sort'], writes: (x) => optionValues(x, '-o').map((p) => fromText(p, 'write')) },
  xxd: {
    values: ['-c', '-cols', '-g', '-groupsize', '-l', '-len', '-s', '-seek', '-o', '-offset', '-n', '-name'],
    writes: (x) => (has(x, '-r', '-revert') && x.operands.length >= 2 ? [fromWord(x.operands[1], 'write')] : []),
  },
  patch: {
    values: ['-o', '--output', '-i', '--input', '-p', '--strip', '-d', '--directory', '-r', '--reject-file', '-B', '--prefix', '-z', '--suffix', '-F', '--fuzz', '-D', '--ifdef', '-V', '--version-control', '-Y', '--basename-prefix', '--quoting-style'],
    writes: (x, a) => {
      const out = optionValues(x, '-o', '--output').map((p) => fromText(p, 'write'));
      if (x.operands.length > 0) out.push(fromWord(x.operands[0], 'edit'));
      const text = stdinText(a);
      if (x.operands.length === 0 && text !== undefined) out.push(...patchWrites(text, Number(optionValues(x, '-p', '--strip')[0] ?? 0)));
      return out;
    },
  },
  apply_patch: { writes: (x, a) => patchWrites(stdinText(a) ?? x.operands.map((w) => w.value).join('\n'), 0) },
  applypatch: { writes: (x, a) => patchWrites(stdinText(a) ?? x.operands.map((w) => w.value).join('\n'), 0) },
  ed: { values: ['-p', '--prompt'], writes: (x) => operands(x, 'edit') },
  ex: { values: ['-c', '-S', '-u', '-i'], writes: (x) => operands(x, 'edit') },
  find: { writes: findWrites },
  git: { values: ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path'], writes: gitWrites },
};

/**
 * `find START… -name NAME -delete` (or `-exec rm …`): the files deleted are NAME anywhere under
 * each START at any depth, written as a globstar path so a guarded name still matches a rule's glob.
 */
function findWrites(_x: Args, a: Analysed): FileWrite[] {
  const words = a.cmd.argv.map((w) => w.value);
  let i = 1;
  while (i < words.length && /^-[HLP]$|^-O\d$/.test(words[i])) i++;
  if (words[i] === '-D') i += 2;
  const starts: string[] = [];
  for (; i < words.length && !/^[-(!]/.test(words[i]); i++) starts.push(words[i]);
  const exec = words.findIndex((w, k) => (w === '-exec' || w === '-execdir' || w === '-ok' || w === '-okdir') && WRITERS[words[k + 1] ?? ''] !== undefined && words[k + 1] !== 'find');
  if (!words.includes('-delete') && exec < 0) return [];
  const names = words.flatMap((w, k) => ((w === '-name' || w === '-iname') && words[k + 1] !== undefined ? [words[k + 1]] : []));
  const out: FileWrite[] = [];
  for (const s of starts.length > 0 ? starts : ['.']) {
    for (const n of names.length > 0 ? names : ['**']) out.push(fromText(n === '**' ? join(s, '**') : join(join(s, '**'), n), 'delete'));
  }
  return out;
}

/** Subcommand options of git that take a value, so their values are not read as paths. */
const GIT_VALUES: Record<string, string[]> = {
  checkout: ['-b', '-B', '--orphan', '--conflict', '--pathspec-from-file'],
  restore: ['-s', '--source', '--conflict', '--pathspec-from-file'],
  rm: ['--pathspec-from-file'],
  mv: [],
  apply: ['-p', '--directory', '--exclude', '--include', '-C', '--whitespace', '--build-fake-ancestor'],
};

/**
 * git's writers of working-tree files: `checkout [<tree-ish>] [--] <paths>`, `restore`, `rm`,
 * `mv`, and `apply` of a heredoc patch. A lone `git checkout NAME` may switch branches or restore
 * a file of that name; the name is listed, and only a guarded file's name can match a rule.
 */
function gitWrites(x: Args, a: Analysed): FileWrite[] {
  const sub = x.operands[0];
  const values = GIT_VALUES[sub?.value ?? ''];
  if (!sub || !values) return [];
  const dir = optionValues(x, '-C')[0];
  const at = (w: FileWrite): FileWrite => (dir && !w.path.startsWith('/') && !w.path.startsWith('~') ? { ...w, path: join(dir, w.path) } : w);
  // Re-read the words after the subcommand with its own value-taking options.
  const idx = a.cmd.argv.indexOf(sub);
  const y = parseArgs([sub, ...a.cmd.argv.slice(idx + 1)], new Set(values));
  let out: FileWrite[] = [];
  switch (sub.value) {
    case 'checkout':
      out = (y.afterDashDash.length > 0 ? y.afterDashDash : y.operands.length >= 2 ? y.operands.slice(1) : y.operands).map((w) => fromWord(w, 'write'));
      break;
    case 'restore':
      // `--staged` alone restores the index only; the file on disk is left as it is.
      if (!has(y, '-S', '--staged') || has(y, '-W', '--worktree')) out = operands(y, 'write');
      break;
    case 'rm':
      if (!has(y, '--cached')) out = operands(y, 'delete');
      break;
    case 'mv':
      out = copyLike(y, 'write', { sources: 'move' });
      break;
    case 'apply': {
      const text = stdinText(a);
      if (text !== undefined && !has(y, '--cached', '--check', '--stat', '--numstat', '--summary')) out = patchWrites(text, Number(optionValues(y, '-p')[0] ?? 1));
      break;
    }
  }
  return out.map(at);
}

/** Program names `fileWrites` reads, for the shell's fast path: a plain line of one of them may write a guarded file. */
export const WRITING_PROGRAMS: readonly string[] = Object.keys(WRITERS);

const specValues = new WeakMap<WriterSpec, Set<string>>();

/** Every file the analysed command writes, deletes, moves over or changes the mode of. */
export function fileWrites(a: Analysed): FileWrite[] {
  const out: FileWrite[] = [];
  for (const r of a.cmd.redirects) {
    const how = REDIRECT_HOW[r.op];
    if (how && r.target && !NO_FILE.test(r.target.value)) out.push(fromWord(r.target, how));
  }
  const spec = a.cmd.wrapper ? undefined : WRITERS[a.program] ?? WRITERS[a.program.replace(/[\d.]+$/, '')];
  if (spec) {
    let values = specValues.get(spec);
    if (!values) specValues.set(spec, (values = new Set(spec.values ?? [])));
    out.push(...spec.writes(parseArgs(a.cmd.argv, values), a));
  }
  return out;
}

