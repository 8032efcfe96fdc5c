// Answer extraction and choice matching as the m1 reference scorer does them (M1-PROTOCOL.md,
// "Scoring"), including its quirks, so accuracies are comparable with the paper's.
import { SequenceMatcher } from 'difflib';
import { optionString } from './prompt';

/** Python's `\W` on str patterns: not a Unicode letter, number or underscore. */
const NOT_W = '[^\\p{L}\\p{N}_]';
const CJK = '[\\u4e00-\\u9fff]';
const CHOICE_LETTERS = 'ABCDEFGHIJKLMN';

/** The last `\boxed{...}` (or `\fbox{...}`) with balanced braces; the whole text when there is none. */
export function lastBoxed(text: string): string {
  let idx = text.lastIndexOf('\\boxed');
  if (idx < 0) {
    idx = text.lastIndexOf('\\fbox');
    if (idx < 0) return text;
  }
  let depth = 0;
  for (let i = idx; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return text.slice(idx, i + 1);
    }
  }
  return text;
}

/** Strips `left{` … `}` when the text is exactly that, keeping what follows the last `=`. */
export function unwrap(text: string, left = '\\boxed'): string {
  const open = `${left}{`;
  if (!text.startsWith(open) || !text.endsWith('}')) return text;
  let inner = text.slice(open.length, -1);
  if (inner.includes('=')) inner = inner.slice(inner.lastIndexOf('=') + 1).replace(/^ +/, '');
  return inner;
}

/**
 * The answer as the reference extracts it: unwrap the last box, then an enclosing `\text{}`.
 * (The `\fbox` case is found but not unwrapped there; choice matching still reads its letter.)
 */
export function extractAnswer(responseText: string): string {
  const boxed = unwrap(lastBoxed(responseText));
  return unwrap(lastBoxed(boxed), '\\text');
}

/** Parses `"A. text"` lines the way the reference does (split once on ". "; other lines skipped). */
export function parseOptionString(optionStr: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const line of optionStr.split('\n')) {
    const trimmed = line.trim();
    const dot = trimmed.indexOf('. ');
    if (dot < 0) continue;
    options.set(trimmed.slice(0, dot), trimmed.slice(dot + 2));
  }
  return options;
}

/** Python's `difflib.SequenceMatcher(None, a, b).ratio()`. */
export function similarity(a: string, b: string): number {
  return new SequenceMatcher(null, a, b).ratio();
}

/**
 * HuatuoGPT-o1's choice matcher as m1 uses it (last match wins): `answer is X`, else the last
 * standalone option letter, else the option whose text occurs last, else the most similar option.
 * Returns undefined only when there are no options to choose from.
 */
export function matchChoice(text: string, optionStr: string): string | undefined {
  const options = parseOptionString(optionStr);
  if (options.size === 0) return undefined;
  const finalMarker = '## Final Response\n\n';
  if (text.includes(finalMarker)) text = text.slice(text.lastIndexOf(finalMarker) + finalMarker.length);

  const strict = lastMatch(text, /(answer is\s*?)([A-N])/gsu);
  if (strict) return strict;

  const letters = CHOICE_LETTERS.slice(0, options.size);
  const before = `(${CJK}|is |是|项|\\*|${NOT_W}| |\\(|为|^|'|"|#)`;
  const loose = new RegExp(`${before}(?![aA] )([${letters}])(${NOT_W}|${CJK}|$)`, 'gsu');
  const letter = lastMatch(text, loose);
  if (letter) return letter;

  const lower = text.toLowerCase();
  let best: { letter: string; at: number } | undefined;
  for (const [opt, optText] of options) {
    const at = lower.lastIndexOf(optText.toLowerCase());
    // Ties keep the earlier option, as Python's stable sort does.
    if (at >= 0 && (!best || at > best.at)) best = { letter: opt, at };
  }
  if (best) return best.letter;

  let bestIndex = 0;
  let highest = 0;
  [...options.values()].forEach((optText, i) => {
    const r = similarity(optText.toLowerCase(), lower);
    if (r >= highest) {
      bestIndex = i;
      highest = r;
    }
  });
  return [...options.keys()][bestIndex];
}

function lastMatch(text: string, re: RegExp): string | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(re)) last = m[2];
  return last;
}

export interface Gold {
  options: Readonly<Record<string, string>>;
  /** Gold letter. */
  answerIdx: string;
  /** Gold option text. */
  answer: string;
}

export interface Score {
  extracted: string;
  /** The option letter the answer picks (undefined for a question without options). */
  choice?: string;
  correct: boolean;
  /** Which rule decided: an exact match of the extraction, or the choice matcher. */
  rule: 'exact-text' | 'letter-text' | 'letter' | 'choice';
}

const pyLen = (s: string) => [...s].length;

/** Scores a response (answer marker + answer text) against the gold answer. */
export function scoreResponse(responseText: string, gold: Gold): Score {
  const extracted = extractAnswer(responseText);
  const e = extracted.toLowerCase();
  if (e === gold.answer.toLowerCase()) return { extracted, choice: gold.answerIdx, correct: true, rule: 'exact-text' };
  if (e === `${gold.answerIdx}. ${gold.answer}`.toLowerCase()) return { extracted, choice: gold.answerIdx, correct: true, rule: 'letter-text' };
  if (pyLen(extracted) === 1 && e === gold.answerIdx.toLowerCase()) return { extracted, choice: gold.answerIdx, correct: true, rule: 'letter' };
  const choice = matchChoice(extracted, optionString(gold.options));
  const correct = choice !== undefined && choice.toLowerCase() === gold.answerIdx.toLowerCase();
  return { extracted, ...(choice !== undefined ? { choice } : {}), correct, rule: 'choice' };
}

/** The choice of an answer when no gold answer is known (side panel, CLI). */
export function readChoice(responseText: string, options: Readonly<Record<string, string>> | undefined): { extracted: string; choice?: string } {
  const extracted = extractAnswer(responseText);
  const choice = options && Object.keys(options).length ? matchChoice(extracted, optionString(options)) : undefined;
  return { extracted, ...(choice !== undefined ? { choice } : {}) };
}
