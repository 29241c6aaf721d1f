/** `interlock log verify [FILE]`: check the audit log's hash chain from a shell. */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditText } from '../audit/auditLog';

/** Where VS Code-family editors keep this extension's global storage, newest first. */
export function defaultAuditPaths(home = homedir()): string[] {
  const apps = ['Code', 'Code - Insiders', 'Cursor', 'VSCodium', 'code-server'];
  const bases = [join(home, '.config'), join(home, 'Library', 'Application Support'), join(home, '.local', 'share')];
  const out: string[] = [];
  for (const base of bases) for (const app of apps) out.push(join(base, app, 'User', 'globalStorage', 'interlock.interlock', 'audit.jsonl'));
  return out;
}

export function runLog(args: string[]): number {
  if (args[0] !== 'verify') {
    process.stderr.write('interlock log: usage: interlock log verify [FILE]\n');
    return 64;
  }
  const file = args[1] ?? defaultAuditPaths().find((p) => existsSync(p));
  if (!file) {
    process.stderr.write('interlock log verify: no audit log found; give its path (it lives in the editor\'s globalStorage/interlock.interlock/audit.jsonl)\n');
    return 64;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`interlock log verify: cannot read ${file}: ${(e as Error).message}\n`);
    return 66;
  }
  const v = verifyAuditText(text);
  if (v.ok) {
    process.stdout.write(`${file}: ${v.entries} entries, the hash chain verifies.\n`);
    return 0;
  }
  process.stdout.write(`${file}: the hash chain is BROKEN (${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} in ${v.entries} entries):\n`);
  for (const p of v.problems.slice(0, 50)) process.stdout.write(`  line ${p.line}: ${p.problem}\n`);
  return 1;
}
