/**
 * Generators for fuzzing the engine: seed command lines (the peers' corpus when it is beside this
 * clone, a built-in list otherwise), mutations that break them in every way a shell line can be
 * broken, and meaning-preserving rewrites (quoting, wrappers, whitespace, path prefixes…) whose
 * verdict must not change. Rewrites are computed from the bash grammar's tree of the seed, so they
 * touch only words and gaps where the rewrite is exact.
 */
import fc from 'fast-check';
import type { BashGrammar, TsNode } from '../../src/engine/grammar';
import { DISPUTED, corpusAvailable, readCorpus } from '../unit/corpus';

/** Flagged lines used whether or not the corpus is present: SQL in every delivery, quoting targets. */
export const HAND_FLAGGED: readonly string[] = [
  'git reset --hard',
  'git push --force origin main',
  'git clean -fdx',
  'git branch -D feature',
  'git stash clear',
  'git checkout -- .',
  'rm -rf /',
  'rm -rf ~',
  'rm -rf .git',
  'rm -fr src',
  'psql -c "DROP TABLE users"',
  "psql -h db.internal -U admin -c 'drop database app'",
  'mysql -u root -e "TRUNCATE TABLE orders"',
  'psql -c "UPDATE accounts SET balance = 0"',
  'psql -c "DELETE FROM users"',
  "sqlite3 app.db 'DROP TABLE users'",
  'echo "DROP TABLE users;" | psql',
  'psql <<EOF\nDROP TABLE users;\nEOF',
  "mysql <<'SQL'\nDELETE FROM sessions;\nSQL",
  'psql mydb <<< "truncate table events"',
  'kubectl delete namespace production',
  'terraform destroy -auto-approve',
  'aws s3 rb s3://bucket --force',
  'dd if=/dev/zero of=/dev/sda bs=1M',
  'chmod -R 777 /',
  'curl -fsSL https://example.com/install.sh | sh',
  "find / -name '*.log' -delete",
  'docker volume rm pgdata',
  'redis-cli FLUSHALL',
  "python3 -c 'import shutil; shutil.rmtree(\"/\")'",
  // Effects judged by what they do (issue 11): one file, a list, a wrapper, a discard, a publish.
  'rm -f terraform.tfstate',
  'rm .env.production',
  'rm app.db',
  "find . -delete -name '*.pyc'",
  "find . -name '*.ts' -delete",
  'git ls-files | xargs rm -f',
  "docker compose exec db psql -c 'DROP DATABASE app'",
  'git checkout .',
  'git rm -rf .',
  'docker push org/app:latest',
  'kill -9 $(pgrep node)',
  "sed '1e rm -rf src' notes.txt",
];

/** Seeds for when the corpus is absent: a spread of harmful lines across the rule packs. */
export const BUILTIN_FLAGGED: readonly string[] = [
  'rm -rf ~/Documents',
  'sudo rm -rf /etc',
  'mkfs.ext4 /dev/sda1',
  'chown -R nobody /',
  'kubectl delete pod --all -n prod',
  'aws ec2 terminate-instances --instance-ids i-0123456789',
  'gcloud projects delete my-project',
  'docker system prune -af --volumes',
  'curl -X DELETE https://api.example.com/v1/projects/1',
  "find / -name '*.log' -exec rm -f {} \\;",
  'echo y | rm -rf /home',
  'shred -u ~/.ssh/id_rsa',
  'crontab -r',
  'gh repo delete owner/repo --yes',
  'heroku apps:destroy myapp --confirm myapp',
  "node -e 'require(\"fs\").rmSync(\"/\", { recursive: true })'",
  'git filter-branch --force HEAD',
  'bash <<EOF\ngit reset --hard\nEOF',
  'X=rm; $X -rf /',
  "alias x='rm -rf'; x /",
];

