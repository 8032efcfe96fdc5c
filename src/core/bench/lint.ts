// Checks a benchmark file as an evaluation engineer types it: every item with its position and
// the positions of its fields, and the problems that would corrupt the numbers computed from it
// (malformed lines, missing fields, answers that are not options, duplicates, empty or multi-line
// options, questions that give their answer away). JSONL is checked line by line, so an edit
// re-checks only its lines; the duplicate index is rebuilt over the per-line results.
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { OPTION_LETTERS } from '../prompt';
import { DEFAULT_FIELDS, toItem, type BenchItem, type FieldMap } from './format';

export type RuleId =
  | 'malformed'
  | 'missing-field'
  | 'answer-not-an-option'
  | 'answer-text-mismatch'
  | 'duplicate-id'
  | 'duplicate-question'
  | 'empty-option'
  | 'multiline-option'
  | 'answer-in-question'
  /** A reasoning trace (*.m1trace.json) that does not follow its format. */
  | 'trace-schema';

export type Severity = 'error' | 'warning' | 'information' | 'off';

export const DEFAULT_SEVERITY: Record<RuleId, Severity> = {
  malformed: 'error',
  'missing-field': 'error',
  'answer-not-an-option': 'error',
  'answer-text-mismatch': 'warning',
  'duplicate-id': 'error',
  'duplicate-question': 'warning',
  'empty-option': 'error',
  'multiline-option': 'warning',
  'answer-in-question': 'warning',
  'trace-schema': 'error',
};

/** A text edit that fixes a problem: replace [start, end) with `text`. */
export interface Fix {
  title: string;
  start: number;
  end: number;
  text: string;
}

export interface LintProblem {
  rule: RuleId;
  message: string;
  start: number;
  end: number;
  fix?: Fix;
}

/** What the duplicate rules need of an item, valid or not (an invalid item still takes its id). */
export interface DupEntry {
  source: string;
  index: number;
  line: number;
  id?: string;
  /** The question, normalized and hashed (see questionKey). */
  key?: string;
  idSpan?: [number, number];
  questionSpan?: [number, number];
  /** Where a removal starts and ends (with its separator). */
  removal: [number, number];
}

/** A valid item; it is its own duplicate-index entry (no second object per item). */
export interface LintItem extends DupEntry {
  /** In JSONL results, a slim copy (question shortened, no options): hovers read the line again. */
  item: BenchItem;
  key: string;
  /** The item's span in the document (a JSON object, or its JSONL line). */
  start: number;
  end: number;
  questionSpan: [number, number];
}

export interface LintResult {
  items: LintItem[];
  problems: LintProblem[];
}

/** A valid item as a duplicate-index entry. */

/**
 * A question's identity for the duplicate check: case and spacing ignored, hashed (two 32-bit
 * FNV-1a variants and the length) so a large file's index does not hold every question twice.
 */
export function questionKey(question: string): string {
  const q = question.toLowerCase().replace(/\s+/g, ' ').trim();
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < q.length; i++) {
    const c = q.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return `${a.toString(36)}.${b.toString(36)}.${q.length}`;
}

const span = (n: Node | undefined, fallback: Node): [number, number] => (n ? [n.offset, n.offset + n.length] : [fallback.offset, fallback.offset + fallback.length]);

function propNode(obj: Node, names: string[]): { name: string; value: Node } | undefined {
  for (const name of names) {
    const value = findNodeAtLocation(obj, [name]);
    if (value) return { name, value };
  }
  return undefined;
}

