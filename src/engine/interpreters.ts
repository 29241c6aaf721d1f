/**
 * Inline interpreters: `python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r` and script files.
 * The code itself is matched by rule packs (`code` matchers); here we find the code and the shell
 * commands it hands to `os.system`, `subprocess`, `child_process`, `system`, backticks and friends,
 * so those are checked again as shell.
 */
import type { Span, Word } from './types';

export interface InterpreterCode {
  language: 'python' | 'javascript' | 'perl' | 'ruby' | 'php' | 'lua' | 'r' | 'awk';
  text: string;
  span: Span;
  /** Set when the code is a script file to read; `text` is empty until it is read. */
  file?: string;
}

interface InterpreterSpec {
  language: InterpreterCode['language'];
  /** Options whose next word is the code. */
  codeFlags: string[];
  /** Short option letters that, ending a cluster (`-pe`), take the code next. */
  codeLetters: string;
  /** Options that take a separate value which is not code. */
  withValue: string[];
  /** Options after which the rest is not a script path (`-m module`). */
  noScript: string[];
  extensions: RegExp;
}

const SPECS: Record<string, InterpreterSpec> = {
  python: { language: 'python', codeFlags: ['-c'], codeLetters: 'c', withValue: ['-W', '-X', '--check-hash-based-pycs'], noScript: ['-m'], extensions: /\.py$/ },
  node: { language: 'javascript', codeFlags: ['-e', '--eval', '-p', '--print'], codeLetters: 'ep', withValue: ['-r', '--require', '--import', '--input-type', '--loader', '--env-file', '--conditions', '-C'], noScript: [], extensions: /\.(c|m)?[jt]s$/ },
  deno: { language: 'javascript', codeFlags: ['eval'], codeLetters: '', withValue: [], noScript: [], extensions: /\.(c|m)?[jt]sx?$/ },
  bun: { language: 'javascript', codeFlags: ['-e', '--eval', '-p', '--print'], codeLetters: 'ep', withValue: [], noScript: [], extensions: /\.(c|m)?[jt]sx?$/ },
  perl: { language: 'perl', codeFlags: ['-e', '-E'], codeLetters: 'eE', withValue: ['-I', '-M', '-m', '-x'], noScript: [], extensions: /\.p[lm]$/ },
  ruby: { language: 'ruby', codeFlags: ['-e'], codeLetters: 'e', withValue: ['-I', '-r', '-C', '-E'], noScript: [], extensions: /\.rb$/ },
  php: { language: 'php', codeFlags: ['-r'], codeLetters: 'r', withValue: ['-c', '-d', '-z'], noScript: [], extensions: /\.php$/ },
  lua: { language: 'lua', codeFlags: ['-e'], codeLetters: 'e', withValue: ['-l'], noScript: [], extensions: /\.lua$/ },
  Rscript: { language: 'r', codeFlags: ['-e'], codeLetters: 'e', withValue: [], noScript: [], extensions: /\.[Rr]$/ },
};

const AWKS = new Set(['awk', 'gawk', 'mawk', 'nawk', 'busybox-awk']);
const AWK_WITH_VALUE = ['-F', '-v', '--assign', '--field-separator', '-i', '--include', '-l', '--load'];

/** awk's program: the first operand, or the file named by -f. */
function awkCode(argv: Word[]): InterpreterCode | undefined {
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i].value;
    if (v === '-f' || v === '--file') return argv[i + 1] ? { language: 'awk', text: '', span: argv[i + 1].span, file: argv[i + 1].value } : undefined;
    if (v === '--') return argv[i + 1] ? { language: 'awk', text: argv[i + 1].value, span: argv[i + 1].span } : undefined;
    if (AWK_WITH_VALUE.includes(v)) {
      i++;
      continue;
    }
    if (v.startsWith('-') && v.length > 1) continue;
    return { language: 'awk', text: v, span: argv[i].span };
  }
  return undefined;
}

/** A program name as interpreters are known: no directory, no Windows `.exe` (`python3.11.exe`). */
function programName(word: string): string {
  return word.replace(/^.*[\\/]/, '').replace(/\.exe$/i, '');
}

function specFor(program: string): InterpreterSpec | undefined {
  if (/^(python|pypy)[0-9.]*$/.test(program)) return SPECS.python;
  if (program === 'nodejs') return SPECS.node;
  if (/^(perl|ruby|php|lua)[0-9.]*$/.test(program)) return SPECS[program.replace(/[0-9.]+$/, '')];
  return Object.hasOwn(SPECS, program) ? SPECS[program] : undefined;
}

