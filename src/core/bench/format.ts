// Benchmark files: m1/HuatuoGPT JSON (source → items, or an array), JSONL (one item a line) and
// CSV, read into items with their position; a problem names the file, line, column and field and
// does not stop the other items.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { OPTION_LETTERS, lettered } from '../prompt';

export interface BenchItem {
  source: string;
  /** Position within its source, from 0. */
  index: number;
  id?: string;
  question: string;
  options: Record<string, string>;
  /** Gold letter, when the item has one. */
  answerIdx?: string;
  /** Gold option text. */
  answer?: string;
  /** 1-based line where the item starts. */
  line: number;
}

export interface BenchProblem {
  file: string;
  line: number;
  column: number;
  field?: string;
  message: string;
}

export interface FieldMap {
  question: string[];
  options: string[];
  answerIdx: string[];
  answer: string[];
  id: string[];
  source: string[];
}

/** Field names tried in order; a user adds their own through the setting m1.bench.fields. */
export const DEFAULT_FIELDS: FieldMap = {
  question: ['question'],
  options: ['options', 'choices'],
  answerIdx: ['answer_idx'],
  answer: ['answer'],
  id: ['id'],
  source: ['source'],
};

export function withFields(extra: Partial<Record<keyof FieldMap, string[]>> = {}): FieldMap {
  const out = { ...DEFAULT_FIELDS };
  for (const k of Object.keys(out) as Array<keyof FieldMap>) out[k] = [...(extra[k] ?? []), ...DEFAULT_FIELDS[k]];
  return out;
}

export interface ParsedBench {
  items: BenchItem[];
  problems: BenchProblem[];
}

const pick = (obj: Record<string, unknown>, names: string[]) => {
  for (const n of names) if (n in obj) return { name: n, value: obj[n] };
  return undefined;
};

/** One raw object → an item, or the problem that keeps it from being one. */
export function toItem(raw: unknown, at: { file: string; line: number; source: string; index: number }, fields: FieldMap): BenchItem | BenchProblem {
  const problem = (message: string, field?: string): BenchProblem => ({ file: at.file, line: at.line, column: 1, ...(field ? { field } : {}), message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return problem('an item must be an object');
  const obj = raw as Record<string, unknown>;
  const q = pick(obj, fields.question);
  if (typeof q?.value !== 'string' || !q.value.trim()) return problem('missing question', fields.question[0]);
  const o = pick(obj, fields.options);
  let options: Record<string, string>;
  if (Array.isArray(o?.value) && o.value.every((x) => typeof x === 'string')) {
    if (o.value.length > OPTION_LETTERS.length) return problem(`more than ${OPTION_LETTERS.length} options`, o.name);
    options = lettered(o.value as string[]);
  } else if (o && typeof o.value === 'object' && o.value !== null && Object.values(o.value).every((x) => typeof x === 'string')) {
    options = o.value as Record<string, string>;
  } else {
    return problem('missing options (an object A, B… or a list)', fields.options[0]);
  }
  if (Object.keys(options).length < 2) return problem('fewer than two options', o.name);
  const idx = pick(obj, fields.answerIdx);
  const ans = pick(obj, fields.answer);
  let answerIdx = typeof idx?.value === 'string' ? idx.value.trim().toUpperCase() : undefined;
  let answer = typeof ans?.value === 'string' ? ans.value : undefined;
  // "answer" may hold the letter itself.
  if (!answerIdx && answer && /^[A-Z]$/i.test(answer.trim()) && options[answer.trim().toUpperCase()] !== undefined) {
    answerIdx = answer.trim().toUpperCase();
    answer = undefined;
  }
  if (answerIdx !== undefined && options[answerIdx] === undefined) return problem(`answer letter "${answerIdx}" is not among the options (${Object.keys(options).join(', ')})`, idx?.name ?? ans?.name);
  if (answerIdx && answer === undefined) answer = options[answerIdx];
  const id = pick(obj, fields.id);
  const src = pick(obj, fields.source);
  return {
    source: typeof src?.value === 'string' && src.value ? src.value : at.source,
    index: at.index,
    ...(typeof id?.value === 'string' || typeof id?.value === 'number' ? { id: String(id.value) } : {}),
    question: q.value,
    options,
    ...(answerIdx ? { answerIdx } : {}),
    ...(answer !== undefined ? { answer } : {}),
    line: at.line,
  };
}

const isProblem = (x: BenchItem | BenchProblem): x is BenchProblem => 'message' in x;

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

export function parseJsonBench(text: string, file: string, fields = DEFAULT_FIELDS): ParsedBench {
  const errors: ParseError[] = [];
  const data: unknown = parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length) {
    const e = errors[0]!;
    return { items: [], problems: [{ file, ...lineCol(text, e.offset), message: `malformed JSON: ${printParseErrorCode(e.error)}` }] };
  }
  const groups: Array<[string, unknown]> = Array.isArray(data) ? [['default', data]] : typeof data === 'object' && data !== null ? Object.entries(data) : [];
  if (!groups.length) return { items: [], problems: [{ file, line: 1, column: 1, message: 'expected an object of source → items, or an array of items' }] };
  const out: ParsedBench = { items: [], problems: [] };
  // Item lines: find each item's opening brace in order (cheap and exact for well-formed JSON).
  let cursor = 0;
  for (const [source, list] of groups) {
    if (!Array.isArray(list)) {
      out.problems.push({ file, ...lineCol(text, text.indexOf(JSON.stringify(source))), field: source, message: `source "${source}" must be a list of items` });
      continue;
    }
    cursor = Math.max(cursor, text.indexOf(JSON.stringify(source), cursor));
    list.forEach((raw, index) => {
      const at = text.indexOf('{', cursor + 1);
      if (at >= 0) cursor = at;
      const r = toItem(raw, { file, line: lineCol(text, Math.max(0, at)).line, source, index }, fields);
      if (isProblem(r)) out.problems.push(r);
      else out.items.push(r);
      cursor = skipObject(text, cursor);
    });
  }
  return out;
}

/** Index just past the JSON object starting at `start` (strings and nesting respected). */
function skipObject(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return text.length;
}

/** Collects the items of a line-based file (JSONL, CSV), numbering them within their source. */
function collector(file: string, fields: FieldMap) {
  const out: ParsedBench = { items: [], problems: [] };
  const counts = new Map<string, number>();
  const add = (raw: unknown, line: number) => {
    const named = typeof raw === 'object' && raw !== null ? pick(raw as Record<string, unknown>, fields.source)?.value : undefined;
    const source = typeof named === 'string' && named ? named : 'default';
    const index = counts.get(source) ?? 0;
    const r = toItem(raw, { file, line, source, index }, fields);
    if (isProblem(r)) out.problems.push(r);
    else {
      out.items.push(r);
      counts.set(r.source, index + 1);
    }
  };
  return { out, add };
}

/** JSONL, read line by line (a large file is never held as one string). */
export async function parseJsonlBench(path: string, fields = DEFAULT_FIELDS, file = path): Promise<ParsedBench> {
  const { out, add } = collector(file, fields);
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    const errors: ParseError[] = [];
    const raw: unknown = parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
    if (errors.length) {
      out.problems.push({ file, line, column: errors[0]!.offset + 1, message: `malformed JSON: ${printParseErrorCode(errors[0]!.error)}` });
      continue;
    }
    add(raw, line);
  }
  return out;
}

