// Budget forcing as in the m1 reference evaluation (M1-PROTOCOL.md): think up to a token budget,
// append "Wait" when the thought stops early, end the thought with the marker its finish reason
// calls for, then answer under its own cap. Everything streams as it arrives.
import type { Backend, FinishReason, GenerateEvent, GenerateRequest } from './backends/backend';
import { M1Error, cancelled, isAbortError } from './errors';
import { ANSWER_MARKER, CUT_ANSWER_MARKER, STOP_STRINGS, buildPrompt, type Question } from './prompt';

export const WAIT_WORD = 'Wait';
/** "Wait" and " Wait" are one token each in Qwen2.5's tokenizer; the reference counts them. */
export const WAIT_TOKENS = 1;

export interface EngineSettings {
  model: string;
  /** Maximum thinking tokens: each round asks for the budget less the thought so far and its own Wait. */
  budget: number;
  /** How many times to append "Wait" when the thought stops before the budget. */
  waitRounds: number;
  answerMaxTokens: number;
  temperature: number;
  seed: number;
  /**
   * Absent: m1's budget forcing. `chat`: the reference's baseline protocol (chat/protocol.ts),
   * where `budget` caps the new tokens and there is no Wait or answer phase.
   */
  protocol?: 'chat';
  /** Chat protocol only: "Let's think step by step." before the \boxed{} instruction. */
  cot?: boolean;
}

export const PAPER_DEFAULTS: Omit<EngineSettings, 'model'> = {
  budget: 4096,
  waitRounds: 0,
  answerMaxTokens: 1024,
  temperature: 0,
  seed: 42,
};

export interface ThinkRound {
  /** Text the model generated in this round. */
  text: string;
  /** Tokens of this round's text (the stop token not counted); 0 for a round that was interrupted. */
  tokens: number;
  /** Absent when the round was interrupted (cancel or error). */
  finishReason?: FinishReason;
  /** The string appended after this round to start the next one (" Wait" or "Wait"). */
  waitInjected?: string;
  /** Lengths of the text's tokens, when asked for and the server reported them exactly (logprobs). */
  tokenLengths?: number[];
}

export interface EngineResult {
  prompt: string;
  rounds: ThinkRound[];
  /** The thought as sent back to the model: rounds, Wait strings and the closing newline. */
  thought: string;
  budgetHit: boolean;
  /** `<|im_start|>answer`, or with `\nFinal Answer:` when the budget cut the thought. */
  answerMarker: string;
  answer: string;
  /** Marker + answer: the text the reference code scores. */
  responseText: string;
  tokens: { think: number; answer: number; prompt?: number };
  /** The server gave no token counts: the counts (and so the budget) are estimates. */
  tokensEstimated?: boolean;
  finish: { think?: FinishReason; answer?: FinishReason };
  /** Context size requested from the server, where the backend sets one. */
  numCtx?: number;
  /** The server's repetition guard ended the thought (then cut, finish `length`) or the answer. */
  repetitionGuard?: 'think' | 'answer';
  timing: { thinkMs: number; answerMs: number; evalNs: number };
  cancelled: boolean;
}

export type EngineEvent =
  | { type: 'start'; prompt: string; contextTokens: number }
  | { type: 'think'; round: number; text: string }
  | { type: 'wait'; round: number; text: string; tokensUsed: number }
  | { type: 'budget-hit'; tokensUsed: number; budget: number }
  | { type: 'answer-start'; marker: string }
  | { type: 'answer'; text: string }
  | { type: 'done'; result: EngineResult }
  | { type: 'error'; error: M1Error; partial: EngineResult };

/** The string that starts the next round: a leading space when the text ends in a space but not a newline. */
export function waitString(thought: string): string {
  return !thought.endsWith('\n') && thought.endsWith(' ') ? ` ${WAIT_WORD}` : WAIT_WORD;
}

/**
 * The finish reason the reference would see: SGLang, its server, reports `length` whenever the
 * call generated its token limit, even when the last token was EOS; other servers say `stop` there.
 */
export function finishAt(done: Pick<Extract<GenerateEvent, { type: 'done' }>, 'finishReason' | 'evalCount'>, maxTokens: number): FinishReason {
  return done.finishReason === 'length' || done.evalCount >= maxTokens ? 'length' : 'stop';
}

/**
 * Tokens the whole exchange can reach: prompt (bounded by its UTF-8 size), the budget, the
 * closing newline and marker, and the answer cap. One value per question, so the server's
 * context is sized once and never reloaded between rounds.
 */
