/**
 * `.interlock.jsonc`: a workspace's environment label, production patterns and extra rules.
 * Malformed files give an error at file:line:col; the caller then treats the environment as
 * unknown and keeps the built-in packs. Rules here may only tighten: a rule that allows, or an
 * `environment` that is not production, never loosens a built-in decision, because rules only add
 * reasons and the strictest decision wins. A rule deciding `allow` is refused outright until the
 * editor's trust flow can approve it.
 */
import { applyEdits, findNodeAtLocation, modify } from 'jsonc-parser';
import { PackError, lineCol, parseJsoncStrict, validateAgainst } from './packs';
import type { Pack, Rule } from './packs';
import interlockSchema from '../../schemas/interlock.schema.json';
import packSchema from '../../schemas/pack.schema.json';
import { DEFAULT_PRODUCTION_PATTERNS } from './environment';

export const WORKSPACE_CONFIG_FILE = '.interlock.jsonc';

export interface WorkspaceConfig {
  environment?: string;
  productionPatterns: string[];
  productionHosts: string[];
  pack?: Pack;
  /** Loosening rules left out because this exact content is not approved (their ids). */
  withheld: string[];
}

/** A rule that lets through what built-in rules would stop: it needs a person's approval. */
export function loosens(rule: Rule): boolean {
  return rule.decision === 'allow' || rule.production === 'allow';
}


/** Parse and validate `.interlock.jsonc` text. Throws PackError with file:line:col. */
export function parseWorkspaceConfig(text: string, file: string, loosening: 'apply' | 'withhold' = 'withhold'): WorkspaceConfig {
  const { value, tree } = parseJsoncStrict(text, file);
  validateAgainst(interlockSchema, value, tree, text, file, { 'pack.schema.json': packSchema });
  const raw = value as { environment?: string; productionPatterns?: string[]; productionHosts?: string[]; rules?: Rule[] };
  const rules = raw.rules ?? [];
  rules.forEach((rule, i) => {
    const at = (field: string, message: string): PackError => {
      const node = tree ? findNodeAtLocation(tree, ['rules', i, field]) : undefined;
      const { line, column } = lineCol(text, node?.offset ?? 0);
      return new PackError(file, line, column, message);
    };
    if (!rule.id.startsWith('workspace/')) throw at('id', `rule ${rule.id}: workspace rule ids start with "workspace/"`);
    if (rule.overrides && rule.decision !== 'allow') throw at('overrides', `rule ${rule.id}: overrides only make sense with decision allow`);
  });
  // An agent that edits this file must gain nothing: loosening applies only to approved content.
  const withheld = loosening === 'apply' ? [] : rules.filter(loosens).map((r) => r.id);
  const kept = loosening === 'apply' ? rules : rules.filter((r) => !loosens(r));
  return {
    environment: raw.environment,
    productionPatterns: raw.productionPatterns ?? DEFAULT_PRODUCTION_PATTERNS,
    productionHosts: raw.productionHosts ?? [],
    pack: kept.length > 0 ? { id: 'workspace', rules: kept, file } : undefined,
    withheld,
  };
}

/** `.interlock.jsonc` text with its `environment` set, keeping comments and everything else. */
export function withEnvironmentLabel(text: string | undefined, label: string): string {
  const base = text && text.trim() ? text : '// Interlock workspace rules: https://github.com/interlock-dev/interlock#workspace-rules\n{\n}\n';
  const edits = modify(base, ['environment'], label, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
  return applyEdits(base, edits);
}
