import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBashGrammar } from '../../src/engine/grammar';
import { GrammarNeeded, lexPlainWords, newScope, parseCommandLine, joinContinuations, decodeAnsiC } from '../../src/engine/parse';
import type { ParsedLine } from '../../src/engine/types';
import { grammarBytes } from './helpers';

const grammarReady = loadBashGrammar(grammarBytes());

async function parse(line: string): Promise<ParsedLine> {
  return parseCommandLine(line, { grammar: await grammarReady, scope: newScope(), depth: 0, via: [], mapSpan: (s) => s });
}

async function argvs(line: string): Promise<string[][]> {
  return (await parse(line)).commands.filter((c) => c.argv.length > 0).map((c) => c.argv.map((w) => w.value));
}

// Every simple command that would execute is extracted, wherever the grammar nests it.
const extraction: { line: string; commands: string[][] }[] = [
  { line: 'a && b || c; d & e', commands: [['a'], ['b'], ['c'], ['d'], ['e']] },
  { line: 'a | b |& c', commands: [['a'], ['b'], ['c']] },
  { line: '(cd x && rm y)', commands: [['cd', 'x'], ['rm', 'y']] },
  { line: '{ rm -rf y; }', commands: [['rm', '-rf', 'y']] },
  { line: 'echo $(rm -rf /) `date`', commands: [['rm', '-rf', '/'], ['date'], ['echo', '$(rm -rf /)', '`date`']] },
  { line: 'diff <(ls a) >(tee b)', commands: [['ls', 'a'], ['tee', 'b'], ['diff', '/dev/fd/63', '/dev/fd/63']] },
  { line: 'if test -f x; then rm x; elif y; then z; else w; fi', commands: [['test', '-f', 'x'], ['rm', 'x'], ['y'], ['z'], ['w']] },
  { line: 'for f in $(ls); do rm "$f"; done', commands: [['ls'], ['rm', '$f']] },
  { line: 'while true; do sleep 1; done', commands: [['true'], ['sleep', '1']] },
  { line: 'case $x in a) rm a;; b) rm b;; esac', commands: [['rm', 'a'], ['rm', 'b']] },
  { line: 'f() { rm -rf /; }; f', commands: [['rm', '-rf', '/'], ['f']] },
  { line: "r''m -rf /", commands: [['rm', '-rf', '/']] },
  { line: '\\rm -rf /', commands: [['rm', '-rf', '/']] },
  { line: '"rm" -rf /', commands: [['rm', '-rf', '/']] },
  { line: "$'\\x72m' -rf /", commands: [['rm', '-rf', '/']] },
  { line: 'rm \u2014rf /', commands: [['rm', '-rf', '/']] },
  { line: 'r\\\nm -rf /', commands: [['rm', '-rf', '/']] },
  { line: 'X=rm; $X -rf /', commands: [['rm', '-rf', '/']] },
  { line: 'X="rm -rf"; $X /', commands: [['rm', '-rf', '/']] },
  { line: '$(echo rm) -rf /', commands: [['echo', 'rm'], ['rm', '-rf', '/']] },
  { line: "alias x='rm -rf'; x /", commands: [['alias', 'x=rm -rf'], ['rm', '-rf', '/']] },
  { line: 'git >/dev/null reset --hard', commands: [['git', 'reset', '--hard']] },
  { line: '! rm x', commands: [['rm', 'x']] },
  { line: '# only a comment', commands: [] },
  { line: '', commands: [] },
  // Found by fuzzing (test/unit/fuzz.test.ts): continuations are joined only where bash joins them.
  { line: '# note \\\nrm -rf /', commands: [['rm', '-rf', '/']] }, // a comment ends at the newline
  { line: 'echo a \\\\\nrm -rf /', commands: [['echo', 'a', '\\'], ['rm', '-rf', '/']] }, // an escaped backslash continues nothing
  { line: "echo 'a\\\nb'", commands: [['echo', 'a\\\nb']] }, // single quotes keep it
  { line: "cat <<'EOF'\na\\\nb\nEOF\nr\\\nm x", commands: [['cat'], ['rm', 'x']] },
  // tree-sitter-bash reads a line-initial backslash into the previous command, and `time` as a program.
  { line: 'git status\n\\git reset --hard', commands: [['git', 'status'], ['git', 'reset', '--hard']] },
  { line: 'time { git reset --hard; }', commands: [['git', 'reset', '--hard']] },
  { line: 'time -p FOO=1 rm -rf /', commands: [['rm', '-rf', '/']] },
  { line: 'echo time x', commands: [['echo', 'time', 'x']] },
  // In backticks `\\⏎` unescapes to a continuation: no blank may be put after that newline.
  { line: 'echo `git re\\\\\n\\\\set --hard`', commands: [['git', 'reset', '--hard'], ['echo', '`git re\\\\\n\\\\set --hard`']] },
  // Backticks drop the backslash before `\`, `$` and `` ` `` before the text runs.
  { line: 'echo `\\\\g\\\\i\\\\t reset --hard`', commands: [['git', 'reset', '--hard'], ['echo', '`\\\\g\\\\i\\\\t reset --hard`']] },
  // Parts with no blank between them are one word, however the grammar splits them.
  { line: "git $'re'\\s\\e\\t --hard", commands: [['git', 'reset', '--hard']] },
];

