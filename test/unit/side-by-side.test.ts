import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstDivergence } from '../../src/core/traces/sideBySide';
import { itemPreview, loadSideBySide, loadSweep, MAX_CHANGED, sweepSideBySide } from '../../src/results/views';
import { fromResultsSchema, resultsStateSchema } from '../../src/results/validate';
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

  describe('one item across a sweep\'s budgets', () => {
    let dir: string;
    const header = (budget: number, waitRounds: number) => ({ type: 'header', version: 1, runId: `r${budget}`, createdAt: '2026-01-01T00:00:00Z', benchFile: 'b.json', benchHash: 'sha256:x', settings: settings({ budget, waitRounds }), planned: 2 });
    const rec = (index: number, rounds: Array<[string, string | null]>, choice: string, o: object = {}) => ({ source: 'S', index, question: `Which ${index}?`, answer_idx: 'A', answer: null, response: `So ${choice}. \\boxed{${choice}}`, extracted: choice, choice, correct: choice === 'A', tokens: { think: 9, answer: 3 }, finish: { think: 'stop', answer: 'stop' }, rounds: rounds.map(([think, waitInjected]) => ({ think, waitInjected })), ms: 1, ...o });
    const write = (budget: number, wait: number, ...records: object[]) => writeFileSync(join(dir, `budget-${budget}-wait-${wait}.jsonl`), [header(budget, wait), ...records].map((x) => `${JSON.stringify(x)}\n`).join(''));

    beforeEach(() => {
      dir = join(mkdtempSync(join(tmpdir(), 'm1-sweep-sbs-')), 'sweep-1');
      mkdirSync(dir);
      // Item 0 is wrong at 256 (cut), right from 1024; item 1 is right at every budget.
      write(1024, 1, rec(0, [['Think about it.', ' Wait'], ['The RCA, so A.', null]], 'A'), rec(1, [['Easy: A.', null]], 'A'));
      write(256, 1, rec(0, [['Think about B', null]], 'B', { finish: { think: 'length', answer: 'stop' } }), rec(1, [['Easy: A.', null]], 'A'));
      write(4096, 1, rec(0, [['Think about it.', ' Wait'], ['The LAD? No: the RCA, so A.', null]], 'A'), rec(1, [['Easy: A.', null]], 'A'));
      write(1024, 0, rec(0, [['Think about it.', null]], 'A'));
    });
    afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

    it('lists the items whose result changes with the budget, per Wait block', async () => {
      const { view } = await loadSweep(dir);
      assert.deepEqual(view.budgets, [256, 1024, 4096]);
      const one = view.blocks.find((b) => b.waitRounds === 1)!;
      assert.deepEqual(one.changed.map((c) => [c.key, c.label, c.results]), [['S\u00000', 'S #1', ['wrong', 'right', 'right']]]);
      assert.equal(one.changedCount, 1);
      // With 0 Wait rounds only one budget ran: missing budgets are null, and that is a change.
      assert.deepEqual(view.blocks.find((b) => b.waitRounds === 0)!.changed.map((c) => c.results), [[null, 'right', null]]);
      assert.ok(MAX_CHANGED >= 100);
    });

    it('shows the item\'s thought at each budget, smallest first, Wait rounds aligned, the first divergence marked', async () => {
      const v = await sweepSideBySide(dir, 1, 'S\u00000');
      assert.equal(v.title, 'S #1: thoughts across budgets, 1 Wait round');
      assert.equal(v.waitRounds, 1);
      assert.deepEqual(v.columns.map((c) => [c.label, c.choice, c.correct, c.cut]), [['budget 256 · 1 Wait', 'B', false, true], ['budget 1024 · 1 Wait', 'A', true, false], ['budget 4096 · 1 Wait', 'A', true, false]]);
      assert.equal(v.rounds.length, 2);
      assert.equal(v.rounds[1]![0], null, 'the cut thought has no Wait round');
      // "Think about B" against "Think about it.": the third word.
      assert.deepEqual(v.divergence, { round: 0, offsets: [12, 12, 12] });
      await assert.rejects(sweepSideBySide(dir, 3, 'S\u00000'), /no run with 3 Wait rounds/);
      await assert.rejects(sweepSideBySide(dir, 1, 'S\u00009'), /in none of the runs/);
    });

    it('reads an item\'s preview (thought rounds and answer) without writing anything', async () => {
      const before = readdirSync(join(dir, '..'), { recursive: true }).sort();
      const p = await itemPreview(join(dir, 'budget-1024-wait-1.jsonl'), 'S\u00000');
      assert.deepEqual(p, { rounds: [{ think: 'Think about it.', waitInjected: ' Wait' }, { think: 'The RCA, so A.', waitInjected: null }], response: 'So A. \\boxed{A}', cut: false });
      assert.equal(thoughtOf(p), 'Think about it. WaitThe RCA, so A.');
      assert.deepEqual(readdirSync(join(dir, '..'), { recursive: true }).sort(), before, 'no trace file written');
      // A chat model's reasoning section is its thought.
      write(512, 1, rec(0, [], 'A', { response: '<think>Because A.</think>The answer is A.' }));
      assert.deepEqual(await itemPreview(join(dir, 'budget-512-wait-1.jsonl'), 'S\u00000'), { rounds: [{ think: 'Because A.', waitInjected: null }], response: 'The answer is A.', cut: false });
    });
  });

  it('checks the results view\'s new messages and saved states', () => {
    assert.ok(fromResultsSchema.safeParse({ type: 'sideBySide', key: 'S\u00000', waitRounds: 2 }).success);
    assert.ok(fromResultsSchema.safeParse({ type: 'preview', key: 'S\u00000' }).success);
    assert.ok(fromResultsSchema.safeParse({ type: 'copy', key: 'S\u00000', part: 'thought' }).success);
    assert.ok(!fromResultsSchema.safeParse({ type: 'copy', key: 'S\u00000', part: 'prompt' }).success);
    assert.ok(!fromResultsSchema.safeParse({ type: 'sideBySide', key: 'k', waitRounds: -1 }).success);
    assert.ok(!fromResultsSchema.safeParse({ type: 'preview', key: 'x'.repeat(3000) }).success);
    assert.ok(resultsStateSchema.safeParse({ kind: 'sweepSideBySide', dir: '/w/.m1/runs/sweep-1', waitRounds: 0, key: 'S\u00000' }).success);
    assert.ok(!resultsStateSchema.safeParse({ kind: 'sweepSideBySide', dir: '', waitRounds: 0, key: 'k' }).success);
  });
});
