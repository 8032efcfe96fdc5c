// The "Ask m1" webview view: receives validated messages, runs the engine, streams its events to
// the webview in batches, keeps history, writes trace files.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { collapseThought, ollamaBackend, readConfig, setModel } from '../config';
import { ollamaInfo } from '../core/backends/ollama';
import { runModel } from '../core/chat/protocol';
import type { EngineEvent } from '../core/engine';
import { M1Error } from '../core/errors';
import { splitQuestion } from '../core/questionText';
import { writeInside } from '../core/safeWrite';
import { OLLAMA_DOWNLOAD_URL } from '../core/ollama/discover';
import { copyText, entryFromResult, engineSettings, traceFromEntry } from './entry';
import { HistoryStore } from './history';
import { panelSettingsSchema, parseToExtension } from './validate';
import { webviewHtml } from '../webviewHtml';
import { BUDGET_MAX, BUDGET_MIN, appendEvent, type CompareRow, type HistoryEntry, type PanelEvent, type PanelSettings, type PanelCommand, type RunStart, type ServerState, type ToExtension, type ToWebview } from './protocol';

/** What the panel needs of Ctx, spelled out: Ctx holds the panel, so the panel does not import Ctx. */
interface PanelCtx {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  reasoning: vscode.OutputChannel;
}

const SETTINGS_KEY = 'm1.panel.settings';
/** How often streamed events are sent to the webview (it renders once per frame anyway). */
const FLUSH_MS = 33;

interface Running {
  start: RunStart;
  events: PanelEvent[];
  controller: AbortController;
}

export class PanelProvider implements vscode.WebviewViewProvider {
  static readonly viewId = 'm1.panel';
  private view: vscode.WebviewView | undefined;
  private running: Running | undefined;
  private server: ServerState | undefined;
  private readonly history: HistoryStore;

  constructor(private readonly ctx: PanelCtx) {
    this.history = new HistoryStore(ctx.extension.workspaceState);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const root = this.ctx.extension.extensionUri;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
    };
    view.webview.html = webviewHtml(view.webview, root, vscode.Uri.joinPath, { script: ['dist', 'webview', 'main.js'], style: ['media', 'panel.css'], title: vscode.l10n.t('Ask m1') });
    view.webview.onDidReceiveMessage((data: unknown) => {
      const parsed = parseToExtension(data);
      if (!parsed.ok) {
        this.ctx.log.warn(`panel: ignored an invalid message (${parsed.error})`);
        this.post({ type: 'error', message: parsed.error });
        return;
      }
      this.handle(parsed.message).catch((e: unknown) => this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
    });
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
  }

  private post(message: ToWebview): void {
    void this.view?.webview.postMessage(message);
  }

  settings(): PanelSettings {
    const { engine } = readConfig();
    const defaults: PanelSettings = { budget: Math.min(BUDGET_MAX, Math.max(BUDGET_MIN, engine.budget)), waitRounds: engine.waitRounds, temperature: engine.temperature, model: engine.model };
    const stored = panelSettingsSchema.safeParse(this.ctx.extension.workspaceState.get(SETTINGS_KEY));
    // The model is m1.model's, so the panel and the status bar always name the same one.
    return stored.success ? { ...stored.data, model: engine.model } : defaults;
  }

  /** A model picked in the panel becomes m1.model (the status bar and commands follow). */
  private async adoptModel(settings: PanelSettings): Promise<void> {
    if (settings.model && settings.model !== readConfig().engine.model) await setModel(settings.model);
  }

  /** Everything the page shows, sent again: on load, and when m1.model changes elsewhere. */
  postInit(): void {
    this.post({
      type: 'init',
      settings: this.settings(),
      collapseThought: collapseThought(),
      history: this.history.all(),
      ...(this.server ? { server: this.server } : {}),
      ...(this.running ? { running: { start: this.running.start, events: this.running.events } } : {}),
      ...(vscode.l10n.bundle ? { l10n: vscode.l10n.bundle } : {}),
    });
  }