/** Find the code an interpreter command runs: inline (`-c`, `-e`…) or a script file argument. */
export function extractInterpreterCode(argv: Word[], _cwd: string): InterpreterCode | undefined {
  if (AWKS.has(programName(argv[0]?.value ?? ''))) return awkCode(argv);
  const spec = specFor(programName(argv[0]?.value ?? ''));
  if (!spec) return undefined;
  const pieces: Word[] = [];
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i].value;
    if (spec.codeFlags.includes(v)) {
      if (argv[i + 1]) pieces.push(argv[i + 1]);
      i++;
      continue;
    }
    const eq = v.indexOf('=');
    if (eq > 0 && spec.codeFlags.includes(v.slice(0, eq))) {
      pieces.push({ ...argv[i], value: v.slice(eq + 1) });
      continue;
    }
    if (/^-[A-Za-z]+$/.test(v) && spec.codeLetters.includes(v.at(-1)!)) {
      if (argv[i + 1]) pieces.push(argv[i + 1]);
      i++;
      continue;
    }
    if (spec.noScript.includes(v)) break;
    if (spec.withValue.includes(v)) {
      i++;
      continue;
    }
    if (v.startsWith('-')) continue;
    if (pieces.length > 0) break;
    // The first operand is the script to run (its arguments follow).
    return { language: spec.language, text: '', span: argv[i].span, file: v };
  }
  if (pieces.length === 0) return undefined;
  return {
    language: spec.language,
    text: pieces.map((p) => p.value).join('\n'),
    span: { start: pieces[0].span.start, end: pieces.at(-1)!.span.end },
  };
}

/**
 * The language of an interpreter that reads its program from standard input: no inline code, no
 * module (`-m`), no script operand other than `-`. `echo x | python -m json.tool` reads data instead.
 */
export function stdinCodeLanguage(argv: Word[]): InterpreterCode['language'] | undefined {
  const spec = specFor(programName(argv[0]?.value ?? ''));
  if (!spec || spec.codeFlags.some((f) => !f.startsWith('-'))) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i].value;
    if (v === '-') return spec.language;
    if (spec.codeFlags.includes(v) || spec.codeFlags.includes(v.split('=')[0]) || spec.noScript.includes(v)) return undefined;
    if (/^-[A-Za-z]+$/.test(v) && spec.codeLetters.includes(v.at(-1)!)) return undefined;
    if (spec.withValue.includes(v)) {
      i++;
      continue;
    }
    if (!v.startsWith('-')) return undefined;
  }
  return spec.language;
}

export interface ShellCall {
  /** The API that runs it, for the reason text: `os.system`, `execSync`… */
  call: string;
  /** A command line handed to a shell. */
  command?: string;
  /** An argument vector run without a shell. */
  argv?: string[];
}

