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
  /** Maximum thinking tokens, Wait tokens included. */
  budget: number;
  /** How many times to append "Wait" when the thought stops before the budget. */
  waitRounds: number;
  answerMaxTokens: number;
  temperature: number;
  seed: number;
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
  /** Tokens the server counted; 0 for a round that was interrupted. */
  tokens: number;
  /** Absent when the round was interrupted (cancel or error). */
  finishReason?: FinishReason;
  /** The string appended after this round to start the next one (" Wait" or "Wait"). */
  waitInjected?: string;
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
}

export async function* runEngine(question: Question | { rawPrompt: string }, opts: EngineOptions): AsyncGenerator<EngineEvent> {
  const { backend, settings, signal } = opts;
  const prompt = 'rawPrompt' in question ? question.rawPrompt : buildPrompt(question);
  const contextTokens = contextTokensFor(prompt, settings);
  const result: EngineResult = {
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
  const request = (p: string, maxTokens: number): GenerateRequest => ({
    model: settings.model,
    prompt: p,
    maxTokens,
    stop: STOP_STRINGS,
    temperature: settings.temperature,
    seed: settings.seed,
    contextTokens,
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
    let used = 0;
    let finish: FinishReason = 'stop';
    for (let round = 0; ; round++) {
      for await (const ev of backend.generate(request(prompt + thought, settings.budget - used))) {
        if (ev.type === 'text') {
          pending += ev.text;
          yield { type: 'think', round, text: ev.text };
        } else {
          noteDone(ev);
          used += ev.evalCount;
          finish = ev.finishReason;
          result.rounds.push({ text: pending, tokens: ev.evalCount, finishReason: finish });
          thought += pending;
          pending = '';
        }
      }
      result.tokens.think = used;
      result.finish.think = finish;
      // Keep thinking only when the thought ended by itself and one more round still fits.
      if (round >= settings.waitRounds || finish !== 'stop' || used >= settings.budget) break;
      if (used + WAIT_TOKENS >= settings.budget) break;
      const wait = waitString(thought);
      thought += wait;
      used += WAIT_TOKENS;
      result.tokens.think = used;
      result.rounds[round]!.waitInjected = wait;
      yield { type: 'wait', round: round + 1, text: wait, tokensUsed: used };
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
        result.tokens.answer = ev.evalCount;
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
    if (signal?.aborted || isAbortError(e)) {
      result.cancelled = true;
      yield { type: 'done', result };
      return;
    }
    const error = e instanceof M1Error ? e : new M1Error('stream-error', e instanceof Error ? e.message : String(e));
    yield { type: 'error', error, partial: result };
  }
}

/** Runs the engine to the end: the result, or the error thrown (cancel included). */
export async function askM1(question: Question | { rawPrompt: string }, opts: EngineOptions, onEvent?: (ev: EngineEvent) => void): Promise<EngineResult> {
  for await (const ev of runEngine(question, opts)) {
    onEvent?.(ev);
    if (ev.type === 'error') throw ev.error;
    if (ev.type === 'done') {
      if (ev.result.cancelled) throw cancelled();
      return ev.result;
    }
  }
  throw new M1Error('stream-error', 'The engine ended without a result.');
}
