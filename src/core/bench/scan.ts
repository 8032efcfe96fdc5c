// Linear-time positions for benchmark files: a line-start table (offset → line in O(log n)), and a
// scanner that cuts an m1/HuatuoGPT JSON file into its items' spans without building a tree of
// the whole file. The items are then parsed one at a time, so a change re-parses only the items
// it touched, and no nesting reaches a recursive parser deeper than MAX_DEPTH.

/** Offsets where each line starts (line 1 at index 0). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset, by binary search in a line-start table. */
export function lineColAt(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** Deeper nesting than any benchmark item needs; beyond it an item is reported, not parsed. */
const MAX_DEPTH = 256;

export interface ItemSpan {
  /** The group key (the reference's source), or "normal" for a top-level array. */
  source: string;
  /** Position within its group, from 0. */
  index: number;
  start: number;
  /** Exclusive. */
  end: number;
  /** Set when the item cannot be parsed safely (nested too deep); it is reported, not parsed. */
  problem?: string;
}

export interface ScanProblem {
  offset: number;
  length: number;
  message: string;
  field?: string;
}

export interface JsonScan {
  items: ItemSpan[];
  /** Problems of the file's structure outside the items; the scan stops at a malformed one. */
  problems: ScanProblem[];
}

/** The reference names the items of a top-level array "normal" (m1 src/eval/inference_keep_think.py, load_huatuo_eval_data). */
const ARRAY_SOURCE = 'normal';

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
const QUOTE = 0x22;

class Malformed extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Index just past the string opening at `at`; a line break before its end leaves it unterminated. */
function skipString(text: string, at: number): number {
  for (let j = at + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === QUOTE) return j + 1;
    else if (c === 0x0a || c === 0x0d) break;
  }
  throw new Malformed(at, 'unterminated string');
}

/** Index just past the value starting at `at`; `problem` notes nesting too deep to parse. */
function skipValue(text: string, at: number): { end: number; problem?: string } {
  const c = text.charCodeAt(at);
  if (c === QUOTE) return { end: skipString(text, at) };
  if (c !== 0x7b && c !== 0x5b) {
    let j = at;
    while (j < text.length && !isSpace(text.charCodeAt(j)) && !',]}'.includes(text[j]!)) j++;
    if (j === at) throw new Malformed(at, 'value expected');
    return { end: j };
  }
  let depth = 0;
  let deepest = 0;
  for (let j = at; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === QUOTE) j = skipString(text, j) - 1;
    else if (d === 0x7b || d === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (d === 0x7d || d === 0x5d) {
      depth--;
      if (depth === 0) return deepest > MAX_DEPTH ? { end: j + 1, problem: `nested deeper than ${MAX_DEPTH} levels` } : { end: j + 1 };
    }
  }
  throw new Malformed(at, `unclosed ${text[at]}`);
}

/** Where one item starting at `at` ends, or undefined when it is not well formed there. */
export function itemEnd(text: string, at: number): { end: number; problem?: string } | undefined {
  try {
    return skipValue(text, at);
  } catch (e) {
    if (e instanceof Malformed) return undefined;
    throw e;
  }
}

function parseKey(quoted: string, at: number): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    throw new Malformed(at, 'invalid property name');
  }
}

/**
 * Cuts a benchmark JSON file (an object of source → items, or an array of items) into item spans.
 * Iterative and linear in the text: items are skipped by counting brackets outside strings, so
 * neither deep nesting nor a long single line can stall or overflow it.
 */
export function scanJsonItems(text: string): JsonScan {
  const out: JsonScan = { items: [], problems: [] };
  let i = 0;
  const ws = () => {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  };
  const expect = (c: string, what: string) => {
    ws();
    if (text[i] !== c) throw new Malformed(i, i >= text.length ? `end of file where ${what} was expected` : `${what} expected`);
    i++;
  };
  const items = (source: string) => {
    i++; // [
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (let index = 0; ; index++) {
      ws();
      if (i >= text.length) throw new Malformed(i, 'end of file inside a list of items');
      const start = i;
      const v = skipValue(text, start);
      i = v.end;
      out.items.push({ source, index, start, end: i, ...(v.problem ? { problem: v.problem } : {}) });
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      expect(',', 'comma or ]');
    }
  };
  try {
    ws();
    if (text[i] === '[') items(ARRAY_SOURCE);
    else if (text[i] === '{') {
      i++;
      ws();
      if (text[i] === '}') i++;
      else
        for (;;) {
          ws();
          if (text.charCodeAt(i) !== QUOTE) throw new Malformed(i, 'property name expected');
          const keyAt = i;
          i = skipString(text, i);
          const source = parseKey(text.slice(keyAt, i), keyAt);
          expect(':', 'colon');
          ws();
          if (text[i] === '[') items(source);
          else {
            out.problems.push({ offset: keyAt, length: i - keyAt, field: source, message: `source "${source}" must be a list of items` });
            i = skipValue(text, i).end;
          }
          ws();
          if (text[i] === '}') {
            i++;
            break;
          }
          expect(',', 'comma or }');
        }
    } else throw new Malformed(i, 'expected an object of source → items, or an array of items');
    ws();
    if (i < text.length) throw new Malformed(i, 'end of file expected');
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    out.problems.push({ offset: e.offset, length: 1, message: `malformed JSON: ${e.message}` });
  }
  return out;
}
