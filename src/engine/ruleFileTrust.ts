/**
 * Which reading of a folder's `.interlock.jsonc` applies, given what a person last approved there.
 * The rule file is where an agent would start: one write that relabels production as development,
 * deletes the file or adds an `allow` rule would otherwise switch the guard off for every later
 * command. So every surface judges the file against the folder's baseline (the last reading that
 * applied): a change that only tightens applies at once and becomes the new baseline; a change
 * that loosens anything waits for a person, and until then the stricter merge of both applies.
 * Pure: hashing and storage are the caller's.
 */
import { canonicalLabel, DEFAULT_PRODUCTION_PATTERNS, looksProduction } from './environment';
import type { Rule } from './packs';
import { loosens } from './workspaceConfig';

/** What a rule file says, in the parts that decide how strict Interlock is. */
export interface RuleFileReading {
  environment?: string;
  productionPatterns: string[];
  productionHosts: string[];
  /** Every rule the file has, loosening ones included; which apply is decided here. */
  rules: Rule[];
}

/** A folder's stored state: the reading that applies now, and contents a person approved. */
export interface FolderRecord {
  /** `absent` when a person approved removing the file. */
  baseline: { sha256: string | 'absent'; reading: RuleFileReading; by: 'first-sight' | 'tightening' | 'person'; at: string };
  /** Contents a person approved for this folder (newest last), with their readings. */
  approved: { sha256: string; reading: RuleFileReading; at: string }[];
}

/** The rule file as found now. */
export type RuleFileNow =
  | { kind: 'file'; sha256: string; reading: RuleFileReading }
  | { kind: 'absent' }
  /** Present but not readable as a rule file (malformed JSON, schema errors); its label, if one can still be read. */
  | { kind: 'invalid'; sha256: string; error: string; environment?: string };

export interface Judgement {
  /** The reading that applies; undefined when nothing here or above says anything. */
  reading?: RuleFileReading;
  /** What the current file asks for that is held back until a person approves it. */
  pending: string[];
  /** A new baseline for the caller to store (the file only tightened, or was first seen). */
  adopt?: FolderRecord['baseline'];
}

export const EMPTY_READING: RuleFileReading = { productionPatterns: DEFAULT_PRODUCTION_PATTERNS, productionHosts: [], rules: [] };

/** production > staging > no label > development and custom names: what a relabel may not go below. */
export function labelStrictness(label: string | undefined, patterns: string[] = DEFAULT_PRODUCTION_PATTERNS): number {
  if (label === undefined) return 1;
  const c = canonicalLabel(label);
  if (c === 'production' || looksProduction(c, patterns)) return 3;
  if (c === 'staging') return 2;
  if (c === 'unknown') return 1;
  return 0;
}

/** Rules compared by content: a rule with the same id but a narrower match is a different rule. */
function ruleKey(rule: Rule): string {
  const { examples: _examples, ...rest } = rule;
  return JSON.stringify(rest);
}

/**
 * The stricter combination of a baseline and a new reading, and what the new reading gives up.
 * Loosening is anything that can make a decision laxer: a label less strict, production patterns
 * or hosts removed, a tightening rule removed or changed, an `allow` rule added.
 */
