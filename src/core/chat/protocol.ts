// The chat protocol: how the m1 reference evaluates its baselines (src/eval/inference_keep_think.py
// with force_think False; exp/250318-eval-baseline_llm/qwen_w_wo_cot.makefile,
// exp/250318-eval-medical_llm/template.makefile). The model's own chat template around one user
// message (question, option lines, the suffix), no think marker, no budget forcing, 2,048 new
// tokens, and the same scorer on the whole output.
import type { ChatMessage } from '../backends/backend';
import { emptyResult, endEvent, finishRun, runEngine, type EngineEvent, type EngineOptions, type EngineResult, type EngineSettings } from '../engine';
import { M1Error } from '../errors';
import { BOXED_SUFFIX, userQuery, type Question } from '../prompt';
import { reasoningStream } from './reasoning';

/** `m1`: budget forcing on m1's raw prompt. `chat`: the reference's baseline protocol. */
export type Protocol = 'm1' | 'chat';

/** The "CoT" variant's suffix (qwen_w_wo_cot.makefile, eval_baseline_llm-only_inference-cot). */
export const COT_SUFFIX = `Let's think step by step. ${BOXED_SUFFIX}`;
/** base.yaml `max_new_tokens`, which the baseline makefiles keep. */
export const CHAT_MAX_NEW_TOKENS = 2048;

export const isChat = (s: Pick<EngineSettings, 'protocol'>) => s.protocol === 'chat';

/**
 * Settings of a chat run: `budget` holds the cap on new tokens, no Wait rounds; the answer cap is
 * kept (run files require one) but unused, as there is no separate answer phase.
 */
export function chatSettings(s: EngineSettings, o: { cot: boolean; maxTokens?: number }): EngineSettings {
  return { ...s, protocol: 'chat', cot: o.cot, budget: o.maxTokens ?? CHAT_MAX_NEW_TOKENS, waitRounds: 0 };
}

/** The one user message: `{question}\n{option_str}\n` and the suffix, as `query_prompt.format_map` builds it. */
export function chatMessages(q: Question, cot: boolean): ChatMessage[] {
  return [{ role: 'user', content: userQuery(q, cot ? COT_SUFFIX : BOXED_SUFFIX) }];
}

/** "chat", "chat, CoT" or "m1": the protocol in labels. */
export function protocolLabel(s: Pick<EngineSettings, 'protocol' | 'cot'>): string {
  return isChat(s) ? `chat${s.cot ? ', CoT' : ''}` : 'm1';
}

/**
 * Asks a question under the chat protocol, streaming a reasoning section as think events and the
 * rest as answer events. The result's answer and responseText are the whole output (the
 * reference scores it whole, and run files keep it); the split is for display (./reasoning.ts).
 */
export async function* runChat(question: Question, opts: EngineOptions): AsyncGenerator<EngineEvent> {
  const { backend, settings, signal } = opts;
  const messages = chatMessages(question, settings.cot === true);
  const prompt = messages[0]!.content;
  const result = emptyResult(prompt);
  // The template adds a few tokens around the message; the prompt's UTF-8 size bounds its tokens.
  const contextTokens = Buffer.byteLength(prompt, 'utf8') + 256 + settings.budget;
  yield { type: 'start', prompt, contextTokens };
  const started = Date.now();
  try {
    if (!backend.chat) throw new M1Error('bad-input', `${backend.label} cannot run the chat protocol.`);
    const request = { model: settings.model, messages, maxTokens: settings.budget, temperature: settings.temperature, seed: settings.seed, contextTokens, ...(signal ? { signal } : {}) };
    // The reasoning section streams as the thought, the rest as the answer (display only).
    const split = reasoningStream();
    let answering = false;
    const shown = function* (parts: { thought: string; answer: string }): Generator<EngineEvent> {
      if (parts.thought) yield { type: 'think', round: 0, text: parts.thought };
      if (parts.answer && !answering) {
        answering = true;
        yield { type: 'answer-start', marker: '' };
      }
      if (parts.answer) yield { type: 'answer', text: parts.answer };
    };
    for await (const ev of backend.chat(request)) {
      if (ev.type === 'text') {
        result.answer += ev.text;
        yield* shown(split(ev.text));
      } else {
        yield* shown(split('', true));
        result.tokens.answer = ev.textTokens ?? ev.evalCount;
        result.finish.answer = ev.finishReason;
        result.budgetHit = ev.finishReason === 'length';
        result.timing.evalNs += ev.evalDurationNs ?? 0;
        if (ev.numCtx !== undefined) result.numCtx = ev.numCtx;
        if (ev.estimatedCount) result.tokensEstimated = true;
        if (ev.promptEvalCount !== undefined) result.tokens.prompt = ev.promptEvalCount;
      }
    }
    result.timing.answerMs = Date.now() - started;
    result.responseText = result.answer;
    yield { type: 'done', result };
  } catch (e) {
    result.responseText = result.answer;
    yield endEvent(e, result, signal);
  }
}

/** Asks under the settings' protocol, streaming its events. */
export function runModel(question: Question, opts: EngineOptions): AsyncGenerator<EngineEvent> {
  return isChat(opts.settings) ? runChat(question, opts) : runEngine(question, opts);
}

/** Asks under the settings' protocol, to the end: the result, or the error thrown (cancel included). */
export function askModel(question: Question, opts: EngineOptions, onEvent?: (ev: EngineEvent) => void): Promise<EngineResult> {
  return finishRun(runModel(question, opts), onEvent);
}
