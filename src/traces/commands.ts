// Trace commands: open the readable view, label the selection, remove a label, probe the answer
// at each Wait round, re-run from a round, and summarize labels over a folder or a run.
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { activeFileUris } from '../activeFile';
import { ollamaBackend, readConfig } from '../config';
import { askM1 } from '../core/engine';
import { M1Error } from '../core/errors';
import { mdCell } from '../core/markdown';
import { csv, thoughtOf } from '../core/report/export';
import { readChoice, scoreResponse } from '../core/score';
import { LABEL_KINDS, toTrace, type TraceFile } from '../core/trace';
import { addLabel, removeLabel, summarizeLabels, type LabelSummary } from '../core/traces/labels';
import { probeAnswers } from '../core/traces/probe';
import { onClipboard } from '../results/panel';
import { spanAt } from '../core/traces/render';
import { TRACE_SCHEME, fileOf, viewUri, type TraceDocuments } from './documents';

const isTraceFile = (u: vscode.Uri | undefined) => !!u && u.scheme === 'file' && u.fsPath.endsWith('.m1trace.json');

/** The trace file a command is about: its argument, or the active view or JSON. */
function traceFile(arg: unknown): vscode.Uri {
  if (arg instanceof vscode.Uri) return arg.scheme === TRACE_SCHEME ? fileOf(arg) : arg;
  for (const active of activeFileUris()) {
    if (active.scheme === TRACE_SCHEME) return fileOf(active);
    if (isTraceFile(active)) return active;
  }
  throw new M1Error('bad-input', vscode.l10n.t('Open a reasoning trace (*.m1trace.json) first.'));
}

export async function openTraceView(arg?: unknown): Promise<void> {
  const file = traceFile(arg);
  const doc = await vscode.workspace.openTextDocument(viewUri(file));
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.window.activeTextEditor?.document.uri.toString() === file.toString() ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active });
}

/** "Copy answer" / "Copy thought" (lenses of the readable view): the text as the model wrote it. */
export async function copyFromTrace(docs: TraceDocuments, arg: unknown, part: unknown): Promise<void> {
  if (part !== 'answer' && part !== 'thought') throw new M1Error('bad-input', vscode.l10n.t('Copy the answer or the thought from the lenses of a readable trace.'));
  const trace = await docs.read(traceFile(arg));
  await vscode.env.clipboard.writeText(part === 'answer' ? trace.answer : thoughtOf(trace));
  vscode.window.setStatusBarMessage(onClipboard(part), 3000);
}

/** Labels, probes and re-runs change a trace file, which may be a repository's: trust first. `what`: translated. */
function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) throw new M1Error('bad-input', vscode.l10n.t('{0} needs a trusted workspace: it writes into the trace file.', what));
}

