// A trace as a readable document (Markdown), with where each part is, so an editor can mark the
// Wait rounds, the budget cut, the answer, the flips and the labels, and map a selection back to
// a round and an offset in its thought.
import type { TraceFile, TraceLabel } from '../trace';
import { ANSWER_ROUND, anchorLabels } from './labels';
import { flips } from './probe';

export interface Span {
  start: number;
  end: number;
}

export interface RenderedTrace {
  text: string;
  rounds: Array<{ round: number; header: Span; body: Span; tokens: number; wait?: string; tokenStart: number }>;
  cut?: Span;
  answer: { header: Span; body: Span };
  flips: Array<Span & { kind: 'right-to-wrong' | 'wrong-to-right' }>;
  labels: Array<Span & { label: TraceLabel & { moved?: boolean } }>;
  detached: TraceLabel[];
}

const FINISH: Record<string, string> = { stop: 'stopped by itself', length: 'cut at the budget' };
const verdict = (correct: boolean | undefined) => (correct === undefined ? 'not scored' : correct ? 'right' : 'wrong');

export function renderTrace(t: TraceFile): RenderedTrace {
  let text = '';
  const add = (s: string): Span => {
    const start = text.length;
    text += s;
    return { start, end: text.length };
  };
  const s = t.settings;
  add(`# m1 trace\n\n${t.question}\n\n`);
  for (const [letter, option] of Object.entries(t.options ?? {})) add(`- **${letter}.** ${option}\n`);
  if (t.gold) add(`\nGold: **${t.gold.answerIdx}** (${t.gold.answer})\n`);
  add(`\n${t.model} · budget ${s.budget} · ${s.waitRounds} Wait round${s.waitRounds === 1 ? '' : 's'} · temperature ${s.temperature} · seed ${s.seed}${t.run ? ` · from run ${t.run.runId.slice(0, 8)}, ${t.run.id ?? `${t.run.source} #${t.run.index + 1}`}` : ''}\n\n`);
  const rounds: RenderedTrace['rounds'] = [];
  let tokenStart = 0;
  t.rounds.forEach((r, i) => {
    const wait = i > 0 ? t.rounds[i - 1]!.waitInjected : undefined;
    const header = add(`## ${i === 0 ? 'Thought' : 'Wait'} · round ${i + 1}${wait ? ` · "${wait.trim()}" appended` : ''} · tokens ${tokenStart}–${tokenStart + r.tokens} · ${FINISH[r.finishReason ?? ''] ?? 'interrupted'}`);
    add('\n\n');
    const body = add(r.think);
    add('\n\n');
    rounds.push({ round: i, header, body, tokens: r.tokens, ...(wait ? { wait } : {}), tokenStart });
    tokenStart += r.tokens + (r.waitInjected ? 1 : 0);
  });
  const cut = t.budgetHit ? add(`## Budget reached: thought cut at ${t.tokens.think} of ${s.budget} tokens`) : undefined;
  if (cut) add('\n\n');
  const answerHeader = add(`## Answer · ${t.tokens.answer} tokens${t.answerMarker.includes('Final Answer:') ? ' · after "Final Answer:"' : ''}`);
  add('\n\n');
  const answerBody = add(t.answer);
  add(`\n\nm1 chose **${t.choice ?? '(none)'}** (extracted "${t.extracted}")${t.gold ? `: ${verdict(t.correct)}; gold ${t.gold.answerIdx}` : ''}\n\n`);
  const flipSpans: RenderedTrace['flips'] = [];
  if (t.probes?.length) {
    add('## Answers at each Wait round\n\n');
    const f = flips(t.probes);
    for (const p of t.probes) {
      const flip = f.get(p.afterRound);
      const line = add(`- stopped after round ${p.afterRound + 1}${p.afterRound === t.rounds.length - 1 ? ' (the final answer)' : ''}: **${p.choice ?? '(none)'}** — ${verdict(p.correct)}${flip ? ` ← flipped ${flip === 'right-to-wrong' ? 'right → wrong' : 'wrong → right'}` : ''}`);
      add('\n');
      if (flip) flipSpans.push({ ...line, kind: flip });
    }
    add('\n');
  }
  const { anchored, detached } = anchorLabels(t);
  const labels = anchored.flatMap((l) => {
    const body = l.round === ANSWER_ROUND ? answerBody : rounds[l.round]?.body;
    return body ? [{ start: body.start + l.start, end: body.start + l.end, label: l }] : [];
  });
  if (t.labels.length) {
    add('## Labels\n\n');
    for (const l of [...anchored, ...detached]) {
      const where = l.round === ANSWER_ROUND ? 'answer' : `round ${l.round + 1}`;
      add(`- **${l.label}** · ${where}${detached.includes(l) ? ' · detached (its text is no longer in the trace)' : ''} · “${l.text.length > 80 ? `${l.text.slice(0, 79)}…` : l.text}”${l.note ? ` — ${l.note}` : ''}\n`);
    }
  }
  return { text, rounds, ...(cut ? { cut } : {}), answer: { header: answerHeader, body: answerBody }, flips: flipSpans, labels, detached };
}

/**
 * Which round's thought (or the answer) a document range is in, as offsets into that text. A
 * selection that runs over a header or a line break is clipped to the one text it overlaps; one
 * that spans two rounds is not a span.
 */
export function spanAt(r: RenderedTrace, start: number, end: number): { round: number; start: number; end: number } | undefined {
  const bodies = [...r.rounds.map((round) => ({ round: round.round, body: round.body })), { round: ANSWER_ROUND, body: r.answer.body }];
  const hits = bodies.filter((x) => Math.min(end, x.body.end) > Math.max(start, x.body.start));
  if (hits.length !== 1) return undefined;
  const { round, body } = hits[0]!;
  return { round, start: Math.max(start, body.start) - body.start, end: Math.min(end, body.end) - body.start };
}
