// The reasoning-trace file (`*.m1trace.json`, version 2): one question, its settings, the
// thought per round with where each Wait went in and whether the budget cut it, the answer, the
// answers probed at each Wait round, and the user's labels. Version 1 files are read and migrated.
import type { EngineResult, EngineSettings } from './engine';

/** What a trace needs from a run: an engine result, or a stored copy of one. */
export type TraceSource = Pick<EngineResult, 'prompt' | 'budgetHit' | 'answerMarker' | 'answer' | 'tokens' | 'finish'> & {
  rounds: Array<{ text: string; tokens: number; finishReason?: string; waitInjected?: string }>;
};
import type { Question } from './prompt';
import type { Score } from './score';

export const TRACE_VERSION = 2;

export interface TraceFile {
  version: typeof TRACE_VERSION;
  createdAt: string;
  question: string;
  options?: Record<string, string>;
  gold?: { answerIdx: string; answer: string };
  model: string;
  modelDigest?: string;
  /** The run and item this trace was exported from, if it came from a benchmark run. */
  run?: { runId: string; source: string; index: number; id?: string };
  settings: Omit<EngineSettings, 'model'>;
  prompt: string;
  rounds: Array<{ think: string; tokens: number; finishReason?: string; waitInjected?: string }>;
  budgetHit: boolean;
  answerMarker: string;
  answer: string;
  extracted: string;
  choice?: string;
  correct?: boolean;
  tokens: { think: number; answer: number; prompt?: number };
  finish: { think?: string; answer?: string };
  /** The answer the model gives if the thought ends after round `afterRound` (see probe). */
  probes?: Probe[];
  labels: TraceLabel[];
}

export const LABEL_KINDS = ['knowledge gap', 'reasoning error', 'overthinking', 'misread question', 'extraction failure', 'correct reasoning'] as const;

/** A labelled span of one round's thought (or of the answer, round -1), by character offsets. */
export interface TraceLabel {
  id: string;
  label: string;
  note?: string;
  round: number;
  start: number;
  end: number;
  /** The labelled text, to find the span again if the thought was edited. */
  text: string;
  createdAt: string;
}

export interface Probe {
  afterRound: number;
  answer: string;
  extracted: string;
  choice?: string;
  correct?: boolean;
}

export function toTrace(
  q: Question,
  settings: EngineSettings,
  result: TraceSource,
  reading: Pick<Score, 'extracted' | 'choice'> & { correct?: boolean },
  gold?: { answerIdx: string; answer: string },
  now = new Date(),
): TraceFile {
  const { model, ...rest } = settings;
  return {
    version: TRACE_VERSION,
    createdAt: now.toISOString(),
    question: q.question,
    ...(q.options && Object.keys(q.options).length ? { options: { ...q.options } } : {}),
    ...(gold ? { gold } : {}),
    model,
    settings: rest,
    prompt: result.prompt,
    rounds: result.rounds.map((r) => ({
      think: r.text,
      tokens: r.tokens,
      ...(r.finishReason ? { finishReason: r.finishReason } : {}),
      ...(r.waitInjected ? { waitInjected: r.waitInjected } : {}),
    })),
    budgetHit: result.budgetHit,
    answerMarker: result.answerMarker,
    answer: result.answer,
    extracted: reading.extracted,
    ...(reading.choice !== undefined ? { choice: reading.choice } : {}),
    ...(reading.correct !== undefined ? { correct: reading.correct } : {}),
    tokens: result.tokens,
    finish: result.finish,
    labels: [],
  };
}
