/**
 * Resolve a workspace's environment once: its `.interlock.jsonc` (found in the working directory
 * or the nearest ancestor holding one), the label given on the command line or by the editor, and
 * the facts its files and variables show. Pure: files arrive through the injected reader.
 */
import { canonicalLabel, DEFAULT_PRODUCTION_PATTERNS, looksProduction } from './environment';
import { workspaceFacts } from './context';
import type { FactPolicy } from './context';
import { PackError } from './packs';
import type { Pack } from './packs';
import type { EnvironmentInfo } from './types';
import type { FileReader } from './unwrap';
import { parseWorkspaceConfig, WORKSPACE_CONFIG_FILE } from './workspaceConfig';

export interface ResolveInputs {
  cwd: string;
  home: string;
  vars: Record<string, string | undefined>;
  reader?: FileReader;
  /**
   * The editor's trust decisions: whether this exact rule-file text was approved by a person in a
   * trusted workspace, and the label last approved for it. Without it nothing loosening applies.
   */
  trust?: { approved(text: string): boolean; lastLabel?: string };
  /** A label that overrides the workspace file's (`--env`, or a setting). */
  label?: string;
  labelSource?: string;
}

export interface ResolvedContext {
  environment: EnvironmentInfo;
  policy: FactPolicy;
  /** The workspace file's rules, as a pack, when it has any. */
  workspacePack?: Pack;
  /** Where the workspace file is, when there is one. */
  configFile?: string;
  /** A malformed workspace file: message with file:line:col. The environment is then unknown. */
  configError?: string;
  /** The rule file's text as read, so an approval can name exactly what it approves. */
  configText?: string;
  /** What the rule file asks for that loosens and is held back until a person approves it. */
  withheld: string[];
}

const STRICTNESS: Record<string, number> = { production: 3, staging: 2, unknown: 1 };
const strictness = (label: string): number => STRICTNESS[label] ?? 0;

/** The nearest `.interlock.jsonc` at or above `cwd`, if the reader sees one. */
export function findWorkspaceConfig(cwd: string, reader: FileReader | undefined): { path: string; text: string } | undefined {
  if (!reader) return undefined;
  let dir = cwd.replace(/\/+$/, '') || '/';
  for (let i = 0; i < 64; i++) {
    const path = `${dir === '/' ? '' : dir}/${WORKSPACE_CONFIG_FILE}`;
    const text = reader.readFile(path);
    if (text !== undefined) return { path, text };
    if (dir === '/') return undefined;
    dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
  }
  return undefined;
}

export function resolveContext(input: ResolveInputs): ResolvedContext {
  const found = findWorkspaceConfig(input.cwd, input.reader);
  let configError: string | undefined;
  let label: string | undefined;
  let labelSource = 'none';
  let policy: FactPolicy = { productionPatterns: DEFAULT_PRODUCTION_PATTERNS, productionHosts: [] };
  let workspacePack: Pack | undefined;
  const withheld: string[] = [];
  if (found) {
    try {
      const approved = input.trust?.approved(found.text) === true;
      const cfg = parseWorkspaceConfig(found.text, found.path, approved ? 'apply' : 'withhold');
      policy = { productionPatterns: cfg.productionPatterns, productionHosts: cfg.productionHosts };
      workspacePack = cfg.pack;
      withheld.push(...cfg.withheld.map((id) => `rule ${id}`));
      if (cfg.environment) {
        label = cfg.environment;
        labelSource = WORKSPACE_CONFIG_FILE;
      }
      // Relabelling to something less strict (production → development) is a loosening too.
      const last = input.trust?.lastLabel;
      if (!approved && last && strictness(canonicalLabel(last)) > strictness(canonicalLabel(label ?? 'unknown'))) {
        withheld.push(`environment ${canonicalLabel(last)} → ${label ? canonicalLabel(label) : 'none'}`);
        label = last;
        labelSource = `${WORKSPACE_CONFIG_FILE} (last approved)`;
      }
    } catch (e) {
      configError = e instanceof PackError ? e.message : `${found.path}: ${(e as Error).message}`;
    }
  }
  if (input.label) {
    label = input.label;
    labelSource = input.labelSource ?? '--env';
  }
  const facts = workspaceFacts({ cwd: input.cwd, home: input.home, vars: input.vars, reader: input.reader }, policy);
  const canonical = label ? canonicalLabel(label) : configError ? 'unknown' : 'unknown';
  const production = canonical === 'production' || (label !== undefined && looksProduction(canonical, policy.productionPatterns)) || facts.some((f) => f.production);
  return {
    environment: { label: canonical, production, source: labelSource, facts },
    policy,
    workspacePack,
    configFile: found?.path,
    configError,
    configText: found?.text,
    withheld,
  };
}
