// Checks a benchmark file as an evaluation engineer types it: every item with its position and
// the positions of its fields, and the problems that would corrupt the numbers computed from it
// (malformed lines, missing fields, answers that are not options, duplicates, empty or multi-line
// options, questions that give their answer away). Items are checked one at a time (a JSONL line,
// or a JSON item cut out by scan.ts), so an edit re-checks only the items it touched; the
// duplicate index is rebuilt over the per-item results.
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { OPTION_LETTERS } from '../prompt';
import { DEFAULT_FIELDS, toItem, type BenchItem, type FieldMap } from './format';
import type { JsonScan } from './scan';

export type RuleId =
  | 'malformed'
  | 'missing-field'
  | 'answer-not-an-option'
  | 'answer-text-mismatch'
  | 'duplicate-id'
  | 'duplicate-question'
  /** The same question text with other options or gold: a different item, said for information. */
  | 'same-question-text'
  /** A source that asks each of its questions the same number of times, by design. */
  | 'repeated-questions'
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
  'same-question-text': 'information',
  'repeated-questions': 'information',
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
  /** Question, options and gold together (see itemIdentity): equal only for an exact repeat. */
  full?: string;
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
  full: string;
  /** The item's span in the document (a JSON object, or its JSONL line). */
  start: number;
  end: number;
  questionSpan: [number, number];
}

export interface LintResult {
  items: LintItem[];
  problems: LintProblem[];
}

const normalized = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * A question's identity for the duplicate check: case and spacing ignored, hashed (two 32-bit
 * FNV-1a variants and the length) so a large file's index does not hold every question twice.
 */
export function questionKey(question: string): string {
  return hashKey(normalized(question));
}

/** An item's identity: its question, options and gold letter (case and spacing ignored), hashed. */
export function itemIdentity(item: Pick<BenchItem, 'question' | 'options' | 'answerIdx'>): string {
  const options = Object.entries(item.options).map(([l, o]) => `${l}\u0001${normalized(o)}`);
  return hashKey([normalized(item.question), ...options, item.answerIdx ?? ''].join('\u0000'));
}

