import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { TRACE_VERSION, type TraceFile } from '../../src/core/trace';
import { addLabel, anchorLabels, removeLabel, summarizeLabels } from '../../src/core/traces/labels';
import { parseTrace } from '../../src/core/traces/parse';
import { flips, probeAnswers } from '../../src/core/traces/probe';
import { renderTrace, spanAt } from '../../src/core/traces/render';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { MODEL, useFake } from './helpers';

const SAMPLE = join(__dirname, '..', '..', 'samples', 'traces', 'nephrotic-wait-flip.m1trace.json');
const sample = () => parseTrace(readFileSync(SAMPLE, 'utf8'), 'sample');

describe('trace files', () => {
  it('reads version 1 by migrating it, and refuses a newer version or a broken file, saying why', () => {
    const t = sample();
    assert.equal(JSON.parse(readFileSync(SAMPLE, 'utf8')).version, 1, 'the sample is an older file');
    assert.equal(t.version, TRACE_VERSION);
    assert.deepEqual(t.labels, []);
    assert.equal(t.rounds.length, 2);
    assert.throws(() => parseTrace(JSON.stringify({ ...t, version: 9 }), 'new.m1trace.json'), /written by a newer m1 \(trace format 9\); this extension reads up to version 2/);
    assert.throws(() => parseTrace(JSON.stringify({ ...t, rounds: [{ think: 1 }] }), 'bad.m1trace.json'), /bad\.m1trace\.json is not an m1 trace \(format 2\): rounds\.0\.think: /);
    assert.throws(() => parseTrace('{', 'torn.m1trace.json'), /torn\.m1trace\.json is not valid JSON/);
  });
});

describe('labels', () => {
  it('are kept by offset, found again when the thought moved, and detached when their text is gone', () => {
    let t = sample();
    const round = t.rounds[1]!.think;
    const start = round.indexOf('membranous nephropathy');
    t = addLabel(t, { round: 1, start, end: start + 'membranous nephropathy'.length }, 'knowledge gap', 'minimal change disease in a child');
    t = addLabel(t, { round: 0, start: 0, end: 7 }, 'correct reasoning');
    assert.equal(t.labels[0]!.text, 'membranous nephropathy');
    assert.equal(anchorLabels(t).anchored.length, 2);
    // Edited by hand: text inserted before the span, and a label whose offsets run past the text.
    const edited: TraceFile = { ...t, rounds: t.rounds.map((r, i) => (i === 1 ? { ...r, think: `Hmm. ${r.think}` } : r)), labels: [...t.labels, { ...t.labels[1]!, id: 'x', start: 5000, end: 5010, text: 'not there at all' }] };
    const a = anchorLabels(edited);
    const moved = a.anchored.find((l) => l.label === 'knowledge gap')!;
    assert.equal(moved.moved, true);
    assert.equal(moved.start, start + 5);
    assert.deepEqual(a.detached.map((l) => l.id), ['x']);
    assert.equal(removeLabel(t, t.labels[0]!.id).labels.length, 1);
  });

  it('are summarized per label, source and budget with the items behind each count', () => {
    const t = { ...addLabel(sample(), { round: 1, start: 2, end: 12 }, 'overthinking'), settings: { ...sample().settings, budget: 1024 } };
    const fromRun = { ...addLabel(sample(), { round: 0, start: 0, end: 5 }, 'overthinking'), run: { runId: 'r', source: 'MedQA', index: 2 }, settings: { ...sample().settings, budget: 4096 } };
    const s = summarizeLabels([
      { path: 'a.m1trace.json', trace: t },
      { path: 'b.m1trace.json', trace: fromRun },
      { path: 'c.m1trace.json', trace: sample() },
    ]);
    assert.equal(s.traces, 3);
    assert.equal(s.labelled, 2);
    assert.deepEqual(s.byLabel, { overthinking: 2 });
    assert.deepEqual(s.bySource.overthinking, { '(asked in the panel)': 1, MedQA: 1 });
    assert.deepEqual(Object.keys(s.byBudget.overthinking!).sort(), ['1024', '4096']);
    assert.deepEqual(s.items.map((i) => i.path), ['a.m1trace.json', 'b.m1trace.json']);
  });
});

