/**
 * Inline interpreters: `python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r` and script files.
 * The code itself is matched by rule packs (`code` matchers); here we find the code and the shell
 * commands it hands to `os.system`, `subprocess`, `child_process`, `system`, backticks and friends,
 * so those are checked again as shell.
 */
import type { Span, Word } from './types';

export interface InterpreterCode {
  language: 'python' | 'javascript' | 'perl' | 'ruby' | 'php' | 'lua' | 'r';
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

function specFor(program: string): InterpreterSpec | undefined {
  if (/^(python|pypy)[0-9.]*$/.test(program)) return SPECS.python;
  if (program === 'nodejs') return SPECS.node;
  if (/^(perl|ruby|php|lua)[0-9.]*$/.test(program)) return SPECS[program.replace(/[0-9.]+$/, '')];
  return Object.hasOwn(SPECS, program) ? SPECS[program] : undefined;
}

/** Find the code an interpreter command runs: inline (`-c`, `-e`…) or a script file argument. */
export function extractInterpreterCode(argv: Word[], _cwd: string): InterpreterCode | undefined {
  const program = (argv[0]?.value ?? '').replace(/^.*\//, '');
  const spec = specFor(program);
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

export interface ShellCall {
  /** The API that runs it, for the reason text: `os.system`, `execSync`… */
  call: string;
  /** A command line handed to a shell. */
  command?: string;
  /** An argument vector run without a shell. */
  argv?: string[];
}

const CALLS: Record<InterpreterCode['language'], RegExp> = {
  python: /\b(os\.system|os\.popen|os\.exec\w*|os\.spawn\w*|subprocess\.\w+|commands\.getoutput|pty\.spawn|check_output|check_call|getoutput|Popen|run|call)\s*\(/g,
  javascript: /\b(execSync|exec|execFileSync|execFile|spawnSync|spawn|fork|Deno\.Command|Bun\.spawnSync|Bun\.spawn|\$)\s*\(/g,
  perl: /\b(system|exec|qx|readpipe|open)\s*\(?/g,
  ruby: /\b(system|exec|spawn|IO\.popen|Open3\.\w+|%x)\s*\(?/g,
  php: /\b(shell_exec|exec|system|passthru|popen|proc_open)\s*\(/g,
  lua: /\b(os\.execute|io\.popen)\s*\(?/g,
  r: /\b(system|system2|shell)\s*\(/g,
};

const STRING = /^\s*(?:[rbuf]{0,2})("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/s;

function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/gs, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
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
  if (language === 'perl' || language === 'ruby' || language === 'php') {
    // Backticks run their contents through the shell in these languages.
    for (const b of code.matchAll(/`([^`]{1,4096})`/g)) calls.push({ call: 'backticks', command: b[1] });
  }
  return calls;
}