export async function labelSelection(docs: TraceDocuments): Promise<void> {
  requireTrust(vscode.l10n.t('Labelling'));
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== TRACE_SCHEME) throw new M1Error('bad-input', vscode.l10n.t('Select text in a trace view ("m1: Open as Readable Trace") to label it.'));
  const r = docs.get(editor.document.uri);
  const sel = editor.selection;
  const span = r && spanAt(r.view, editor.document.offsetAt(sel.start), editor.document.offsetAt(sel.end));
  if (!span) throw new M1Error('bad-input', vscode.l10n.t('Select some text inside one round of the thought or inside the answer.'));
  const custom = `$(edit) ${vscode.l10n.t('Another label…')}`;
  const picked = await vscode.window.showQuickPick([...LABEL_KINDS, custom], { title: vscode.l10n.t('m1: label “{0}”', editor.document.getText(sel).slice(0, 60)), ignoreFocusOut: true });
  if (!picked) return;
  const label = picked === custom ? (await vscode.window.showInputBox({ title: vscode.l10n.t('m1: your label'), ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type a label')) }))?.trim() : picked;
  if (!label) return;
  const note = await vscode.window.showInputBox({ title: vscode.l10n.t('m1: note for “{0}” (optional)', label), prompt: vscode.l10n.t('Why: what was missing or went wrong. Enter to skip.'), ignoreFocusOut: true });
  if (note === undefined) return;
  const file = fileOf(editor.document.uri);
  const trace = await docs.read(file); // the file as it is now, not as last shown
  await docs.write(file, addLabel(trace, span, label, note.trim() || undefined));
}

export async function removeLabelCommand(docs: TraceDocuments, arg?: unknown): Promise<void> {
  requireTrust(vscode.l10n.t('Removing a label'));
  const file = traceFile(arg);
  const trace = await docs.read(file);
  if (!trace.labels.length) return;
  const picked = await vscode.window.showQuickPick(
    trace.labels.map((l) => ({ label: l.label, description: `“${l.text.slice(0, 60)}”`, detail: l.note, id: l.id })),
    { title: vscode.l10n.t('m1: remove which label?') },
  );
  if (picked) await docs.write(file, removeLabel(trace, picked.id));
}

export async function probeTrace(docs: TraceDocuments, arg?: unknown): Promise<void> {
  requireTrust(vscode.l10n.t('Probing'));
  const file = traceFile(arg);
  const trace = await docs.read(file);
  if (trace.rounds.length < 2) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This trace has one round: there is no earlier point to probe. Traces with Wait rounds have.'));
    return;
  }
  const { host } = readConfig();
  const probes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('m1: probing the answer after each of {0} rounds', trace.rounds.length), cancellable: true }, (_p, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return probeAnswers(trace, ollamaBackend(host), trace.model, abort.signal);
  });
  await docs.write(file, { ...(await docs.read(file)), probes });
  await openTraceView(file);
}

/** Continues the thought from the start of a round with a new budget: a new trace beside it. */
export async function rerunFromRound(docs: TraceDocuments, arg: unknown, roundArg: unknown): Promise<void> {
  requireTrust(vscode.l10n.t('Re-running'));
  const file = traceFile(arg);
  const round = typeof roundArg === 'number' ? roundArg : 0;
  const trace = await docs.read(file);
  const value = await vscode.window.showInputBox({ title: vscode.l10n.t('m1: re-run from round {0}', round + 1), prompt: vscode.l10n.t('Thinking budget for the rest of the thought (tokens)'), value: String(trace.settings.budget), validateInput: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 ? undefined : vscode.l10n.t('A whole number ≥ 1')) });
  if (!value) return;
  // The thought up to this round, with the Wait that started it.
  const before = trace.rounds.slice(0, round).map((r) => r.think + (r.waitInjected ?? '')).join('');
  const { host } = readConfig();
  const settings = { ...trace.settings, model: trace.model, budget: Number(value) };
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('m1: re-running from round {0} with {1} tokens', round + 1, value), cancellable: true }, (_p, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    return askM1({ rawPrompt: trace.prompt + before }, { backend: ollamaBackend(host), settings, signal: abort.signal });
  });
  const reading = trace.gold && trace.options ? scoreResponse(result.responseText, { options: trace.options, answerIdx: trace.gold.answerIdx, answer: trace.gold.answer }) : readChoice(result.responseText, trace.options);
  const kept = trace.rounds.slice(0, round).map((r) => ({ text: r.think, tokens: r.tokens, ...(r.finishReason ? { finishReason: r.finishReason } : {}), ...(r.waitInjected ? { waitInjected: r.waitInjected } : {}) }));
  const rerun: TraceFile = toTrace({ question: trace.question, ...(trace.options ? { options: trace.options } : {}) }, settings, { ...result, prompt: trace.prompt, rounds: [...kept, ...result.rounds] }, reading, trace.gold);
  const out = vscode.Uri.file(join(dirname(file.fsPath), `${basename(file.fsPath, '.m1trace.json')}-from-round-${round + 1}-${value}.m1trace.json`));
  await docs.write(out, rerun);
  await openTraceView(out);
}

