/**
 * The engine as the extension uses it: one environment resolution per workspace folder, kept
 * fresh by watching `.interlock.jsonc`, the kubeconfig and the gcloud configuration, and one rule
 * index per distinct set of workspace rules. The grammar loads in the background after activation.
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import builtin from 'interlock:builtin-packs';
import { engineCache } from '../engine/engineCache';
import type { Engine } from '../engine/index';
import type { RuleIndex } from '../engine/evaluate';
import { trustedPack } from '../engine/packs';
import { environmentLookup, resolveWorkspace } from '../approvals/resolveWorkspace';
import { ensureStateDir } from '../approvals/approvalStore';
import type { ResolvedContext } from '../engine/resolve';
import type { Decision, Shell } from '../engine/types';
import { fileReader } from '../fsutil/fileReader';

export interface EngineHost extends vscode.Disposable {
  /** The folder's resolved environment (cached until something it depends on changes). */
  resolve(folder: vscode.WorkspaceFolder | undefined): ResolvedContext;
  /** Decide a command line as run in `cwd` (defaults to the folder's root). */
  check(command: string, folder: vscode.WorkspaceFolder | undefined, cwd?: string, shell?: Shell): Promise<Decision>;
  /** The engine a folder's commands are decided with (for reading a line's local effects). */
  engine(folder: vscode.WorkspaceFolder | undefined): Engine;
  /** The rule index a folder's commands are decided with. */
  rulesFor(folder: vscode.WorkspaceFolder | undefined): RuleIndex;
  /** Forget cached resolutions, e.g. after Interlock itself wrote a rule file. */
  refresh(): void;
  /** Fires when a folder's environment may have changed. */
  readonly onDidChange: vscode.Event<void>;
}

export function folderForPath(path: string | undefined): vscode.WorkspaceFolder | undefined {
  if (!path) return vscode.workspace.workspaceFolders?.[0];
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path)) ?? vscode.workspace.workspaceFolders?.[0];
}

export function createEngineHost(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): EngineHost {
  const dist = join(context.extensionUri.fsPath, 'dist');
  const packs = builtin.map(({ file, pack }) => trustedPack(pack, file));
  const grammarBytes = () => ({
    runtime: readFileSync(join(dist, 'tree-sitter.wasm')),
    bash: readFileSync(join(dist, 'tree-sitter-bash.wasm')),
    get powershell() {
      return readFileSync(join(dist, 'tree-sitter-powershell.wasm'));
    },
  });
  const engines = engineCache(() => packs, grammarBytes);
  const resolved = new Map<string, ResolvedContext>();
  const changed = new vscode.EventEmitter<void>();
  const home = homedir();

  const engineFor = (r: ResolvedContext): Engine => engines.engineFor(r.workspacePack);

  const resolve = (folder: vscode.WorkspaceFolder | undefined): ResolvedContext => {
    const cwd = folder?.uri.fsPath ?? home;
    let r = resolved.get(cwd);
    if (!r) {
      // The store every surface shares, read afresh: a hook may have recorded a baseline since.
      r = resolveWorkspace({ cwd, home, vars: process.env, warn: (m) => log.warn(m) });
      if (r.configError) log.warn(r.configError);
      resolved.set(cwd, r);
    }
    return r;
  };

  const invalidate = (why: string): void => {
    log.debug(`environment may have changed: ${why}`);
    resolved.clear();
    changed.fire();
  };

  const watchers: vscode.Disposable[] = [];
  const watch = (pattern: vscode.GlobPattern, why: string): void => {
    const w = vscode.workspace.createFileSystemWatcher(pattern);
    watchers.push(w, w.onDidCreate(() => invalidate(why)), w.onDidChange(() => invalidate(why)), w.onDidDelete(() => invalidate(why)));
  };
  watch('**/.interlock.jsonc', '.interlock.jsonc');
  watch('**/.terraform/environment', 'terraform workspace');
  // Approvals and baselines recorded by hooks or other windows change what applies here too.
  try {
    watch(new vscode.RelativePattern(vscode.Uri.file(ensureStateDir()), '*'), 'approval store');
  } catch (e) {
    log.warn(`cannot watch the approval store: ${(e as Error).message}`);
  }
  const kubeconfigs = process.env.KUBECONFIG ? process.env.KUBECONFIG.split(':').filter(Boolean) : [join(home, '.kube', 'config')];
  for (const k of kubeconfigs) watch(new vscode.RelativePattern(vscode.Uri.file(dirname(k)), k.slice(dirname(k).length + 1)), 'kubeconfig');
  watch(new vscode.RelativePattern(vscode.Uri.file(join(home, '.config', 'gcloud')), '{active_config,configurations/*}'), 'gcloud configuration');
  watchers.push(vscode.workspace.onDidChangeWorkspaceFolders(() => invalidate('workspace folders')));

  // Load the grammar off the activation path, so the first flagged command does not wait for it.
  const warm = setTimeout(() => {
    engineFor(resolve(vscode.workspace.workspaceFolders?.[0])).warm().catch((e: unknown) => log.error(`could not load the bash grammar: ${(e as Error).message}`));
  }, 1500);

  return {
    resolve,
    rulesFor: (folder) => engineFor(resolve(folder)).rules,
    engine: (folder) => engineFor(resolve(folder)),
    refresh: () => invalidate('refresh'),
    onDidChange: changed.event,
    async check(command, folder, cwd, shell) {
      const r = resolve(folder);
      return engineFor(r).check(command, {
        shell,
        environment: r.environment,
        policy: r.policy,
        cwd: cwd ?? folder?.uri.fsPath ?? home,
        home,
        reader: fileReader,
        environmentAt: environmentLookup(home, process.env, (m) => log.warn(m)),
        // Terminals inherit the editor's environment: TMPDIR and friends read as the shell will see them.
        vars: process.env,
      });
    },
    dispose() {
      clearTimeout(warm);
      for (const w of watchers) w.dispose();
      changed.dispose();
    },
  };
}