/** Problems of one item object (all but the duplicates, which need every item). */
function lintObject(obj: Node, at: { source: string; index: number; line: number }, fields: FieldMap, removal: [number, number]): { item?: LintItem; invalid?: DupEntry; problems: LintProblem[] } {
  const problems: LintProblem[] = [];
  // An item that cannot run still holds its id and question for the duplicate checks.
  const invalid = (): DupEntry => {
    const id = propNode(obj, fields.id);
    const q = propNode(obj, fields.question);
    return {
      ...at,
      removal,
      ...(id && (id.value.type === 'string' || id.value.type === 'number') ? { id: String(id.value.value), idSpan: span(id.value, obj) } : {}),
      ...(q?.value.type === 'string' ? { key: questionKey(String(q.value.value)), questionSpan: span(q.value, obj) } : {}),
    };
  };
  const whole: [number, number] = [obj.offset, obj.offset + obj.length];
  const raw = getNodeValue(obj) as unknown;
  const options = propNode(obj, fields.options);
  const idx = propNode(obj, fields.answerIdx);
  // answer_idx holding an option's text instead of its letter: the obvious fix.
  if (idx?.value.type === 'string' && options?.value.type === 'object') {
    const text = String(idx.value.value).trim().toLowerCase();
    const letter = (options.value.children ?? []).find((p) => String(p.children?.[1]?.value ?? '').trim().toLowerCase() === text && !/^[A-Z]$/i.test(String(idx.value.value).trim()))?.children?.[0]?.value as string | undefined;
    if (letter) {
      problems.push({ rule: 'answer-not-an-option', message: `${idx.name} should be the option's letter ("${letter}"), not its text`, start: idx.value.offset, end: idx.value.offset + idx.value.length, fix: { title: `Replace with "${letter}"`, start: idx.value.offset, end: idx.value.offset + idx.value.length, text: JSON.stringify(letter) } });
      return { invalid: invalid(), problems };
    }
  }
  const r = toItem(raw, { file: '', ...at }, fields);
  if ('message' in r) {
    const fieldNode = r.field ? findNodeAtLocation(obj, [r.field]) : undefined;
    const rule: RuleId = /not among the options/.test(r.message) ? 'answer-not-an-option' : 'missing-field';
    const [start, end] = span(fieldNode, obj);
    problems.push({ rule, message: r.message, start, end });
    return { invalid: invalid(), problems };
  }
  const item = r;
  // Options: empty, or with line breaks (the reference matcher reads options line by line).
  const optionNodes = options?.value.type === 'object' ? (options.value.children ?? []).map((p) => ({ letter: String(p.children?.[0]?.value), node: p.children?.[1] })) : (options?.value.children ?? []).map((node, i) => ({ letter: OPTION_LETTERS[i]!, node }));
  for (const { letter, node } of optionNodes) {
    if (!node || node.type !== 'string') continue;
    const text = String(node.value);
    const [start, end] = [node.offset, node.offset + node.length];
    if (!text.trim()) problems.push({ rule: 'empty-option', message: `option ${letter} is empty`, start, end });
    else if (/[\r\n]/.test(text)) problems.push({ rule: 'multiline-option', message: `option ${letter} has a line break: the paper's option matching reads options line by line, so it can match the wrong option`, start, end, fix: { title: 'Replace the line breaks with spaces', start, end, text: JSON.stringify(text.replace(/\s*[\r\n]+\s*/g, ' ')) } });
  }
  const ans = propNode(obj, fields.answer);
  if (ans?.value.type === 'string' && item.answerIdx) {
    const text = String(ans.value.value).trim();
    const isLetter = /^[A-Z]$/i.test(text);
    if (!isLetter && text.toLowerCase() !== item.options[item.answerIdx]!.trim().toLowerCase()) {
      const match = Object.entries(item.options).find(([, o]) => o.trim().toLowerCase() === text.toLowerCase());
      problems.push({
        rule: 'answer-text-mismatch',
        message: match ? `answer "${text}" is option ${match[0]}, but ${idx?.name ?? 'answer_idx'} says ${item.answerIdx}` : `answer "${text}" matches no option (${item.answerIdx} is "${item.options[item.answerIdx]}")`,
        start: ans.value.offset,
        end: ans.value.offset + ans.value.length,
        ...(match && idx ? { fix: { title: `Set ${idx.name} to "${match[0]}"`, start: idx.value.offset, end: idx.value.offset + idx.value.length, text: JSON.stringify(match[0]) } } : {}),
      });
    }
  } else if (ans?.value.type === 'string' && !item.answerIdx && !/^[A-Z]$/i.test(String(ans.value.value).trim())) {
    const text = String(ans.value.value).trim();
    const match = Object.entries(item.options).find(([, o]) => o.trim().toLowerCase() === text.toLowerCase());
    const [start, end] = [ans.value.offset, ans.value.offset + ans.value.length];
    problems.push(
      match
        ? { rule: 'answer-text-mismatch', message: `answer is option ${match[0]}'s text: give the letter so it is scored`, start, end, fix: { title: `Replace with "${match[0]}"`, start, end, text: JSON.stringify(match[0]) } }
        : { rule: 'answer-text-mismatch', message: `answer "${text}" matches no option`, start, end },
    );
  }
  const q = propNode(obj, fields.question)!;
  const questionSpan = span(q.value, obj);
  // A question that ends by giving its answer away ("… Answer: B").
  const giveaway = /(?:answer|ans\.?|correct option)\s*(?:is|:)\s*\(?([A-Z])\)?\.?\s*$/i.exec(item.question);
  if (giveaway && item.options[giveaway[1]!.toUpperCase()] !== undefined) {
    problems.push({ rule: 'answer-in-question', message: `the question ends with its answer ("${giveaway[0].trim()}"): the model can copy it`, start: questionSpan[0], end: questionSpan[1] });
  }
  const id = propNode(obj, fields.id);
  return { item: { item, source: item.source, index: item.index, line: item.line, id: item.id, key: questionKey(item.question), start: whole[0], end: whole[1], idSpan: id ? span(id.value, obj) : undefined, questionSpan, removal }, problems };
}

