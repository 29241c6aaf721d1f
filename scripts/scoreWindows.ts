// Score the labelled PowerShell and cmd.exe lines (test/windows/lines.ts) by class:
// `node --import tsx scripts/scoreWindows.ts [--held-out] [--table]`. In process, with the built-in packs.
import { LINES } from '../test/windows/lines';
import { HELD_OUT } from '../test/windows/heldOut';
import type { LineClass } from '../test/windows/lines';
import { check } from '../test/unit/helpers';
import { DECISION_ORDER } from '../src/engine/types';

interface Row {
  shell: string;
  class: LineClass;
  line: string;
  expect: string;
  got: string;
  rules: string[];
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const l of process.argv.includes('--held-out') ? HELD_OUT : LINES) {
    const d = await check(l.line, { shell: l.shell, env: l.env });
    rows.push({ shell: l.shell, class: l.class, line: l.line, expect: l.expect, got: d.decision, rules: d.reasons.map((r) => r.rule) });
  }
  if (process.argv.includes('--table')) {
    console.log('| shell | class | line | expected | decision | rules |\n|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.shell} | ${r.class} | \`${r.line.replace(/\|/g, '\\|') || '(empty)'}\` | ${r.expect} | ${r.got} | ${[...new Set(r.rules)].slice(0, 2).join(', ')} |`);
    console.log();
  }
  const risky = rows.filter((r) => r.expect !== 'allow');
  const benign = rows.filter((r) => r.expect === 'allow');
  const flagged = (r: Row): boolean => r.got !== 'allow';
  const pct = (n: number, d: number): string => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
  console.log('| shell | class | lines | flagged (recall) | exact decision | under-decided |');
  console.log('|---|---|---|---|---|---|');
  for (const shell of ['powershell', 'cmd']) {
    for (const cls of [...new Set(rows.map((r) => r.class))]) {
      const set = rows.filter((r) => r.shell === shell && r.class === cls);
      if (set.length === 0) continue;
      const wantFlag = set.filter((r) => r.expect !== 'allow');
      const hits = cls === 'everyday' ? set.filter((r) => !flagged(r)).length : wantFlag.filter(flagged).length;
      const exact = set.filter((r) => r.got === r.expect).length;
      const under = set.filter((r) => DECISION_ORDER[r.got as 'allow'] < DECISION_ORDER[r.expect as 'allow']).length;
      console.log(`| ${shell} | ${cls} | ${set.length} | ${cls === 'everyday' ? `${pct(hits, set.length)} allowed` : pct(hits, set.length)} | ${pct(exact, set.length)} | ${under} |`);
    }
  }
  const fp = benign.filter(flagged);
  const miss = risky.filter((r) => !flagged(r));
  console.log(`\nrecall (risky lines flagged): ${risky.length - miss.length}/${risky.length} = ${pct(risky.length - miss.length, risky.length)}`);
  console.log(`false positives (everyday lines flagged): ${fp.length}/${benign.length} = ${pct(fp.length, benign.length)}`);
  const blocks = rows.filter((r) => r.expect === 'block');
  console.log(`blocks where block is expected: ${blocks.filter((r) => r.got === 'block').length}/${blocks.length}`);
  for (const r of [...miss, ...fp, ...rows.filter((x) => x.got !== x.expect && !miss.includes(x) && !fp.includes(x))]) {
    console.log(`  ${r.shell} ${r.class}: want ${r.expect}, got ${r.got}: ${r.line} [${r.rules.join(', ')}]`);
  }
}

void main();