export function mergeStricter(base: RuleFileReading, next: RuleFileReading): { reading: RuleFileReading; loosened: string[] } {
  const loosened: string[] = [];
  const patterns = [...new Set([...next.productionPatterns, ...base.productionPatterns])];
  const baseLevel = labelStrictness(base.environment, patterns);
  const nextLevel = labelStrictness(next.environment, patterns);
  let environment = next.environment;
  if (nextLevel < baseLevel) {
    loosened.push(`environment ${base.environment ? canonicalLabel(base.environment) : 'unlabelled'} → ${next.environment ? canonicalLabel(next.environment) : 'unlabelled'}`);
    environment = base.environment;
  }
  for (const p of base.productionPatterns) if (!next.productionPatterns.includes(p)) loosened.push(`production pattern "${p}" removed`);
  for (const h of base.productionHosts) if (!next.productionHosts.includes(h)) loosened.push(`production host "${h}" removed`);

  const nextKeys = new Set(next.rules.map(ruleKey));
  const baseKeys = new Set(base.rules.map(ruleKey));
  const rules: Rule[] = [];
  for (const r of next.rules) {
    if (!loosens(r) || baseKeys.has(ruleKey(r))) rules.push(r);
    else loosened.push(`rule ${r.id} (${r.decision === 'allow' ? 'allows' : `${r.production ?? r.decision} in production`})`);
  }
  for (const r of base.rules) {
    if (loosens(r) || nextKeys.has(ruleKey(r))) continue;
    loosened.push(`rule ${r.id} removed or changed`);
    rules.push(r);
  }
  return {
    reading: { environment, productionPatterns: patterns, productionHosts: [...new Set([...next.productionHosts, ...base.productionHosts])], rules },
    loosened,
  };
}

/**
 * Judge a folder's rule file against its record. `inherited` is what the folders above say (their
 * label, patterns and hosts), so a new rule file in a subfolder cannot relabel a production tree
 * from below: it is the baseline of a folder seen for the first time.
 */
export function judgeRuleFile(now: RuleFileNow, record: FolderRecord | undefined, inherited: RuleFileReading | undefined, at: string): Judgement {
  const stored = record && record.baseline.sha256 !== 'absent' ? record.baseline.reading : undefined;
  if (now.kind === 'absent') {
    return stored ? { reading: stored, pending: ['the rule file was deleted or cannot be read'] } : { pending: [] };
  }
  if (now.kind === 'invalid') {
    // A broken file never makes a folder look safer, but a label it still states can make it stricter.
    const fallback = stored ?? inherited;
    const reading = labelStrictness(now.environment) > labelStrictness(fallback?.environment) && now.environment !== undefined
      ? { ...(fallback ?? EMPTY_READING), environment: now.environment }
      : stored;
    return { reading, pending: stored ? [`the rule file is invalid (${now.error})`] : [] };
  }
  if (record?.baseline.sha256 === now.sha256) return { reading: now.reading, pending: [] };
  if (record?.approved.some((a) => a.sha256 === now.sha256)) {
    return { reading: now.reading, pending: [], adopt: { sha256: now.sha256, reading: now.reading, by: 'person', at } };
  }
  let base: RuleFileReading;
  let next = now.reading;
  if (stored) base = stored;
  else {
    // First sight: any label the folders above allow, their patterns kept; loosening rules wait.
    const above = inherited ?? { ...now.reading, rules: [] };
    base = { ...above, rules: [] };
    next = {
      ...now.reading,
      environment: now.reading.environment ?? above.environment,
      productionPatterns: [...new Set([...now.reading.productionPatterns, ...above.productionPatterns])],
      productionHosts: [...new Set([...now.reading.productionHosts, ...above.productionHosts])],
    };
  }
  const merged = mergeStricter(base, next);
  if (merged.loosened.length > 0) return { reading: merged.reading, pending: merged.loosened };
  return { reading: now.reading, pending: [], adopt: { sha256: now.sha256, reading: now.reading, by: stored ? 'tightening' : 'first-sight', at } };
}

/**
 * A folder's record with a new baseline. A person's earlier approvals that would loosen the new
 * baseline are dropped: once a folder became production, restoring an old development file must
 * be approved again, not slip through on an approval given before.
 */
export function withBaseline(record: FolderRecord | undefined, baseline: FolderRecord['baseline']): FolderRecord {
  const approved = (record?.approved ?? []).filter((a) => a.sha256 === baseline.sha256 || mergeStricter(baseline.reading, a.reading).loosened.length === 0);
  if (baseline.by === 'person' && baseline.sha256 !== 'absent' && !approved.some((a) => a.sha256 === baseline.sha256)) {
    approved.push({ sha256: baseline.sha256, reading: baseline.reading, at: baseline.at });
  }
  return { baseline, approved: approved.slice(-20) };
}