describe('trace document', () => {
  it('marks rounds, the Wait, the answer, flips and labels, and maps a selection back to a round', () => {
    let t = sample();
    const start = t.rounds[1]!.think.indexOf('membranous');
    t = addLabel(t, { round: 1, start, end: start + 10 }, 'knowledge gap');
    t = { ...t, probes: [{ afterRound: 0, answer: '\\boxed{B}', extracted: 'B', choice: 'B', correct: true }, { afterRound: 1, answer: t.answer, extracted: 'A', choice: 'A', correct: false }] };
    const r = renderTrace(t);
    assert.equal(r.rounds.length, 2);
    assert.equal(r.text.slice(r.rounds[1]!.body.start, r.rounds[1]!.body.end), t.rounds[1]!.think);
    assert.match(r.text.slice(r.rounds[1]!.header.start, r.rounds[1]!.header.end), /^## Wait · round 2 · "Wait" appended · tokens \d+–\d+ · stopped by itself$/);
    assert.equal(r.text.slice(r.answer.body.start, r.answer.body.end), t.answer);
    assert.equal(r.flips.length, 1);
    assert.equal(r.flips[0]!.kind, 'right-to-wrong');
    assert.match(r.text.slice(r.flips[0]!.start, r.flips[0]!.end), /round 2 \(the final answer\): \*\*A\*\* — wrong ← flipped right → wrong/);
    assert.equal(r.text.slice(r.labels[0]!.start, r.labels[0]!.end), 'membranous');
    assert.match(r.text, /## Labels\n\n- \*\*knowledge gap\*\* · round 2 · “membranous”/);
    const body = r.rounds[1]!.body.start;
    assert.deepEqual(spanAt(r, body + 3, body + 9), { round: 1, start: 3, end: 9 });
    assert.deepEqual(spanAt(r, r.rounds[0]!.header.start, r.rounds[0]!.body.start + 2), { round: 0, start: 0, end: 2 }, 'clipped to the thought');
    assert.equal(spanAt(r, r.rounds[0]!.body.start, r.rounds[1]!.body.start + 2), undefined, 'two rounds are not one span');
    assert.equal(spanAt(r, 0, 5), undefined, 'the question is not a thought');
    assert.equal(renderTrace({ ...t, budgetHit: true }).cut !== undefined, true);
  });

  it('finds the flip between consecutive probes', () => {
    const p = (afterRound: number, correct?: boolean) => ({ afterRound, answer: '', extracted: '', ...(correct !== undefined ? { correct } : {}) });
    assert.deepEqual([...flips([p(0, false), p(1, true), p(2, true), p(3, false)])], [[1, 'wrong-to-right'], [3, 'right-to-wrong']]);
    assert.deepEqual([...flips([p(0), p(1, true)])], []);
  });
});

describe('answer probes', () => {
  const fake = useFake(() => ({ scripts: DEMO_SCRIPTS }));

  it("show the Wait round flipping the nephrotic answer from right to wrong (the paper's finding)", async () => {
    const t = sample();
    const probes = await probeAnswers(t, new OllamaBackend({ host: fake().url }), MODEL);
    assert.deepEqual(probes.map((p) => [p.afterRound, p.choice, p.correct]), [
      [0, 'B', true],
      [1, 'A', false],
    ]);
    assert.equal(fake().generateLog.length, 1, 'only the round a Wait continued is probed; the last answer is the trace’s own');
    assert.ok(fake().generateLog[0]!.prompt.endsWith(`${t.rounds[0]!.think}\n<|im_start|>answer`));
    assert.deepEqual([...flips(probes)], [[1, 'right-to-wrong']]);
  });

  it('says which model is missing when the trace’s model cannot be run', async () => {
    await assert.rejects(probeAnswers(sample(), new OllamaBackend({ host: fake().url }), 'm1-gone'), /Model "m1-gone" is not on Ollama/);
  });
});