function hashKey(q: string): string {
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
function lintObject(obj: Node, at: { source: string; index: number; line: number }, fields: FieldMap): { item?: LintItem; invalid?: DupEntry; problems: LintProblem[] } {
  // The removal span is known only where the items are put together (ItemPlaces).
  const removal = NO_SPAN;
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
    // A line break at either end is stripped with the option (m1 src/collect_eval_data/collect_eval_data.py, strip_string).
    else if (/[\r\n]/.test(text.trim())) problems.push({ rule: 'multiline-option', message: `option ${letter} has a line break: the paper's option matching reads options line by line, so it can match the wrong option`, start, end, fix: { title: 'Replace the line breaks with spaces', start, end, text: JSON.stringify(text.trim().replace(/\s*[\r\n]+\s*/g, ' ')) } });
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
  return { item: { item, source: item.source, index: item.index, line: item.line, id: item.id, key: questionKey(item.question), full: itemIdentity(item), start: whole[0], end: whole[1], idSpan: id ? span(id.value, obj) : undefined, questionSpan, removal }, problems };
}

/** An item as the duplicate rules see it; spans relative to `base`. */
export interface DupSource {
  count: number;
  entry(ref: number): DupEntry | undefined;
  base(ref: number): number;
  removal(ref: number): Fix;
}

/**
 * The duplicate rules over items in file order (the first of each pair stays):
 * - an id used twice is an error (removable only when the items are identical);
 * - an exact repeat (question, options and gold) is a duplicate, removable;
 * - the same question text with other options or gold is a different item: information only;
 * - a source that asks each of its questions the same number of times (k ≥ 2) repeats by design: said
 *   once for the source, its repeats not item by item.
 */
export function findDuplicates(src: DupSource): LintProblem[] {
  const problems: LintProblem[] = [];
  // Sources that repeat each of their questions the same number of times.
  const perSource = new Map<string, { first: number; counts: Map<string, number>; incomplete: boolean }>();
  for (let ref = 0; ref < src.count; ref++) {
    const e = src.entry(ref);
    if (!e) continue;
    let s = perSource.get(e.source);
    if (!s) perSource.set(e.source, (s = { first: ref, counts: new Map(), incomplete: false }));
    if (e.full === undefined) s.incomplete = true;
    else s.counts.set(e.full, (s.counts.get(e.full) ?? 0) + 1);
  }
  const byDesign = new Map<string, Set<string>>();
  for (const [source, s] of perSource) {
    const k = s.counts.values().next().value ?? 0;
    // Two distinct questions at least: one question twice is a plain duplicate.
    if (s.incomplete || k < 2 || s.counts.size < 2 || [...s.counts.values()].some((c) => c !== k)) continue;
    byDesign.set(source, new Set());
    const e = src.entry(s.first)!;
    const span = e.questionSpan ?? e.idSpan ?? [0, 1];
    const base = src.base(s.first);
    problems.push({ rule: 'repeated-questions', message: `${source}: ${s.counts.size} distinct questions, each ${k}× (repeated by design: not reported item by item, and its intervals count distinct questions)`, start: base + span[0], end: base + span[1] });
  }
  const where = (ref: number): string => {
    const x = src.entry(ref)!;
    return `${x.source} #${x.index + 1}${x.id !== undefined ? ` (${x.id})` : ''}, line ${x.line}`;
  };
  const ids = new Map<string, number>();
  const items = new Map<string, number>();
  const questions = new Map<string, number>();
  for (let ref = 0; ref < src.count; ref++) {
    const e = src.entry(ref);
    if (!e) continue;
    const base = src.base(ref);
    const sameItem = (other: number) => e.full !== undefined && src.entry(other)!.full === e.full;
    if (e.id !== undefined && e.idSpan) {
      const first = ids.get(e.id);
      if (first === undefined) ids.set(e.id, ref);
      else problems.push({ rule: 'duplicate-id', message: `id "${e.id}" is also ${where(first)}`, start: base + e.idSpan[0], end: base + e.idSpan[1], ...(sameItem(first) ? { fix: src.removal(ref) } : {}) });
    }
    if (e.key === undefined || !e.questionSpan) continue;
    const span: [number, number] = [base + e.questionSpan[0], base + e.questionSpan[1]];
    const seenInSource = byDesign.get(e.source);
    if (e.full !== undefined && seenInSource) {
      // Repeats inside a repeating source were said once for the source.
      if (seenInSource.has(e.full)) continue;
      seenInSource.add(e.full);
    }
    const firstItem = e.full === undefined ? undefined : items.get(e.full);
    if (firstItem !== undefined) {
      problems.push({ rule: 'duplicate-question', message: `the same question, options and answer are ${where(firstItem)}${src.entry(firstItem)!.source !== e.source ? ' (another source)' : ''}`, start: span[0], end: span[1], fix: src.removal(ref) });
      continue;
    }
    if (e.full !== undefined) items.set(e.full, ref);
    const firstQuestion = questions.get(e.key);
    if (firstQuestion === undefined) questions.set(e.key, ref);
    else problems.push({ rule: 'same-question-text', message: `the same question text is ${where(firstQuestion)}${src.entry(firstQuestion)!.source !== e.source ? ' (another source)' : ''}, with other options or answer: a different item, not a duplicate`, start: span[0], end: span[1] });
  }
  return problems;
}

/** Duplicates among entries with absolute spans (CSV). */
export function duplicateProblems(entries: DupEntry[]): LintProblem[] {
  return findDuplicates({ count: entries.length, entry: (ref) => entries[ref], base: () => 0, removal: (ref) => ({ title: 'Remove this duplicate item', start: entries[ref]!.removal[0], end: entries[ref]!.removal[1], text: '' }) });
}

function malformed(errors: ParseError[], base: number): LintProblem[] {
  return errors.slice(0, 1).map((e) => ({ rule: 'malformed' as const, message: `malformed JSON: ${printParseErrorCode(e.error)}`, start: base + e.offset, end: base + e.offset + Math.max(1, e.length) }));
}

/** One item's own result (offsets relative to the item's text: a JSONL line, or a JSON item). */
export interface LineResult {
  item?: LintItem;
  invalid?: DupEntry;
  problems: LintProblem[];
  source?: string;
}

/**
 * Checks one item's text: a JSONL line (its source from its source field), or a JSON item
 * (`source` is its group key). The item is kept slim unless `whole` (for a hover).
 */
export function lintItemText(text: string, fields = DEFAULT_FIELDS, opts: { source?: string; whole?: boolean } = {}): LineResult {
  if (!text.trim()) return { problems: NO_PROBLEMS };
  const errors: ParseError[] = [];
  const obj = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length || !obj) return { problems: malformed(errors, 0) };
  if (obj.type !== 'object') return { problems: [{ rule: 'missing-field', message: 'an item must be an object', start: 0, end: text.length }] };
  const src = propNode(obj, fields.source)?.value.value;
  const source = opts.source ?? (typeof src === 'string' && src ? src : 'default');
  // Index and line are filled in when the items are put together; the removal span then too.
  const r = lintObject(obj, { source, index: 0, line: 0 }, fields);
  const result: LineResult = { problems: r.problems.length ? r.problems : NO_PROBLEMS, source };
  if (r.invalid) result.invalid = r.invalid;
  if (r.item && opts.whole) result.item = r.item;
  else if (r.item) {
    // Keep little per item: a large file would otherwise be held twice (its text, and its items).
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

/** Where each item's text starts and which line that is; a removal takes its separator with it. */
export interface ItemPlaces {
  start(i: number): number;
  line(i: number): number;
  removal(i: number): [number, number];
}

/**
 * Puts per-item results together: numbers the items within their sources (`index` given for
 * JSON, counted for JSONL), moves their problems to absolute positions and finds duplicates.
 * Runs after every edit, so it allocates nothing per item that has no problem.
 */
export function checkItems(results: LineResult[], at: ItemPlaces, index?: (i: number) => number): { problems: LintProblem[]; items: number } {
  const problems: LintProblem[] = [];
  const counts = new Map<string, number>();
  let items = 0;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
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
      const n = index ? index(i) : (counts.get(r.item.source) ?? 0);
      counts.set(r.item.source, n + 1);
      r.item.index = r.item.item.index = n;
      items++;
    } else if (index) e.index = index(i);
    e.line = at.line(i);
    if (r.item) r.item.item.line = e.line;
  }
  problems.push(
    ...findDuplicates({
      count: results.length,
      entry: (i) => {
        const e = results[i]!.item ?? results[i]!.invalid;
        return e && (e.key !== undefined || e.id !== undefined) ? e : undefined;
      },
      base: (i) => at.start(i),
      removal: (i) => {
        const [start, end] = at.removal(i);
        return { title: 'Remove this duplicate item', start, end, text: '' };
      },
    }),
  );
  return { problems, items };
}

