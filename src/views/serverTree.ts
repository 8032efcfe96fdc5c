// The "Ollama" view in the m1 side bar: which server, which version, which models are in memory
// (/api/ps: VRAM, context, when they unload) and which are installed (the one in use marked), with
// Unload, Delete and Show Details. Refreshes on demand, when the m1 settings change, and every
// half minute while visible (the unload times move).
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { describeModel, isModelNamed, ollamaInfo, type OllamaModelInfo } from '../core/backends/ollama';
import { M1Error } from '../core/errors';
import { formatBytes } from '../core/format';
import { deleteModel, detailsMarkdown, expiresIn, loadedModels, showModel, unloadModel, type LoadedModel } from '../core/ollama/models';
import { guarded } from '../commands/errors';
import type { Ctx } from '../context';

type Node =
  | { kind: 'server'; label: string; detail: string; ok: boolean }
  | { kind: 'loadedGroup'; loaded: LoadedModel[] }
  | { kind: 'loaded'; model: LoadedModel }
  | { kind: 'model'; model: OllamaModelInfo; current: boolean; loaded: boolean };

const REFRESH_MS = 30_000;
const DETAILS_SCHEME = 'm1-model';

export class ServerTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly ctx: Ctx) {}

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'loadedGroup') return node.loaded.map((model) => ({ kind: 'loaded', model }));
    if (node) return [];
    const { host, engine } = readConfig();
    try {
      const info = await ollamaInfo(host);
      // A server without /api/ps (before 0.1.38) still lists its models.
      const loaded = await loadedModels(host).catch(() => [] as LoadedModel[]);
      const current = (m: OllamaModelInfo) => isModelNamed(m, engine.model);
      return [
        { kind: 'server', label: host, detail: `Ollama ${info.version}`, ok: true },
        { kind: 'loadedGroup', loaded },
        ...info.models.map((model): Node => ({ kind: 'model', model, current: current(model), loaded: loaded.some((l) => l.name === model.name) })),
      ];
    } catch (e) {
      this.ctx.log.warn(`server view: ${e instanceof Error ? e.message : String(e)}`);
      return [{ kind: 'server', label: host, detail: vscode.l10n.t('not reachable'), ok: false }];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'server') {
      const item = new vscode.TreeItem(node.label);
      item.description = node.detail;
      item.iconPath = new vscode.ThemeIcon(node.ok ? 'server-environment' : 'warning', new vscode.ThemeColor(node.ok ? 'testing.iconPassed' : 'problemsWarningIcon.foreground'));
      item.tooltip = node.ok ? vscode.l10n.t('Ollama is running at {0}', node.label) : vscode.l10n.t('Nothing answers at {0}. Start Ollama or set m1.ollama.host.', node.label);
      item.command = { command: 'm1.checkServer', title: vscode.l10n.t('Check Ollama Server') };
      return item;
    }
    if (node.kind === 'loadedGroup') {
      const item = new vscode.TreeItem(vscode.l10n.t('In memory'), node.loaded.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      const vram = node.loaded.reduce((n, m) => n + m.sizeVram, 0);
      item.description = node.loaded.length ? vscode.l10n.t('{0} loaded · {1} VRAM', node.loaded.length, formatBytes(vram)) : vscode.l10n.t('no model loaded');
      item.iconPath = new vscode.ThemeIcon('chip');
      item.tooltip = vscode.l10n.t('Models Ollama holds in memory (/api/ps). Ollama unloads a model after m1.ollama.keepAlive without requests (5 minutes by default).');
      return item;
    }
    if (node.kind === 'loaded') {
      const l = node.model;
      const item = new vscode.TreeItem(l.name);
      const onCpu = l.size - l.sizeVram;
      const unloads = unloadText(l.expiresAt);
      const vram = onCpu > 0 ? vscode.l10n.t('{0} VRAM + {1} on CPU', formatBytes(l.sizeVram), formatBytes(onCpu)) : vscode.l10n.t('{0} VRAM', formatBytes(l.sizeVram));
      item.description = [vram, ...(l.contextLength ? [vscode.l10n.t('context {0}', l.contextLength.toLocaleString('en-US'))] : []), unloads].join(' · ');
      item.tooltip = l.contextLength
        ? vscode.l10n.t('{0}: {1} in memory, {2} of it on the GPU, loaded with a {3}-token context; {4} ({5}).', l.name, formatBytes(l.size), formatBytes(l.sizeVram), l.contextLength, unloads, l.expiresAt.toLocaleString())
        : vscode.l10n.t('{0}: {1} in memory, {2} of it on the GPU; {3} ({4}).', l.name, formatBytes(l.size), formatBytes(l.sizeVram), unloads, l.expiresAt.toLocaleString());
      item.iconPath = new vscode.ThemeIcon('pulse', new vscode.ThemeColor('testing.iconPassed'));
      item.contextValue = 'm1.loadedModel';
      return item;
    }
    const m = node.model;
    const item = new vscode.TreeItem(m.name);
    item.description = `${node.current ? `${vscode.l10n.t('in use')} · ` : ''}${node.loaded ? `${vscode.l10n.t('loaded')} · ` : ''}${describeModel(m)}`;
    item.iconPath = new vscode.ThemeIcon(node.current ? 'check' : 'symbol-misc');
    item.contextValue = node.loaded ? 'model.loaded' : 'model';
    item.command = { command: 'm1.selectModel', title: vscode.l10n.t('Use this model'), arguments: [m.name] };
    return item;
  }
}