function summaryMarkdown(s: LabelSummary, scope: string): string {
  const labels = Object.keys(s.byLabel).sort((a, b) => s.byLabel[b]! - s.byLabel[a]!);
  const cols = (m: Record<string, Record<string, number>>) => [...new Set(Object.values(m).flatMap((row) => Object.keys(row)))].sort();
  const table = (title: string, m: Record<string, Record<string, number>>) => {
    const c = cols(m);
    return [`## By ${title}`, '', `| label | ${c.map(mdCell).join(' | ')} |`, `|---|${c.map(() => '---').join('|')}|`, ...labels.map((l) => `| ${mdCell(l)} | ${c.map((x) => m[l]?.[x] ?? 0).join(' | ')} |`), ''];
  };
  return [
    `# m1 labels: ${mdCell(scope)}`,
    '',
    `${s.items.length} labels in ${s.labelled} of ${s.traces} traces.`,
    '',
    '| label | count |',
    '|---|---|',
    ...labels.map((l) => `| ${mdCell(l)} | ${s.byLabel[l]} |`),
    '',
    ...table('source', s.bySource),
    ...table('budget', s.byBudget),
    '## Items',
    '',
    ...labels.flatMap((l) => [`### ${mdCell(l)}`, '', ...s.items.filter((i) => i.label === l).map((i) => `- [${mdCell(vscode.workspace.asRelativePath(i.path))}](${vscode.Uri.file(i.path).toString()}) · ${mdCell(i.source)} · budget ${i.budget}${i.detached ? ' · detached' : ''} · “${mdCell(i.text.slice(0, 80))}”${i.note ? ` — ${mdCell(i.note)}` : ''}`), '']),
  ].join('\n');
}

const summaryCsv = (s: LabelSummary) => csv([['label', 'source', 'budget', 'detached', 'path', 'text', 'note'], ...s.items.map((i) => [i.label, i.source, i.budget, i.detached, i.path, i.text, i.note])]);

/** Over a folder (the argument, or one picked) or the traces of one run. */
export async function summarizeLabelsCommand(docs: TraceDocuments, arg?: unknown): Promise<void> {
  const files = await vscode.workspace.findFiles(arg instanceof vscode.Uri ? new vscode.RelativePattern(arg, '**/*.m1trace.json') : '**/*.m1trace.json', '**/node_modules/**', 10_000);
  const traces: Array<{ path: string; trace: TraceFile }> = [];
  for (const f of files) {
    try {
      traces.push({ path: f.fsPath, trace: await docs.read(f) });
    } catch {
      // not a trace this version reads: left out of the counts
    }
  }
  let scope = arg instanceof vscode.Uri ? vscode.workspace.asRelativePath(arg) : 'the workspace';
  const runs = [...new Set(traces.map((t) => t.trace.run?.runId).filter((r): r is string => !!r))];
  let chosen = traces;
  if (!(arg instanceof vscode.Uri) && runs.length) {
    const pick = await vscode.window.showQuickPick([{ label: vscode.l10n.t('All {0} traces', traces.length), run: undefined }, ...runs.map((r) => ({ label: vscode.l10n.t('Run {0}', r.slice(0, 8)), description: vscode.l10n.t('{0} traces', traces.filter((t) => t.trace.run?.runId === r).length), run: r }))], { title: vscode.l10n.t('m1: summarize labels of') });
    if (!pick) return;
    if (pick.run) {
      chosen = traces.filter((t) => t.trace.run?.runId === pick.run);
      scope = `run ${pick.run.slice(0, 8)}`;
    }
  }
  const summary = summarizeLabels(chosen);
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: summaryMarkdown(summary, scope) });
  await vscode.window.showTextDocument(doc);
  const action = await vscode.window.showInformationMessage(vscode.l10n.t('{0} labels in {1} of {2} traces.', summary.items.length, summary.labelled, summary.traces), vscode.l10n.t('Export CSV'));
  if (action) {
    const target = await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, title: vscode.l10n.t('m1: export labels'), ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'labels.csv') } : {}) });
    if (target) await writeFile(target.fsPath, summaryCsv(summary));
  }
}