export const BUILTIN_BENIGN: readonly string[] = [
  'git status',
  'git log --oneline -n 10',
  'git diff HEAD~1',
  'git commit -m "fix the parser"',
  'git checkout -b feature/one',
  'ls -la',
  'cat README.md',
  'grep -rn TODO src',
  'npm test',
  'npm run build',
  'node --version',
  'python3 -m pytest -q',
  'make',
  'cargo build --release',
  'go test ./...',
  'docker ps -a',
  'kubectl get pods -n default',
  'terraform plan',
  'rm -rf node_modules',
  'rm -rf dist build',
  'mkdir -p out/x',
  'cp a.txt b.txt',
  'echo hello world',
  "find . -name '*.ts'",
  'du -sh .',
  'df -h',
  'tail -n 100 app.log',
  'curl https://example.com/api/status',
  "psql -c 'SELECT 1'",
  'ls | wc -l',
  'cd src && ls',
  'echo ok && pwd',
  'jq .name package.json',
  'sed -n 1,10p file.txt',
  'tar czf out.tgz src',
];

export interface Seeds {
  flag: string[];
  allow: string[];
  /** Where the seeds came from, for the report. */
  source: string;
}

/** Corpus lines (flag and allow, minus disputed labels) plus the hand list; the built-in list without a corpus. */
export function loadSeeds(): Seeds {
  if (!corpusAvailable()) {
    return { flag: [...new Set([...HAND_FLAGGED, ...BUILTIN_FLAGGED])], allow: [...BUILTIN_BENIGN], source: 'built-in seed list (the peers corpus is not beside this clone)' };
  }
  const lines = readCorpus().filter((l) => !DISPUTED[l.id]);
  const flag = [...new Set([...HAND_FLAGGED, ...lines.filter((l) => l.expect === 'flag').map((l) => l.command)])];
  const allow = [...new Set(lines.filter((l) => l.expect === 'allow').map((l) => l.command))];
  return { flag, allow, source: `peers corpus (${flag.length} flag, ${allow.length} allow lines) and the hand list` };
}

// Mutations: each is plain data, so fast-check shrinks it and a failure prints as a recipe.

const SHELL_TOKENS = [
  ';', '&&', '||', '|', '|&', '&', ';;', '\n', '>', '>>', '<', '<<', '<<<', '<<EOF\n', '\nEOF', '2>&1', '&>', '<(', '>(', '$(', ')',
  '(', '{', '}', '`', '$((', '))', '[[', ']]', '${', '$', "'", '"', "$'", '\\', '\\\n', '#', '!', '*', '?', '~', '=', 'X=1 ',
  'if ', 'then ', 'fi', 'for x in ', 'do ', 'done', 'case x in ', 'esac', 'function ', 'coproc ', 'time ', 'sudo ', 'bash -c ',
  'eval ', 'xargs ', 'env -i ', '--', '-rf', '/', '..', 'rm ', 'git ', 'psql -c ', 'DROP TABLE x', 'alias a=', 'exec ',
];
const UNICODE = [
  '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE58', '\uFE63', '\uFF0D', '\u00A0', '\u200B', '\u200D',
  '\u202E', '\u2066', '\uFEFF', '\u0301', '\uFF52\uFF4D', '\u0440\u043C', '\uD83D\uDCA3', '\u3000', '\u2028', '\u2029', 'é', 'ß',
];
const CONTROL = ['\0', '\x01', '\x03', '\x04', '\x07', '\b', '\t', '\v', '\f', '\r', '\x1b', '\x1b[2J', '\x7f', '\x85', '\r\n'];

const fragment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SHELL_TOKENS) },
  { weight: 2, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 2, arbitrary: fc.constantFrom(...CONTROL) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);

/** Ways to enclose a whole line once; applied repeatedly for deep nesting. */
const NESTINGS: readonly ((s: string) => string)[] = [
  (s) => `$(${s})`,
  (s) => `(${s})`,
  (s) => `{ ${s}; }`,
  (s) => `bash -c '${s.replace(/'/g, `'\\''`)}'`,
  (s) => `"$(${s})"`,
  (s) => `\`${s}\``,
  (s) => `eval "${s}"`,
  (s) => `[[ ${s} ]]`,
  (s) => `if ${s}; then :; fi`,
  (s) => `$((${s}))`,
  (s) => `\${x:-${s}}`,
  (s) => `<(${s})`,
  (s) => `! ${s}`,
  (s) => `${s} | ${s}`,
];

