// The results view: a webview beside the editor for a run, a sweep or a comparison. The extension
// computes what it shows; the view asks to open items and traces and to export.
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { benchFields } from '../config';
import { readBench } from '../core/bench/format';
import { benchFileOf, itemKey, readRunFile, readRunRecord, type RunHeader, type RunRecord } from '../core/bench/runFile';
import { traceFromRecord } from '../core/bench/traceExport';
import { M1Error } from '../core/errors';
import { writeInside } from '../core/safeWrite';
import { compareReport, reportText, runReport, sweepReport, thoughtOf, type ReportFormat, type SweepRow } from '../core/report/export';
import type { ReferenceLine } from '../core/report/svg';
import type { RunData } from '../core/bench/compare';
import { comparedSideBySide, itemPreview, sweepSideBySide } from './views';
import type { FromResults, ResultsState, ResultsView, ToResults } from './protocol';
import { fromResultsSchema } from './validate';
import { webviewHtml } from '../webviewHtml';
import { viewUri } from '../traces/documents';

/** What a view was made from: enough to open items, write traces and export. */
export type ResultsSource =
  | { kind: 'run'; run: RunData }
  | { kind: 'sweep'; dir: string; rows: Array<SweepRow & { runFile: string }>; references: ReferenceLine[] }
  | { kind: 'compare'; runs: [RunData, RunData] };

/** A run's benchmark file: absolute, or relative to the workspace the run file lives in. */
function benchPath(header: RunHeader, runFile: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(runFile));
  return benchFileOf(header, folder ? folder.uri.fsPath : dirname(runFile));
}

