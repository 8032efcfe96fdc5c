import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstDivergence } from '../../src/core/traces/sideBySide';
import { loadSideBySide } from '../../src/results/views';
import { runCsv, runReport, thoughtOf } from '../../src/core/report/export';
import type { RunRecord } from '../../src/core/bench/runFile';
import { settings } from './helpers';

const cols = (...thoughts: string[][]) => thoughts.map((rounds) => ({ rounds: rounds.map((think) => ({ think, waitInjected: null })) }));

describe('thoughts side by side', () => {
  it('finds the first word where thoughts differ, round by round, ignoring whitespace', () => {
    assert.equal(firstDivergence(cols(['a b  c'], ['a b\nc'])), null);
    assert.deepEqual(firstDivergence(cols(['The RCA supplies it.'], ['The LAD supplies it.'])), { round: 0, offsets: [4, 4] });
    // Same first thought; the Wait round differs after "so".
    assert.deepEqual(firstDivergence(cols(['x y', 'so A'], ['x y', 'so B is'])), { round: 1, offsets: [3, 3] });
    // One thought stops earlier: it diverges where it ends.
    assert.deepEqual(firstDivergence(cols(['x y z'], ['x y'])), { round: 0, offsets: [4, 3] });
    // One thought has a Wait round the other has not.
    assert.deepEqual(firstDivergence(cols(['x'], ['x', 'more'])), { round: 1, offsets: [0, 0] });
    assert.deepEqual(firstDivergence(cols(['p q'], ['p r'], ['p q'])), { round: 0, offsets: [2, 2, 2] });
  });

  it('reads one item from two run files with its rounds and aligns the Wait rounds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm1-sbs-'));
    try {
      const header = { type: 'header', version: 1, runId: 'r', createdAt: '2026-01-01T00:00:00Z', benchFile: 'b.json', benchHash: 'sha256:x', settings: settings() };
      const record = (rounds: Array<[string, string | null]>, choice: string) => ({ source: 'S', index: 0, id: 'q1', question: 'Which?', answer_idx: 'A', answer: null, response: `\\boxed{${choice}}`, extracted: choice, choice, correct: choice === 'A', tokens: { think: 9, answer: 3 }, finish: { think: 'stop', answer: 'stop' }, rounds: rounds.map(([think, waitInjected]) => ({ think, waitInjected })), ms: 1 });
      writeFileSync(join(dir, 'a.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(record([['It is A.', null]], 'A'))}\n`);
      writeFileSync(join(dir, 'b.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(record([['It is A.', 'Wait'], ['No, B.', null]], 'B'))}\n`);
      const v = await loadSideBySide([{ path: join(dir, 'a.jsonl'), label: 'A' }, { path: join(dir, 'b.jsonl'), label: 'B' }], 'S\u00000');
      assert.equal(v.title, 'q1: thoughts side by side');
      assert.deepEqual(v.columns.map((c) => [c.label, c.choice, c.correct]), [['A', 'A', true], ['B', 'B', false]]);
      assert.deepEqual(v.rounds, [[{ think: 'It is A.', waitInjected: null }, { think: 'It is A.', waitInjected: 'Wait' }], [null, { think: 'No, B.', waitInjected: null }]]);
      assert.deepEqual(v.divergence, { round: 1, offsets: [0, 0] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the reasoning when asked: question, thought with its Wait strings, and answer text', () => {
    const r = { source: 'S', index: 0, id: 'q1', question: 'Which, "really"?', answer_idx: 'A', answer: null, response: 'So A.\n\\boxed{A}', extracted: 'A', choice: 'A', correct: true, tokens: { think: 9, answer: 3 }, finish: { think: 'stop', answer: 'stop' }, rounds: [{ think: 'First, x.', waitInjected: ' Wait' }, { think: ', y.', waitInjected: null }], ms: 1 } as RunRecord;
    assert.equal(thoughtOf(r), 'First, x. Wait, y.');
    const plain = runCsv([r]).split('\r\n')[0]!;
    assert.doesNotMatch(plain, /thought/, 'not unless asked');
    const lines = runCsv([r], { reasoning: true }).split('\r\n');
    assert.match(lines[0]!, /,question,thought,answer_text$/);
    assert.match(lines[1]!, /,"Which, ""really""\?","First, x\. Wait, y\.","So A\.\n\\boxed\{A\}"$/);
    const json = runReport({} as never, {} as never, [r], { reasoning: true }).json() as { records: Array<{ thought: string; rounds: unknown[] }> };
    assert.equal(json.records[0]!.thought, 'First, x. Wait, y.');
    assert.equal(json.records[0]!.rounds.length, 2);
  });
});