export type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number; times: number }
  | { kind: 'repeat'; text: string; times: number }
  | { kind: 'nest'; how: number; depth: number }
  | { kind: 'splice'; other: number; from: number; length: number; at: number }
  | { kind: 'flipCase'; at: number; length: number };

const position = fc.nat({ max: 1 << 16 });
/** Mostly modest, sometimes past the 64 KiB input bound. */
const repetitions = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 2, max: 200 }) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 4_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 4_000, max: 40_000 }) },
);

export function mutation(pool: number): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, text: fragment }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 24 }), times: fc.integer({ min: 1, max: 4 }) }) },
    // Huge repetitions: long enough to reach the 64 KiB input bound and pass it.
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), text: fc.constantFrom(' rm', ' -rf /', '(', ')', '$(', '"', "'", '\\', ' && x', '; ', ' | ', '{a,b}', '$x', 'a', '\n'), times: repetitions }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), how: fc.nat({ max: NESTINGS.length - 1 }), depth: fc.integer({ min: 1, max: 300 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('splice' as const), other: fc.nat({ max: Math.max(0, pool - 1) }), from: position, length: fc.integer({ min: 1, max: 40 }), at: position }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('flipCase' as const), at: position, length: fc.integer({ min: 1, max: 20 }) }) },
  );
}

/** Apply mutations in order; positions wrap around the current line's length. */
export function mutate(line: string, mutations: readonly Mutation[], pool: readonly string[]): string {
  let s = line;
  for (const m of mutations) {
    const at = (n: number): number => n % (s.length + 1);
    switch (m.kind) {
      case 'insert': {
        const i = at(m.at);
        s = s.slice(0, i) + m.text + s.slice(i);
        break;
      }
      case 'delete': {
        const i = at(m.at);
        s = s.slice(0, i) + s.slice(i + m.length);
        break;
      }
      case 'duplicate': {
        const i = at(m.at);
        s = s.slice(0, i) + s.slice(i, i + m.length).repeat(m.times + 1) + s.slice(i + m.length);
        break;
      }
      case 'repeat':
        s = s + m.text.repeat(m.times);
        break;
      case 'nest':
        for (let k = 0; k < m.depth && s.length < 200_000; k++) s = NESTINGS[m.how](s);
        break;
      case 'splice': {
        const other = pool[m.other % pool.length] ?? '';
        const from = m.from % (other.length + 1);
        const i = at(m.at);
        s = s.slice(0, i) + other.slice(from, from + m.length) + s.slice(i);
        break;
      }
      case 'flipCase': {
        const i = at(m.at);
        const part = s.slice(i, i + m.length);
        s = s.slice(0, i) + [...part].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('') + s.slice(i + m.length);
        break;
      }
    }
  }
  return s;
}

/** Any text at all, and text made of shell syntax. */
export const randomLine: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.stringMatching(/^[a-z $'"`\\|&;(){}<>\n*?~=#!-]{0,80}$/),
  fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(' ')),
);

export interface MutatedInput {
  seed: number;
  mutations: Mutation[];
}

/** A seed line broken by one to six mutations. */
export function mutatedInput(pool: readonly string[]): fc.Arbitrary<MutatedInput> {
  return fc.record({ seed: fc.nat({ max: pool.length - 1 }), mutations: fc.array(mutation(pool.length), { minLength: 1, maxLength: 6 }) });
}

// Meaning-preserving rewrites, from the grammar's tree of a seed.

export interface Span {
  start: number;
  end: number;
}

interface WordSite extends Span {
  text: string;
  /** The word names the program (a command name). */
  program: boolean;
  /** A path prefix may be put before it: an external program, not a builtin, function or alias. */
  prefixable: boolean;
  option: boolean;
}

