// One open benchmark file in the language server: its text and its check results. JSONL and JSON
// files keep a result per item (a line; a span cut out by scan.ts), so an edit re-checks only the
// items it touched and then rebuilds the duplicate index; CSV is checked whole.
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { looksLikeBenchmark, parseCsvBench, type FieldMap } from '../core/bench/format';
import { traceProblems } from '../core/traces/parse';
import { checkItems, duplicateProblems, itemIdentity, jsonPlaces, jsonlPlaces, lintItemText, placedItem, questionKey, scanProblems, type ItemPlaces, type LineIndex, type LineResult, type LintItem, type LintProblem, type LintResult, type RuleId, type Severity } from '../core/bench/lint';
import { itemEnd, scanJsonItems, type ItemSpan, type JsonScan } from '../core/bench/scan';

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
  /** CSV and trace files: the items as checked. JSONL and JSON: built on demand from the results. */
  private checkedItems: LintItem[] | undefined = [];
  /** JSONL: one result per line. JSON: one per item span of `scan`. */
  private lines: LineResult[] = [];
  private scan: JsonScan = { items: [], problems: [] };
  private readonly at: LineIndex = {
    start: (i) => this.doc.offsetAt({ line: i, character: 0 }),
    length: (i) => (i + 1 < this.doc.lineCount ? this.doc.offsetAt({ line: i + 1, character: 0 }) : this.doc.getText().length) - this.doc.offsetAt({ line: i, character: 0 }),
  };
  private places: ItemPlaces = jsonlPlaces(this.at);

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
        const it = placedItem(this.lines[i]!, i, this.places);
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
      this.lines = Array.from({ length: this.doc.lineCount }, (_, i) => lintItemText(this.lineText(i), this.fields));
      this.checkLines();
    } else if (this.kind === 'json') {
      this.checkJson(new Map());
    } else if (this.kind === 'trace') {
      this.take({ items: [], problems: traceProblems(this.doc.getText()).map((p) => ({ rule: 'trace-schema' as const, ...p })) });
    } else {
      this.take(lintCsv(this.doc, this.fields));
    }
  }

  private checkLines(): void {
    const { problems, items } = checkItems(this.lines, this.places);
    this.problems = problems;
    this.itemCount = items;
    this.checkedItems = undefined;
  }

  /**
   * JSON: cuts the text into items again (linear) and checks only the items not in `kept`, the
   * unchanged items by their start offset now; then puts the results together.
   */
  private checkJson(kept: Map<number, { span: ItemSpan; result: LineResult }>): void {
    const text = this.doc.getText();
    this.scan = scanJsonItems(text);
    this.lines = this.scan.items.map((span) => {
      const old = kept.get(span.start);
      if (old && old.span.end === span.end && old.span.source === span.source) return old.result;
      return this.lintSpan(text, span);
    });
    this.putTogether();
  }

  private lintSpan(text: string, span: ItemSpan): LineResult {
    return span.problem ? { problems: [] } : lintItemText(text.slice(span.start, span.end), this.fields, { source: span.source });
  }

  /**
   * JSON, one change strictly inside one item (the typing case): that item is cut out again from
   * where it starts and, if it still ends where it did (shifted), it alone is checked again and
   * the file is not scanned. False when the change reaches further.
   */
  private editInsideItem(changes: TextDocumentContentChangeEvent[], version: number): boolean {
    const change = changes[0];
    if (changes.length !== 1 || !change || !('range' in change)) return false;
    const from = this.doc.offsetAt(change.range.start);
    const to = this.doc.offsetAt(change.range.end);
    const i = this.resultAt(from);
    const span = this.scan.items[i];
    if (!span || from <= span.start || to >= span.end) return false;
    const delta = change.text.length - (to - from);
    const next = TextDocument.update(this.doc, [change], version);
    const text = next.getText();
    const end = itemEnd(text, span.start);
    if (end?.end !== span.end + delta) return false;
    this.doc = next;
    const shift = (x: ItemSpan): ItemSpan => ({ ...x, start: x.start + delta, end: x.end + delta });
    const edited: ItemSpan = { source: span.source, index: span.index, start: span.start, end: end.end, ...(end.problem ? { problem: end.problem } : {}) };
    this.scan = {
      items: this.scan.items.map((x, k) => (k < i ? x : k === i ? edited : shift(x))),
      problems: this.scan.problems.map((p) => (p.offset > from ? { ...p, offset: p.offset + delta } : p)),
    };
    this.lines[i] = this.lintSpan(text, edited);
    this.putTogether();
    return true;
  }

  private putTogether(): void {
    this.places = jsonPlaces(this.scan, (offset) => this.doc.positionAt(offset).line + 1);
    const { problems, items } = checkItems(this.lines, this.places, (i) => this.scan.items[i]!.index);
    this.problems = [...scanProblems(this.scan), ...problems];
    this.itemCount = items;
    this.checkedItems = undefined;
  }

  /** JSON: the results of the items a change leaves alone, keyed by where they start after it. */
  private keptAcross(changes: TextDocumentContentChangeEvent[], version: number): Map<number, { span: ItemSpan; result: LineResult }> {
    let kept = this.scan.items.map((span, i) => ({ span, result: this.lines[i]! }));
    for (const change of changes) {
      if (!('range' in change)) {
        this.doc = TextDocument.update(this.doc, [change], version);
        kept = [];
        continue;
      }
      const from = this.doc.offsetAt(change.range.start);
      const to = this.doc.offsetAt(change.range.end);
      const delta = change.text.length - (to - from);
      this.doc = TextDocument.update(this.doc, [change], version);
      kept = kept.flatMap((k) => (k.span.end <= from ? [k] : k.span.start >= to ? [{ span: { ...k.span, start: k.span.start + delta, end: k.span.end + delta }, result: k.result }] : []));
    }
    return new Map(kept.map((k) => [k.span.start, k]));
  }

  /** Applies editor changes; true when only the touched lines were checked again. */
  update(changes: TextDocumentContentChangeEvent[], version: number): boolean {
    if (this.kind === 'json') {
      if (!this.editInsideItem(changes, version)) this.checkJson(this.keptAcross(changes, version));
      return true;
    }
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
      const fresh = Array.from({ length: added }, (_, k) => lintItemText(this.lineText(first + k), this.fields));
      this.lines.splice(first, removed, ...fresh);
    }
    if (incremental && this.lines.length === this.doc.lineCount) this.checkLines();
    else this.checkAll();
    return incremental;
  }

  /** Which result holds an offset: its line (JSONL), or the item span around it (JSON, by binary search). */
  private resultAt(offset: number): number {
    if (this.kind === 'jsonl') return this.doc.positionAt(offset).line;
    const spans = this.scan.items;
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid]!.end < offset) lo = mid + 1;
      else if (spans[mid]!.start > offset) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  /** The item at an offset, if any (JSONL and JSON items are slim: see fullItemAt). */
  itemAt(offset: number): LintItem | undefined {
    if (this.kind !== 'jsonl' && this.kind !== 'json') return this.items.find((it) => offset >= it.start && offset <= it.end);
    const i = this.resultAt(offset);
    const r = this.lines[i];
    return r ? placedItem(r, i, this.places) : undefined;
  }

  /** The item at an offset with its question and options, its text read again if need be. */
  fullItemAt(offset: number): LintItem | undefined {
    const it = this.itemAt(offset);
    if (!it || (this.kind !== 'jsonl' && this.kind !== 'json')) return it;
    const full = lintItemText(this.doc.getText().slice(it.start, it.end), this.fields, { source: it.source, whole: true }).item;
    return full ? { ...it, item: { ...full.item, source: it.source, index: it.index, line: it.line } } : it;
  }
}

/**
 * The problems a user is shown, at their configured severity ('off' rules left out): the
 * language server's diagnostics and `m1 check`'s lines are both this list.
 */
export function reportedProblems(d: BenchDocument, severity: Record<RuleId, Severity>): Array<LintProblem & { severity: Exclude<Severity, 'off'> }> {
  const out: Array<LintProblem & { severity: Exclude<Severity, 'off'> }> = [];
  for (const p of d.problems) {
    const level = severity[p.rule];
    if (level !== 'off') out.push({ ...p, severity: level });
  }
  return out;
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
    return { item, source: item.source, index: item.index, line: item.line, id: item.id, key: questionKey(item.question), full: itemIdentity(item), start, end, idSpan: item.id !== undefined ? [start, end] : undefined, questionSpan: [start, end], removal: [start, doc.offsetAt({ line: item.line, character: 0 })] };
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
