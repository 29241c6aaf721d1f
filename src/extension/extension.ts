import * as vscode from 'vscode';
import { watchSettings } from './settings';
import { createEngineHost } from './engineHost';
import { registerEnvironmentIndicator } from './environmentIndicator';
import { registerExplainCommand } from './explainCommand';
import { registerProductionTint } from './productionTint';
import { registerConfigDiagnostics } from './configDiagnostics';

/** Activation is cheap: features register here and load their heavy parts lazily. */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Interlock', { log: true });
  const settings = watchSettings();
  const host = createEngineHost(context, log);
  context.subscriptions.push(
    log,
    settings,
    host,
    registerEnvironmentIndicator(host, settings),
    registerExplainCommand(host),
    registerProductionTint(host, settings, log),
    registerConfigDiagnostics(host),
  );
  log.info(`Interlock ${context.extension.packageJSON.version as string} active in ${(performance.now() - started).toFixed(1)} ms`);
}

export function deactivate(): void {}