export class ResultsPanels {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * `live`: a run going on, whose view is shown again as items finish. `revived`: a tab VS Code
   * brought back after a reload (the panel serializer), filled instead of a new one.
   */
  show(view: ResultsView, source: ResultsSource, live?: { follow(onView: (v: ResultsView) => void): vscode.Disposable }, revived?: vscode.WebviewPanel): vscode.WebviewPanel {
    let current = view;
    const panel = revived ?? vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, `m1: ${view.title}`, vscode.ViewColumn.Active, this.options());
    panel.title = `m1: ${view.title}`;
    panel.webview.options = this.options();
    const state = stateOf(view, source);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'm1.svg');
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, vscode.Uri.joinPath, { script: ['dist', 'webview', 'results.js'], style: ['media', 'results.css'], title: view.title, body: `<main id="root">${vscode.l10n.t('Loading…')}</main>` });
    panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = fromResultsSchema.safeParse(raw);
      if (!parsed.success) {
        this.log.warn(`results view: ignored a malformed message: ${parsed.error.message}`);
        return;
      }
      try {
        await this.handle(parsed.data, current, source, panel);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        this.log.error(message);
        void vscode.window.showErrorMessage(message);
      }
    });
    if (live) {
      const following = live.follow((next) => {
        current = next;
        void panel.webview.postMessage({ type: 'show', view: next, state });
      });
      panel.onDidDispose(() => following.dispose());
    }
    return panel;
  }

  private async handle(msg: FromResults, view: ResultsView, source: ResultsSource, panel: vscode.WebviewPanel): Promise<void> {
    switch (msg.type) {
      case 'ready':
        await panel.webview.postMessage({ type: 'show', view, state: stateOf(view, source), ...(vscode.l10n.bundle ? { l10n: vscode.l10n.bundle } : {}) } satisfies ToResults);
        return;
      case 'openItem': {
        const run = source.kind === 'run' ? source.run : source.kind === 'compare' ? source.runs[0] : undefined;
        if (run) await this.openItem(run, msg.key);
        return;
      }
      case 'openTrace': {
        const run = source.kind === 'run' ? source.run : source.kind === 'compare' ? source.runs[msg.run === 'b' ? 1 : 0] : undefined;
        if (run) await this.openTrace(run, msg.key);
        return;
      }
      case 'openRun': {
        if (source.kind !== 'sweep') return;
        const row = source.rows.find((r) => r.budget === msg.budget && r.waitRounds === msg.waitRounds);
        if (row) await vscode.commands.executeCommand('m1.openResults', vscode.Uri.file(row.runFile));
        return;
      }
      case 'openTrendRun':
        // Only a run the view itself listed: the page cannot name an arbitrary file.
        if (view.kind === 'run' && view.trend?.some((p) => p.path === msg.path)) await vscode.commands.executeCommand('m1.openResults', vscode.Uri.file(msg.path));
        return;
      case 'sideBySide': {
        if (source.kind === 'compare') this.show(await comparedSideBySide(source.runs, msg.key), source);
        if (source.kind === 'sweep' && msg.waitRounds !== undefined) this.show(await sweepSideBySide(source.dir, msg.waitRounds, msg.key), source);
        return;
      }
      case 'preview':
        if (source.kind === 'run') await panel.webview.postMessage({ type: 'preview', key: msg.key, preview: await itemPreview(source.run.path, msg.key) } satisfies ToResults);
        return;
      case 'copy': {
        if (source.kind !== 'run') return;
        const p = await itemPreview(source.run.path, msg.key);
        await vscode.env.clipboard.writeText(msg.part === 'answer' ? p.response : thoughtOf(p));
        vscode.window.setStatusBarMessage(onClipboard(msg.part), 3000);
        return;
      }
      case 'export':
        await this.export(msg.format, view, source, msg.reasoning === true);
        return;
    }
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')] };
  }

  private record(run: RunData, key: string): RunRecord {
    const r = run.records.find((x) => itemKey(x) === key);
    if (!r) throw new Error(vscode.l10n.t('That item is not in {0}.', run.path));
    return r;
  }

  /** Opens the item in its benchmark file, at its line. */
  private async openItem(run: RunData, key: string): Promise<void> {
    const r = this.record(run, key);
    const path = benchPath(run.header, run.path);
    const { items } = await readBench(path, benchFields(vscode.Uri.file(path)));
    const item = items.find((it) => itemKey(it) === key);
    if (!item) throw new Error(vscode.l10n.t('{0} is no longer in {1}.', r.id ?? `${r.source} #${r.index + 1}`, path));
    const pos = new vscode.Position(item.line - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(path), { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.Beside });
  }

  private async openTrace(run: RunData, key: string): Promise<void> {
    await openRunItemTrace(run.path, key, run);
  }

  private async export(format: 'csv' | 'json' | 'md', view: ResultsView, source: ResultsSource, reasoning = false): Promise<void> {
    // The view holds the records without their thoughts; an export with reasoning reads them again.
    const text = reasoning && source.kind === 'run' && view.kind === 'run' ? reportText(format, runReport(source.run.header, view.summary, (await readRunFile(source.run.path)).records, { reasoning })) : exportText(format, view, source);
    const base = (source.kind === 'run' ? source.run.path.replace(/\.jsonl$/, '') : source.kind === 'sweep' ? source.dir : source.runs[0].path.replace(/\.jsonl$/, '-compare')) + (reasoning ? '-reasoning' : '');
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${base}.${format}`), filters: { [format.toUpperCase()]: [format] }, title: vscode.l10n.t('m1: export results') });
    if (!target) return;
    await writeFile(target.fsPath, text);
    const open = await vscode.window.showInformationMessage(vscode.l10n.t('Exported to {0}.', vscode.workspace.asRelativePath(target)), vscode.l10n.t('Open'));
    if (open) await vscode.window.showTextDocument(target);
  }
}

export const RESULTS_VIEW_TYPE = 'm1.results';

/** The status bar's word after a copy (results view or trace lens). */
export const onClipboard = (part: 'answer' | 'thought') => (part === 'answer' ? vscode.l10n.t('m1: the answer is on the clipboard') : vscode.l10n.t('m1: the thought is on the clipboard'));

/** What the tab is made of, for the page to keep (ResultsState). */
function stateOf(view: ResultsView, source: ResultsSource): ResultsState {
  if (source.kind === 'run') return { kind: 'run', path: source.run.path };
  if (source.kind === 'sweep') return view.kind === 'sideBySide' ? { kind: 'sweepSideBySide', dir: source.dir, waitRounds: view.waitRounds ?? 0, key: view.key } : { kind: 'sweep', dir: source.dir };
  const [a, b] = source.runs.map((r) => r.path) as [string, string];
  return view.kind === 'sideBySide' ? { kind: 'sideBySide', a, b, key: view.key } : { kind: 'compare', a, b };
}

/** The view's data in one of the export formats. */
function exportText(format: ReportFormat, view: ResultsView, source: ResultsSource): string {
  if (source.kind === 'run' && view.kind === 'run') return reportText(format, runReport(source.run.header, view.summary, source.run.records));
  if (source.kind === 'sweep') return reportText(format, sweepReport(source.rows, view.title, source.references));
  if (view.kind === 'compare') return reportText(format, compareReport(view.comparison));
  throw new Error(vscode.l10n.t('Nothing to export.'));
}

/**
 * Writes a run item's trace into the workspace's .m1/traces and opens it. The run file may come
 * from a cloned repository, so this needs trust and never writes through a planted link.
 */
export async function openRunItemTrace(runFile: string, key: string, loaded?: RunData): Promise<void> {
  if (!vscode.workspace.isTrusted) throw new M1Error('bad-input', vscode.l10n.t('Opening a run item as a trace writes a file into .m1/traces: it needs a trusted workspace.'));
  const run = loaded ?? { path: runFile, ...(await readRunFile(runFile, { rounds: false })) };
  // Views read runs without the thoughts; the trace needs this item's.
  const r = (await readRunRecord(runFile, key)) ?? run.records.find((x) => itemKey(x) === key);
  if (!r) throw new Error(vscode.l10n.t('That item is not in {0}.', runFile));
  const name = `${run.header.runId.slice(0, 8)}-${r.source}-${r.index + 1}`.replace(/[^\w.-]+/g, '_');
  // A run file outside any workspace folder keeps its trace in the .m1 folder it lives in.
  const root = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(runFile))?.uri.fsPath ?? resolve(dirname(runFile), '..', '..');
  const uri = vscode.Uri.file(join(root, '.m1', 'traces', `${name}.m1trace.json`));
  await writeInside(root, uri.fsPath, `${JSON.stringify(traceFromRecord(r, run.header), null, 2)}\n`);
  // The readable view (rounds, Wait points, the answer, labels), not the JSON; its lens opens the JSON.
  await vscode.window.showTextDocument(viewUri(uri), { viewColumn: vscode.ViewColumn.Beside, preview: false });
}
