import * as vscode from 'vscode';
import { join } from 'node:path';
import { watchSettings } from './settings';
import { createEngineHost } from './engineHost';
import { registerEnvironmentIndicator } from './environmentIndicator';
import { registerExplainCommand } from './explainCommand';
import { registerProductionTint } from './productionTint';
import { registerConfigDiagnostics } from './configDiagnostics';
import { createConfirmPanel } from './confirmPanel';
import { createGuard } from './guard';
import { registerTerminalGuard } from './terminalGuard';
import { registerTaskGuard } from './taskGuard';
import { registerPauseGuard } from './pauseGuard';
import { registerAuditView } from './auditView';
import { registerAgentHookInstaller } from './agentHooks';
import { openAuditLog } from '../audit/auditLog';
import { registerRulesTrustPrompt } from './rulesTrust';
import { registerProtectionCheck } from './protectionCheck';
import { createUndo } from './undo';

/** Activation is cheap: features register here and load their heavy parts lazily. */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Interlock', { log: true });
  const settings = watchSettings();
  const host = createEngineHost(context, log);
  const audit = openAuditLog(join(context.globalStorageUri.fsPath, 'audit.jsonl'));
  const panel = createConfirmPanel(context, settings, log);
  const undo = createUndo(host, settings, log);
  const guard = createGuard(host, panel, audit, log, undo);
  const protection = registerProtectionCheck(log);
  context.subscriptions.push(
    log,
    settings,
    host,
    panel,
    undo,
    guard,
    protection,
    registerEnvironmentIndicator(host, settings, audit, protection),
    registerRulesTrustPrompt(host, audit, log),
    registerExplainCommand(host),
    registerProductionTint(host, settings, log),
    registerConfigDiagnostics(host),
    registerTerminalGuard(context, guard, host, settings, log),
    registerTaskGuard(guard, settings, log),
    registerPauseGuard(guard),
    registerAuditView(audit),
    registerAgentHookInstaller(context, log),
  );
  log.info(`Interlock ${context.extension.packageJSON.version as string} active in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {}
