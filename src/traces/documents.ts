// Reasoning traces as readable documents: `m1-trace:` URIs show a *.m1trace.json file as
// Markdown, rendered by the core, and change when the file changes (a label added, probes run).
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { M1Error } from '../core/errors';
import { writeInside } from '../core/safeWrite';
import type { TraceFile } from '../core/trace';
import { parseTrace } from '../core/traces/parse';
import { renderTrace, type RenderedTrace } from '../core/traces/render';

export const TRACE_SCHEME = 'm1-trace';

/** The readable view of a trace file (a .md path, so it is shown as Markdown). */
export const viewUri = (file: vscode.Uri) => vscode.Uri.from({ scheme: TRACE_SCHEME, path: `${file.fsPath}.md` });
export const fileOf = (view: vscode.Uri) => vscode.Uri.file(view.path.replace(/\.md$/, ''));

export class TraceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly rendered = new Map<string, { trace: TraceFile; view: RenderedTrace }>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.m1trace.json');
    watcher.onDidChange((uri) => this.changed.fire(viewUri(uri)));
    this.disposables.push(watcher, vscode.workspace.registerTextDocumentContentProvider(TRACE_SCHEME, this));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const file = fileOf(uri);
    try {
      const trace = await this.read(file);
      const view = renderTrace(trace);
      this.rendered.set(uri.toString(), { trace, view });
      return view.text;
    } catch (e) {
      this.rendered.delete(uri.toString());
      return `# ${vscode.l10n.t('This trace cannot be shown')}\n\n${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  /** The trace and its layout behind an open view, as last rendered. */
  get(uri: vscode.Uri): { trace: TraceFile; view: RenderedTrace } | undefined {
    return this.rendered.get(uri.toString());
  }

  async read(file: vscode.Uri): Promise<TraceFile> {
    return parseTrace(await readFile(file.fsPath, 'utf8'), vscode.workspace.asRelativePath(file));
  }

  /**
   * Writes a changed trace (always in the current format) and refreshes its view. The trace may
   * be a repository's file, so labels and probes need trust and never write through a link.
   */
  async write(file: vscode.Uri, trace: TraceFile): Promise<void> {
    if (!vscode.workspace.isTrusted) throw new M1Error('bad-input', vscode.l10n.t('Changing {0} (labels, probes, re-runs) needs a trusted workspace.', vscode.workspace.asRelativePath(file)));
    const root = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? dirname(file.fsPath);
    await writeInside(root, file.fsPath, `${JSON.stringify(trace, null, 2)}\n`);
    this.changed.fire(viewUri(file));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
