// Benchmark files: m1/HuatuoGPT JSON (source → items, or an array), JSONL (one item a line) and
// CSV, read into items with their position; a problem names the file, line, column and field and
// does not stop the other items.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { OPTION_LETTERS, lettered } from '../prompt';
import { lineColAt, lineStarts, scanJsonItems } from './scan';

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
  // Questions, letters and options stripped as the reference's data builder strips them, so the
  // prompt is the reference's byte for byte (m1 src/collect_eval_data/collect_eval_data.py, strip_string).
  if (Array.isArray(o?.value) && o.value.every((x) => typeof x === 'string')) {
    if (o.value.length > OPTION_LETTERS.length) return problem(`more than ${OPTION_LETTERS.length} options`, o.name);
    options = lettered((o.value as string[]).map((x) => x.trim()));
  } else if (o && typeof o.value === 'object' && o.value !== null && Object.values(o.value).every((x) => typeof x === 'string')) {
    options = Object.fromEntries(Object.entries(o.value as Record<string, string>).map(([l, x]) => [l.trim(), x.trim()]));
  } else {
    return problem('missing options (an object A, B… or a list)', fields.options[0]);
  }
  if (Object.keys(options).length < 2) return problem('fewer than two options', o.name);
  const idx = pick(obj, fields.answerIdx);
  const ans = pick(obj, fields.answer);
  let answerIdx = typeof idx?.value === 'string' ? idx.value.trim().toUpperCase() : undefined;
  let answer = typeof ans?.value === 'string' ? ans.value.trim() : undefined;
  // "answer" may hold the letter itself.
  if (!answerIdx && answer && /^[A-Z]$/i.test(answer.trim()) && options[answer.trim().toUpperCase()] !== undefined) {
    answerIdx = answer.trim().toUpperCase();
    answer = undefined;
  }
  if (answerIdx !== undefined && options[answerIdx] === undefined) return problem(`answer letter "${answerIdx}" is not among the options (${Object.keys(options).join(', ')})`, idx?.name ?? ans?.name);
  if (answerIdx && answer === undefined) answer = options[answerIdx];
  const id = pick(obj, fields.id);
  return {
    // The caller's source: a JSON file's group key, as the reference sets it over an item's own
    // (m1 src/eval/inference_keep_think.py, load_huatuo_eval_data); a JSONL/CSV item's source field.
    source: at.source,
    index: at.index,
    ...(typeof id?.value === 'string' || typeof id?.value === 'number' ? { id: String(id.value) } : {}),
    question: q.value.trim(),
    options,
    ...(answerIdx ? { answerIdx } : {}),
    ...(answer !== undefined ? { answer } : {}),
    line: at.line,
  };
}

const isProblem = (x: BenchItem | BenchProblem): x is BenchProblem => 'message' in x;

/** A JSON item's text parsed, or where and why it is not JSON (offset within the text). */
function parseJsonText(text: string): { value: unknown } | { offset: number; message: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    // The native parser is fast but vague; jsonc-parser says where and what.
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
    const e = errors[0];
    return { offset: e?.offset ?? 0, message: `malformed JSON: ${e ? printParseErrorCode(e.error) : 'not JSON'}` };
  }
}

/**
 * m1/HuatuoGPT JSON: the file is cut into item spans (linear, see scan.ts) and each item parsed on
 * its own, so a malformed item is reported and the others still load.
 */
export function parseJsonBench(text: string, file: string, fields = DEFAULT_FIELDS): ParsedBench {
  const starts = lineStarts(text);
  const at = (offset: number) => lineColAt(starts, offset);
  const scan = scanJsonItems(text);
  const out: ParsedBench = { items: [], problems: scan.problems.map((p) => ({ file, ...at(p.offset), ...(p.field !== undefined ? { field: p.field } : {}), message: p.message })) };
  for (const span of scan.items) {
    const where = at(span.start);
    if (span.problem) {
      out.problems.push({ file, ...where, message: span.problem });
      continue;
    }
    const parsed = parseJsonText(text.slice(span.start, span.end));
    if ('message' in parsed) {
      out.problems.push({ file, ...at(span.start + parsed.offset), message: parsed.message });
      continue;
    }
    const r = toItem(parsed.value, { file, line: where.line, source: span.source, index: span.index }, fields);
    if (isProblem(r)) out.problems.push({ ...r, column: where.column });
    else out.items.push(r);
  }
  out.problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
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
  // Parsed as bytes so each record's end (info.bytes) places it exactly, whatever its line breaks
  // (CRLF, quoted ones, empty lines between records).
  const bytes = Buffer.from(text, 'utf8');
  let rows: Array<{ record: string[]; info: { bytes: number } }>;
  try {
    rows = parseCsv(bytes, { skip_empty_lines: true, info: true, bom: true, relax_column_count: false }) as unknown as typeof rows;
  } catch (e) {
    const err = e as { lines?: number; code?: string; message: string };
    const open = err.code === 'CSV_QUOTE_NOT_CLOSED' ? unclosedQuote(text) : undefined;
    const line = open !== undefined ? lineColAt(lineStarts(text), open).line : (err.lines ?? 1);
    return { items: [], problems: [{ file, line, column: 1, message: `malformed CSV: ${open !== undefined ? `a quote opened on line ${line} is never closed` : err.message}` }] };
  }
  const newlines: number[] = [];
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) newlines.push(i);
  /** 1-based line of the first byte at or after `at` that is not a line break. */
  const lineFrom = (at: number) => {
    while (bytes[at] === 10 || bytes[at] === 13) at++;
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid]! < at) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const [header, ...records] = rows;
  const columns = (header?.record ?? []).map((c) => c.trim());
  const { out, add } = collector(file, fields);
  let end = header?.info.bytes ?? 0;
  for (const { record: cells, info } of records) {
    const line = lineFrom(end);
    end = info.bytes;
    const record = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
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

/** Where the quote that is never closed opens (RFC 4180: a quote opens a field at its start; "" is a quote). */
function unclosedQuote(text: string): number | undefined {
  let open: number | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (open !== undefined) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else open = undefined;
      }
    } else if (c === '"' && (i === 0 || ',\r\n\uFEFF'.includes(text[i - 1]!))) open = i;
  }
  return open;
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
