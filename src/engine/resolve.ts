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
}

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
  if (found) {
    try {
      const cfg = parseWorkspaceConfig(found.text, found.path);
      policy = { productionPatterns: cfg.productionPatterns, productionHosts: cfg.productionHosts };
      workspacePack = cfg.pack;
      if (cfg.environment) {
        label = cfg.environment;
        labelSource = WORKSPACE_CONFIG_FILE;
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
  };
}
