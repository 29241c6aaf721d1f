/**
 * Problems in `.interlock.jsonc` as editor diagnostics at the line the engine names (the JSON
 * schema adds its own through `jsonValidation`), so a broken rule file is seen where it is.
 */
import * as vscode from 'vscode';
import type { EngineHost } from './engineHost';

export function registerConfigDiagnostics(host: EngineHost): vscode.Disposable {
  const diagnostics = vscode.languages.createDiagnosticCollection('interlock');
  const update = (): void => {
    diagnostics.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const r = host.resolve(folder);
      if (!r.configError || !r.configFile) continue;
      const m = /^(.*):(\d+):(\d+): (.*)$/s.exec(r.configError);
      const line = m ? Number(m[2]) - 1 : 0;
      const col = m ? Number(m[3]) - 1 : 0;
      const d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), `Interlock: ${m ? m[4] : r.configError}. The environment counts as unknown until this is fixed.`, vscode.DiagnosticSeverity.Error);
      d.source = 'interlock';
      diagnostics.set(vscode.Uri.file(r.configFile), [d]);
    }
  };
  update();
  return vscode.Disposable.from(diagnostics, host.onDidChange(update));
}