interface DupRef {
  source: string;
  index: number;
  line: number;
  id?: string;
  key?: string;
}

/**
 * The duplicate rules, fed item by item in file order (the first of each pair stays): ids, and
 * questions (also across sources). Items are referred to by a number the caller can describe,
 * so a JSONL check need not build an entry per line.
 */
class DuplicateFinder {
  private readonly ids = new Map<string, number>();
  private readonly questions = new Map<string, number>();

  constructor(
    private readonly describe: (ref: number) => DupRef,
    readonly problems: LintProblem[],
  ) {}

  private where(ref: number): string {
    const x = this.describe(ref);
    return `${x.source} #${x.index + 1}${x.id !== undefined ? ` (${x.id})` : ''}, line ${x.line}`;
  }

  /** Spans are relative to `base`; `removal` is only built for a duplicate. */
  add(ref: number, e: Pick<DupEntry, 'source' | 'id' | 'key' | 'idSpan' | 'questionSpan'>, base: number, removal: () => Fix): void {
    const { id, key, idSpan, questionSpan } = e;
    if (id !== undefined && idSpan) {
      const first = this.ids.get(id);
      if (first === undefined) this.ids.set(id, ref);
      else this.problems.push({ rule: 'duplicate-id', message: `id "${id}" is also ${this.where(first)}`, start: base + idSpan[0], end: base + idSpan[1], ...(key !== undefined && this.describe(first).key === key ? { fix: removal() } : {}) });
    }
    if (key === undefined || !questionSpan) return;
    const first = this.questions.get(key);
    if (first === undefined) this.questions.set(key, ref);
    else this.problems.push({ rule: 'duplicate-question', message: `the same question is ${this.where(first)}${this.describe(first).source !== e.source ? ' (another source)' : ''}`, start: base + questionSpan[0], end: base + questionSpan[1], fix: removal() });
  }
}

/** Duplicates across the whole file (ids, and questions across sources too), in file order. */
export function duplicateProblems(entries: DupEntry[]): LintProblem[] {
  const finder = new DuplicateFinder((ref) => entries[ref]!, []);
  entries.forEach((e, ref) => finder.add(ref, e, 0, () => ({ title: 'Remove this duplicate item', start: e.removal[0], end: e.removal[1], text: '' })));
  return finder.problems;
}

function malformed(errors: ParseError[], base: number): LintProblem[] {
  return errors.slice(0, 1).map((e) => ({ rule: 'malformed' as const, message: `malformed JSON: ${printParseErrorCode(e.error)}`, start: base + e.offset, end: base + e.offset + Math.max(1, e.length) }));
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** An m1/HuatuoGPT JSON file: the whole tree is parsed again on each change. */
export function lintJson(text: string, fields = DEFAULT_FIELDS): LintResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length || !root) return { items: [], problems: malformed(errors, 0) };
  const groups: Array<[string, Node]> = root.type === 'array' ? [['default', root]] : root.type === 'object' ? (root.children ?? []).map((p) => [String(p.children![0]!.value), p.children![1]!]) : [];
  const out: LintResult = { items: [], problems: [] };
  const entries: DupEntry[] = [];
  for (const [source, list] of groups) {
    if (list.type !== 'array') continue;
    const children = list.children ?? [];
    children.forEach((obj, index) => {
      // Removing an item takes its comma with it (the one after, or before the last item).
      const next = children[index + 1];
      const prev = children[index - 1];
      const removal: [number, number] = next ? [obj.offset, next.offset] : prev ? [prev.offset + prev.length, obj.offset + obj.length] : [obj.offset, obj.offset + obj.length];
      if (obj.type !== 'object') {
        out.problems.push({ rule: 'missing-field', message: 'an item must be an object', start: obj.offset, end: obj.offset + obj.length });
        return;
      }
      const r = lintObject(obj, { source, index, line: lineAt(text, obj.offset) }, fields, removal);
      if (r.item) {
        out.items.push(r.item);
        entries.push(r.item);
      }
      if (r.invalid) entries.push(r.invalid);
      out.problems.push(...r.problems);
    });
  }
  out.problems.push(...duplicateProblems(entries));
  return out;
}