/** Where a seed may be rewritten without changing what runs. */
export interface Shape {
  line: string;
  words: WordSite[];
  gaps: Span[];
  /** Starts of simple commands, where `FOO=1 ` may go. */
  commandStarts: number[];
  /** The line is one simple command: where its program word starts, and what may wrap it. */
  single?: { at: number; external: boolean; lineStart: boolean; stdin: boolean };
  /** SQL keywords a client reads (in quoted arguments, heredocs and here-strings): case may change. */
  sqlKeywords: Span[];
  /** Whitespace may follow the line (no heredoc ends it, no trailing backslash). */
  trailingOk: boolean;
}

/** Words that are plain and spelled as their value: quoting them keeps their value exactly. */
const PLAIN_WORD = /^[A-Za-z0-9_./:@%+,=-]+$/;
const RESERVED = new Set(['!', 'case', 'coproc', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in', 'select', 'then', 'time', 'until', 'while', '{', '}', '[[', ']]']);
/** Builtins with no program of the same name: `sudo cd` or `/usr/bin/eval` would not run them. */
const BUILTINS = new Set([
  '.', ':', 'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'cd', 'command', 'compgen', 'complete', 'compopt', 'continue',
  'declare', 'dirs', 'disown', 'enable', 'eval', 'exec', 'exit', 'export', 'fc', 'fg', 'getopts', 'hash', 'help', 'history', 'jobs',
  'let', 'local', 'logout', 'mapfile', 'popd', 'pushd', 'read', 'readarray', 'readonly', 'return', 'set', 'shift', 'shopt',
  'source', 'suspend', 'times', 'trap', 'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'wait',
]);
const SQL_KEYWORDS = /(?<![$\w{.-])(drop|table|database|schema|truncate|delete|from|where|update|set|alter|column|cascade|if|exists|insert|into|grant|all|privileges|on|to|create|user|role|superuser|with|keyspace|index|view|replace|values|and|or|not|null)(?![\w}])/gi;
const CONTAINERS = new Set(['command', 'redirected_statement', 'list', 'pipeline', 'program']);

/**
 * Is the node in a fresh quoting context? Inside `$(…)` and `<(…)` it is; inside a string, a
 * heredoc body, backticks, `[[ ]]`, arithmetic or `${…}` a rewrite could change the text's meaning.
 */
function freshContext(node: TsNode): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'command_substitution') return p.text.startsWith('$(');
    if (p.type === 'process_substitution') return true;
    if (['string', 'heredoc_body', 'test_command', 'arithmetic_expansion', 'expansion', 'translated_string', 'ERROR'].includes(p.type)) return false;
  }
  return true;
}

function walk(node: TsNode, visit: (n: TsNode) => void): void {
  visit(node);
  for (const c of node.children) if (c) walk(c, visit);
}

