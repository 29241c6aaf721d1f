import * as vscode from 'vscode';

/** Activation is cheap: features register here and load their heavy parts lazily. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Interlock', { log: true });
  context.subscriptions.push(log);
  log.info(`Interlock ${context.extension.packageJSON.version as string} active`);
}

export function deactivate(): void {}
