import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index';
import { MAX_LINE_LENGTH } from '../../src/engine/evaluate';
import { UNKNOWN_ENVIRONMENT } from '../../src/engine/evaluate';
import type { Pack } from '../../src/engine/packs';
import { check, grammarBytes, loadPacks } from './helpers';

// Bad input never crashes and is never silently allowed; empty input is nothing to run.
const badInput: { name: string; line: string; decision: 'allow' | 'confirm'; rule?: string }[] = [
  { name: 'empty', line: '', decision: 'allow' },
  { name: 'whitespace', line: '   \t ', decision: 'allow' },
  { name: 'comment only', line: '# rm -rf / is what we would never do', decision: 'allow' },
  { name: 'NUL byte', line: 'ls\0rm -rf /', decision: 'confirm', rule: 'interlock/unreadable-input' },
  { name: 'invalid UTF-8 (replacement char)', line: 'ls \uFFFD', decision: 'confirm', rule: 'interlock/unreadable-input' },
  { name: 'lone surrogate', line: 'echo \uD800', decision: 'confirm', rule: 'interlock/unreadable-input' },
  { name: 'unterminated quote', line: "echo 'unterminated", decision: 'confirm', rule: 'interlock/unparsed' },
  { name: 'unterminated substitution', line: 'echo $(ls', decision: 'confirm', rule: 'interlock/unparsed' },
  { name: 'oversized', line: 'echo ' + 'a'.repeat(MAX_LINE_LENGTH), decision: 'confirm', rule: 'interlock/unreadable-input' },
  { name: '10,000-deep nesting', line: '$('.repeat(10_000) + 'ls' + ')'.repeat(10_000), decision: 'confirm', rule: 'interlock/unreadable-input' },
  // Found by fuzzing: the grammar's error recovery is quadratic in these, so they are refused unparsed.
  { name: '5,000 unmatched )', line: 'git status' + ')'.repeat(5000), decision: 'confirm', rule: 'interlock/unreadable-input' },
  { name: '5,000 empty pipeline stages', line: 'git status' + ' | '.repeat(5000), decision: 'confirm', rule: 'interlock/unreadable-input' },
  { name: 'the same hidden in decoded text', line: "bash -c $'" + '\\x29'.repeat(5000) + "'", decision: 'confirm', rule: 'interlock/unparsed' },
  { name: 'nesting past the unwrap bound', line: Array.from({ length: 12 }).reduce<string>((acc) => `bash -c ${JSON.stringify(acc)}`, 'ls'), decision: 'confirm', rule: 'interlock/unparsed' },
];

for (const c of badInput) {
  test(`bad input — ${c.name}: ${c.decision}`, async () => {
    const d = await check(c.line);
    assert.equal(d.decision, c.decision);
    if (c.rule) assert.ok(d.reasons.some((r) => r.rule === c.rule), JSON.stringify(d.reasons));
    if (c.decision === 'confirm') assert.ok(d.reasons.every((r) => r.message.length > 10));
  });
}

test('a 1 MB command line, 10,000-deep nesting and 10,000 syntax errors are answered with confirm (their time is measured in npm run bench)', async () => {
  // Syntax errors: tree-sitter's recovery is quadratic in their number (seconds for these, before
  // they were refused unparsed), also when they arrive decoded.
  const errors = ['ls' + ')'.repeat(10_000), 'ls' + ' |'.repeat(10_000), "bash -c $'" + '\\x29'.repeat(10_000) + "'"];
  for (const line of ['x'.repeat(1024 * 1024), '('.repeat(10_000) + ')'.repeat(10_000), ...errors]) {
    const d = await check(line);
    assert.equal(d.decision, 'confirm');
  }
});

