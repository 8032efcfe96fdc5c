// The benchmark language server: diagnostics with exact ranges, hover with the latest run's
// result, lenses to run the file or one item and open its trace, quick fixes, and the outline.
// Transport-free: main.ts gives it a connection over IPC, the tests one over in-memory streams.
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  SymbolKind,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeLens,
  type Connection,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_FIELDS, withFields, type FieldMap } from '../core/bench/format';
import { DEFAULT_SEVERITY, type Fix, type RuleId, type Severity } from '../core/bench/lint';
import { itemKey } from '../core/bench/runFile';
import { mdCell } from '../core/markdown';
import { BenchDocument, kindOf, reportedProblems, shouldCheck } from './benchDocument';
import { guarded } from './guard';
import { COMMANDS, RunsChanged, Validated } from './protocol';
import { RunIndex } from './runIndex';

const SEVERITY: Record<Exclude<Severity, 'off'>, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information };
const FIELD_KEYS: Record<string, keyof FieldMap> = { question: 'question', options: 'options', answer_idx: 'answerIdx', answer: 'answer', id: 'id', source: 'source' };

interface BenchSettings {
  fields?: Record<string, string | string[]>;
  validation?: Partial<Record<RuleId, Severity>>;
}

export function startServer(raw: Connection): void {
  const connection = guarded(raw);
  const docs = new Map<string, BenchDocument>();
  // Open files that do not look like benchmarks (yet): checked again as they are edited.
  const others = new Map<string, TextDocument>();
  const runs = new RunIndex([], (message) => connection.console.warn(message));
  let fields = DEFAULT_FIELDS;
  let severity: Record<RuleId, Severity> = { ...DEFAULT_SEVERITY };
  const timers = new Map<string, NodeJS.Timeout>();

  // Settings may come from a workspace: only well-typed entries are taken, the rest ignored.
  const applySettings = (s: BenchSettings | undefined) => {
    const entries = (x: unknown) => (typeof x === 'object' && x !== null ? Object.entries(x) : []);
    const extra: Partial<Record<keyof FieldMap, string[]>> = {};
    for (const [name, value] of entries(s?.fields)) {
      const key = FIELD_KEYS[name];
      const names = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
      if (key && names.length) extra[key] = names;
    }
    fields = withFields(extra);
    const levels: unknown[] = ['error', 'warning', 'information', 'off'];
    severity = { ...DEFAULT_SEVERITY, ...Object.fromEntries(entries(s?.validation).filter(([rule, level]) => rule in DEFAULT_SEVERITY && levels.includes(level))) };
  };

  connection.onInitialize((params) => {
    applySettings((params.initializationOptions as { bench?: BenchSettings } | undefined)?.bench);
    runs.setFolders((params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri)));
    void runs.refresh();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
      },
    };
  });

  const publish = (d: BenchDocument, ms: number, incremental: boolean) => {
    const diagnostics: Diagnostic[] = [];
    for (const p of reportedProblems(d, severity)) {
      diagnostics.push({
        range: { start: d.doc.positionAt(p.start), end: d.doc.positionAt(p.end) },
        severity: SEVERITY[p.severity],
        source: 'm1',
        code: p.rule,
        message: p.message,
        ...(p.fix ? { data: p.fix } : {}),
      });
    }
    void connection.sendDiagnostics({ uri: d.doc.uri, version: d.doc.version, diagnostics });
    void connection.sendNotification(Validated, { uri: d.doc.uri, items: d.itemCount, problems: diagnostics.length, ms, incremental });
  };

  const open = (uri: string, version: number, text: string) => {
    const kind = kindOf(uri);
    if (!kind) return;
    if (!shouldCheck(text, kind, fields)) {
      others.set(uri, TextDocument.create(uri, kind, version, text));
      return;
    }
    others.delete(uri);
    const started = performance.now();
    const d = new BenchDocument(uri, version, text, kind, fields);
    docs.set(uri, d);
    publish(d, performance.now() - started, false);
  };

  connection.onDidOpenTextDocument(({ textDocument: t }) => open(t.uri, t.version, t.text));

  connection.onDidChangeTextDocument(({ textDocument: t, contentChanges }) => {
    const other = others.get(t.uri);
    if (other) {
      const next = TextDocument.update(other, contentChanges, t.version);
      others.set(t.uri, next);
      open(t.uri, t.version, next.getText());
      return;
    }
    const d = docs.get(t.uri);
    if (!d) return;
    const started = performance.now();
    const incremental = d.update(contentChanges, t.version);
    const ms = performance.now() - started;
    // Diagnostics go out once typing pauses; the check itself is already done.
    clearTimeout(timers.get(t.uri));
    timers.set(t.uri, setTimeout(() => publish(d, ms, incremental), 50));
  });

  connection.onDidCloseTextDocument(({ textDocument: t }) => {
    docs.delete(t.uri);
    others.delete(t.uri);
    clearTimeout(timers.get(t.uri));
    void connection.sendDiagnostics({ uri: t.uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration(({ settings }) => {
    applySettings((settings as { m1?: { bench?: BenchSettings } } | undefined)?.m1?.bench);
    for (const d of docs.values()) {
      d.setFields(fields);
      publish(d, 0, false);
    }
  });

  connection.onNotification(RunsChanged, () => void runs.refresh());

  const benchPath = (uri: string) => fileURLToPath(uri);

  connection.onHover(({ textDocument, position }): Hover | null => {
    const d = docs.get(textDocument.uri);
    const it = d?.fullItemAt(d.doc.offsetAt(position));
    if (!d || !it) return null;
    const { item } = it;
    const latest = runs.latest(benchPath(textDocument.uri), itemKey(item));
    // Everything from the files is escaped: a hover must not render a repository's HTML or images.
    const lines = [
      `**${mdCell(item.id ?? `${item.source} #${item.index + 1}`)}** · ${mdCell(item.source)}, item ${item.index + 1}`,
      '',
      ...Object.entries(item.options).map(([l, o]) => `- ${l === item.answerIdx ? `**${mdCell(l)}. ${mdCell(o)}** ✓` : `${mdCell(l)}. ${mdCell(o)}`}`),
      '',
      item.answerIdx ? `Gold: **${mdCell(item.answerIdx)}**` : 'No gold answer: run but not scored.',
    ];
    if (latest) {
      const r = latest.record;
      const verdict = r.correct === null ? 'not scored' : r.correct ? 'right ✓' : r.choice === null ? 'wrong ✗ (no option could be extracted)' : 'wrong ✗';
      lines.push('', `Latest run (${mdCell(latest.createdAt.slice(0, 16).replace('T', ' '))}, budget ${latest.budget}, ${latest.waitRounds} Wait, ${mdCell(latest.model)}): m1 chose **${mdCell(r.choice ?? '–')}**, ${verdict}; extracted "${mdCell(r.extracted.slice(0, 80))}"; ${r.tokens.think} thinking + ${r.tokens.answer} answer tokens${r.finish.think === 'length' ? ', cut by the budget' : ''}.`);
    } else lines.push('', '_Not run yet._');
    return { contents: { kind: 'markdown', value: lines.join('\n') }, range: { start: d.doc.positionAt(it.start), end: d.doc.positionAt(it.end) } };
  });

  connection.onCodeLens(({ textDocument }): CodeLens[] => {
    const d = docs.get(textDocument.uri);
    if (!d || !d.itemCount) return [];
    const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const lenses: CodeLens[] = [{ range: top, command: { title: `$(beaker) Run benchmark (${d.itemCount} items)`, command: COMMANDS.runBenchmark, arguments: [textDocument.uri] } }];
    for (const it of d.items) {
      const at = d.doc.positionAt(it.start);
      const range = { start: at, end: at };
      lenses.push({ range, command: { title: '$(play) Run this item', command: COMMANDS.runItem, arguments: [textDocument.uri, it.item.source, it.item.index] } });
      const latest = runs.latest(benchPath(textDocument.uri), itemKey(it.item));
      if (latest) lenses.push({ range, command: { title: `$(go-to-file) Open trace (${latest.record.correct === null ? 'unscored' : latest.record.correct ? 'right' : 'wrong'})`, command: COMMANDS.openRunTrace, arguments: [latest.runFile, itemKey(it.item)] } });
    }
    return lenses;
  });

  connection.onCodeAction(({ textDocument, context }): CodeAction[] => {
    const d = docs.get(textDocument.uri);
    if (!d) return [];
    return context.diagnostics
      .filter((diag) => diag.source === 'm1' && diag.data)
      .map((diag) => {
        const fix = diag.data as Fix;
        return {
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diag],
          isPreferred: true,
          edit: { changes: { [textDocument.uri]: [{ range: { start: d.doc.positionAt(fix.start), end: d.doc.positionAt(fix.end) }, newText: fix.text }] } },
        };
      });
  });

  connection.onDocumentSymbol(({ textDocument }): DocumentSymbol[] => {
    const d = docs.get(textDocument.uri);
    if (!d) return [];
    const bySource = new Map<string, DocumentSymbol>();
    for (const it of d.items) {
      const range = { start: d.doc.positionAt(it.start), end: d.doc.positionAt(it.end) };
      const name = `${it.item.id ?? `#${it.item.index + 1}`}: ${it.item.question.replace(/\s+/g, ' ').slice(0, 60)}`;
      const symbol: DocumentSymbol = { name, kind: SymbolKind.Object, range, selectionRange: { start: d.doc.positionAt(it.questionSpan[0]), end: d.doc.positionAt(it.questionSpan[1]) } };
      const group = bySource.get(it.item.source);
      if (group) {
        group.children!.push(symbol);
        group.range = { start: group.range.start, end: range.end };
      } else bySource.set(it.item.source, { name: it.item.source, kind: SymbolKind.Namespace, range, selectionRange: range, children: [symbol] });
    }
    return [...bySource.values()];
  });

  connection.listen();
}
