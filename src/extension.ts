// Wires the modules; nothing else. An activation failure becomes a visible error.
import * as vscode from 'vscode';
import { registerBenchmarks } from './bench';
import { startLanguageClientOnDemand } from './bench/languageClientOnDemand';
import { registerCommands } from './commands';
import { registerResultsSerializer } from './commands/results';
import { locateRemoteSettings } from './config';
import type { Ctx } from './context';
import { OllamaManager } from './ollama/manager';
import { registerPanel } from './panel/provider';
import { ResultsPanels } from './results/panel';
import { registerTraces } from './traces';
import { registerServerTree } from './views/serverTree';
import { registerRunsTree } from './views/runsTree';

export function activate(extension: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('m1', { log: true });
  extension.subscriptions.push(log);
  try {
    locateRemoteSettings(extension);
    const reasoning = vscode.window.createOutputChannel('m1 Reasoning');
    extension.subscriptions.push(reasoning);
    const serverLog = vscode.window.createOutputChannel('m1: Ollama server', { log: true });
    const ollama = new OllamaManager(log, serverLog);
    extension.subscriptions.push(serverLog, ollama);
    const base = { extension, log, reasoning };
    const ctx: Ctx = { ...base, panel: registerPanel(base), ollama, serverLog, benchmarks: registerBenchmarks(extension, log), results: new ResultsPanels(extension.extensionUri, log), traces: registerTraces(extension) };
    extension.subscriptions.push(ollama.onDidChangeState(() => void ctx.panel.refreshServer()));
    registerCommands(ctx);
    startLanguageClientOnDemand(extension, log);
    const tree = registerServerTree(ctx);
    extension.subscriptions.push(ollama.onDidChangeState(() => tree.refresh()));
    registerRunsTree(ctx);
    registerResultsSerializer(ctx);
    log.info(`m1 activated (workspace trusted: ${vscode.workspace.isTrusted})`);
    if (vscode.workspace.getConfiguration('m1').get<boolean>('ollama.autoStart') && vscode.workspace.isTrusted) {
      void ollama.start().catch((e: unknown) => log.error(`auto-start: ${e instanceof Error ? e.message : String(e)}`));
    }
  } catch (e) {
    log.error(String(e));
    void vscode.window.showErrorMessage(vscode.l10n.t('m1 failed to start: {0}', e instanceof Error ? e.message : String(e)), vscode.l10n.t('Show Log')).then((a) => a && log.show());
    throw e;
  }
}

export function deactivate(): void {}
