// cmd.exe lines through the engine: the labelled set by class, and how the lexer reads a line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../src/engine/dialects/index';
import { newScope } from '../../src/engine/parse';
import { LINES } from '../windows/lines';
import { HELD_OUT } from '../windows/heldOut';
import { check } from './helpers';

for (const c of [...LINES, ...HELD_OUT].filter((l) => l.shell === 'cmd')) {
  test(`cmd ${c.class} — ${c.expect}: ${c.line}`, async () => {
    const d = await check(c.line, { shell: 'cmd', env: c.env });
    assert.equal(d.decision, c.expect, `${c.line} → ${d.decision}: ${d.reasons.map((r) => r.rule).join(', ')}`);
  });
}

function commands(line: string): string[] {
  const parsed = parseLine(line, { scope: newScope(), depth: 0, via: [], mapSpan: (s) => s }, 'cmd');
  return parsed.commands.map((c) => c.argv.map((w) => w.value).join(' '));
}

const readings: { name: string; line: string; commands: string[] }[] = [
  { name: '& && || | separate commands', line: 'a & b && c || d | e', commands: ['a', 'b', 'c', 'd', 'e'] },
  { name: 'switches are case-insensitive, together or apart', line: 'RD /S/Q x', commands: ['RD /S/Q x', 'rm -r -f -- x'] },
  { name: 'del /s deletes in every subfolder', line: 'del /f /s /q *.tmp', commands: ['del /f /s /q *.tmp', 'rm -r -f -- *.tmp'] },
  { name: 'quotes group a word and are removed', line: 'rd /s /q "C:\\My Files"', commands: ['rd /s /q C:/My Files', 'rm -r -f -- C:/My Files'] },
  { name: 'a caret escapes the next character', line: 'r^d /s /q x ^& y', commands: ['rd /s /q x & y', 'rm -r -f -- x & y'] },
  // cmd expands %VAR% when it reads the line, before `set` runs: D is not yet `build` here.
  { name: '%USERPROFILE% is the home; %VAR% expands as the line is read', line: 'set D=build& rd /s /q %USERPROFILE%\\%D%', commands: ['', 'rd /s /q ~/$D', 'rm -r -f -- ~/$D'] },
  { name: 'an unknown variable is dynamic', line: 'type %X%', commands: ['type $X', 'cat -- $X'] },
  { name: 'cmd /c runs its string as cmd', line: 'cmd /c "del a & del b"', commands: ['cmd /c del a & del b', 'del a', 'rm -- a', 'del b', 'rm -- b'] },
  { name: 'start and call run the command they name', line: 'start "" /b git push -f & call npm publish', commands: ['start  /b git push -f', 'git push -f', 'call npm publish', 'npm publish'] },
  { name: 'if and for run their command', line: 'if exist x rd /s /q x & for %i in (a b) do del %i', commands: ['rd /s /q x', 'rm -r -f -- x', 'for %i in', 'del %i', 'rm -- %i'] },
  { name: 'ren renames in place; robocopy /MIR mirrors with deletes', line: 'ren dir\\a b & robocopy src dst /MIR', commands: ['ren dir/a b', 'mv -- dir/a dir/b', 'robocopy src dst /MIR', 'rsync -a --delete src/ dst/'] },
];
for (const r of readings) {
  test(`cmd reading — ${r.name}`, () => {
    assert.deepEqual(commands(r.line), r.commands);
  });
}

test('cmd — redirections write files; nul is the null device', () => {
  const parsed = parseLine('echo x > out.txt 2> nul', { scope: newScope(), depth: 0, via: [], mapSpan: (s) => s }, 'cmd');
  assert.deepEqual(parsed.commands[0].redirects.map((r) => [r.op, r.fd, r.target?.value]), [['>', undefined, 'out.txt'], ['>', 2, '/dev/null']]);
});

test('cmd — an open quote or parenthesis is confirm with a reason', async () => {
  for (const line of ['rd /s /q "C:\\x', '(del x']) {
    const d = await check(line, { shell: 'cmd' });
    assert.equal(d.decision, 'confirm', line);
    assert.ok(d.reasons.some((r) => r.rule === 'interlock/unparsed'), line);
  }
});

test('cmd — a reason points at the command in the original line', async () => {
  const line = 'dir & rd /s /q src';
  const d = await check(line, { shell: 'cmd' });
  const r = d.reasons.find((x) => x.rule === 'filesystem/rm-source');
  assert.ok(r?.span);
  assert.equal(line.slice(r.span.start, r.span.end), 'rd /s /q src');
});
