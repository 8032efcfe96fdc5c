// Wires the modules; nothing else. An activation failure becomes a visible error.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import type { Ctx } from './context';
import { registerPanel } from './panel/provider';
import { registerServerTree } from './views/serverTree';

export function activate(extension: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('m1', { log: true });
  extension.subscriptions.push(log);
  try {
    const reasoning = vscode.window.createOutputChannel('m1 Reasoning');
    extension.subscriptions.push(reasoning);
    const base = { extension, log, reasoning };
    const ctx: Ctx = { ...base, panel: registerPanel(base) };
    registerCommands(ctx);
    registerServerTree(ctx);
    log.info(`m1 activated (workspace trusted: ${vscode.workspace.isTrusted})`);
  } catch (e) {
    log.error(String(e));
    void vscode.window.showErrorMessage(`m1 failed to start: ${e instanceof Error ? e.message : String(e)}`, 'Show Log').then((a) => a && log.show());
    throw e;
  }
}

export function deactivate(): void {}
