// Judging a rule file against its folder's record: what tightens applies at once and becomes the
// baseline; what loosens waits for a person, and the stricter merge applies meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_READING, judgeRuleFile, labelStrictness, mergeStricter, withBaseline } from '../../src/engine/ruleFileTrust';
import type { FolderRecord, RuleFileReading } from '../../src/engine/ruleFileTrust';
import type { Rule } from '../../src/engine/packs';

const reading = (over: Partial<RuleFileReading> = {}): RuleFileReading => ({ ...EMPTY_READING, ...over });
const rule = (id: string, decision: Rule['decision'], extra: Partial<Rule> = {}): Rule => ({ id, command: 'git', decision, risk: 'low', reason: id, ...extra });
const record = (r: RuleFileReading, sha = 'base', approved: FolderRecord['approved'] = []): FolderRecord => ({ baseline: { sha256: sha, reading: r, by: 'first-sight', at: 't0' }, approved });
const file = (r: RuleFileReading, sha = 'new') => ({ kind: 'file' as const, sha256: sha, reading: r });

test('labels order production > staging > unlabelled > development and custom names', () => {
  const order = ['production', 'prod', 'live', 'eu-prod', 'staging', 'uat', undefined, 'unknown', 'development', 'sandbox', 'qa'];
  const levels = order.map((l) => labelStrictness(l));
  assert.deepEqual(levels, [3, 3, 3, 3, 2, 2, 1, 1, 0, 0, 0]);
});

const loosening: { name: string; base: RuleFileReading; next: RuleFileReading; held: RegExp }[] = [
  { name: 'production relabelled development', base: reading({ environment: 'production' }), next: reading({ environment: 'development' }), held: /environment production → development/ },
  { name: 'production relabelled with a custom name', base: reading({ environment: 'prod' }), next: reading({ environment: 'scratch' }), held: /environment production → scratch/ },
  { name: 'production label removed', base: reading({ environment: 'production' }), next: reading(), held: /environment production → unlabelled/ },
  { name: 'staging relabelled development', base: reading({ environment: 'staging' }), next: reading({ environment: 'dev' }), held: /staging → development/ },
  { name: 'a production pattern removed', base: reading({ productionPatterns: ['prod', 'main'] }), next: reading({ productionPatterns: ['prod'] }), held: /pattern "main" removed/ },
  { name: 'a production host removed', base: reading({ productionHosts: ['*.acme.io'] }), next: reading(), held: /host "\*\.acme\.io" removed/ },
  { name: 'an allow rule added', base: reading(), next: reading({ rules: [rule('workspace/ok', 'allow', { overrides: ['git/force-push'] })] }), held: /rule workspace\/ok \(allows\)/ },
  { name: 'a rule allowing in production', base: reading(), next: reading({ rules: [rule('workspace/p', 'confirm', { production: 'allow' })] }), held: /workspace\/p \(allow in production\)/ },
  { name: 'a block rule removed', base: reading({ rules: [rule('workspace/no-push', 'block')] }), next: reading(), held: /workspace\/no-push removed or changed/ },
  { name: 'a block rule weakened to confirm', base: reading({ rules: [rule('workspace/no-push', 'block')] }), next: reading({ rules: [rule('workspace/no-push', 'confirm')] }), held: /workspace\/no-push removed or changed/ },
];

for (const c of loosening) {
  test(`held back: ${c.name}`, () => {
    const j = judgeRuleFile(file(c.next), record(c.base), undefined, 't1');
    assert.match(j.pending.join('; '), c.held);
    assert.equal(j.adopt, undefined, 'nothing loosening becomes the baseline');
    // Meanwhile the stricter merge applies: the old label, patterns, hosts and rules are kept.
    assert.equal(labelStrictness(j.reading!.environment), Math.max(labelStrictness(c.base.environment), labelStrictness(c.next.environment)));
    for (const p of c.base.productionPatterns) assert.ok(j.reading!.productionPatterns.includes(p));
    for (const h of c.base.productionHosts) assert.ok(j.reading!.productionHosts.includes(h));
    assert.ok(!j.reading!.rules.some((r) => r.decision === 'allow' || r.production === 'allow'), 'no loosening rule applies');
  });
}

const tightening: { name: string; base: RuleFileReading; next: RuleFileReading }[] = [
  { name: 'development relabelled production', base: reading({ environment: 'development' }), next: reading({ environment: 'production' }) },
  { name: 'a label added where there was none', base: reading(), next: reading({ environment: 'staging' }) },
  { name: 'a block rule added', base: reading(), next: reading({ rules: [rule('workspace/no-push', 'block')] }) },
  { name: 'a production pattern added', base: reading(), next: reading({ productionPatterns: [...EMPTY_READING.productionPatterns, 'main'] }) },
  { name: 'a comment or formatting change (same reading, new hash)', base: reading({ environment: 'production' }), next: reading({ environment: 'production' }) },
  { name: 'production written as prod', base: reading({ environment: 'production' }), next: reading({ environment: 'prod' }) },
];

