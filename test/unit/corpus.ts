/**
 * Scoring on the peers' corpus (../shared/corpus/peers.jsonl) through the real CLI in --jsonl mode.
 * Lines tagged `ask-policy` and the two commands the peers' sources disagree on are left out;
 * labels we believe are wrong are listed in DISPUTED with the reason, reported, and not scored.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, ROOT } from './helpers';

export interface CorpusLine {
  id: string;
  command: string;
  expect: 'flag' | 'allow';
  category: string;
  source: string;
}

/** The two commands whose sources disagree (dcg: allow, VS Code: flag). */
const CONTESTED = new Set(['curl https://example.com', 'wget https://example.com/file']);

/**
 * Peer labels we believe are wrong, with the reason: test/disputes/*.json, one file per area.
 * Not scored; printed with every report.
 */
export const DISPUTED: Record<string, string> = Object.assign(
  {},
  ...readdirSync(join(ROOT, 'test', 'disputes'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(ROOT, 'test', 'disputes', f), 'utf8')) as Record<string, string>),
);

export const CORPUS_WORKSPACE = '/home/user/project';
export const CORPUS_HOME = '/home/user';

export function corpusAvailable(): boolean {
  return existsSync(CORPUS);
}

export function readCorpus(): CorpusLine[] {
  return readFileSync(CORPUS, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CorpusLine)
    .filter((l) => l.category !== 'ask-policy' && !CONTESTED.has(l.command));
}

export interface Scored extends CorpusLine {
  decision: string;
  rules: string[];
  flagged: boolean;
}

/** Run every line through `node dist/cli.js check --jsonl` once, in order. */
export function runCorpus(lines: CorpusLine[], cli = join(ROOT, 'dist', 'cli.js')): Scored[] {
  const input = lines.map((l) => JSON.stringify({ command: l.command, cwd: CORPUS_WORKSPACE, vars: { HOME: CORPUS_HOME } })).join('\n') + '\n';
  const r = spawnSync(process.execPath, [cli, 'check', '--jsonl'], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`cli exited ${r.status}: ${r.stderr}`);
  const answers = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { decision?: string; error?: string; reasons?: { rule: string }[] });
  if (answers.length !== lines.length) throw new Error(`expected ${lines.length} answers, got ${answers.length}`);
  return lines.map((l, i) => {
    const a = answers[i];
    const decision = a.decision ?? 'error';
    return { ...l, decision, rules: (a.reasons ?? []).map((x) => x.rule), flagged: decision !== 'allow' };
  });
}

export interface CategoryScore {
  category: string;
  flag: number;
  caught: number;
  allow: number;
  falsePositives: number;
}

export function score(scored: Scored[], categories?: Set<string>): { rows: CategoryScore[]; total: CategoryScore } {
  const rows = new Map<string, CategoryScore>();
  const total: CategoryScore = { category: 'all', flag: 0, caught: 0, allow: 0, falsePositives: 0 };
  for (const s of scored) {
    if (DISPUTED[s.id] || (categories && !categories.has(s.category))) continue;
    const row = rows.get(s.category) ?? { category: s.category, flag: 0, caught: 0, allow: 0, falsePositives: 0 };
    for (const r of [row, total]) {
      if (s.expect === 'flag') {
        r.flag++;
        if (s.flagged) r.caught++;
      } else {
        r.allow++;
        if (s.flagged) r.falsePositives++;
      }
    }
    rows.set(s.category, row);
  }
  return { rows: [...rows.values()].sort((a, b) => a.category.localeCompare(b.category)), total };
}

const ratio = (n: number, d: number): string => (d === 0 ? '—' : (n / d).toFixed(3));

export function table(result: { rows: CategoryScore[]; total: CategoryScore }): string {
  const lines = ['| category | flag | caught | recall | allow | false pos. | FP rate |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of [...result.rows, result.total]) {
    lines.push(`| ${r.category} | ${r.flag} | ${r.caught} | ${ratio(r.caught, r.flag)} | ${r.allow} | ${r.falsePositives} | ${ratio(r.falsePositives, r.allow)} |`);
  }
  return lines.join('\n');
}
