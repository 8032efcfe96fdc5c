// What the fake servers need for chat requests: the model's chat template applied server-side, and
// Ollama's split of a thinking model's output into `thinking` and `content`.

/** Qwen2.5's default system turn: the reference renders the tokenizer's chat template around one
 * user message (UCSC-VLAA/m1 src/eval/inference_keep_think.py call_model, template.render with
 * add_generation_prompt), and that template adds this turn when there is no system message; m1's
 * own raw prompt (src/core/prompt.ts) starts with the same turn for that reason. */
const QWEN_DEFAULT_SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';

export interface ChatMessage {
  role: string;
  content: string;
}

/**
 * A Qwen2.5-style ChatML template: the messages, a default system turn when none is given, and
 * the generation prompt. Ollama renders the model's template over the messages (ollama/ollama
 * server/prompt.go chatPrompt; template/chatml.gotmpl is the same turn layout).
 */
export function renderChatTemplate(messages: readonly ChatMessage[]): string {
  const turns = messages[0]?.role === 'system' ? messages : [{ role: 'system', content: QWEN_DEFAULT_SYSTEM }, ...messages];
  return `${turns.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('')}<|im_start|>assistant\n`;
}

/**
 * Ollama's thinking parser (ollama/ollama thinking/parser.go Parser.AddContent / eat): text
 * between `<think>` and `</think>` is returned as thinking, the whitespace after each tag is eaten,
 * and an output that does not start with the opening tag is all content. Feed it each streamed
 * piece; it returns [thinking, content].
 */
export function thinkingParser(open = '<think>', close = '</think>'): (piece: string) => [string, string] {
  type State = 'looking' | 'startedEatingWhitespace' | 'thinking' | 'doneEatingWhitespace' | 'done';
  let state: State = 'looking';
  let acc = '';
  const overlap = (s: string) => {
    for (let i = Math.min(close.length, s.length); i > 0; i--) if (s.endsWith(close.slice(0, i))) return i;
    return 0;
  };
  const eat = (): [string, string, boolean] => {
    switch (state) {
      case 'looking': {
        const trimmed = acc.trimStart();
        if (trimmed.startsWith(open)) {
          const after = trimmed.slice(open.length).trimStart();
          acc = after;
          state = after ? 'thinking' : 'startedEatingWhitespace';
          return ['', '', true];
        }
        if (open.startsWith(trimmed)) return ['', '', false];
        state = 'done';
        const all = acc;
        acc = '';
        return ['', all, false];
      }
      case 'startedEatingWhitespace': {
        const trimmed = acc.trimStart();
        acc = '';
        if (!trimmed) return ['', '', false];
        state = 'thinking';
        acc = trimmed;
        return ['', '', true];
      }
      case 'thinking': {
        const at = acc.indexOf(close);
        if (at >= 0) {
          const thinking = acc.slice(0, at);
          const remaining = acc.slice(at + close.length).trimStart();
          acc = '';
          state = remaining ? 'done' : 'doneEatingWhitespace';
          return [thinking, remaining, false];
        }
        const n = overlap(acc);
        const thinking = acc.slice(0, acc.length - n);
        acc = acc.slice(acc.length - n);
        return [thinking, '', false];
      }
      case 'doneEatingWhitespace': {
        const trimmed = acc.trimStart();
        acc = '';
        if (trimmed) state = 'done';
        return ['', trimmed, false];
      }
      case 'done': {
        const all = acc;
        acc = '';
        return ['', all, false];
      }
    }
  };
  return (piece) => {
    acc += piece;
    let thinking = '';
    let content = '';
    for (let again = true; again; ) {
      const [t, c, more] = eat();
      thinking += t;
      content += c;
      again = more;
    }
    return [thinking, content];
  };
}
