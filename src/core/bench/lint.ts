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
  | 'answer-in-question';

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

export interface LintItem {
  /** In JSONL results, a slim copy (question shortened, no options): hovers read the line again. */
  item: BenchItem;
  key: string;
  /** The item's span in the document (a JSON object, or its JSONL line). */
  start: number;
  end: number;
  /** Where the duplicate rules point, and where a removal starts (with its separator). */
  idSpan?: [number, number];
  questionSpan: [number, number];
  removal: [number, number];
}

export interface LintResult {
  items: LintItem[];
  problems: LintProblem[];
}

/** A valid item as a duplicate-index entry. */
const entryOf = (it: LintItem): DupEntry => ({ source: it.item.source, index: it.item.index, line: it.item.line, ...(it.item.id !== undefined ? { id: it.item.id } : {}), key: it.key, ...(it.idSpan ? { idSpan: it.idSpan } : {}), questionSpan: it.questionSpan, removal: it.removal });

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
  return { item: { item, key: questionKey(item.question), start: whole[0], end: whole[1], ...(id ? { idSpan: span(id.value, obj) } : {}), questionSpan, removal }, problems };
}

/** Duplicates across the whole file (ids, and questions across sources too), in file order. */
export function duplicateProblems(entries: DupEntry[]): LintProblem[] {
  const problems: LintProblem[] = [];
  const ids = new Map<string, DupEntry>();
  const questions = new Map<string, DupEntry>();
  const where = (x: DupEntry) => `${x.source} #${x.index + 1}${x.id !== undefined ? ` (${x.id})` : ''}, line ${x.line}`;
  // Entries come in file order, so the first of each pair is the one that stays.
  for (const it of entries) {
    const removal: Fix = { title: 'Remove this duplicate item', start: it.removal[0], end: it.removal[1], text: '' };
    const key = it.key;
    if (it.id !== undefined && it.idSpan) {
      const first = ids.get(it.id);
      if (first) problems.push({ rule: 'duplicate-id', message: `id "${it.id}" is also ${where(first)}`, start: it.idSpan[0], end: it.idSpan[1], ...(key !== undefined && first.key === key ? { fix: removal } : {}) });
      else ids.set(it.id, it);
    }
    if (key === undefined || !it.questionSpan) continue;
    const first = questions.get(key);
    if (first) problems.push({ rule: 'duplicate-question', message: `the same question is ${where(first)}${first.source !== it.source ? ' (another source)' : ''}`, start: it.questionSpan[0], end: it.questionSpan[1], fix: removal });
    else questions.set(key, it);
  }
  return problems;
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
        entries.push(entryOf(r.item));
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
  if (!line.trim()) return { problems: [] };
  const errors: ParseError[] = [];
  const obj = parseTree(line, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length || !obj) return { problems: malformed(errors, 0) };
  if (obj.type !== 'object') return { problems: [{ rule: 'missing-field', message: 'an item must be an object', start: 0, end: line.length }] };
  const src = propNode(obj, fields.source)?.value.value;
  const source = typeof src === 'string' && src ? src : 'default';
  // Index and line are filled in when the lines are put together.
  const r = lintObject(obj, { source, index: 0, line: 0 }, fields, [0, line.length]);
  if (r.item) {
    // Keep little per line: a large file's lines would otherwise be held twice.
    const { question, options: _options, answer: _answer, ...rest } = r.item.item;
    r.item = { ...r.item, item: { ...rest, question: question.length > 80 ? question.slice(0, 80) : question, options: {} } };
  }
  return { ...(r.item ? { item: r.item } : {}), ...(r.invalid ? { invalid: r.invalid } : {}), problems: r.problems, source };
}

/**
 * Puts per-line results together: offsets, line numbers, indexes within sources, duplicates.
 * Runs after every edit over every line, so it builds plain objects (no spreads) and skips lines
 * without problems.
 */
export function assembleJsonl(lines: LineResult[], lineStarts: number[], lineLengths: number[]): LintResult {
  const items: LintItem[] = [];
  const problems: LintProblem[] = [];
  const entries: DupEntry[] = [];
  const counts = new Map<string, number>();
  const shift = (x: [number, number] | undefined, base: number): [number, number] | undefined => (x ? [base + x[0], base + x[1]] : undefined);
  for (let i = 0; i < lines.length; i++) {
    const r = lines[i]!;
    const base = lineStarts[i]!;
    // A removed line takes its line break with it.
    const removal: [number, number] = [base, base + lineLengths[i]!];
    for (const p of r.problems) {
      const moved: LintProblem = { rule: p.rule, message: p.message, start: base + p.start, end: base + p.end };
      if (p.fix) moved.fix = { title: p.fix.title, start: base + p.fix.start, end: base + p.fix.end, text: p.fix.text };
      problems.push(moved);
    }
    const bad = r.invalid;
    if (bad) entries.push({ source: bad.source, index: bad.index, line: i + 1, id: bad.id, key: bad.key, idSpan: shift(bad.idSpan, base), questionSpan: shift(bad.questionSpan, base), removal });
    const it = r.item;
    if (!it) continue;
    const index = counts.get(it.item.source) ?? 0;
    counts.set(it.item.source, index + 1);
    const item: BenchItem = { source: it.item.source, index, id: it.item.id, question: it.item.question, options: it.item.options, answerIdx: it.item.answerIdx, answer: it.item.answer, line: i + 1 };
    const assembled: LintItem = { item, key: it.key, start: base + it.start, end: base + it.end, idSpan: shift(it.idSpan, base), questionSpan: [base + it.questionSpan[0], base + it.questionSpan[1]], removal };
    items.push(assembled);
    entries.push({ source: item.source, index, line: i + 1, id: item.id, key: it.key, idSpan: assembled.idSpan, questionSpan: assembled.questionSpan, removal });
  }
  for (const p of duplicateProblems(entries)) problems.push(p);
  return { items, problems };
}