export function contextTokensFor(prompt: string, s: Pick<EngineSettings, 'budget' | 'answerMaxTokens'>): number {
  const bytes = (t: string) => Buffer.byteLength(t, 'utf8');
  return bytes(prompt) + s.budget + bytes(`\n${CUT_ANSWER_MARKER}`) + s.answerMaxTokens;
}

export interface EngineOptions {
  backend: Backend;
  settings: EngineSettings;
  signal?: AbortSignal;
  /**
   * Context for a whole run (its largest item, see runContextTokens): every request of the run then
   * asks for the same num_ctx, and Ollama loads the model once instead of on every change.
   */
  contextTokens?: number;
  /** Ask the server where each thinking round's tokens begin (a sweep cuts smaller budgets there). */
  tokenBoundaries?: boolean;
}

/** One context size for a run or sweep: the largest item's, so the model is loaded once. */
export function runContextTokens(questions: Iterable<Question>, s: Pick<EngineSettings, 'budget' | 'answerMaxTokens'>): number {
  let max = 0;
  for (const q of questions) max = Math.max(max, contextTokensFor(buildPrompt(q), s));
  return max;
}

export async function* runEngine(question: Question | { rawPrompt: string }, opts: EngineOptions): AsyncGenerator<EngineEvent> {
  const { backend, settings, signal } = opts;
  const prompt = 'rawPrompt' in question ? question.rawPrompt : buildPrompt(question);
  const contextTokens = Math.max(opts.contextTokens ?? 0, contextTokensFor(prompt, settings));
  const result = emptyResult(prompt);
  const request = (p: string, maxTokens: number, tokenBoundaries = false): GenerateRequest => ({
    model: settings.model,
    prompt: p,
    maxTokens,
    stop: STOP_STRINGS,
    temperature: settings.temperature,
    seed: settings.seed,
    contextTokens,
    ...(tokenBoundaries ? { tokenBoundaries } : {}),
    ...(signal ? { signal } : {}),
  });
  const noteDone = (done: Extract<GenerateEvent, { type: 'done' }>) => {
    result.timing.evalNs += done.evalDurationNs ?? 0;
    if (done.numCtx !== undefined) result.numCtx = done.numCtx;
    if (done.estimatedCount) result.tokensEstimated = true;
    if (result.tokens.prompt === undefined && done.promptEvalCount !== undefined) result.tokens.prompt = done.promptEvalCount;
  };

  yield { type: 'start', prompt, contextTokens };
  let phase: 'think' | 'answer' = 'think';
  let pending = ''; // text of the round in progress, kept if the round is interrupted
  const started = Date.now();
  try {
    if (settings.budget < 1) throw new M1Error('bad-input', `The thinking budget must be at least 1 token (got ${settings.budget}).`);
    let thought = '';
    // Tokens of the thought's generated text, as the reference counts them (M1-PROTOCOL.md steps
    // 1–2): stop tokens and the Wait strings are not in it.
    let used = 0;
    let finish: FinishReason = 'stop';
    let maxTokens = settings.budget;
    for (let round = 0; ; round++) {
      for await (const ev of backend.generate(request(prompt + thought, maxTokens, opts.tokenBoundaries))) {
        if (ev.type === 'text') {
          pending += ev.text;
          yield { type: 'think', round, text: ev.text };
        } else {
          noteDone(ev);
          refuseServerCap(ev, maxTokens, backend.label, 'a thinking round', 'not the budget');
          const tokens = ev.textTokens ?? ev.evalCount;
          used += tokens;
          finish = finishAt(ev, maxTokens);
          if (ev.repetitionGuard) result.repetitionGuard = 'think';
          result.rounds.push({ text: pending, tokens, finishReason: finish, ...(ev.tokenLengths ? { tokenLengths: ev.tokenLengths } : {}) });
          thought += pending;
          pending = '';
        }
      }
      result.tokens.think = used;
      result.finish.think = finish;
      // The reference keeps thinking on the count alone, whatever the finish reason, and skips an
      // item whose Wait alone would reach the budget; only this round's Wait is counted.
      // A thought the server's repetition guard ended is a cut one; it would repeat after a Wait.
      if (round >= settings.waitRounds || used >= settings.budget || result.repetitionGuard) break;
      const roundUsed = used + WAIT_TOKENS;
      if (roundUsed >= settings.budget) break;
      const wait = waitString(thought);
      thought += wait;
      maxTokens = settings.budget - roundUsed;
      result.rounds[round]!.waitInjected = wait;
      yield { type: 'wait', round: round + 1, text: wait, tokensUsed: roundUsed };
    }
    result.timing.thinkMs = Date.now() - started;
    if (finish === 'length') {
      result.budgetHit = true;
      yield { type: 'budget-hit', tokensUsed: used, budget: settings.budget };
    }
    if (!thought.endsWith('\n')) thought += '\n';
    result.thought = thought;
    result.answerMarker = finish === 'length' ? CUT_ANSWER_MARKER : ANSWER_MARKER;
    yield { type: 'answer-start', marker: result.answerMarker };

    phase = 'answer';
    const answerStarted = Date.now();
    for await (const ev of backend.generate(request(prompt + thought + result.answerMarker, settings.answerMaxTokens))) {
      if (ev.type === 'text') {
        result.answer += ev.text;
        yield { type: 'answer', text: ev.text };
      } else {
        noteDone(ev);
        refuseServerCap(ev, settings.answerMaxTokens, backend.label, 'the answer', 'not the answer cap');
        result.tokens.answer = ev.textTokens ?? ev.evalCount;
        if (ev.repetitionGuard) result.repetitionGuard ??= 'answer';
        result.finish.answer = ev.finishReason;
      }
    }
    result.timing.answerMs = Date.now() - answerStarted;
    result.responseText = result.answerMarker + result.answer;
    yield { type: 'done', result };
  } catch (e) {
    if (phase === 'think') {
      if (pending) result.rounds.push({ text: pending, tokens: 0 });
      result.thought = result.rounds.map((r) => r.text + (r.waitInjected ?? '')).join('');
    }
    result.responseText = result.answerMarker + result.answer;
    yield endEvent(e, result, signal);
  }
}