const CALLS: Record<InterpreterCode['language'], RegExp> = {
  python: /\b(os\.system|os\.popen|os\.exec\w*|os\.spawn\w*|subprocess\.\w+|commands\.getoutput|pty\.spawn|check_output|check_call|getoutput|Popen|run|call|system|popen)\s*\(/g,
  javascript: /\b(execSync|exec|execFileSync|execFile|spawnSync|spawn|fork|Deno\.Command|Bun\.spawnSync|Bun\.spawn|\$)\s*\(/g,
  perl: /\b(system|exec|qx|readpipe|open)\s*\(?/g,
  ruby: /\b(system|exec|spawn|IO\.popen|Open3\.\w+|%x)\s*\(?/g,
  php: /\b(shell_exec|exec|system|passthru|popen|proc_open)\s*\(/g,
  lua: /\b(os\.execute|io\.popen)\s*\(?/g,
  r: /\b(system|system2|shell)\s*\(/g,
  awk: /\b(system)\s*\(/g,
};

const STRING = /^\s*(?:[rbuf]{0,2})("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/s;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** A quoted literal's text, decoding the escapes these languages share (`\x2f`, `\u002f`, `\057`). */
function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|[0-7]{1,3}|.)/gs, (_, e: string) => {
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e) && e !== '0') return String.fromCharCode(parseInt(e, 8));
    return ESCAPES[e] ?? e;
  });
}

/** Read the string literal(s) an API call starts with: one string, or a list of them. */
function readArguments(code: string, from: number): { command?: string; argv?: string[] } | undefined {
  const rest = code.slice(from, from + 4096);
  const list = /^\s*\[/.exec(rest);
  const items: string[] = [];
  let cursor = list ? list[0].length : 0;
  for (;;) {
    const m = STRING.exec(rest.slice(cursor));
    if (!m) break;
    items.push(unquote(m[1]));
    cursor += m[0].length;
    const comma = /^\s*,/.exec(rest.slice(cursor));
    if (!comma) break;
    cursor += comma[0].length;
  }
  if (items.length === 0) return undefined;
  if (list || items.length > 1) return { argv: items };
  return { command: items[0] };
}

/** Shell commands that interpreter code hands to the system, as far as literals show them. */
export function shellStringsInCode(code: string, language: InterpreterCode['language']): ShellCall[] {
  const calls: ShellCall[] = [];
  const re = new RegExp(CALLS[language].source, 'g');
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const args = readArguments(code, m.index + m[0].length);
    if (args) calls.push({ call: m[1], ...args });
    if (calls.length > 32) break;
  }
  if (language === 'awk') {
    // `"cmd" | getline` and `print … | "cmd"` run cmd through the shell.
    for (const m of code.matchAll(/"((?:[^"\\]|\\.)*)"\s*\|\s*getline|\|&?\s*"((?:[^"\\]|\\.)*)"/g)) calls.push({ call: 'pipe', command: unquote(`"${m[1] ?? m[2]}"`) });
  }
  if (language === 'perl' || language === 'ruby' || language === 'php') {
    // Backticks run their contents through the shell in these languages.
    for (const b of code.matchAll(/`([^`]{1,4096})`/g)) calls.push({ call: 'backticks', command: b[1] });
  }
  return calls;
}

/** A plain string literal (no interpolation, no concatenation) ending an argument: `'/tmp/x')` or `"/x",`. */
const LITERAL = String.raw`(?:[rRbBuU]{0,2}("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(\x60[^\x60$\\]*\x60))(?=\s*(?:[,);\n]|$))`;

interface DeletionApi {
  pattern: RegExp;
  /** Recursive (`rm -r`) always, or when the options after the path say `recursive: true`. */
  recursive: boolean | RegExp;
  /** The API's name for reasons, where the match does not start with it. */
  name?: string;
}

function api(prefix: string, recursive: boolean | RegExp, suffix = ''): DeletionApi {
  return { pattern: new RegExp(prefix + String.raw`\s*\(?\s*` + LITERAL + suffix, 'g'), recursive };
}

const RECURSIVE_OPTION = /^\s*,\s*\{[^}]*\brecursive\s*:\s*true/;

/**
 * Library calls that delete a path, per language. Each maps to the shell command with the same
 * effect, so the filesystem rules judge the target as they judge `rm`.
 */
const DELETIONS: Record<InterpreterCode['language'], DeletionApi[]> = {
  awk: [],
  python: [
    api(String.raw`\b(?:shutil\s*\.\s*)?rmtree`, true),
    api(String.raw`\bos\s*\.\s*(?:remove|unlink)`, false),
    { pattern: new RegExp(String.raw`\bPath\s*\(\s*` + LITERAL + String.raw`\s*\)\s*\.\s*unlink\s*\(`, 'g'), recursive: false, name: 'Path.unlink' },
  ],
  javascript: [
    api(String.raw`\b(?:rmSync|rmdirSync|(?:fs|fsp|fsPromises|promises)\s*\.\s*(?:rm|rmdir)|Deno\s*\.\s*remove(?:Sync)?)`, RECURSIVE_OPTION),
    api(String.raw`\b(?:rimraf(?:\s*\.\s*sync)?|rimrafSync|(?:fs|fse|fsExtra)\s*\.\s*(?:remove|removeSync|emptyDir|emptyDirSync))`, true),
    api(String.raw`\b(?:unlinkSync|(?:fs|fsp|fsPromises|promises)\s*\.\s*unlink)`, false),
  ],
  ruby: [
    api(String.raw`\bFileUtils\s*(?:\.|::)\s*(?:rm_rf|rm_r|remove_dir|remove_entry_secure|remove_entry|rmtree)`, true),
    api(String.raw`\bFileUtils\s*(?:\.|::)\s*(?:rm_f|rm|remove|safe_unlink)`, false),
    api(String.raw`\bFile\s*\.\s*(?:delete|unlink)`, false),
  ],
  perl: [
    api(String.raw`\b(?:rmtree|remove_tree)`, true),
    api(String.raw`\bunlink\s*\(?\s*(?:glob)?`, false),
  ],
  php: [api(String.raw`\bunlink`, false)],
  lua: [api(String.raw`\bos\s*\.\s*remove`, false)],
  r: [
    api(String.raw`\bunlink`, /^\s*,[^)]*\brecursive\s*=\s*(?:TRUE|T)\b/),
    api(String.raw`\bfile\s*\.\s*remove`, false),
  ],
};

/** Paths the code deletes, where a literal names them, as `rm` / `rm -r` argument vectors. */
export function deletionsInCode(code: string, language: InterpreterCode['language']): ShellCall[] {
  const calls: ShellCall[] = [];
  for (const { pattern, recursive, name } of DELETIONS[language]) {
    const re = new RegExp(pattern.source, 'g');
    for (let m = re.exec(code); m; m = re.exec(code)) {
      const path = m[1] !== undefined ? unquote(m[1]) : m[2].slice(1, -1);
      const deep = typeof recursive === 'boolean' ? recursive : recursive.test(code.slice(m.index + m[0].length, m.index + m[0].length + 256));
      const call = name ?? m[0].slice(0, m[0].search(/\s*\(|\s+[rRbBuU]{0,2}["'\x60]/)).replace(/\s+/g, ' ');
      calls.push({ call, argv: deep ? ['rm', '-r', path] : ['rm', path] });
      if (calls.length > 32) return calls;
    }
  }
  return calls;
}
