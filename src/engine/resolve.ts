/**
 * Resolve a workspace's environment once: its `.interlock.jsonc` (found in the working directory
 * or the nearest ancestor holding one), the label given on the command line or by the editor, and
 * the facts its files and variables show. Pure: files arrive through the injected reader.
 */
import { parse as parseJsonc } from 'jsonc-parser';
import { canonicalLabel, DEFAULT_PRODUCTION_PATTERNS, looksProduction } from './environment';
import { workspaceFacts } from './context';
import type { FactPolicy } from './context';
import { PackError } from './packs';
import type { Pack } from './packs';
import type { EnvironmentInfo } from './types';
import type { FileReader } from './unwrap';
import { parseWorkspaceConfig, WORKSPACE_CONFIG_FILE } from './workspaceConfig';
import { EMPTY_READING, judgeRuleFile } from './ruleFileTrust';
import type { FolderRecord, RuleFileNow, RuleFileReading } from './ruleFileTrust';

export interface ResolveInputs {
  cwd: string;
  home: string;
  vars: Record<string, string | undefined>;
  reader?: FileReader;
  /**
   * The per-user approval store every surface shares. Without it (a unit test, a one-off check),
   * every rule file is judged as seen for the first time: its loosening rules do not apply.
   */
  approvals?: ApprovalsView;
  /** A label that overrides the workspace file's (`--env`, or a setting). */
  label?: string;
  labelSource?: string;
  /** Now, for the records this resolution adopts. */
  now?: string;
}

/** What the approval store holds, as resolution needs it. */
export interface ApprovalsView {
  record(folder: string): FolderRecord | undefined;
  /** Set when the store cannot be read: each folder is then judged by the stricter of its file and its last known label. */
  unreadable?: { reason: string; lastLabel(folder: string): string | undefined };
  sha256(text: string): string;
}

/** One folder holding a rule file (or a record of one), as resolution judged it. */
export interface RuleFolder {
  folder: string;
  file: string;
  /** The file's hash now; undefined when it is absent or unreadable. */
  sha256?: string;
  /** What the file asks for that is held back until a person approves it. */
  pending: string[];
  /** The baseline to store: the file only tightened, or was seen for the first time. */
  adopt?: FolderRecord['baseline'];
  /** The file's text as read, so an approval can name exactly what it approves. */
  text?: string;
  /** The file's own reading (all its rules), for an approval to store. */
  reading?: RuleFileReading;
}

export interface ResolvedContext {
  environment: EnvironmentInfo;
  policy: FactPolicy;
  /** The workspace rules that apply, as a pack, when there are any. */
  workspacePack?: Pack;
  /** Where the nearest workspace file is, when there is one. */
  configFile?: string;
  /** A malformed workspace file: message with file:line:col. */
  configError?: string;
  /** The nearest rule file's text as read, so an approval can name exactly what it approves. */
  configText?: string;
  /** What rule files ask for that loosens and is held back until a person approves it. */
  withheld: string[];
  /** Every folder from the root down whose rule file (or record of one) took part. */
  folders: RuleFolder[];
  /** The approval store could not be read (why); judged by the stricter of files and last known labels. */
  storeUnreadable?: string;
}

/** Directories from `cwd` up to the root, nearest first (at most 64). */
function ancestors(cwd: string): string[] {
  const out: string[] = [];
  let dir = cwd.replace(/\/+$/, '') || '/';
  for (let i = 0; i < 64; i++) {
    out.push(dir);
    if (dir === '/') break;
    dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
  }
  return out;
}

const fileIn = (dir: string): string => `${dir === '/' ? '' : dir}/${WORKSPACE_CONFIG_FILE}`;

/** The nearest `.interlock.jsonc` at or above `cwd`, if the reader sees one. */
export function findWorkspaceConfig(cwd: string, reader: FileReader | undefined): { path: string; text: string } | undefined {
  if (!reader) return undefined;
  for (const dir of ancestors(cwd)) {
    const text = reader.readFile(fileIn(dir));
    if (text !== undefined) return { path: fileIn(dir), text };
  }
  return undefined;
}

/** A rule file's reading: validated, every rule kept (which apply is judged against the store). Throws PackError. */
export function ruleFileReading(text: string, file: string): RuleFileReading {
  const cfg = parseWorkspaceConfig(text, file, 'apply');
  return { environment: cfg.environment, productionPatterns: cfg.productionPatterns, productionHosts: cfg.productionHosts, rules: cfg.pack?.rules ?? [] };
}

/** A reading already validated under this hash (the folder's baseline or an approval) needs no second parse. */
function knownReading(record: FolderRecord | undefined, sha: string): RuleFileReading | undefined {
  if (!record) return undefined;
  if (record.baseline.sha256 === sha) return record.baseline.reading;
  return record.approved.find((a) => a.sha256 === sha)?.reading;
}

