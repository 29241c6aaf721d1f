/**
 * Approval of loosening rule files. A `.interlock.jsonc` that lets through what built-in rules stop,
 * or relabels a folder to something less strict, takes effect only in a trusted workspace and only
 * after a person approves that exact content (its SHA-256). An agent editing the file gains
 * nothing: the edited content is a new hash, held back until someone looks at it.
 */
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';

const KEY = 'interlock.approvedRuleFiles';

interface Approvals {
  /** Hashes of approved contents, by rule-file path. */
  hashes: Record<string, string[]>;
  /** The label last approved (or set through Interlock's own quick pick), by rule-file path. */
  labels: Record<string, string>;
}

export interface RulesTrust {
  approved(file: string, text: string): boolean;
  lastLabel(file: string): string | undefined;
  /** Record content a person produced or approved, with the label it carries. */
  approve(file: string, text: string, label: string | undefined): Promise<void>;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function createRulesTrust(context: vscode.ExtensionContext): RulesTrust {
  const read = (): Approvals => context.globalState.get<Approvals>(KEY) ?? { hashes: {}, labels: {} };
  return {
    approved(file, text) {
      return vscode.workspace.isTrusted && (read().hashes[file] ?? []).includes(sha256(text));
    },
    lastLabel(file) {
      return read().labels[file];
    },
    async approve(file, text, label) {
      const a = read();
      const list = [...(a.hashes[file] ?? []), sha256(text)].slice(-20);
      await context.globalState.update(KEY, {
        hashes: { ...a.hashes, [file]: list },
        labels: label ? { ...a.labels, [file]: label } : a.labels,
      });
    },
  };
}

/** Ask once per content when a rule file wants something loosened; approving re-resolves. */
export function registerRulesTrustPrompt(trust: RulesTrust, host: { resolve(f: vscode.WorkspaceFolder): { configFile?: string; configText?: string; withheld: string[]; environment: { label: string } }; refresh(): void; onDidChange: vscode.Event<void> }, log: vscode.LogOutputChannel): vscode.Disposable {
  const asked = new Set<string>();
  const check = (): void => {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const r = host.resolve(folder);
      if (!r.configFile || r.configText === undefined) continue;
      // First sight of a file with nothing loosening: its label becomes the baseline.
      if (r.withheld.length === 0) {
        if (trust.lastLabel(r.configFile) === undefined) void trust.approve(r.configFile, r.configText, r.environment.label);
        continue;
      }
      const key = `${r.configFile}:${sha256(r.configText)}`;
      if (asked.has(key)) continue;
      asked.add(key);
      log.warn(`${r.configFile} asks to loosen: ${r.withheld.join(', ')}; held back until approved`);
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(`Interlock: ${folder.name}'s .interlock.jsonc asks to loosen built-in rules (${r.withheld.join(', ')}). Loosening applies only in a trusted workspace; it is ignored.`);
        continue;
      }
      const file = r.configFile;
      const text = r.configText;
      void (async () => {
        const pick = await vscode.window.showWarningMessage(
          `Interlock: ${folder.name}'s .interlock.jsonc changed in a way that loosens protection: ${r.withheld.join(', ')}. Until a person approves this exact content, Interlock keeps the stricter setting.`,
          'Review…',
        );
        if (pick !== 'Review…') return;
        await vscode.window.showTextDocument(vscode.Uri.file(file));
        const ok = await vscode.window.showWarningMessage(
          `Approve this exact content of ${folder.name}/.interlock.jsonc (sha256 ${sha256(text).slice(0, 12)}…)? It will let through: ${r.withheld.join(', ')}.`,
          { modal: true },
          'Approve',
        );
        if (ok !== 'Approve') return;
        const envMatch = /"environment"\s*:\s*"([^"]+)"/.exec(text);
        await trust.approve(file, text, envMatch?.[1]);
        host.refresh();
      })();
    }
  };
  check();
  return host.onDidChange(check);
}
