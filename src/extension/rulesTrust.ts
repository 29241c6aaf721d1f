/**
 * A person's side of the approval store. A `.interlock.jsonc` change that loosens (a label moved
 * down, the file deleted, an `allow` rule) is held back on every surface until a person approves
 * that exact content here; this module asks, once per content, and records the answer in the
 * store the CLI and every agent hook read. An agent editing the file gains nothing: the edited
 * content is a new hash, held back until someone looks at it.
 */
import * as vscode from 'vscode';
import { openApprovalStore, sha256 } from '../approvals/approvalStore';
import { realDir } from '../approvals/resolveWorkspace';
import { ruleFileReading } from '../engine/resolve';
import type { ResolvedContext, RuleFolder } from '../engine/resolve';
import type { EngineHost } from './engineHost';
import type { AuditLog } from '../audit/auditLog';

/**
 * Record that a person approved this content of `folder`'s rule file (undefined: its removal),
 * in the store every surface reads and in the audit log.
 */
export function approveRuleFile(folder: string, text: string | undefined, file: string, audit: AuditLog, why: string): void {
  openApprovalStore().approve(realDir(folder), text, text === undefined ? undefined : ruleFileReading(text, file));
  audit.append({
    source: 'rule-file',
    workspace: folder,
    command: text === undefined ? `remove ${file}` : `${file} sha256 ${sha256(text)}`,
    outcome: 'approved',
    by: 'person',
    detail: why,
  });
}

/** The folders whose rule-file change waits for a person, nearest last. */
export function waiting(r: ResolvedContext): RuleFolder[] {
  return r.folders.filter((f) => f.pending.length > 0);
}

/** Show a waiting change and, if the person approves it, record that. Returns whether it was approved. */
export async function reviewRuleFileChange(f: RuleFolder, host: EngineHost, audit: AuditLog): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Interlock: a rule-file change that loosens protection can be approved only in a trusted workspace. Until then the last approved reading applies.');
    return false;
  }
  if (f.text !== undefined && f.reading === undefined) {
    void vscode.window.showWarningMessage(`Interlock: ${f.file} is invalid; fix it first. Until then the last approved reading applies.`);
    await vscode.window.showTextDocument(vscode.Uri.file(f.file));
    return false;
  }
  if (f.text !== undefined) await vscode.window.showTextDocument(vscode.Uri.file(f.file), { preview: true });
  const what = f.text === undefined ? 'the removal of' : `this exact content (sha256 ${sha256(f.text).slice(0, 12)}…) of`;
  const ok = await vscode.window.showWarningMessage(
    `Approve ${what} ${f.file}? It loosens protection: ${f.pending.join('; ')}. Agents and terminals will be judged by it from now on.`,
    { modal: true },
    'Approve',
  );
  if (ok !== 'Approve') return false;
  approveRuleFile(f.folder, f.text, f.file, audit, f.pending.join('; '));
  host.refresh();
  return true;
}

/**
 * Ask once per content when a rule file's change waits for approval, and offer a rebuild when the
 * store cannot be read (its last known labels apply meanwhile).
 */
export function registerRulesTrustPrompt(host: EngineHost, audit: AuditLog, log: vscode.LogOutputChannel): vscode.Disposable {
  const asked = new Set<string>();
  const check = (): void => {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const r = host.resolve(folder);
      if (r.storeUnreadable && !asked.has(`store:${r.storeUnreadable}`)) {
        asked.add(`store:${r.storeUnreadable}`);
        log.error(`the approval store cannot be read: ${r.storeUnreadable}`);
        void (async () => {
          const pick = await vscode.window.showErrorMessage(
            `Interlock: the approval store cannot be read (${r.storeUnreadable}). Each folder keeps the stricter of its rule file and its last known label until a person rebuilds the store.`,
            'Rebuild…',
          );
          if (pick !== 'Rebuild…') return;
          const ok = await vscode.window.showWarningMessage('Set the unreadable approval store aside and start a new one from each folder’s last known label?', { modal: true }, 'Rebuild');
          if (ok !== 'Rebuild') return;
          const aside = openApprovalStore().rebuild();
          log.info(`approval store rebuilt; the old one is kept at ${aside}`);
          audit.append({ source: 'approval-store', command: 'rebuild', outcome: 'approved', by: 'person', detail: `${r.storeUnreadable}; kept at ${aside}` });
          host.refresh();
        })();
      }
      for (const f of waiting(r)) {
        const key = `${f.folder}:${f.sha256 ?? 'absent'}`;
        if (asked.has(key)) continue;
        asked.add(key);
        log.warn(`${f.file}: held back until a person approves it: ${f.pending.join('; ')}`);
        void (async () => {
          const pick = await vscode.window.showWarningMessage(
            `Interlock: ${vscode.workspace.asRelativePath(f.file)} changed in a way that loosens protection (${f.pending.join('; ')}). Until a person approves it, every surface keeps the stricter reading.`,
            'Review…',
          );
          if (pick === 'Review…') await reviewRuleFileChange(f, host, audit);
        })();
      }
    }
  };
  check();
  return vscode.Disposable.from(
    host.onDidChange(check),
    vscode.commands.registerCommand('interlock.reviewRuleFileChange', async () => {
      const all = (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => waiting(host.resolve(folder)));
      const unique = [...new Map(all.map((f) => [f.file, f])).values()];
      if (unique.length === 0) {
        void vscode.window.showInformationMessage('Interlock: no rule-file change is waiting for approval.');
        return;
      }
      const pick = unique.length === 1 ? unique[0] : (await vscode.window.showQuickPick(unique.map((f) => ({ label: f.file, detail: f.pending.join('; '), f })), { title: 'Interlock: changes waiting for approval' }))?.f;
      if (pick) await reviewRuleFileChange(pick, host, audit);
    }),
  );
}
