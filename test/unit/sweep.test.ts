import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OllamaBackend } from '../../src/core/backends/ollama';
import type { BenchItem } from '../../src/core/bench/format';
import { readRunFile, type RunRecord } from '../../src/core/bench/runFile';
import { cutThought, runSweep, sweepFile } from '../../src/core/bench/sweep';
import { PAPER_DEFAULTS } from '../../src/core/engine';
import { MODEL, script, useFake, words } from './helpers';

// Items whose thoughts stop at various lengths, continue after Wait, and answer differently
// after a cut or after each Wait round: every way a smaller setting can differ from the largest.
const SCRIPTS = [
  script('SWEEPQ 0', { think: [words(10)], answers: ['\\boxed{A}'] }),
  script('SWEEPQ 1', { think: [words(40), words(30, 'more')], answers: ['\\boxed{A}', '\\boxed{B}'], answerAfterCut: 'Cut short: \\boxed{C}' }),
  script('SWEEPQ 2', { think: [words(300)], answers: ['\\boxed{A}'], answerAfterCut: 'Final: \\boxed{B}' }),
  script('SWEEPQ 3', { think: [words(20), words(20, 'again'), words(100, 'long')], answers: ['\\boxed{B}', '\\boxed{A}', '\\boxed{B}'] }),
  script('SWEEPQ 4', { think: ['Short. '], answers: ['The answer is B'] }),
];
const ITEMS: BenchItem[] = SCRIPTS.map((_, i) => ({ source: i % 2 ? 'odd' : 'even', index: Math.floor(i / 2), question: `SWEEPQ ${i}: which?`, options: { A: 'yes', B: 'no', C: 'maybe' }, answerIdx: 'A', answer: 'yes', line: i + 1 }));
const BUDGETS = [16, 64, 256];
const WAITS = [0, 1, 2];

/** What a separate run and a derived one must agree on (not timing, not the chunk lengths). */
const comparable = (r: RunRecord) => ({
  key: `${r.source}#${r.index}`,
  response: r.response,
  extracted: r.extracted,
  choice: r.choice,
  correct: r.correct,
  tokens: r.tokens,
  finish: r.finish,
  rounds: r.rounds.map(({ chunks: _chunks, ...round }) => round),
});

describe('budget sweeps', function () {
  this.timeout(30_000);
  const fake = useFake(() => ({ scripts: SCRIPTS, numParallel: 4 }));
  const generated = () => fake().generateLog.reduce((n, g) => n + g.evalCount, 0);

  async function sweep(exact: boolean) {
    const dir = mkdtempSync(join(tmpdir(), 'm1-sweep-'));
    const before = generated();
    const result = await runSweep({
      items: ITEMS,
      backend: new OllamaBackend({ host: fake().url }),
      concurrency: 4,
      base: { model: MODEL, ...PAPER_DEFAULTS },
      budgets: BUDGETS,
      waitRounds: WAITS,
      dir,
      exact,
      benchFile: 'sweep',
      benchHash: 'sha256:sweep',
    });
    return { dir, result, tokens: generated() - before };
  }

  it('gives, for every budget × Wait rounds, what separate runs give, generating fewer tokens', async () => {
    const shared = await sweep(false);
    const exact = await sweep(true);
    assert.equal(shared.result.shared, true);
    assert.equal(shared.result.fallbacks, 0, 'the fake streams one token a chunk, so every thought can be cut');
    assert.equal(exact.result.shared, false);
    assert.equal(readdirSync(shared.dir).length, 9);
    let cuts = 0;
    let flips = 0;
    for (const budget of BUDGETS) {
      for (const waitRounds of WAITS) {
        const a = (await readRunFile(sweepFile(shared.dir, { budget, waitRounds }))).records.map(comparable).sort((x, y) => x.key.localeCompare(y.key));
        const b = (await readRunFile(sweepFile(exact.dir, { budget, waitRounds }))).records.map(comparable).sort((x, y) => x.key.localeCompare(y.key));
        assert.deepEqual(a, b, `budget ${budget}, ${waitRounds} Wait`);
        cuts += a.filter((r) => r.finish.think === 'length').length;
        flips += a.filter((r) => r.choice !== 'A').length;
      }
    }
    assert.ok(cuts >= 6, `${cuts} cut thoughts: the grid exercises the budget cut`);
    assert.ok(flips >= 6, `${flips} answers other than A: the grid exercises Wait and cut answers`);
    assert.ok(shared.tokens < exact.tokens * 0.6, `shared ${shared.tokens} tokens, separate ${exact.tokens}`);
  });

  it('keeps one streamed chunk per token, and refuses to cut a thought whose chunks are not tokens', async () => {
    const { dir } = await sweep(false);
    const top = (await readRunFile(sweepFile(dir, { budget: 256, waitRounds: 2 }))).records;
    for (const r of top) for (const round of r.rounds) assert.ok(round.chunks && (round.tokens === round.chunks.length || round.tokens === round.chunks.length + 1), `${r.question}: ${round.tokens} tokens, ${round.chunks?.length} chunks`);
    const long = top.find((r) => r.question.startsWith('SWEEPQ 2'))!;
    assert.equal(cutThought(long, { budget: 16, waitRounds: 0 })!.used, 16);
    const merged = { ...long, rounds: long.rounds.map((round) => ({ ...round, chunks: [round.think.length] })) };
    assert.equal(cutThought(merged, { budget: 16, waitRounds: 0 }), undefined);
  });
});
