// Marks on a trace view: Wait rounds, the budget cut, the answer (right or wrong), flips and
// labels (with their note on hover), plus token offsets as inlay hints and lenses per round.
import * as vscode from 'vscode';
import { mdText } from '../core/markdown';
import type { Span } from '../core/traces/render';
import { TRACE_SCHEME, fileOf, type TraceDocuments } from './documents';

const themed = (color: string) => new vscode.ThemeColor(color);

export class TraceDecorations implements vscode.Disposable {
  private readonly types = {
    round: vscode.window.createTextEditorDecorationType({ isWholeLine: true, backgroundColor: themed('editor.rangeHighlightBackground'), fontWeight: 'bold' }),
    wait: vscode.window.createTextEditorDecorationType({ isWholeLine: true, borderWidth: '0 0 0 3px', borderStyle: 'solid', borderColor: themed('charts.purple'), backgroundColor: themed('editor.rangeHighlightBackground'), fontWeight: 'bold', overviewRulerColor: themed('charts.purple'), overviewRulerLane: vscode.OverviewRulerLane.Left }),
    cut: vscode.window.createTextEditorDecorationType({ isWholeLine: true, borderWidth: '0 0 0 3px', borderStyle: 'solid', borderColor: themed('editorError.foreground'), color: themed('editorError.foreground'), overviewRulerColor: themed('editorError.foreground'), overviewRulerLane: vscode.OverviewRulerLane.Right }),
    right: vscode.window.createTextEditorDecorationType({ borderWidth: '0 0 0 3px', borderStyle: 'solid', borderColor: themed('testing.iconPassed'), isWholeLine: true }),
    wrong: vscode.window.createTextEditorDecorationType({ borderWidth: '0 0 0 3px', borderStyle: 'solid', borderColor: themed('testing.iconFailed'), isWholeLine: true }),
    flip: vscode.window.createTextEditorDecorationType({ isWholeLine: true, fontWeight: 'bold', color: themed('editorWarning.foreground'), overviewRulerColor: themed('editorWarning.foreground'), overviewRulerLane: vscode.OverviewRulerLane.Center }),
    label: vscode.window.createTextEditorDecorationType({ backgroundColor: themed('editor.findMatchHighlightBackground'), borderWidth: '0 0 1px 0', borderStyle: 'dotted', borderColor: themed('editorWarning.foreground'), overviewRulerColor: themed('editorWarning.foreground'), overviewRulerLane: vscode.OverviewRulerLane.Full }),
  };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly docs: TraceDocuments) {
    const refresh = () => {
      for (const e of vscode.window.visibleTextEditors) this.apply(e);
    };
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors(refresh),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme === TRACE_SCHEME) refresh();
      }),
      ...Object.values(this.types),
    );
  }

  apply(editor: vscode.TextEditor): void {
    const doc = editor.document;
    if (doc.uri.scheme !== TRACE_SCHEME) return;
    const r = this.docs.get(doc.uri);
    if (!r) return;
    const range = (s: Span) => new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end));
    const { view, trace } = r;
    editor.setDecorations(this.types.round, view.rounds.filter((x) => !x.wait).map((x) => range(x.header)));
    editor.setDecorations(this.types.wait, view.rounds.filter((x) => x.wait).map((x) => ({ range: range(x.header), hoverMessage: vscode.l10n.t('"{0}" was appended here to make m1 keep thinking (budget forcing).', mdText(x.wait ?? '')) })));
    editor.setDecorations(this.types.cut, view.cut ? [{ range: range(view.cut), hoverMessage: vscode.l10n.t('The thinking budget ran out here: the thought was cut and the answer began with "Final Answer:".') }] : []);
    const answer = { range: new vscode.Range(doc.positionAt(view.answer.header.start), doc.positionAt(view.answer.body.end)) };
    editor.setDecorations(this.types.right, trace.correct === true ? [answer] : []);
    editor.setDecorations(this.types.wrong, trace.correct === false ? [answer] : []);
    editor.setDecorations(this.types.flip, view.flips.map((f) => ({ range: range(f), hoverMessage: f.kind === 'right-to-wrong' ? vscode.l10n.t('Another round of thinking changed a right answer into a wrong one.') : vscode.l10n.t('Another round of thinking changed a wrong answer into a right one.') })));
    editor.setDecorations(
      this.types.label,
      view.labels.map((l) => {
        const hover = new vscode.MarkdownString(`**${mdText(l.label.label)}**${l.label.note ? ` — ${mdText(l.label.note)}` : ''}${l.label.moved ? `\n\n_${vscode.l10n.t('found again after the thought was edited')}_` : ''}`);
        return { range: range(l), hoverMessage: hover };
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Token offsets at the start and end of every round, and of the answer. */
export class TraceInlayHints implements vscode.InlayHintsProvider {
  constructor(private readonly docs: TraceDocuments) {}

  provideInlayHints(doc: vscode.TextDocument): vscode.InlayHint[] {
    const r = this.docs.get(doc.uri);
    if (!r) return [];
    const hint = (offset: number, label: string) => {
      const h = new vscode.InlayHint(doc.positionAt(offset), label, vscode.InlayHintKind.Type);
      h.paddingRight = true;
      return h;
    };
    return [
      ...r.view.rounds.flatMap((x) => [hint(x.body.start, `tok ${x.tokenStart}`), hint(x.body.end, `tok ${x.tokenStart + x.tokens}`)]),
      hint(r.view.answer.body.start, `answer tok 0`),
    ];
  }
}

/** Per round: re-run from here; at the top: probe the answers, label the selection, the JSON, copy the thought; at the answer: copy it. */
export class TraceLenses implements vscode.CodeLensProvider {
  constructor(private readonly docs: TraceDocuments) {}

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const r = this.docs.get(doc.uri);
    if (!r) return [];
    const file = fileOf(doc.uri);
    const top = new vscode.Range(0, 0, 0, 0);
    const waits = r.trace.rounds.length - 1;
    return [
      new vscode.CodeLens(top, { title: `$(beaker) ${waits > 0 ? vscode.l10n.t('Probe the answer at each of {0} rounds', waits + 1) : vscode.l10n.t('Probe answers (one round: nothing to probe)')}`, command: 'm1.probeTrace', arguments: [file] }),
      new vscode.CodeLens(top, { title: `$(tag) ${vscode.l10n.t('Label the selection')}`, command: 'm1.labelSelection' }),
      new vscode.CodeLens(top, { title: `$(json) ${vscode.l10n.t('Open the JSON')}`, command: 'vscode.open', arguments: [file] }),
      new vscode.CodeLens(top, { title: `$(copy) ${vscode.l10n.t('Copy thought')}`, command: 'm1.copyFromTrace', arguments: [file, 'thought'] }),
      new vscode.CodeLens(new vscode.Range(doc.positionAt(r.view.answer.header.start), doc.positionAt(r.view.answer.header.start)), { title: `$(copy) ${vscode.l10n.t('Copy answer')}`, command: 'm1.copyFromTrace', arguments: [file, 'answer'] }),
      ...r.view.rounds.map((x) => new vscode.CodeLens(new vscode.Range(doc.positionAt(x.header.start), doc.positionAt(x.header.start)), { title: `$(debug-restart) ${vscode.l10n.t('Re-run from here…')}`, command: 'm1.rerunFromRound', arguments: [file, x.round] })),
      ...(r.trace.labels.length ? [new vscode.CodeLens(top, { title: `$(trash) ${vscode.l10n.t('Remove a label…')}`, command: 'm1.removeLabel', arguments: [file] })] : []),
    ];
  }
}
