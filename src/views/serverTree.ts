// The "Ollama" view in the m1 side bar: which server, which version, which models (the one in
// use marked). Refreshes on demand and when the m1 settings change.
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { describeModel, isModelNamed, ollamaInfo, type OllamaModelInfo } from '../core/backends/ollama';
import type { Ctx } from '../context';

type Node = { kind: 'server'; label: string; detail: string; ok: boolean } | { kind: 'model'; model: OllamaModelInfo; current: boolean };

export class ServerTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly ctx: Ctx) {}

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node) return [];
    const { host, engine } = readConfig();
    try {
      const info = await ollamaInfo(host);
      const current = (m: OllamaModelInfo) => isModelNamed(m, engine.model);
      return [
        { kind: 'server', label: host, detail: `Ollama ${info.version}`, ok: true },
        ...info.models.map((model): Node => ({ kind: 'model', model, current: current(model) })),
      ];
    } catch (e) {
      this.ctx.log.warn(`server view: ${e instanceof Error ? e.message : String(e)}`);
      return [{ kind: 'server', label: host, detail: 'not reachable', ok: false }];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'server') {
      const item = new vscode.TreeItem(node.label);
      item.description = node.detail;
      item.iconPath = new vscode.ThemeIcon(node.ok ? 'server-environment' : 'warning', new vscode.ThemeColor(node.ok ? 'testing.iconPassed' : 'problemsWarningIcon.foreground'));
      item.tooltip = node.ok ? `Ollama is running at ${node.label}` : `Nothing answers at ${node.label}. Start Ollama or set m1.ollama.host.`;
      item.command = { command: 'm1.checkServer', title: 'Check Ollama Server' };
      return item;
    }
    const m = node.model;
    const item = new vscode.TreeItem(m.name);
    item.description = `${node.current ? 'in use · ' : ''}${describeModel(m)}`;
    item.iconPath = new vscode.ThemeIcon(node.current ? 'check' : 'symbol-misc');
    item.contextValue = 'model';
    item.command = { command: 'm1.selectModel', title: 'Use this model', arguments: [m.name] };
    return item;
  }
}

export function registerServerTree(ctx: Ctx): ServerTree {
  const tree = new ServerTree(ctx);
  ctx.extension.subscriptions.push(
    vscode.window.registerTreeDataProvider('m1.server', tree),
    vscode.commands.registerCommand('m1.refreshServer', () => tree.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('m1') && tree.refresh()),
  );
  return tree;
}