/**
 * `length` short of what was asked is a limit of the server's: read as a budget hit it would end
 * thoughts early with "Final Answer:" (or cut answers) and no sign of why. One token of slack: a
 * count of the text alone misses an EOS that SGLang generated at the limit.
 */
function refuseServerCap(ev: Extract<GenerateEvent, { type: 'done' }>, maxTokens: number, label: string, what: string, not: string): void {
  if (ev.finishReason !== 'length' || ev.repetitionGuard || ev.estimatedCount || ev.evalCount >= maxTokens - 1) return;
  throw new M1Error(
    'http',
    `${label} ended ${what} at ${ev.evalCount} of the ${maxTokens} tokens asked: a limit on the server cut it, ${not} ` +
      `(vLLM: max_new_tokens in the model's generation_config.json or --override-generation-config; Ollama: the context). Raise that limit and run again.`,
  );
}

/** A result with nothing generated yet. */
export function emptyResult(prompt: string): EngineResult {
  return {
    prompt,
    rounds: [],
    thought: '',
    budgetHit: false,
    answerMarker: '',
    answer: '',
    responseText: '',
    tokens: { think: 0, answer: 0 },
    finish: {},
    timing: { thinkMs: 0, answerMs: 0, evalNs: 0 },
    cancelled: false,
  };
}

/** How a run interrupted by `e` ends: done and cancelled (keeping what was generated), or an error. */
export function endEvent(e: unknown, result: EngineResult, signal?: AbortSignal): EngineEvent {
  if (signal?.aborted || isAbortError(e)) {
    result.cancelled = true;
    return { type: 'done', result };
  }
  const error = e instanceof M1Error ? e : new M1Error('stream-error', e instanceof Error ? e.message : String(e));
  return { type: 'error', error, partial: result };
}

/** Runs the engine to the end: the result, or the error thrown (cancel included). */
export function askM1(question: Question | { rawPrompt: string }, opts: EngineOptions, onEvent?: (ev: EngineEvent) => void): Promise<EngineResult> {
  return finishRun(runEngine(question, opts), onEvent);
}

/** Runs an event stream (either protocol's) to the end: the result, or the error thrown (cancel included). */
export async function finishRun(events: AsyncIterable<EngineEvent>, onEvent?: (ev: EngineEvent) => void): Promise<EngineResult> {
  for await (const ev of events) {
    onEvent?.(ev);
    if (ev.type === 'error') throw ev.error;
    if (ev.type === 'done') {
      if (ev.result.cancelled) throw cancelled();
      return ev.result;
    }
  }
  throw new M1Error('stream-error', 'The engine ended without a result.');
}