/** Where a JSONL document's lines are: offsets come from the editor's own line index. */
export interface LineIndex {
  start(line: number): number;
  length(line: number): number;
}

export const jsonlPlaces = (at: LineIndex): ItemPlaces => ({ start: (i) => at.start(i), line: (i) => i + 1, removal: (i) => [at.start(i), at.start(i) + at.length(i)] });

/**
 * A JSON file's places: item spans from the scan; removing an item takes its comma with it (the
 * one after, or before the last item of its list).
 */
export function jsonPlaces(scan: JsonScan, line: (offset: number) => number): ItemPlaces {
  const spans = scan.items;
  return {
    start: (i) => spans[i]!.start,
    line: (i) => line(spans[i]!.start),
    removal: (i) => {
      const s = spans[i]!;
      const next = spans[i + 1];
      const prev = spans[i - 1];
      if (next && next.source === s.source && next.index === s.index + 1) return [s.start, next.start];
      if (prev && prev.source === s.source && prev.index === s.index - 1) return [prev.end, s.end];
      return [s.start, s.end];
    },
  };
}

/** The problems of a JSON file's structure (outside its items), and of items too deep to parse. */
export function scanProblems(scan: JsonScan): LintProblem[] {
  return [
    ...scan.problems.map((p) => ({ rule: 'malformed' as const, message: p.message, start: p.offset, end: p.offset + p.length })),
    ...scan.items.filter((s) => s.problem).map((s) => ({ rule: 'malformed' as const, message: `malformed JSON: ${s.problem}`, start: s.start, end: s.start + 1 })),
  ];
}

/** An item's result with absolute positions (after checkItems numbered it). */
export function placedItem(r: LineResult, i: number, at: ItemPlaces): LintItem | undefined {
  const it = r.item;
  if (!it) return undefined;
  const base = at.start(i);
  const shift = (x: [number, number]): [number, number] => [base + x[0], base + x[1]];
  const { item } = it;
  return { item, source: item.source, index: item.index, line: item.line, id: item.id, key: it.key, full: it.full, start: base + it.start, end: base + it.end, idSpan: it.idSpan ? shift(it.idSpan) : undefined, questionSpan: shift(it.questionSpan), removal: at.removal(i) };
}
