import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunFile } from '../../src/core/bench/runFile';
import { bench } from '../../src/cli/bench';
import { useFake } from './helpers';
import { REFERENCE_SCRIPTS } from './reference-scripts';

// `m1 bench` item by item against what the m1 reference (UCSC-VLAA/m1 src/eval/inference_keep_think.py:
// call_model, keep_think, end_thinking) does with the same scripted model, one item per call, budget
// 20 and 2 Wait rounds. Expected values worked out by hand from the reference: num_gen_tokens is
// the re-encoded text (no EOS); a round asks 20 − (num_gen_tokens + 1 for its Wait) and is skipped
// when that reaches 20; another round follows on the count alone; the marker follows the last
// call's finish, `length` when the call generated its limit (SGLang checks length before EOS).
describe('m1 bench (the CLI command, in process) gives the reference result item by item', function () {
  this.timeout(60_000);
  const fake = useFake(() => ({ scripts: REFERENCE_SCRIPTS }));
  const options = { A: 'alpha', B: 'beta', C: 'gamma', D: 'delta' };
  const expected: Record<string, { asks: number[]; think: number; finish: string; choice: string; correct: boolean; gold: string }> = {
    // 11 tokens + EOS: asks 20 − 12 = 8 (counting EOS and every Wait asked 7); the round runs into it.
    'Q-r11': { asks: [20, 8], think: 19, finish: 'length', choice: 'C', correct: true, gold: 'C' },
    // EOS as the 20th token: `length` as on SGLang; 19 + Wait reaches 20, no Wait round.
    'Q-r19': { asks: [20], think: 19, finish: 'length', choice: 'C', correct: false, gold: 'A' },
    // Three short rounds, each sized with only its own Wait.
    'Q-r5x3': { asks: [20, 14, 9], think: 15, finish: 'stop', choice: 'D', correct: true, gold: 'D' },
    // EOS as the 14th token of round 2 reads as length, yet 18 + Wait < 20: the reference goes on
    // (it looks at the count only) with 1 token.
    'Q-r5eos': { asks: [20, 14, 1], think: 19, finish: 'length', choice: 'C', correct: true, gold: 'C' },
  };

  it('thought finish, marker, extraction and correctness as the reference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm1-cli-ref-'));
    const file = join(dir, 'bench.json');
    writeFileSync(file, JSON.stringify({ S: Object.entries(expected).map(([q, e]) => ({ question: q, options, answer_idx: e.gold, answer: options[e.gold as keyof typeof options] })) }));
    const out = join(dir, 'run.jsonl');
    let stderr = '';
    const sink = { write: () => true };
    const code = await bench([file, '--host', fake().url, '--budget', '20', '--wait', '2', '--concurrency', '1', '--out', out], {}, sink, { write: (t: string) => ((stderr += t), true) });
    assert.equal(code, 0, stderr);
    const { records } = await readRunFile(out);
    for (const r of records) {
      const e = expected[r.question]!;
      const asked = fake().generateLog.filter((g) => g.prompt.includes(r.question) && g.phase === 'think').map((g) => g.options.num_predict);
      assert.deepEqual(asked, e.asks, `${r.question}: max_tokens per round`);
      assert.equal(r.tokens.think, e.think, `${r.question}: thought tokens`);
      assert.equal(r.finish.think, e.finish, `${r.question}: thought finish`);
      const answered = fake().generateLog.find((g) => g.prompt.includes(r.question) && g.phase === 'answer')!;
      assert.ok(answered.prompt.endsWith(e.finish === 'length' ? '\n<|im_start|>answer\nFinal Answer:' : '\n<|im_start|>answer'), `${r.question}: marker`);
      // No \boxed{} after "Final Answer:": the whole text is the extraction and the choice matcher reads the letter.
      assert.equal(r.choice, e.choice, `${r.question}: extraction and choice`);
      assert.equal(r.correct, e.correct, `${r.question}: correctness`);
    }
    assert.equal(records.length, 4);
  });
});
