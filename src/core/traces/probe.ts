// The answer the model would give if its thought ended after each round: the paper's finding
// that budget forcing can flip a correct answer, made visible per case. Each probe ends the
// thought where that round ended and generates the answer, as the engine would have.
import type { Backend } from '../backends/backend';
import { contextTokensFor } from '../engine';
import { ANSWER_MARKER, STOP_STRINGS } from '../prompt';
import { readChoice, scoreResponse } from '../score';
import type { Probe, TraceFile } from '../trace';

/** Where the correctness changes from one probe to the next: at the later probe. */
export function flips(probes: Probe[]): Map<number, 'right-to-wrong' | 'wrong-to-right'> {
  const out = new Map<number, 'right-to-wrong' | 'wrong-to-right'>();
  const sorted = [...probes].sort((a, b) => a.afterRound - b.afterRound);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!];
    if (a.correct === true && b.correct === false) out.set(b.afterRound, 'right-to-wrong');
    if (a.correct === false && b.correct === true) out.set(b.afterRound, 'wrong-to-right');
  }
  return out;
}

function read(trace: TraceFile, answer: string): Pick<Probe, 'extracted' | 'choice' | 'correct'> {
  if (trace.gold && trace.options) {
    const s = scoreResponse(ANSWER_MARKER + answer, { options: trace.options, answerIdx: trace.gold.answerIdx, answer: trace.gold.answer });
    return { extracted: s.extracted, ...(s.choice ? { choice: s.choice } : {}), correct: s.correct };
  }
  return readChoice(ANSWER_MARKER + answer, trace.options);
}

/** Probes every round that a Wait continued; the last round's answer is the trace's own. */
export async function probeAnswers(trace: TraceFile, backend: Backend, model: string, signal?: AbortSignal): Promise<Probe[]> {
  const probes: Probe[] = [];
  let thought = '';
  const settings = { ...trace.settings, model };
  for (let k = 0; k < trace.rounds.length - 1; k++) {
    thought += trace.rounds[k]!.think;
    const ended = thought.endsWith('\n') ? thought : `${thought}\n`;
    let answer = '';
    for await (const ev of backend.generate({
      model,
      prompt: trace.prompt + ended + ANSWER_MARKER,
      maxTokens: settings.answerMaxTokens,
      stop: STOP_STRINGS,
      temperature: settings.temperature,
      seed: settings.seed,
      contextTokens: contextTokensFor(trace.prompt, settings),
      ...(signal ? { signal } : {}),
    })) {
      if (ev.type === 'text') answer += ev.text;
    }
    probes.push({ afterRound: k, answer, ...read(trace, answer) });
    thought += trace.rounds[k]!.waitInjected ?? '';
  }
  const last = trace.rounds.length - 1;
  probes.push({ afterRound: last, answer: trace.answer, extracted: trace.extracted, ...(trace.choice ? { choice: trace.choice } : {}), ...(trace.correct !== undefined ? { correct: trace.correct } : {}) });
  return probes;
}
