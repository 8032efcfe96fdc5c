// Probing a real server and model instead of guessing from its version: one tiny generation from a
// thought the model has just finished, which it closes with its own answer marker. Where the
// marker's control token stops generation, budget forcing's think stop works; where the text goes
// on with "answer", the server hides control tokens (Ollama's llama-server, vLLM without
// skip_special_tokens: false) and thoughts can run into the model's own answer.
import { buildPrompt, STOP_STRINGS } from '../prompt';
import type { Backend } from './backend';

export const PROBE_QUESTION = { question: 'Is 2 + 2 equal to 4?', options: { A: 'yes', B: 'no' } };
/** A finished thought: the next thing an m1 model writes is `<|im_start|>answer`. */
export const PROBE_THOUGHT = 'Two plus two is four, so the statement is true and the answer is A.\n';

export interface ThinkStopFinding {
  /** `exact`: `<|im_start|>` stopped generation; `runs-on`: it came out as empty text; `unknown`: the model kept thinking. */
  thinkStop: 'exact' | 'runs-on' | 'unknown';
  /** In plain words, with what the server returned. */
  detail: string;
}

/** `contextTokens`: the context of the run that asks, so the probe does not load a model that the run then reloads. */
export async function probeThinkStop(backend: Backend, model: string, signal?: AbortSignal, contextTokens?: number): Promise<ThinkStopFinding> {
  let text = '';
  let finish = '';
  const request = { model, prompt: buildPrompt(PROBE_QUESTION) + PROBE_THOUGHT, maxTokens: 24, stop: STOP_STRINGS, temperature: 0, seed: 42 };
  for await (const ev of backend.generate({ ...request, ...(signal ? { signal } : {}), ...(contextTokens ? { contextTokens } : {}) })) {
    if (ev.type === 'text') text += ev.text;
    else finish = ev.finishReason;
  }
  const shown = JSON.stringify(text.slice(0, 60));
  if (/^\s*answer\b/.test(text)) {
    return { thinkStop: 'runs-on', detail: `The model closed its thought, but <|im_start|> did not stop generation: the server returned ${shown}. Thoughts can run on into the model's own answer on this server.` };
  }
  if (finish === 'stop' && text.trim() === '') {
    return { thinkStop: 'exact', detail: 'The model closed its thought with <|im_start|> and generation stopped there, as budget forcing needs.' };
  }
  return { thinkStop: 'unknown', detail: `The model did not close its thought where expected (it returned ${shown}, finish ${finish || 'none'}), so the think stop could not be checked.` };
}
