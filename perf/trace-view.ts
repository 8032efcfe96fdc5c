// The trace view of a long thought: 16,384 and 65,536 tokens over 8 rounds with 200 labels,
// rendered, its labels anchored (some after an edit), and a selection mapped back, as the editor
// does on every change. Results in perf/README.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceFile } from '../src/core/trace';
import { addLabel } from '../src/core/traces/labels';
import { parseTrace } from '../src/core/traces/parse';
import { renderTrace, spanAt } from '../src/core/traces/render';

function longTrace(tokens: number, rounds: number, labels: number): TraceFile {
  const base = parseTrace(readFileSync(join(__dirname, '..', 'samples', 'traces', 'nephrotic-wait-flip.m1trace.json'), 'utf8'));
  const per = Math.floor(tokens / rounds);
  const sentence = ' The nephrotic picture with normal complement points to minimal change disease, so effacement fits.';
  const text = (i: number) => `${sentence.repeat(Math.ceil(per / 16)).slice(0, per * 6)} [round ${i}]`;
  let t: TraceFile = { ...base, rounds: Array.from({ length: rounds }, (_, i) => ({ think: text(i), tokens: per, finishReason: 'stop', ...(i < rounds - 1 ? { waitInjected: ' Wait' } : {}) })) };
  for (let i = 0; i < labels; i++) {
    const round = i % rounds;
    const start = (i * 997) % (t.rounds[round]!.think.length - 40);
    t = addLabel(t, { round, start, end: start + 30 }, i % 2 ? 'overthinking' : 'knowledge gap', 'note');
  }
  return t;
}

function time(fn: () => void, reps: number): number {
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
}

for (const tokens of [16_384, 65_536]) {
  const t = longTrace(tokens, 8, 200);
  // An edit before every label: each is found again by its text.
  const edited: TraceFile = { ...t, rounds: t.rounds.map((r) => ({ ...r, think: `Edited. ${r.think}` })) };
  const view = renderTrace(t);
  const ms = time(() => renderTrace(t), 21);
  const msEdited = time(() => renderTrace(edited), 21);
  const mid = view.rounds[4]!.body.start + 100;
  const msSpan = time(() => spanAt(view, mid, mid + 50), 1001);
  console.log(`${tokens} tokens (${(view.text.length / 1024).toFixed(0)} KB of text), 8 rounds, 200 labels: render ${ms.toFixed(2)} ms, after an edit (every label found again) ${msEdited.toFixed(2)} ms, selection → span ${(msSpan * 1000).toFixed(1)} µs; ${view.labels.length} labels anchored`);
}
