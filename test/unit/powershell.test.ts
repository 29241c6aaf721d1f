// PowerShell lines through the engine: the labelled set by class, and how the dialect reads a line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index';
import { environmentFrom } from '../../src/engine/environment';
import { parseLine } from '../../src/engine/dialects/index';
import { newScope } from '../../src/engine/parse';
import { unwrapCommand } from '../../src/engine/unwrap';
import { isHookFindings } from '../../src/channel/protocol';
import { loadGrammar } from '../../src/engine/grammar';
import { LINES } from '../windows/lines';
import { HELD_OUT } from '../windows/heldOut';
import { check, grammarBytes, loadPacks, TEST_CWD, TEST_HOME } from './helpers';

for (const c of [...LINES, ...HELD_OUT].filter((l) => l.shell === 'powershell')) {
  test(`powershell ${c.class} — ${c.expect}: ${c.line}`, async () => {
    const d = await check(c.line, { shell: 'powershell', env: c.env });
    assert.equal(d.decision, c.expect, `${c.line} → ${d.decision}: ${d.reasons.map((r) => r.rule).join(', ')}`);
  });
}

const bytes = grammarBytes();
const grammars = Promise.all([loadGrammar(bytes, 'bash'), loadGrammar(bytes, 'powershell')]);

async function commands(line: string): Promise<string[]> {
  const [grammar, powershell] = await grammars;
  const parsed = parseLine(line, { grammar, powershell, scope: newScope(), depth: 0, via: [], mapSpan: (s) => s }, 'powershell');
  return parsed.commands.map((c) => c.argv.map((w) => w.value).join(' '));
}

const readings: { name: string; line: string; has: string[] }[] = [
  { name: 'aliases and parameter prefixes resolve as PowerShell binds them', line: 'ri -rec -fo ./x', has: ['Remove-Item -Recurse -Force ./x', 'rm -r -f -- ./x'] },
  { name: 'a parameter value after a colon', line: 'Remove-Item -Recurse:$true -Path:C:\\x', has: ['rm -r -- C:/x'] },
  { name: 'a switch turned off with :$false', line: 'Remove-Item -Recurse:$false x', has: ['rm -- x'] },
  { name: 'ambiguous prefixes stay as written', line: 'Remove-Item -f x', has: ['Remove-Item -f x'] },
  { name: 'arrays of paths', line: 'Remove-Item a, b -Recurse', has: ['rm -r -- a b'] },
  { name: 'a variable set on the line', line: '$p = "C:\\data"; Remove-Item $p -Recurse', has: ['rm -r -- C:/data'] },
  { name: 'env: variables and $HOME as paths', line: 'Remove-Item $env:USERPROFILE\\x, $HOME\\y', has: ['rm -- ~/x ~/y'] },
  { name: 'pipeline into ForEach-Object runs the block', line: 'ls | % { Remove-Item $_ -Recurse }', has: ['ForEach-Object', 'rm -r -- $_'] },
  { name: 'sub-expressions run', line: 'Write-Host "$(Remove-Item x)"', has: ['rm -- x'] },
  { name: 'Start-Process runs its program with the argument list', line: 'Start-Process git -ArgumentList "push","--force"', has: ['git push --force'] },
  { name: '& with a literal path runs that program', line: "& 'C:\\Git\\git.exe' push -f", has: ['C:\\Git\\git.exe push -f'] },
  { name: 'Invoke-Expression reads its string as PowerShell', line: "iex 'del -r -fo ~'", has: ['rm -r -f -- ~'] },
  { name: 'a string piped into iex', line: "'Remove-Item -Recurse ~' | iex", has: ['rm -r -- ~'] },
  { name: '.NET file calls', line: '[IO.File]::WriteAllText(".env", "x"); [System.IO.Directory]::Delete("d", $true)', has: ['tee -- .env', 'rm -r -f -- d'] },
  { name: 'Set-Content, Add-Content, Out-File and > write files', line: 'Set-Content a.txt x; Add-Content b.txt y; "z" | Out-File c.txt -Append', has: ['tee -- a.txt', 'tee -a -- b.txt', 'tee -a -- c.txt'] },
  { name: 'Copy-Item, Move-Item, Rename-Item', line: 'Copy-Item a b -Recurse; Move-Item c d; Rename-Item dir\\e f', has: ['cp -r -- a b', 'mv -- c d', 'mv -- dir/e dir/f'] },
  { name: 'the env: drive lists the environment', line: 'Get-ChildItem env:; gi env:GITHUB_TOKEN', has: ['env', 'printenv GITHUB_TOKEN'] },
  { name: 'cmd /c inside PowerShell is cmd', line: 'cmd /c "rd /s /q build & del x"', has: ['rm -r -f -- build', 'rm -- x'] },
];
for (const r of readings) {
  test(`powershell reading — ${r.name}`, async () => {
    const got = await commands(r.line);
    const [grammar, powershell] = await grammars;
    const scope = newScope();
    const parsed = parseLine(r.line, { grammar, powershell, scope, depth: 0, via: [], mapSpan: (s) => s }, 'powershell');
    const unwrapped = parsed.commands.flatMap((c) => unwrapCommand(c, { grammar, powershell, cwd: TEST_CWD, home: TEST_HOME, scope, issues: [] })).map((c) => c.argv.map((w) => w.value).join(' '));
    for (const h of r.has) assert.ok([...got, ...unwrapped].includes(h), `expected ${JSON.stringify(h)} among ${JSON.stringify([...new Set([...got, ...unwrapped])])}`);
  });
}

