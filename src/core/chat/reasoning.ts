// Reasoning sections in a chat model's output, shown as the thought: a `<think>…</think>` block
// (DeepSeek-R1 distills, QwQ; the opening tag may sit in the chat template, so the output starts
// inside the block) and HuatuoGPT-o1's `## Thinking` / `## Final Response`. Scoring never uses this
// split: the reference scores the whole output.
import type { RecordRound } from '../bench/runFile';

export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';
const HUATUO_THINKING = '## Thinking';
const HUATUO_FINAL = '## Final Response';

export interface ReasoningSplit {
  /** The reasoning section's text; absent when the output has none. */
  thought?: string;
  /** What follows it (the whole output when there is no reasoning section). */
  answer: string;
  /** The reasoning section has not ended (still streaming, or cut by the token cap). */
  open?: boolean;
}

/** Splits an output, complete or streamed so far, into its reasoning section and the answer. */
export function splitReasoning(output: string): ReasoningSplit {
  const close = output.indexOf(THINK_CLOSE);
  const openAt = output.indexOf(THINK_OPEN);
  if (close >= 0) {
    const start = openAt >= 0 && openAt < close ? openAt + THINK_OPEN.length : 0;
    return { thought: output.slice(start, close).trim(), answer: output.slice(close + THINK_CLOSE.length).trim() };
  }
  if (openAt >= 0 && !output.slice(0, openAt).trim()) return { thought: output.slice(openAt + THINK_OPEN.length).trim(), answer: '', open: true };
  const thinking = output.indexOf(HUATUO_THINKING);
  if (thinking >= 0 && !output.slice(0, thinking).trim()) {
    const body = output.slice(thinking + HUATUO_THINKING.length);
    // The scorer reads what follows the last "## Final Response" (score.ts matchChoice); so does this.
    const final = body.lastIndexOf(HUATUO_FINAL);
    if (final < 0) return { thought: body.trim(), answer: '', open: true };
    return { thought: body.slice(0, final).trim(), answer: body.slice(final + HUATUO_FINAL.length).trim() };
  }
  return { answer: output };
}

/** How much of `text`'s end could be the start of `marker` (held back while streaming). */
function partialSuffix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) if (text.endsWith(marker.slice(0, n))) return n;
  return 0;
}

/**
 * Splits an output as it streams: each call takes the next chunk and returns the thought and
 * answer text that is new since the last call. Text that may still become a marker is held back
 * until it is decided. An output that does not open with a reasoning section streams as the
 * answer (a `</think>` whose opening tag was in the template is split only at the end, by
 * splitReasoning).
 */
export function reasoningStream(): (chunk: string, done?: boolean) => { thought: string; answer: string } {
  let all = '';
  let thought = '';
  let answer = '';
  let plain = false;
  return (chunk, done = false) => {
    all += chunk;
    if (plain) return { thought: '', answer: chunk };
    const head = all.trimStart();
    if (!done && (!head || THINK_OPEN.startsWith(head) || HUATUO_THINKING.startsWith(head))) return { thought: '', answer: '' };
    const split = splitReasoning(all);
    if (split.thought === undefined) {
      plain = true;
      return { thought: '', answer: all };
    }
    let nextThought = split.thought;
    // Trailing whitespace too: the finished thought is trimmed.
    if (!done && split.open) nextThought = nextThought.slice(0, nextThought.length - Math.max(partialSuffix(nextThought, THINK_CLOSE), partialSuffix(nextThought, HUATUO_FINAL))).trimEnd();
    const out = { thought: '', answer: '' };
    if (nextThought.startsWith(thought)) {
      out.thought = nextThought.slice(thought.length);
      thought = nextThought;
    }
    const nextAnswer = split.open ? '' : split.answer;
    if (nextAnswer.startsWith(answer)) {
      out.answer = nextAnswer.slice(answer.length);
      answer = nextAnswer;
    }
    return out;
  };
}

/**
 * Joins a stream whose server returns the reasoning apart from the content (Ollama's
 * `message.thinking`, vLLM's `reasoning_content`) into one text, the reasoning inside
 * `<think>…</think>`, so that it reads as the model's whole output. Call with `done` on the last
 * part to close a section the stream ended in.
 */
export function thinkJoiner(): (thinking: string | undefined, content: string | undefined, done?: boolean) => string {
  let state: 'before' | 'thinking' | 'after' = 'before';
  let last = '';
  return (thinking, content, done) => {
    let out = '';
    if (thinking) {
      if (state === 'before') out += `${THINK_OPEN}\n`;
      if (state !== 'after') state = 'thinking';
      out += thinking;
      last = thinking;
    }
    if (content || done) {
      // Ollama's parser keeps the thinking's trailing newline and eats the whitespace after the tag.
      if (state === 'thinking') out += `${last.endsWith('\n') ? '' : '\n'}${THINK_CLOSE}\n\n`;
      state = 'after';
      out += content ?? '';
    }
    return out;
  };
}

/**
 * A run record as the views show it: a chat run's reasoning section as its one round of thought
 * and the rest as the answer. m1 records, and outputs with no reasoning section, stay as they are.
 */
export function shownRecord<R extends { rounds: RecordRound[]; response: string }>(r: R): R {
  if (r.rounds.length) return r;
  const split = splitReasoning(r.response);
  if (split.thought === undefined) return r;
  return { ...r, rounds: [{ think: split.thought, waitInjected: null }], response: split.answer };
}