/** One JSONL line's own result (offsets relative to the line). */
export interface LineResult {
  item?: LintItem;
  invalid?: DupEntry;
  problems: LintProblem[];
  source?: string;
}

export function lintJsonlLine(line: string, fields = DEFAULT_FIELDS): LineResult {
  if (!line.trim()) return { problems: NO_PROBLEMS };
  const errors: ParseError[] = [];
  const obj = parseTree(line, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length || !obj) return { problems: malformed(errors, 0) };
  if (obj.type !== 'object') return { problems: [{ rule: 'missing-field', message: 'an item must be an object', start: 0, end: line.length }] };
  const src = propNode(obj, fields.source)?.value.value;
  const source = typeof src === 'string' && src ? src : 'default';
  // Index and line are filled in when the lines are put together; the removal span then too.
  const r = lintObject(obj, { source, index: 0, line: 0 }, fields, NO_SPAN);
  const result: LineResult = { problems: r.problems.length ? r.problems : NO_PROBLEMS, source };
  if (r.invalid) result.invalid = r.invalid;
  if (r.item) {
    // Keep little per line: a large file would otherwise be held twice (its text, and its items).
    const { item } = r.item;
    const slim: BenchItem = { source: item.source, index: 0, question: ownCopy(item.question.slice(0, 60)), options: NO_OPTIONS, line: 0 };
    if (item.id !== undefined) slim.id = item.id;
    if (item.answerIdx !== undefined) slim.answerIdx = item.answerIdx;
    result.item = { ...r.item, item: slim };
  }
  return result;
}

const NO_PROBLEMS: LintProblem[] = Object.freeze([]) as unknown as LintProblem[];
const NO_OPTIONS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_SPAN: [number, number] = Object.freeze([0, 0]) as unknown as [number, number];

/** A slice that does not keep the whole string it was cut from alive (V8 shares slices). */
const ownCopy = (s: string) => (s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string));

/** Where a JSONL document's lines are: offsets come from the editor's own line index. */
export interface LineIndex {
  start(line: number): number;
  length(line: number): number;
}

/**
 * Checks a JSONL file from its per-line results: numbers the items within their sources and
 * finds duplicates by line, then gives absolute positions only to what it reports. Runs after
 * every edit, so it allocates nothing per line that has no problem.
 */
export function checkJsonl(lines: LineResult[], at: LineIndex): { problems: LintProblem[]; items: number } {
  const problems: LintProblem[] = [];
  const counts = new Map<string, number>();
  const describe = (i: number): DupRef => {
    const r = lines[i]!;
    return r.item ? { source: r.item.source, index: r.item.index, line: i + 1, id: r.item.id, key: r.item.key } : r.invalid!;
  };
  const finder = new DuplicateFinder(describe, problems);
  let items = 0;
  for (let i = 0; i < lines.length; i++) {
    const r = lines[i]!;
    if (r.problems.length) {
      const base = at.start(i);
      for (const p of r.problems) {
        const moved: LintProblem = { rule: p.rule, message: p.message, start: base + p.start, end: base + p.end };
        if (p.fix) moved.fix = { title: p.fix.title, start: base + p.fix.start, end: base + p.fix.end, text: p.fix.text };
        problems.push(moved);
      }
    }
    const e = r.item ?? r.invalid;
    if (!e) continue;
    if (r.item) {
      // Numbered within its source, in file order; the line's own objects carry it.
      const index = counts.get(r.item.source) ?? 0;
      counts.set(r.item.source, index + 1);
      r.item.index = r.item.item.index = index;
      items++;
    }
    e.line = r.item ? (r.item.item.line = i + 1) : i + 1;
    if (e.key === undefined && e.id === undefined) continue;
    finder.add(i, e, at.start(i), () => ({ title: 'Remove this duplicate item', start: at.start(i), end: at.start(i) + at.length(i), text: '' }));
  }
  return { problems, items };
}

/** A JSONL line's item with absolute positions (after checkJsonl numbered it). */
export function jsonlItem(r: LineResult, i: number, at: LineIndex): LintItem | undefined {
  const it = r.item;
  if (!it) return undefined;
  const base = at.start(i);
  const shift = (x: [number, number]): [number, number] => [base + x[0], base + x[1]];
  const { item } = it;
  return { item, source: item.source, index: item.index, line: i + 1, id: item.id, key: it.key, start: base + it.start, end: base + it.end, idSpan: it.idSpan ? shift(it.idSpan) : undefined, questionSpan: shift(it.questionSpan), removal: [base, base + at.length(i)] };
}