for (const { line, commands } of extraction) {
  test(`extracts ${JSON.stringify(line)}`, async () => {
    assert.deepEqual(await argvs(line), commands);
  });
}

test('heredoc and here-string bodies become standard input', async () => {
  const p = await parse('bash <<EOF\nrm -rf /\nEOF');
  assert.equal(p.commands[0].stdin?.kind, 'text');
  assert.match((p.commands[0].stdin as { text: string }).text, /rm -rf \//);
  const h = await parse('sh <<< "rm -rf /"');
  assert.equal((h.commands[0].stdin as { text: string }).text, 'rm -rf /\n');
});

test('a pipe after a heredoc start feeds the next command', async () => {
  const p = await parse('cat <<EOF | sh\nrm -rf /\nEOF');
  const sh = p.commands.find((c) => c.argv[0]?.value === 'sh');
  assert.equal(sh?.stdin?.kind, 'command');
});

test('redirection targets are kept with their operator', async () => {
  const p = await parse('echo x > ~/.bashrc 2>>err.log');
  assert.deepEqual(p.commands[0].redirects.map((r) => [r.op, r.target?.value]), [['>', '~/.bashrc'], ['>>', 'err.log']]);
});

test('file redirects written after a heredoc operator belong to the command', async () => {
  const p = await parse("cat <<'EOF' > .interlock.jsonc 2>>err.log\n{}\nEOF");
  assert.deepEqual(p.commands[0].redirects.map((r) => [r.op, r.target?.value]), [['<<', undefined], ['>', '.interlock.jsonc'], ['>>', 'err.log']]);
  assert.equal(p.commands[0].stdin?.kind, 'text');
});

test('spans point into the original line', async () => {
  const line = 'echo ok && rm -rf src';
  const p = await parse(line);
  const rm = p.commands[1];
  assert.equal(line.slice(rm.span.start, rm.span.end), 'rm -rf src');
  assert.equal(line.slice(rm.argv[2].span.start, rm.argv[2].span.end), 'src');
});

test('spans survive line continuations', async () => {
  const line = 'echo a \\\n && rm -rf src';
  const rm = (await parse(line)).commands[1];
  assert.equal(line.slice(rm.span.start, rm.span.end), 'rm -rf src');
});

test('syntax errors are reported, and the commands around them still extracted', async () => {
  const p = await parse("rm -rf / 'unterminated");
  assert.ok(p.issues.length > 0);
  assert.deepEqual(p.commands[0].argv.slice(0, 3).map((w) => w.value), ['rm', '-rf', '/']);
});

test('plain words skip the grammar; anything else asks for it', () => {
  assert.deepEqual(lexPlainWords("git commit -m 'a message' x")?.map((w) => w.value), ['git', 'commit', '-m', 'a message', 'x']);
  for (const line of ['a; b', 'a | b', 'echo $X', 'a > b', 'echo "$(x)"', 'X=1 y', 'a \\\nb', 'a # c']) {
    assert.equal(lexPlainWords(line), undefined, line);
  }
  // A quote inside the other kind of quotes: once sent the lexer round in circles (found by fuzzing).
  assert.equal(lexPlainWords(`x "a('b"c('d').e('f')"`), undefined);
  assert.deepEqual(lexPlainWords(`echo "it's" 'a"b'`)?.map((w) => w.value), ['echo', "it's", 'a"b']);
  assert.throws(() => parseCommandLine('a | b', { scope: newScope(), depth: 0, via: [], mapSpan: (s) => s }), GrammarNeeded);
});

test('continuations are joined with a map back to the original offsets', () => {
  const j = joinContinuations('ab\\\ncd');
  assert.equal(j.text, 'abcd');
  assert.equal(j.toOriginal(2), 4);
});

test('ANSI-C quoting is decoded', () => {
  assert.equal(decodeAnsiC('\\x72\\155 \\u002d\\t'), 'rm -\t');
});
