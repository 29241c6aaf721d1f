/**
 * Which environment a command targets. The label comes from the workspace (or `--env`); production
 * is any label or name matching the production patterns, by name segment so `prod-eks` and
 * `db.production.internal` count and `product` or `reproduce` do not.
 */
import type { EnvironmentFact, EnvironmentInfo } from './types';

export const DEFAULT_PRODUCTION_PATTERNS = ['prod', 'production', 'prd', 'live'];

/** True when any segment of `name` (split on non-alphanumerics) is a production word. */
export function looksProduction(name: string, patterns: string[] = DEFAULT_PRODUCTION_PATTERNS): boolean {
  const segments = name.toLowerCase().split(/[^a-z0-9]+/);
  return segments.some((s) => patterns.includes(s));
}

/** Canonical short labels people type for the usual environments. */
export function canonicalLabel(label: string): string {
  const l = label.trim().toLowerCase();
  if (['prod', 'production', 'prd', 'live'].includes(l)) return 'production';
  if (['stage', 'staging', 'stg', 'preprod', 'pre-prod', 'uat'].includes(l)) return 'staging';
  if (['dev', 'development', 'local', 'sandbox', 'test', 'testing'].includes(l)) return 'development';
  return l;
}

export interface LabelInput {
  label?: string;
  source?: string;
  facts?: EnvironmentFact[];
  productionPatterns?: string[];
}

/** Build the environment from an explicit label and any detected facts. */
export function environmentFrom(input: LabelInput): EnvironmentInfo {
  const facts = input.facts ?? [];
  const label = input.label ? canonicalLabel(input.label) : 'unknown';
  const production =
    label === 'production' || (label !== 'unknown' && looksProduction(label, input.productionPatterns)) || facts.some((f) => f.production);
  return { label, production, source: input.label ? input.source ?? 'label' : 'none', facts };
}