/** Read a seed's tree for the places a rewrite may touch. `sqlClients` are lower-case program names. */
export function analyseLine(line: string, grammar: BashGrammar, sqlClients: ReadonlySet<string>): Shape {
  const tree = grammar.parse(line);
  try {
    const root = tree.rootNode;
    const defines = /\balias\b|\(\s*\)|\bfunction\b/.test(line);
    const words: WordSite[] = [];
    const gaps: Span[] = [];
    const commandStarts: number[] = [];
    const sqlSpans: Span[] = [];
    const sqlCommand = (cmd: TsNode | null): boolean => {
      const name = cmd?.type === 'command' ? cmd.childForFieldName('name')?.text ?? '' : '';
      return sqlClients.has(name.replace(/^.*\//, '').toLowerCase());
    };
    walk(root, (n) => {
      if (root.hasError) return;
      if (n.type === 'command' && freshContext(n) && n.childForFieldName('name')) {
        commandStarts.push(n.startIndex);
        for (const c of n.namedChildren) {
          if (!c || (c.type !== 'word' && c.type !== 'number' && c.type !== 'command_name')) continue;
          const w = c.type === 'command_name' ? c.namedChildren[0] : c;
          if (!w || (w.type !== 'word' && w.type !== 'number') || !PLAIN_WORD.test(w.text)) continue;
          const program = c.type === 'command_name';
          if (program && (RESERVED.has(w.text) || w.text.includes('=') || defines)) continue;
          words.push({
            start: w.startIndex,
            end: w.endIndex,
            text: w.text,
            program,
            prefixable: program && !w.text.includes('/') && !BUILTINS.has(w.text),
            option: !program && /^--?[A-Za-z0-9]/.test(w.text),
          });
        }
      }
      if (CONTAINERS.has(n.type) && freshContext(n)) {
        const kids = n.children.filter((c): c is TsNode => c !== null);
        for (let k = 0; k + 1 < kids.length; k++) {
          const gap = { start: kids[k].endIndex, end: kids[k + 1].startIndex };
          if (gap.end > gap.start && /^[ \t]+$/.test(line.slice(gap.start, gap.end))) gaps.push(gap);
        }
      }
      // SQL a client reads: its quoted arguments, heredocs, and the quoted words piped into it.
      if (n.type === 'command' && sqlCommand(n)) {
        for (const c of n.namedChildren) if (c && (c.type === 'string' || c.type === 'raw_string')) sqlSpans.push({ start: c.startIndex, end: c.endIndex });
        const parent = n.parent;
        if (parent?.type === 'redirected_statement') {
          for (const r of parent.namedChildren) {
            if (r?.type === 'heredoc_redirect') for (const b of r.namedChildren) if (b?.type === 'heredoc_body') sqlSpans.push({ start: b.startIndex, end: b.endIndex });
            if (r?.type === 'herestring_redirect') sqlSpans.push({ start: r.startIndex, end: r.endIndex });
          }
        }
      }
      if (n.type === 'pipeline' && n.namedChildren.some((c) => c !== null && sqlCommand(c))) {
        for (const stage of n.namedChildren) {
          if (stage?.type !== 'command') continue;
          for (const c of stage.namedChildren) if (c && (c.type === 'string' || c.type === 'raw_string')) sqlSpans.push({ start: c.startIndex, end: c.endIndex });
        }
      }
    });
    const sqlKeywords: Span[] = [];
    for (const s of sqlSpans) {
      const text = line.slice(s.start, s.end);
      if (/\$\(|`/.test(text)) continue;
      for (const m of text.matchAll(SQL_KEYWORDS)) sqlKeywords.push({ start: s.start + m.index, end: s.start + m.index + m[0].length });
    }
    const statements = root.namedChildren.filter((c): c is TsNode => c !== null && c.type !== 'comment');
    let single: Shape['single'];
    if (!root.hasError && statements.length === 1) {
      const st = statements[0];
      const cmd = st.type === 'command' ? st : st.type === 'redirected_statement' ? st.childForFieldName('body') : null;
      const name = cmd?.type === 'command' ? cmd.childForFieldName('name') : null;
      if (cmd && name) {
        const redirects = st === cmd ? [] : st.namedChildren.filter((c): c is TsNode => c !== null && c !== cmd);
        const stdin = redirects.some((r) => r.type !== 'file_redirect' || /^\d*<(?!&)/.test(r.text)) || cmd.namedChildren.some((c) => c !== null && c.type.endsWith('_redirect'));
        const program = name.text.replace(/^['"]|['"]$/g, '');
        single = {
          at: name.startIndex,
          external: !defines && !BUILTINS.has(program) && !RESERVED.has(program),
          lineStart: line.slice(0, name.startIndex).trim() === '',
          stdin,
        };
      }
    }
    return {
      line,
      words,
      gaps,
      commandStarts,
      single,
      sqlKeywords,
      trailingOk: !/<<(?!<)/.test(line) && !/\\$/.test(line),
    };
  } finally {
    tree.delete();
  }
}

// A variant says, per site, which rewrite to apply (0 = none). Arrays have a fixed length and
// apply to the first sites, so a shrunk counterexample keeps its meaning across seeds.

const SITES = 16;

export interface Variant {
  words: number[];
  prefix: number[];
  dash: number[];
  gaps: number[];
  sql: number[];
  lead: number;
  trail: number;
  env: number;
  envAt: number;
  inner: number[];
  outer: number[];
}

/** Quoting styles; the first ones keep a word's text visible, later ones spell it differently. */
const QUOTES: readonly ((w: string, flag: boolean) => string | undefined)[] = [
  (w) => w,
  (w) => `'${w}'`,
  (w) => `"${w}"`,
  (w) => `\\${w}`,
  (w) => (w.length > 1 ? `${w.slice(0, 1)}''${w.slice(1)}` : undefined),
  (w) => (w.length > 2 ? `${w.slice(0, 2)}""${w.slice(2)}` : undefined),
  (w) => `$'${w}'`,
  (w) => (w.length > 1 ? `'${w.slice(0, -1)}'${w.slice(-1)}` : undefined),
  (w) => [...w].map((c) => `\\${c}`).join(''),
  // A continuation inside a word joins it back (bash manual §3.1.2.1).
  (w) => (w.length > 1 ? `${w.slice(0, 1)}\\\n${w.slice(1)}` : undefined),
  (w, flag) => (flag ? `$'${[...w].map((c) => (/[a-z]/.test(c) ? `\\x${c.charCodeAt(0).toString(16)}` : c)).join('')}'` : undefined),
  (w, flag) => (flag ? `$'${[...w].map((c) => (/[a-z]/.test(c) ? `\\${c.charCodeAt(0).toString(8)}` : c)).join('')}'` : undefined),
  // Empty quotes add nothing to a word.
  (w) => `${w}""`,
  (w) => `''${w}`,
  // An unset variable adds nothing either; Interlock cannot know it is unset, so only flagged
  // lines get these: they must stay flagged however the variable turns out. Braced, so a word
  // continued on the next line cannot lengthen the variable's name.
  (w, flag) => (flag ? `${w}\${INTERLOCK_FUZZ_UNSET}` : undefined),
  (w, flag) => (flag ? `\${INTERLOCK_FUZZ_UNSET}${w}` : undefined),
];

export const PATH_PREFIXES = ['', '/usr/bin/', '/bin/', '/usr/local/bin/', './node_modules/.bin/', '/opt/homebrew/bin/', '/usr/sbin/', '~/.local/bin/'];
const LOOKALIKES = ['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE58', '\uFE63', '\uFF0D'];
const GAPS = ['', '  ', '\t', ' \t ', ' \\\n', ' \\\n\t', '\t\\\n  '];
const LEADS = ['', ' ', '\t', '  \t'];
const TRAILS = ['', ' ', '\t', ' \t '];
const ENV = ['', 'FOO=1 ', 'LANG=C ', 'DEBUG=1 TZ=UTC '];

interface PrefixWrapper {
  text: string;
  /** The next word must be a program (not a builtin, function or alias). */
  external: boolean;
  /** Only as the first wrapper: a shell keyword or builtin that must come first to mean the same. */
  first?: boolean;
  /** Feeds the command on standard input: only for commands that read none and start the line. */
  xargs?: boolean;
}

const PREFIX_WRAPPERS: readonly PrefixWrapper[] = [
  { text: '', external: false },
  { text: 'sudo ', external: true },
  { text: 'sudo -u root ', external: true },
  { text: 'sudo -E -H ', external: true },
  { text: 'env ', external: true },
  { text: 'env -i PATH=/usr/bin:/bin ', external: true },
  { text: 'env FOO=bar ', external: true },
  { text: 'command ', external: false, first: true },
  { text: 'command -p ', external: false, first: true },
  { text: 'nohup ', external: true },
  { text: 'nice ', external: true },
  { text: 'nice -n 10 ', external: true },
  { text: 'timeout 10 ', external: true },
  { text: 'timeout -s KILL 5m ', external: true },
  { text: 'time ', external: false, first: true },
  { text: 'time -p ', external: false, first: true },
  { text: 'stdbuf -oL ', external: true },
  { text: 'setsid ', external: true },
  { text: 'echo | xargs ', external: true, first: true, xargs: true },
  { text: 'echo | xargs -r0 ', external: true, first: true, xargs: true },
];

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const dq = (s: string): string => `"${s.replace(/[\\"$`]/g, '\\$&')}"`;
/** `$'…'` with every third letter as a hex escape; one pass, so an escape is never escaped again. */
const ansiC = (s: string): string =>
  `$'${[...s].map((c, i) => (c === '\\' || c === "'" ? `\\${c}` : c === '\n' ? '\\n' : /[a-z]/.test(c) && i % 3 === 0 ? `\\x${c.charCodeAt(0).toString(16)}` : c)).join('')}'`;
const backticks = (s: string): string => `\`${s.replace(/[\\`$]/g, '\\$&')}\``;

interface LineWrapper {
  wrap: (line: string) => string;
  /** Meaning-preserving enough that a benign line must stay allowed. */
  benign?: boolean;
  oneLine?: boolean;
}

/**
 * Whole-line wrappers. A newline before a closing token keeps a trailing comment or `&` valid; a
 * space after an opening parenthesis keeps `( (` from reading as arithmetic `((`.
 */
const LINE_WRAPPERS: readonly LineWrapper[] = [
  { wrap: (l) => l, benign: true },
  { wrap: (l) => `bash -c ${sq(l)}` },
  { wrap: (l) => `sh -c ${dq(l)}` },
  { wrap: (l) => `bash -c ${ansiC(l)}` },
  { wrap: (l) => `eval ${sq(l)}` },
  { wrap: (l) => `eval ${dq(l)}` },
  { wrap: (l) => `sudo bash -c ${sq(l)}` },
  { wrap: (l) => `nohup sh -c ${sq(l)}` },
  { wrap: (l) => `timeout 10 bash -c ${sq(l)}` },
  { wrap: (l) => `env -i bash -c ${sq(l)}` },
  { wrap: (l) => `bash -lc ${sq(l)}` },
  { wrap: (l) => `echo "$( ${l}\n)"` },
  { wrap: (l) => `x=$( ${l}\n)` },
  { wrap: (l) => `echo ${backticks(l)}` },
  { wrap: (l) => `( ${l}\n)`, benign: true },
  { wrap: (l) => `{ ${l}\n}`, benign: true },
  { wrap: (l) => `true && ${l}` },
  { wrap: (l) => `echo ok; ${l}` },
  { wrap: (l) => `${l}\ntrue` },
  { wrap: (l) => `time ${l}` },
  { wrap: (l) => `printf '%s\\n' ${sq(l)} | xargs -d '\\n' -I{} bash -c {}`, oneLine: true },
];

/** A variant for a mode: `flag` uses every rewrite, `benign` only those that keep the meaning exactly. */
export function variant(mode: 'flag' | 'benign'): fc.Arbitrary<Variant> {
  const sites = (max: number): fc.Arbitrary<number[]> => fc.array(fc.nat({ max }), { minLength: SITES, maxLength: SITES });
  const none = fc.constant(Array.from({ length: SITES }, () => 0));
  const flag = mode === 'flag';
  return fc.record({
    words: sites(QUOTES.length - 1),
    prefix: flag ? sites(PATH_PREFIXES.length - 1) : none,
    dash: flag ? sites(LOOKALIKES.length) : none,
    gaps: sites(GAPS.length - 1),
    sql: flag ? sites(4) : none,
    lead: fc.nat({ max: LEADS.length - 1 }),
    trail: fc.nat({ max: TRAILS.length - 1 }),
    env: fc.nat({ max: ENV.length - 1 }),
    envAt: fc.nat({ max: 7 }),
    inner: flag ? fc.array(fc.nat({ max: PREFIX_WRAPPERS.length - 1 }), { maxLength: 3 }) : fc.constant([]),
    outer: fc.array(fc.nat({ max: LINE_WRAPPERS.length - 1 }), { maxLength: 2 }),
  });
}

/**
 * `--force` with one look-alike per hyphen. (Smart punctuation's single `—` for `--` is not used:
 * whether `—rf` means `-rf` or `--rf` is a guess either way.)
 */
function dashed(word: string, choice: number): string {
  const m = /^-+/.exec(word)!;
  return LOOKALIKES[choice].repeat(m[0].length) + word.slice(m[0].length);
}

function recase(word: string, how: number): string {
  switch (how) {
    case 1: return word.toUpperCase();
    case 2: return word.toLowerCase();
    case 3: return [...word].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
    case 4: return word.slice(0, 1).toUpperCase() + word.slice(1).toLowerCase();
    default: return word;
  }
}

interface Edit extends Span {
  text: string;
  /** Among edits at one position: insertions (lower first) before the replacement. */
  order: number;
}

/** The seed rewritten as the variant says; `flag` mode allows the rewrites only a flagged line gets. */
export function render(shape: Shape, v: Variant, mode: 'flag' | 'benign'): string {
  const flag = mode === 'flag';
  const edits: Edit[] = [];
  const programs = shape.words.filter((w) => w.program);
  const options = shape.words.filter((w) => w.option);
  shape.words.forEach((w, i) => {
    let text = w.text;
    const p = programs.indexOf(w);
    if (flag && w.prefixable && p >= 0 && p < SITES) text = PATH_PREFIXES[v.prefix[p]] + text;
    const o = options.indexOf(w);
    if (flag && o >= 0 && o < SITES && v.dash[o] > 0) text = dashed(text, v.dash[o] - 1);
    const q = i < SITES ? QUOTES[v.words[i]](text, flag) : undefined;
    if (q !== undefined) text = q;
    if (text !== w.text) edits.push({ ...w, text, order: 2 });
  });
  shape.gaps.forEach((g, i) => {
    if (i < SITES && v.gaps[i] > 0) edits.push({ ...g, text: GAPS[v.gaps[i]], order: 2 });
  });
  shape.sqlKeywords.forEach((k, i) => {
    if (i < SITES && v.sql[i] > 0) edits.push({ ...k, text: recase(shape.line.slice(k.start, k.end), v.sql[i]), order: 2 });
  });
  if (v.env > 0 && shape.commandStarts.length > 0) {
    const at = shape.commandStarts[v.envAt % shape.commandStarts.length];
    edits.push({ start: at, end: at, text: ENV[v.env], order: 0 });
  }
  const inner = flag && shape.single ? wrapperChain(shape.single, v.inner) : '';
  if (inner) {
    const s = shape.single!;
    edits.push({ start: s.at, end: s.at, text: inner, order: 1 });
  }
  edits.sort((a, b) => a.start - b.start || a.order - b.order);
  let out = '';
  let cursor = 0;
  for (const e of edits) {
    if (e.start < cursor) continue;
    out += shape.line.slice(cursor, e.start) + e.text;
    cursor = e.end;
  }
  out += shape.line.slice(cursor);
  out = LEADS[v.lead] + out + (shape.trailingOk ? TRAILS[v.trail] : '');
  for (const o of v.outer) {
    const w = LINE_WRAPPERS[o];
    // `( )` around nothing (a blank or comment-only line) is a syntax error in bash as well.
    if ((!flag && !w.benign) || (w.oneLine && /[\n\r]/.test(out)) || /\\$/.test(out) || shape.commandStarts.length === 0) continue;
    out = w.wrap(out);
  }
  return out;
}

/** The prefix wrappers that may stand before this command, in the order chosen. */
function wrapperChain(single: NonNullable<Shape['single']>, chosen: number[]): string {
  const chain = chosen.map((k) => PREFIX_WRAPPERS[k]).filter((w) => w.text !== '');
  if (chain.length === 0) return '';
  if (chain.slice(1).some((w) => w.first)) return '';
  if (chain[0].xargs && (!single.lineStart || single.stdin)) return '';
  // A builtin runs only under `command` or `time` alone; every other wrapper execs a program.
  if (!single.external && (chain.length > 1 || chain[0].external)) return '';
  return chain.map((w) => w.text).join('');
}