/** CSV with a header row; options in an `options` column (JSON) or in columns A, B, C…. */
export function parseCsvBench(text: string, file: string, fields = DEFAULT_FIELDS): ParsedBench {
  let records: Array<{ record: Record<string, string>; info: { lines: number }; raw: string }>;
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, info: true, raw: true, bom: true, relax_column_count: false }) as typeof records;
  } catch (e) {
    const err = e as { lines?: number; message: string };
    return { items: [], problems: [{ file, line: err.lines ?? 1, column: 1, message: `malformed CSV: ${err.message}` }] };
  }
  const { out, add } = collector(file, fields);
  for (const { record, info, raw: rawText } of records) {
    // info.lines is where the record ends; a quoted line break makes it start earlier.
    const line = info.lines - (rawText.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
    const raw: Record<string, unknown> = { ...record };
    const letters = OPTION_LETTERS.split('').filter((l) => record[l] !== undefined && record[l] !== '');
    if (letters.length && !pick(raw, fields.options)) raw.options = Object.fromEntries(letters.map((l) => [l, record[l]]));
    const opt = pick(raw, fields.options);
    if (typeof opt?.value === 'string') {
      try {
        raw[opt.name] = JSON.parse(opt.value);
      } catch {
        // left as text: toItem reports it
      }
    }
    add(raw, line);
  }
  return out;
}

export async function readBench(path: string, fields = DEFAULT_FIELDS): Promise<ParsedBench> {
  if (/\.jsonl$/i.test(path)) return parseJsonlBench(path, fields);
  const text = await readFile(path, 'utf8');
  return /\.csv$/i.test(path) ? parseCsvBench(text, path, fields) : parseJsonBench(text, path, fields);
}

/** How much of a file is enough to tell whether it is a benchmark. */
export const SNIFF_CHARS = 64 * 1024;

/**
 * Does the start of a file look like a benchmark: a question field as a JSON key, or as a CSV
 * column? Used to pick benchmark files among all JSON/JSONL/CSV files cheaply.
 */
export function looksLikeBenchmark(head: string, csv: boolean, questionFields: string[]): boolean {
  const start = head.slice(0, SNIFF_CHARS);
  if (csv) {
    const columns = (start.split(/\r?\n/, 1)[0] ?? '').replace(/^\uFEFF/, '').split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    return questionFields.some((f) => columns.includes(f));
  }
  return questionFields.some((f) => start.includes(`${JSON.stringify(f)}:`) || start.includes(`${JSON.stringify(f)} :`));
}

export function formatProblem(p: BenchProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}
