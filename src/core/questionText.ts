// Splits pasted text into a question and its options: trailing lines "A. …", "B) …" or "(C) …"
// become options, everything before them is the question.
import type { Question } from './prompt';

const OPTION_LINE = /^\s*\(?([A-Z])[.):]\s+(\S.*)$/;

export function splitQuestion(text: string): Question {
  const lines = text.replace(/\r\n?/g, '\n').trimEnd().split('\n');
  let first = lines.length;
  // Options are a run of consecutive letters A, B, C… at the end of the text.
  while (first > 0 && OPTION_LINE.test(lines[first - 1]!)) first--;
  const optionLines = lines.slice(first).map((l) => OPTION_LINE.exec(l)!);
  const inOrder = optionLines.length >= 2 && optionLines.every((m, i) => m[1] === String.fromCharCode(65 + i));
  if (!inOrder || first === 0) return { question: text.trim() };
  const options = Object.fromEntries(optionLines.map((m) => [m[1]!, m[2]!.trim()]));
  return { question: lines.slice(0, first).join('\n').trim(), options };
}