/** The `environment` a broken rule file still states, read leniently. */
function statedLabel(text: string): string | undefined {
  const value = parseJsonc(text, [], { allowTrailingComma: true }) as { environment?: unknown } | undefined;
  return typeof value === 'object' && value !== null && typeof value.environment === 'string' ? value.environment : undefined;
}

/** Fold a folder's reading under what the folders above it say: rules add up, the label is the nearest. */
function under(parent: RuleFileReading | undefined, child: RuleFileReading | undefined): RuleFileReading | undefined {
  if (!parent || !child) return child ?? parent;
  return {
    environment: child.environment ?? parent.environment,
    productionPatterns: [...new Set([...child.productionPatterns, ...parent.productionPatterns])],
    productionHosts: [...new Set([...child.productionHosts, ...parent.productionHosts])],
    rules: [...parent.rules, ...child.rules],
  };
}

export function resolveContext(input: ResolveInputs): ResolvedContext {
  const reader = input.reader;
  const view = input.approvals;
  const at = input.now ?? new Date(0).toISOString();
  const hash = view?.sha256 ?? ((): string => 'unhashed');
  // The rule folders from the root down: a file there now, or a record of one there before.
  const found: { dir: string; text?: string; record?: FolderRecord }[] = [];
  for (const dir of ancestors(input.cwd)) {
    const text = reader?.readFile(fileIn(dir));
    let record = view?.unreadable ? undefined : view?.record(dir);
    const last = view?.unreadable?.lastLabel(dir);
    if (last !== undefined) {
      // The store is unreadable: the last known label stands in for the record, so a file relabelled meanwhile cannot go below it.
      record = { baseline: { sha256: 'last-known-label', reading: { ...EMPTY_READING, environment: last }, by: 'first-sight', at }, approved: [] };
    }
    if (text !== undefined || record) found.unshift({ dir, text, record });
  }

  let configError: string | undefined;
  let effective: RuleFileReading | undefined;
  const folders: RuleFolder[] = [];
  for (const { dir, text, record } of found) {
    const file = fileIn(dir);
    let now: RuleFileNow = { kind: 'absent' };
    let reading: RuleFileReading | undefined;
    if (text !== undefined) {
      const sha = hash(text);
      try {
        reading = knownReading(record, sha) ?? ruleFileReading(text, file);
        now = { kind: 'file', sha256: sha, reading };
      } catch (e) {
        const message = e instanceof PackError ? e.message : `${file}: ${(e as Error).message}`;
        configError = message;
        now = { kind: 'invalid', sha256: sha, error: message, environment: statedLabel(text) };
      }
    }
    const inherited = effective && { ...effective, rules: [] };
    const j = judgeRuleFile(now, record, inherited, at);
    const adopt = view?.unreadable ? undefined : j.adopt;
    folders.push({ folder: dir, file, sha256: now.kind === 'absent' ? undefined : now.sha256, pending: j.pending, adopt, text, reading });
    effective = under(effective, j.reading);
  }

  const nearest = folders[folders.length - 1];
  const withheld = folders.flatMap((f) => f.pending.map((p) => (folders.length > 1 ? `${p} (${f.file})` : p)));
  if (view?.unreadable) withheld.push(`the approval store cannot be read (${view.unreadable.reason})`);
  const policy: FactPolicy = { productionPatterns: effective?.productionPatterns ?? DEFAULT_PRODUCTION_PATTERNS, productionHosts: effective?.productionHosts ?? [] };
  const workspacePack: Pack | undefined = effective && effective.rules.length > 0 ? { id: 'workspace', rules: effective.rules, file: nearest?.file ?? WORKSPACE_CONFIG_FILE } : undefined;
  let label = effective?.environment;
  let labelSource = label !== undefined ? (withheld.length > 0 ? `${WORKSPACE_CONFIG_FILE} (last approved)` : WORKSPACE_CONFIG_FILE) : 'none';
  if (input.label) {
    label = input.label;
    labelSource = input.labelSource ?? '--env';
  }
  const facts = workspaceFacts({ cwd: input.cwd, home: input.home, vars: input.vars, reader }, policy);
  const canonical = label ? canonicalLabel(label) : 'unknown';
  const production = canonical === 'production' || (label !== undefined && looksProduction(canonical, policy.productionPatterns)) || facts.some((f) => f.production);
  return {
    environment: { label: canonical, production, source: labelSource, facts },
    policy,
    workspacePack,
    configFile: nearest?.text !== undefined ? nearest.file : undefined,
    configError,
    configText: nearest?.text,
    withheld,
    folders,
    storeUnreadable: view?.unreadable?.reason,
  };
}