// Rewrites of flagged lines that were allowed until fuzzing found them (test/unit/fuzz.test.ts).
const evasions: { line: string; decision: 'confirm' | 'block' }[] = [
  { line: '# note \\\nrm -rf /', decision: 'block' },
  { line: 'echo a \\\\\nrm -rf /', decision: 'block' },
  { line: 'sh -c "git \\\\\n\\\\reset --hard"', decision: 'confirm' },
  { line: 'git status\n\\git reset --hard', decision: 'confirm' },
  { line: 'time { git reset --hard\n}', decision: 'confirm' },
  { line: 'echo `\\\\g\\\\i\\\\t reset --hard`', decision: 'confirm' },
  { line: "git $'re'\\s\\e\\t --hard", decision: 'confirm' },
  { line: 'git reset --hard$X', decision: 'confirm' },
  { line: 'git reset ${X}\u2010\u2010hard', decision: 'confirm' },
  { line: 'time echo "DROP TABLE users;" | psql', decision: 'confirm' },
  { line: 'sudo env -i PATH=/usr/bin "C:/Program Files/Git/bin/git.exe" reset --hard', decision: 'confirm' },
];

for (const { line, decision } of evasions) {
  test(`still flagged: ${JSON.stringify(line)}`, async () => {
    assert.equal((await check(line)).decision, decision);
  });
}

test('an engine exception becomes confirm, never allow or a crash', async () => {
  const engine = createEngine({ packs: loadPacks(), grammarBytes });
  // A reader that throws stands in for any bug below evaluate.
  const reader = { readFile: (): string => { throw new Error('boom'); } };
  const d = await engine.check('ls && bash ./x.sh', { environment: UNKNOWN_ENVIRONMENT, cwd: '/w', home: '/h', reader });
  assert.equal(d.decision, 'confirm');
  assert.equal(d.reasons[0].rule, 'interlock/engine-error');
  assert.match(d.reasons[0].message, /boom/);
});

test('the same mutation may be allow in development and confirm in production', async () => {
  const packs: Pack[] = [{ id: 'p', file: 'p', rules: [{ id: 'p/deploy', command: 'make', subcommand: ['deploy'], when: { production: true }, decision: 'confirm', risk: 'high', reason: 'Deploys.' }] }];
  const engine = createEngine({ packs, grammarBytes });
  const opts = { cwd: '/w', home: '/h' };
  assert.equal((await engine.check('make deploy', { ...opts, environment: UNKNOWN_ENVIRONMENT })).decision, 'allow');
  const prod = await engine.check('make deploy', { ...opts, environment: { label: 'production', production: true, source: '--env', facts: [] } });
  assert.equal(prod.decision, 'confirm');
  assert.match(prod.reasons[0].message, /environment production/);
});

test('the strictest decision wins and reasons are ordered by severity', async () => {
  const packs: Pack[] = [{ id: 'p', file: 'p', rules: [
    { id: 'p/soft', command: 'a', decision: 'confirm', risk: 'low', reason: 'Asks first.' },
    { id: 'p/hard', command: 'b', decision: 'block', risk: 'critical', reason: 'Never runs.' },
  ] }];
  const engine = createEngine({ packs, grammarBytes });
  const d = await engine.check('a && b', { environment: UNKNOWN_ENVIRONMENT, cwd: '/w', home: '/h' });
  assert.equal(d.decision, 'block');
  assert.equal(d.risk, 'critical');
  assert.deepEqual(d.reasons.map((r) => r.rule), ['p/hard', 'p/soft']);
});

test('scripts under the working directory are read and checked', async () => {
  const files: Record<string, string> = { '/work/project/cleanup.sh': '#!/bin/sh\ngit reset --hard\n' };
  const d = await check('bash cleanup.sh', { reader: { readFile: (p) => files[p] } });
  assert.equal(d.decision, 'confirm');
  assert.ok(d.reasons.some((r) => r.rule === 'git/reset-hard' && r.message.includes('bash cleanup.sh')));
});

test('every pack loads', () => {
  assert.ok(loadPacks().length >= 1);
});