  private async handle(m: ToExtension): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.postInit();
        return this.refreshServer();
      case 'settings':
        // Stored first: a new model re-sends init (m1.model changed), which must carry these
        // settings, not the previous ones (it reset the protocol picked a moment before).
        await this.ctx.extension.workspaceState.update(SETTINGS_KEY, m.settings);
        return this.adoptModel(m.settings);
      case 'refreshModels':
        return this.refreshServer();
      case 'ask':
        await this.ctx.extension.workspaceState.update(SETTINGS_KEY, m.settings);
        await this.adoptModel(m.settings);
        return void (await this.run({ question: m.question, options: m.options, ...(m.answer ? { answer: m.answer } : {}), settings: m.settings }));
      case 'compare':
        return this.compare({ question: m.question, options: m.options, ...(m.answer ? { answer: m.answer } : {}), settings: m.settings }, m.budgets);
      case 'stop':
        return this.running?.controller.abort();
      case 'rerun': {
        const e = this.history.get(m.historyId);
        if (!e) return;
        return void (await this.run({ question: e.question, options: e.options, ...(e.answer ? { answer: e.answer } : {}), settings: { ...e.settings, budget: m.budget } }));
      }
      case 'openTrace':
        return this.openTrace(m.historyId);
      case 'deleteHistory':
        await this.history.delete(m.historyId);
        return this.post({ type: 'history', history: this.history.all() });
      case 'command':
        return this.command(m.name);
      case 'copy': {
        const entry = this.history.get(m.historyId);
        if (!entry) return;
        await vscode.env.clipboard.writeText(copyText(entry, m.part));
        return this.post({ type: 'copied', historyId: m.historyId, part: m.part });
      }
    }
  }

  private async command(name: PanelCommand): Promise<void> {
    if (name === 'getOllama') await vscode.env.openExternal(vscode.Uri.parse(OLLAMA_DOWNLOAD_URL));
    else if (name === 'openSettings') await vscode.commands.executeCommand('workbench.action.openSettings', 'm1.');
    else await vscode.commands.executeCommand(`m1.${name}`);
  }

  async refreshServer(): Promise<void> {
    const { host } = readConfig();
    try {
      const info = await ollamaInfo(host);
      this.server = { ok: true, host, version: info.version, models: info.models.map((m) => m.name) };
    } catch (e) {
      this.server = { ok: false, host, message: e instanceof Error ? e.message : String(e) };
    }
    this.post({ type: 'server', server: this.server });
  }

  /** Puts text in the question box and asks it with the panel's settings (Ask Selection). */
  async askText(text: string): Promise<void> {
    await vscode.commands.executeCommand(`${PanelProvider.viewId}.focus`);
    const q = splitQuestion(text);
    this.post({ type: 'prefill', question: q.question, options: q.options ?? {} });
    await this.run({ question: q.question, options: q.options ?? {}, settings: this.settings() });
  }

  private async run(input: Omit<RunStart, 'runId'>): Promise<HistoryEntry | undefined> {
    if (this.running) {
      this.post({ type: 'error', message: vscode.l10n.t('m1 is still answering; stop it first.') });
      return undefined;
    }
    const start: RunStart = { runId: randomUUID(), ...input };
    const running: Running = { start, events: [], controller: new AbortController() };
    this.running = running;
    this.post({ type: 'run-start', start });
    const { host, engine } = readConfig();
    const settings = engineSettings(input.settings, engine);
    const question = { question: input.question, ...(Object.keys(input.options).length ? { options: input.options } : {}) };
    let batch: PanelEvent[] = [];
    const flush = () => {
      if (batch.length) this.post({ type: 'events', runId: start.runId, events: batch });
      batch = [];
    };
    const timer = setInterval(flush, FLUSH_MS);
    const began = Date.now();
    let entry: HistoryEntry | undefined;
    try {
      for await (const ev of runModel(question, { backend: ollamaBackend(host), settings, signal: running.controller.signal })) {
        const pe = toPanelEvent(ev);
        if (pe) {
          appendEvent(batch, pe);
          appendEvent(running.events, pe);
        } else if (ev.type === 'done') {
          entry = entryFromResult(start, ev.result, ev.result.cancelled ? 'cancelled' : 'done', Date.now() - began);
        } else if (ev.type === 'error') {
          entry = entryFromResult(start, ev.partial, 'error', Date.now() - began, ev.error.message);
          this.ctx.log.error(`panel: ${ev.error.message}`);
          if (ev.error.code === 'unreachable') void this.refreshServer();
          if (ev.error.code === 'model-not-found') this.post({ type: 'notice', message: ev.error.message, actions: ['getModel', 'selectModel'] });
        }
      }
    } finally {
      clearInterval(timer);
      flush();
      this.running = undefined;
    }
    if (!entry) throw new M1Error('stream-error', vscode.l10n.t('The run ended without a result.'));
    await this.history.add(entry);
    this.post({ type: 'run-end', runId: start.runId, entry });
    this.post({ type: 'history', history: this.history.all() });
    return entry;
  }

  /** Asks the same question at each budget, one after the other, and tabulates the answers. */
  private async compare(input: Omit<RunStart, 'runId'>, budgets: number[]): Promise<void> {
    const compareId = randomUUID();
    const rows: CompareRow[] = [];
    const post = (done: boolean) => this.post({ type: 'compare', compareId, question: input.question, budgets, rows: [...rows], done });
    post(false);
    for (const budget of budgets) {
      const entry = await this.run({ ...input, settings: { ...input.settings, budget } });
      if (!entry) break;
      rows.push({
        budget,
        ...(entry.choice ? { choice: entry.choice } : {}),
        ...(entry.correct !== undefined ? { correct: entry.correct } : {}),
        thinkTokens: entry.tokens.think,
        budgetHit: entry.budgetHit,
        status: entry.status,
        ...(entry.error ? { error: entry.error } : {}),
        historyId: entry.id,
      });
      post(false);
      if (entry.status !== 'done') break; // a stop or an error ends the comparison
    }
    post(true);
  }

  private async openTrace(historyId: string): Promise<void> {
    const entry = this.history.get(historyId);
    if (!entry) return;
    const trace = traceFromEntry(entry, readConfig().engine);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? this.ctx.extension.globalStorageUri;
    const slug = entry.question.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40).replace(/^-|-$/g, '') || 'question';
    const uri = vscode.Uri.joinPath(folder, '.m1', 'traces', `${entry.at.slice(0, 10)}-${slug}-${entry.id.slice(0, 8)}.m1trace.json`);
    // The workspace's .m1 may be a link a repository planted: never written through.
    await vscode.workspace.fs.createDirectory(folder);
    await writeInside(folder.fsPath, uri.fsPath, `${JSON.stringify(trace, null, 2)}\n`);
    await vscode.window.showTextDocument(uri, { preview: false });
  }
}

function toPanelEvent(ev: EngineEvent): PanelEvent | undefined {
  switch (ev.type) {
    case 'think':
      return { type: 'think', round: ev.round, text: ev.text, tokens: 1 };
    case 'answer':
      return { type: 'answer', text: ev.text, tokens: 1 };
    case 'wait':
    case 'budget-hit':
    case 'answer-start':
      return ev;
    default:
      return undefined;
  }
}

export function registerPanel(ctx: PanelCtx): PanelProvider {
  const provider = new PanelProvider(ctx);
  ctx.extension.subscriptions.push(
    vscode.window.registerWebviewViewProvider(PanelProvider.viewId, provider, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('m1') && void provider.refreshServer()),
    vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('m1.model') || e.affectsConfiguration('m1.panel.collapseThought')) && provider.postInit()),
  );
  return provider;
}
