import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { openAuditLog, verifyAuditText } from '../../src/audit/auditLog';

const fields = (i: number) => ({ source: 'terminal', command: `cmd ${i}`, decision: 'confirm', outcome: 'denied' as const, by: 'person' });

test('entries chain and verify; an edit, a removal or a torn line is found', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'interlock-audit-')), 'audit.jsonl');
  const log = openAuditLog(file);
  for (let i = 0; i < 5; i++) log.append(fields(i));
  const text = readFileSync(file, 'utf8');
  assert.deepEqual(verifyAuditText(text), { ok: true, entries: 5, problems: [] });
  const lines = text.trim().split('\n');
  const edited = [...lines];
  edited[2] = edited[2].replace('cmd 2', 'cmd X');
  assert.equal(verifyAuditText(edited.join('\n')).problems[0].line, 3);
  const removed = lines.filter((_, i) => i !== 1);
  assert.equal(verifyAuditText(removed.join('\n')).problems[0].line, 2);
  assert.match(verifyAuditText(lines.slice(0, 3).join('\n') + '\n{"seq":4,"ti').problems[0].problem, /torn/);
});

test('appending after a corrupted line keeps going and the break stays visible', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'interlock-audit-')), 'audit.jsonl');
  const log = openAuditLog(file);
  log.append(fields(1));
  writeFileSync(file, readFileSync(file, 'utf8') + 'garbage\n');
  log.append(fields(2));
  const v = verifyAuditText(readFileSync(file, 'utf8'));
  assert.equal(v.entries, 2);
  assert.deepEqual(v.problems.map((p) => p.line), [2]);
});

test('16 concurrent writer processes × 500 entries: no lost or torn lines, and the chain verifies', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'interlock-audit-')), 'audit.jsonl');
  const writer = `
    const { openAuditLog } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'audit', 'auditLog.ts'))});
    const log = openAuditLog(process.argv[1]);
    for (let i = 0; i < 500; i++) log.append({ source: 'w' + process.argv[2], command: 'c' + i, outcome: 'allowed', by: 'policy' });
  `;
  const codes = await Promise.all(Array.from({ length: 16 }, (_, w) => new Promise<number | null>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '-e', writer, file, String(w)], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', resolve);
  })));
  assert.deepEqual(codes, new Array(16).fill(0));
  const text = readFileSync(file, 'utf8');
  const v = verifyAuditText(text);
  assert.deepEqual(v.problems, []);
  assert.equal(v.entries, 16 * 500);
  const seqs = text.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
  assert.deepEqual(seqs, Array.from({ length: 8000 }, (_, i) => i + 1));
});

test('commits that arrive together share one write: every entry on disk, in order, the chain whole', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'interlock-audit-')), 'audit.jsonl');
  const log = openAuditLog(file);
  log.append(fields(0));
  const entries = await Promise.all(Array.from({ length: 300 }, (_, i) => log.commit(fields(i + 1))));
  assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: 300 }, (_, i) => i + 2), 'each caller gets its own entry, in arrival order');
  const text = readFileSync(file, 'utf8');
  assert.deepEqual(verifyAuditText(text), { ok: true, entries: 301, problems: [] });
  // Interleaved with synchronous appends and after a torn line, the chain still holds.
  writeFileSync(file, text + '{"seq":999,"ti');
  const later = await Promise.all([log.commit(fields(1000)), log.commit(fields(1001))]);
  assert.deepEqual(later.map((e) => e.command), ['cmd 1000', 'cmd 1001']);
  const after = verifyAuditText(readFileSync(file, 'utf8'));
  assert.equal(after.entries, 303);
  assert.deepEqual(after.problems.map((p) => p.line), [302], 'only the torn fragment is flagged');
});

test('a commit that cannot be written rejects, and nothing half-written stays', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'interlock-audit-'));
  const log = openAuditLog(join(dir, 'missing', 'deeper', 'audit.jsonl'));
  const { rmSync } = await import('node:fs');
  rmSync(join(dir, 'missing'), { recursive: true, force: true });
  await assert.rejects(Promise.all([log.commit(fields(1)), log.commit(fields(2))]), /could not be written/);
});