/** A command's model name: from a tree node (installed or loaded) or a string. */
function modelName(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  const node = arg as Node | undefined;
  if (node && (node.kind === 'model' || node.kind === 'loaded')) return node.model.name;
  throw new M1Error('bad-input', vscode.l10n.t('Pick a model in the Ollama view.'));
}

async function unload(tree: ServerTree, arg: unknown): Promise<void> {
  const name = modelName(arg);
  const { host } = readConfig();
  await unloadModel(host, name);
  tree.refresh();
  void vscode.window.showInformationMessage(vscode.l10n.t('Unloaded {0}: its memory is free. The next question loads it again.', name));
}

async function remove(tree: ServerTree, arg: unknown): Promise<void> {
  const name = modelName(arg);
  const { host, engine } = readConfig();
  const inUse = isModelNamed({ name }, engine.model);
  const confirm = vscode.l10n.t('Delete Model');
  const ok = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete {0} from the Ollama server at {1}?', name, host),
    { modal: true, detail: `${vscode.l10n.t("Its files are removed from the server's disk; getting it back means pulling it again.")}${inUse ? vscode.l10n.t(' It is the model m1 uses now (m1.model).') : ''}` },
    confirm,
  );
  if (ok !== confirm) return;
  // Ollama deletes the files but leaves a loaded runner in memory until it expires: free it first.
  if ((await loadedModels(host).catch(() => [] as LoadedModel[])).some((l) => l.name === name)) await unloadModel(host, name);
  await deleteModel(host, name);
  tree.refresh();
  void vscode.window.showInformationMessage(`${vscode.l10n.t('Deleted {0}.', name)}${inUse ? vscode.l10n.t(' Choose another model with "m1: Select Model".') : ''}`);
}

/** Details are read-only documents under their own scheme, shown as Markdown. */
class DetailsDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
  async show(arg: unknown): Promise<void> {
    const name = modelName(arg);
    const text = detailsMarkdown(await showModel(readConfig().host, name));
    const uri = vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${name.replace(/[/\\:]/g, '_')}.md` });
    this.texts.set(uri.toString(), text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}

export function registerServerTree(ctx: Ctx): ServerTree {
  const tree = new ServerTree(ctx);
  const view = vscode.window.createTreeView('m1.server', { treeDataProvider: tree });
  const timer = setInterval(() => view.visible && tree.refresh(), REFRESH_MS);
  const details = new DetailsDocuments();
  const guard = (f: (arg: unknown) => Promise<void>) => guarded(ctx, f);
  ctx.extension.subscriptions.push(
    view,
    new vscode.Disposable(() => clearInterval(timer)),
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details),
    vscode.commands.registerCommand('m1.refreshServer', () => tree.refresh()),
    vscode.commands.registerCommand('m1.ollama.unload', guard((a) => unload(tree, a))),
    vscode.commands.registerCommand('m1.ollama.deleteModel', guard((a) => remove(tree, a))),
    vscode.commands.registerCommand('m1.ollama.showDetails', guard((a) => details.show(a))),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('m1') && tree.refresh()),
  );
  return tree;
}

/** "unloads in 4 min", "unloads in 2 h", or "kept loaded", in the display language. */
function unloadText(at: Date): string {
  const e = expiresIn(at);
  if (e.unit === 'kept') return vscode.l10n.t('kept loaded');
  if (e.unit === 'soon') return vscode.l10n.t('unloads in under a minute');
  return e.unit === 'min' ? vscode.l10n.t('unloads in {0} min', e.n) : vscode.l10n.t('unloads in {0} h', e.n);
}
