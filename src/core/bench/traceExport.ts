// Any item of a run file as a reasoning trace (*.m1trace.json), to read and label in the editor.
import { chatMessages, isChat } from '../chat/protocol';
import { shownRecord } from '../chat/reasoning';
import { ANSWER_MARKER, CUT_ANSWER_MARKER, buildPrompt } from '../prompt';
import { toTrace, type TraceFile } from '../trace';
import type { RunHeader, RunRecord } from './runFile';

export function traceFromRecord(record: RunRecord, header: RunHeader): TraceFile {
  const question = { question: record.question, ...(record.options ? { options: record.options } : {}) };
  const chat = isChat(header.settings);
  // A chat run's reasoning section is the trace's thought; its prompt is the one user message.
  const r = shownRecord(record);
  const cut = r.finish.think === 'length';
  const answerMarker = chat ? '' : cut ? CUT_ANSWER_MARKER : ANSWER_MARKER;
  const trace = toTrace(
    question,
    header.settings,
    {
      prompt: chat ? chatMessages(question, header.settings.cot === true)[0]!.content : buildPrompt(question),
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