for (const c of tightening) {
  test(`applies at once and becomes the baseline: ${c.name}`, () => {
    const j = judgeRuleFile(file(c.next), record(c.base), undefined, 't1');
    assert.deepEqual(j.pending, []);
    assert.deepEqual(j.reading, c.next);
    assert.deepEqual(j.adopt, { sha256: 'new', reading: c.next, by: 'tightening', at: 't1' });
  });
}

test('a deleted or unreadable rule file keeps the baseline, and says so', () => {
  const base = reading({ environment: 'production' });
  const j = judgeRuleFile({ kind: 'absent' }, record(base), undefined, 't1');
  assert.deepEqual([j.reading, j.pending], [base, ['the rule file was deleted or cannot be read']]);
  const approvedRemoval: FolderRecord = { baseline: { sha256: 'absent', reading: EMPTY_READING, by: 'person', at: 't0' }, approved: [] };
  assert.deepEqual(judgeRuleFile({ kind: 'absent' }, approvedRemoval, undefined, 't1'), { pending: [] });
});

test('an invalid rule file keeps the baseline; with no baseline there is nothing to keep', () => {
  const base = reading({ environment: 'production' });
  const j = judgeRuleFile({ kind: 'invalid', sha256: 'x', error: 'f:1:2: invalid JSON' }, record(base), undefined, 't1');
  assert.equal(j.reading, base);
  assert.match(j.pending[0], /invalid \(f:1:2/);
  const none = judgeRuleFile({ kind: 'invalid', sha256: 'x', error: 'e' }, undefined, undefined, 't1');
  assert.deepEqual([none.reading, none.pending], [undefined, []]);
  // A broken file that still states production is production: it never makes a folder look safer.
  const stated = judgeRuleFile({ kind: 'invalid', sha256: 'x', error: 'e', environment: 'production' }, record(reading({ environment: 'development' })), undefined, 't1');
  assert.equal(stated.reading?.environment, 'production');
  const lower = judgeRuleFile({ kind: 'invalid', sha256: 'x', error: 'e', environment: 'development' }, record(base), undefined, 't1');
  assert.equal(lower.reading?.environment, 'production');
});

test('first sight: the label applies, loosening rules wait', () => {
  const first = judgeRuleFile(file(reading({ environment: 'development' })), undefined, undefined, 't1');
  assert.deepEqual([first.reading?.environment, first.pending, first.adopt?.by], ['development', [], 'first-sight']);
  const loose = judgeRuleFile(file(reading({ environment: 'development', rules: [rule('workspace/ok', 'allow')] })), undefined, undefined, 't1');
  assert.deepEqual(loose.reading?.rules, []);
  assert.equal(loose.adopt, undefined);
});

test('a new rule file below a production folder cannot relabel it', () => {
  const above = reading({ environment: 'production' });
  const sub = judgeRuleFile(file(reading({ environment: 'development' })), undefined, above, 't1');
  assert.equal(sub.reading?.environment, 'production');
  assert.match(sub.pending.join(), /production → development/);
  // Rules only, no label: it inherits production and is adopted.
  const rulesOnly = judgeRuleFile(file(reading({ rules: [rule('workspace/no-push', 'block')] })), undefined, above, 't1');
  assert.deepEqual(rulesOnly.pending, []);
  assert.equal(rulesOnly.adopt?.by, 'first-sight');
});

test('content a person approved applies, and becomes the baseline', () => {
  const dev = reading({ environment: 'development' });
  const r = record(reading({ environment: 'production' }), 'base', [{ sha256: 'dev-sha', reading: dev, at: 't0' }]);
  const j = judgeRuleFile(file(dev, 'dev-sha'), r, undefined, 't1');
  assert.deepEqual([j.reading, j.pending, j.adopt?.by], [dev, [], 'person']);
});

test('a tightened baseline drops earlier approvals that would loosen it', () => {
  const dev = reading({ environment: 'development' });
  const r = record(dev, 'dev-sha', [{ sha256: 'dev-sha', reading: dev, at: 't0' }]);
  const next = withBaseline(r, { sha256: 'prod-sha', reading: reading({ environment: 'production' }), by: 'tightening', at: 't1' });
  assert.deepEqual(next.approved, []);
  // So writing the old development file back is held, not waved through on the old approval.
  const j = judgeRuleFile(file(dev, 'dev-sha'), next, undefined, 't2');
  assert.equal(j.reading?.environment, 'production');
  const byPerson = withBaseline(next, { sha256: 'dev-sha', reading: dev, by: 'person', at: 't3' });
  assert.deepEqual(byPerson.approved.map((a) => a.sha256), ['dev-sha']);
});

test('mergeStricter keeps approved loosening rules present in both', () => {
  const ok = rule('workspace/ok', 'allow', { overrides: ['git/force-push'] });
  const m = mergeStricter(reading({ rules: [ok] }), reading({ environment: 'staging', rules: [ok] }));
  assert.deepEqual(m.loosened, []);
  assert.deepEqual(m.reading.rules, [ok]);
});
