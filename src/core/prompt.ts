// The exact raw prompt of the m1 reference evaluation (Qwen2.5 ChatML with m1's think/answer
// markers). Byte-exactness matters: a different prompt gives numbers that are not comparable to
// the paper's.

export const SYSTEM_PROMPT = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';
export const BOXED_SUFFIX = 'Return your final response within \\boxed{}.';
export const THINK_MARKER = '<|im_start|>think\n';
export const ANSWER_MARKER = '<|im_start|>answer';
/** Used instead of ANSWER_MARKER when the budget cut the thought. */
export const CUT_ANSWER_MARKER = '<|im_start|>answer\nFinal Answer:';
export const STOP_STRINGS: readonly string[] = ['<|im_end|>', '<|im_start|>'];
export const OPTION_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface Question {
  question: string;
  /** Option letter → option text, in display order. Empty or absent for free-text questions. */
  options?: Readonly<Record<string, string>>;
}

/** `"A. text"` lines joined by `\n`, in the options' own order. */
export function optionString(options: Readonly<Record<string, string>> | undefined): string {
  if (!options) return '';
  return Object.entries(options)
    .map(([letter, text]) => `${letter}. ${text}`)
    .join('\n');
}

/** The user turn: question, option lines, and the `\boxed{}` instruction (or another suffix). */
export function userQuery(q: Question, suffix = BOXED_SUFFIX): string {
  const options = optionString(q.options);
  // The reference formats "{question}\n{option_str}" even when option_str is empty; free-text
  // questions in the panel have no options, so they skip that empty line.
  const body = options ? `${q.question}\n${options}` : q.question;
  return `${body}\n${suffix}`;
}

/** The full raw prompt, ending with the think marker so the model starts its thought. */
export function buildPrompt(q: Question): string {
  return (
    `<|im_start|>system\n${SYSTEM_PROMPT}<|im_end|>\n` +
    `<|im_start|>user\n${userQuery(q)}<|im_end|>\n` +
    `<|im_start|>assistant\n${THINK_MARKER}`
  );
}

/** Options from a list (`["x", "y"]` → `{A: "x", B: "y"}`). */
export function lettered(texts: readonly string[]): Record<string, string> {
  if (texts.length > OPTION_LETTERS.length) {
    throw new Error(`At most ${OPTION_LETTERS.length} options are supported, got ${texts.length}`);
  }
  return Object.fromEntries(texts.map((t, i) => [OPTION_LETTERS[i]!, t]));
}
