// One open benchmark file in the language server: its text and its check results. A JSONL file
// keeps a result per line, so an edit re-checks only the lines it touched and then rebuilds the
// duplicate index; JSON and CSV are checked whole (their structure is the whole file).
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { parseCsvBench, type FieldMap } from '../core/bench/format';
import { assembleJsonl, duplicateProblems, lintJson, lintJsonlLine, questionKey, type LineResult, type LintItem, type LintResult } from '../core/bench/lint';

export type BenchKind = 'json' | 'jsonl' | 'csv';

export const kindOf = (uri: string): BenchKind | undefined => (/\.jsonl$/i.test(uri) ? 'jsonl' : /\.csv$/i.test(uri) ? 'csv' : /\.json$/i.test(uri) ? 'json' : undefined);

/** Does this look like a benchmark file (a question field as a key or a column near the start)? */
export function looksLikeBenchmark(text: string, kind: BenchKind, fields: FieldMap): boolean {
  const head = text.slice(0, 64 * 1024);
  if (kind === 'csv') {
    const cols = (head.split(/\r?\n/, 1)[0] ?? '').replace(/^\uFEFF/, '').split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    return fields.question.some((f) => cols.includes(f));
  }
  return fields.question.some((f) => head.includes(`${JSON.stringify(f)}:`) || head.includes(`${JSON.stringify(f)} :`));
}

function lineLengths(doc: TextDocument): number[] {
  const n = doc.lineCount;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = (i + 1 < n ? doc.offsetAt({ line: i + 1, character: 0 }) : doc.getText().length) - doc.offsetAt({ line: i, character: 0 });
  return out;
}

export class BenchDocument {
  doc: TextDocument;
  result: LintResult = { items: [], problems: [] };
  private lines: LineResult[] = [];

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

  private lineText(i: number): string {
    const start = this.doc.offsetAt({ line: i, character: 0 });
    const end = i + 1 < this.doc.lineCount ? this.doc.offsetAt({ line: i + 1, character: 0 }) : this.doc.getText().length;
    return this.doc.getText().slice(start, end).replace(/\r?\n$/, '');
  }

  setFields(fields: FieldMap): void {
    this.fields = fields;
    this.checkAll();
  }

  checkAll(): void {
    if (this.kind === 'jsonl') {
      this.lines = Array.from({ length: this.doc.lineCount }, (_, i) => lintJsonlLine(this.lineText(i), this.fields));
      this.assemble();
    } else if (this.kind === 'json') {
      this.result = lintJson(this.doc.getText(), this.fields);
    } else {
      this.result = lintCsv(this.doc, this.fields);
    }
  }

  private assemble(): void {
    const starts = Array.from({ length: this.doc.lineCount }, (_, i) => this.doc.offsetAt({ line: i, character: 0 }));
    this.result = assembleJsonl(this.lines, starts, lineLengths(this.doc));
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
    if (incremental && this.lines.length === this.doc.lineCount) this.assemble();
    else this.checkAll();
    return incremental;
  }

  /** The item at an offset, if any (JSONL items are slim: see fullItemAt). */
  itemAt(offset: number): LintItem | undefined {
    return this.result.items.find((it) => offset >= it.start && offset <= it.end);
  }

  /** The item at an offset with its question and options, its JSONL line read again if need be. */
  fullItemAt(offset: number): LintItem | undefined {
    const it = this.itemAt(offset);
    if (!it || this.kind !== 'jsonl') return it;
    const line = it.item.line - 1;
    const full = lintJsonlLine(this.lineText(line), this.fields).item;
    return full ? { ...it, item: { ...full.item, source: it.item.source, index: it.item.index, line: it.item.line } } : it;
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
    return { item, key: questionKey(item.question), start, end, questionSpan: [start, end], removal: [start, doc.offsetAt({ line: item.line, character: 0 })] };
  });
  return {
    items: lintItems,
    problems: [
      ...problems.map((p) => {
        const [start, end] = lineSpan(p.line);
        return { rule: /malformed/.test(p.message) ? ('malformed' as const) : /not among/.test(p.message) ? ('answer-not-an-option' as const) : ('missing-field' as const), message: `${p.field ? `${p.field}: ` : ''}${p.message}`, start, end };
      }),
      ...duplicateProblems(lintItems.map((it) => ({ source: it.item.source, index: it.item.index, line: it.item.line, ...(it.item.id !== undefined ? { id: it.item.id, idSpan: it.questionSpan } : {}), key: it.key, questionSpan: it.questionSpan, removal: it.removal }))),
    ],
  };
}