test('powershell — a reason points at the command in the original line, through quoting fixes', async () => {
  const line = 'git status; Remove-Item -Recurse -Force $env:USERPROFILE\\Documents';
  const d = await check(line, { shell: 'powershell' });
  const r = d.reasons.find((x) => x.rule === 'filesystem/rm-home-data');
  assert.ok(r?.span, 'a span');
  assert.equal(line.slice(r.span.start, r.span.end), 'Remove-Item -Recurse -Force $env:USERPROFILE\\Documents');
});

test('powershell — what the grammar cannot read is confirm with a reason', async () => {
  const d = await check('Get-ChildItem | Remove-Item -Recurse "unterminated', { shell: 'powershell' });
  assert.equal(d.decision, 'confirm');
  assert.ok(d.reasons.some((r) => r.rule === 'interlock/unparsed'), d.reasons.map((r) => r.rule).join(', '));
});

test('powershell — dynamic invocation is confirm with a reason', async () => {
  for (const line of ['& $tool -Recurse x', 'iex $code', 'Remove-Item @splat']) {
    const d = await check(line, { shell: 'powershell' });
    assert.equal(d.decision, 'confirm', line);
    assert.ok(d.reasons.some((r) => r.rule === 'interlock/unparsed' || r.rule === 'evasion/computed-program'), `${line}: ${d.reasons.map((r) => r.rule).join(', ')}`);
  }
});

test('powershell — oversized and deeply nested lines follow the bash limits', async () => {
  assert.equal((await check(`Write-Host ${'a'.repeat(70 * 1024)}`, { shell: 'powershell' })).decision, 'confirm');
  assert.equal((await check(`${'('.repeat(300)}1${')'.repeat(300)}`, { shell: 'powershell' })).decision, 'confirm');
});

test('powershell — the PowerShell grammar loads only for PowerShell text', async () => {
  let reads = 0;
  const engine = createEngine({
    packs: loadPacks(),
    grammarBytes: () => ({
      ...grammarBytes(),
      get powershell() {
        reads++;
        return grammarBytes().powershell!;
      },
    }),
  });
  const opts = { environment: environmentFrom({ source: 'test' }), cwd: TEST_CWD, home: TEST_HOME };
  assert.equal((await engine.check('rm -rf ~ && echo "$(ls)"', opts)).decision, 'block');
  assert.equal(reads, 0, 'a bash line never reads the PowerShell grammar');
  assert.equal((await engine.check('Remove-Item -Recurse -Force ~', { ...opts, shell: 'powershell' })).decision, 'block');
  assert.equal(reads, 1);
  assert.equal((await engine.check('pwsh -c "ri -r -fo ~"', opts)).decision, 'block', 'PowerShell inside bash');
  assert.equal(reads, 1, 'loaded once');
});

test('powershell — zsh and fish lines read as bash', async () => {
  for (const shell of ['zsh', 'fish'] as const) assert.equal((await check('rm -rf ~', { shell })).decision, 'block');
});

test('powershell — scripts in the workspace are read in their dialect', async () => {
  const files: Record<string, string> = {
    [`${TEST_CWD}/deploy.ps1`]: 'Write-Host "deploying"\nRemove-Item -Recurse -Force $env:USERPROFILE\n',
    [`${TEST_CWD}/clean.cmd`]: '@echo off\r\nrd /s /q %USERPROFILE%\r\n',
    [`${TEST_CWD}/build.ps1`]: 'npm ci\nnpm run build\n',
  };
  const reader = { readFile: (p: string) => files[p] };
  assert.equal((await check('powershell -ExecutionPolicy Bypass -File deploy.ps1', { reader })).decision, 'block');
  assert.equal((await check('.\\deploy.ps1', { shell: 'powershell', reader })).decision, 'block');
  assert.equal((await check('& ./deploy.ps1 -Verbose', { shell: 'powershell', reader })).decision, 'block');
  assert.equal((await check('call clean.cmd', { shell: 'cmd', reader })).decision, 'block');
  assert.equal((await check('pwsh -File build.ps1', { reader })).decision, 'allow');
});

test('powershell — a hook tells the editor which dialect it read a line in', async () => {
  assert.ok(isHookFindings({ subject: 'shell', shell: 'powershell', reasons: [], deadline: 1 }));
  assert.ok(isHookFindings({ subject: 'shell', reasons: [], deadline: 1 }));
  assert.ok(!isHookFindings({ subject: 'shell', shell: 'tcsh', reasons: [], deadline: 1 }));
});
