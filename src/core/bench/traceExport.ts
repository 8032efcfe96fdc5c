// Any item of a run file as a reasoning trace (*.m1trace.json), to read and label in the editor.
import { ANSWER_MARKER, CUT_ANSWER_MARKER, buildPrompt } from '../prompt';
import { toTrace, type TraceFile } from '../trace';
import type { RunHeader, RunRecord } from './runFile';

export function traceFromRecord(r: RunRecord, header: RunHeader): TraceFile {
  const question = { question: r.question, ...(r.options ? { options: r.options } : {}) };
  const cut = r.finish.think === 'length';
  const answerMarker = cut ? CUT_ANSWER_MARKER : ANSWER_MARKER;
  const trace = toTrace(
    question,
    header.settings,
    {
      prompt: buildPrompt(question),
      budgetHit: cut,
      answerMarker,
      answer: r.response,
      tokens: r.tokens,
      finish: { ...(r.finish.think ? { think: r.finish.think as 'stop' | 'length' } : {}), ...(r.finish.answer ? { answer: r.finish.answer as 'stop' | 'length' } : {}) },
      rounds: r.rounds.map((x) => ({ text: x.think, tokens: x.tokens ?? 0, ...(x.finish ? { finishReason: x.finish } : {}), ...(x.waitInjected ? { waitInjected: x.waitInjected } : {}) })),
    },
    { extracted: r.extracted, choice: r.choice ?? undefined, ...(r.correct !== null ? { correct: r.correct } : {}) },
    r.answer_idx && r.answer !== null ? { answerIdx: r.answer_idx, answer: r.answer } : undefined,
    new Date(header.createdAt),
  );
  return { ...trace, ...(header.modelDigest ? { modelDigest: header.modelDigest } : {}), run: { runId: header.runId, source: r.source, index: r.index, ...(r.id ? { id: r.id } : {}) } };
}
