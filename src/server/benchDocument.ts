// One open benchmark file in the language server: its text and its check results. A JSONL file
// keeps a result per line, so an edit re-checks only the lines it touched and then rebuilds the
// duplicate index; JSON and CSV are checked whole (their structure is the whole file).
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { looksLikeBenchmark, parseCsvBench, type FieldMap } from '../core/bench/format';
import { traceProblems } from '../core/traces/parse';
import { checkJsonl, duplicateProblems, jsonlItem, lintJson, lintJsonlLine, questionKey, type LineIndex, type LineResult, type LintItem, type LintProblem, type LintResult } from '../core/bench/lint';

export type BenchKind = 'json' | 'jsonl' | 'csv' | 'trace';

export const kindOf = (uri: string): BenchKind | undefined =>
  /\.m1trace\.json$/i.test(uri) ? 'trace' : /\.jsonl$/i.test(uri) ? 'jsonl' : /\.csv$/i.test(uri) ? 'csv' : /\.json$/i.test(uri) ? 'json' : undefined;

/** Does this open file need checking: a trace, or a file that looks like a benchmark? */
export function shouldCheck(text: string, kind: BenchKind, fields: FieldMap): boolean {
  return kind === 'trace' || looksLikeBenchmark(text, kind === 'csv', fields.question);
}

export class BenchDocument {
  doc: TextDocument;
  problems: LintProblem[] = [];
  itemCount = 0;
  /** JSON, CSV and trace files: the items as checked. JSONL: built on demand from the lines. */
  private checkedItems: LintItem[] | undefined = [];
  private lines: LineResult[] = [];
  private readonly at: LineIndex = {
    start: (i) => this.doc.offsetAt({ line: i, character: 0 }),
    length: (i) => (i + 1 < this.doc.lineCount ? this.doc.offsetAt({ line: i + 1, character: 0 }) : this.doc.getText().length) - this.doc.offsetAt({ line: i, character: 0 }),
  };

  constructor(
    uri: string,
    version: number,
    text: string,
    readonly kind: BenchKind,
    private fields: FieldMap,
  ) {
    this.doc = TextDocument.create(uri, kind, version, text);
    this.checkAll();
  }

  /** The items with their positions (JSONL: computed when first asked after an edit). */
  get items(): LintItem[] {
    if (!this.checkedItems) {
      const out: LintItem[] = [];
      for (let i = 0; i < this.lines.length; i++) {
        const it = jsonlItem(this.lines[i]!, i, this.at);
        if (it) out.push(it);
      }
      this.checkedItems = out;
    }
    return this.checkedItems;
  }

  private lineText(i: number): string {
    const start = this.at.start(i);
    return this.doc.getText().slice(start, start + this.at.length(i)).replace(/\r?\n$/, '');
  }

  setFields(fields: FieldMap): void {
    this.fields = fields;
    this.checkAll();
  }

  private take(result: LintResult): void {
    this.checkedItems = result.items;
    this.problems = result.problems;
    this.itemCount = result.items.length;
  }

  checkAll(): void {
    if (this.kind === 'jsonl') {
      this.lines = Array.from({ length: this.doc.lineCount }, (_, i) => lintJsonlLine(this.lineText(i), this.fields));
      this.checkLines();
    } else if (this.kind === 'json') {
      this.take(lintJson(this.doc.getText(), this.fields));
    } else if (this.kind === 'trace') {
      this.take({ items: [], problems: traceProblems(this.doc.getText()).map((p) => ({ rule: 'trace-schema' as const, ...p })) });
    } else {
      this.take(lintCsv(this.doc, this.fields));
    }
  }

  private checkLines(): void {
    const { problems, items } = checkJsonl(this.lines, this.at);
    this.problems = problems;
    this.itemCount = items;
    this.checkedItems = undefined;
  }

  /** Applies editor changes; true when only the touched lines were checked again. */
  update(changes: TextDocumentContentChangeEvent[], version: number): boolean {
    let incremental = this.kind === 'jsonl';
    for (const change of changes) {
      if (!('range' in change) || this.kind !== 'jsonl') {
        this.doc = TextDocument.update(this.doc, [change], version);
        incremental = false;
        continue;
      }
      const first = change.range.start.line;
      const removed = change.range.end.line - first + 1;
      this.doc = TextDocument.update(this.doc, [change], version);
      const added = change.text.split('\n').length;
      const fresh = Array.from({ length: added }, (_, k) => lintJsonlLine(this.lineText(first + k), this.fields));
      this.lines.splice(first, removed, ...fresh);
    }
    if (incremental && this.lines.length === this.doc.lineCount) this.checkLines();
    else this.checkAll();
    return incremental;
  }

  /** The item at an offset, if any (JSONL items are slim: see fullItemAt). */
  itemAt(offset: number): LintItem | undefined {
    if (this.kind === 'jsonl') {
      const line = this.doc.positionAt(offset).line;
      const r = this.lines[line];
      return r ? jsonlItem(r, line, this.at) : undefined;
    }
    return this.items.find((it) => offset >= it.start && offset <= it.end);
  }

  /** The item at an offset with its question and options, its JSONL line read again if need be. */
  fullItemAt(offset: number): LintItem | undefined {
    const it = this.itemAt(offset);
    if (!it || this.kind !== 'jsonl') return it;
    const full = lintJsonlLine(this.lineText(it.line - 1), this.fields).item;
    return full ? { ...it, item: { ...full.item, source: it.source, index: it.index, line: it.line } } : it;
  }
}

/** CSV: each record's line; the format module's problems, and the duplicates. */
function lintCsv(doc: TextDocument, fields: FieldMap): LintResult {
  const { items, problems } = parseCsvBench(doc.getText(), doc.uri, fields);
  const lineSpan = (line: number): [number, number] => {
    const start = doc.offsetAt({ line: line - 1, character: 0 });
    const end = doc.offsetAt({ line, character: 0 });
    return [start, Math.max(start, end - 1)];
  };
  const lintItems: LintItem[] = items.map((item) => {
    const [start, end] = lineSpan(item.line);
    // The whole record stands for its id and question: CSV has no finer positions here.
    return { item, source: item.source, index: item.index, line: item.line, id: item.id, key: questionKey(item.question), start, end, idSpan: item.id !== undefined ? [start, end] : undefined, questionSpan: [start, end], removal: [start, doc.offsetAt({ line: item.line, character: 0 })] };
  });
  return {
    items: lintItems,
    problems: [
      ...problems.map((p) => {
        const [start, end] = lineSpan(p.line);
        return { rule: /malformed/.test(p.message) ? ('malformed' as const) : /not among/.test(p.message) ? ('answer-not-an-option' as const) : ('missing-field' as const), message: `${p.field ? `${p.field}: ` : ''}${p.message}`, start, end };
      }),
      ...duplicateProblems(lintItems),
    ],
  };
}
