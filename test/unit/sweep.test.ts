import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../src/core/backends/backend';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { OpenAIBackend } from '../../src/core/backends/openai';
import type { BenchItem } from '../../src/core/bench/format';
import { readRunFile, type RunRecord } from '../../src/core/bench/runFile';
import { cutThought, runSweep, sweepFile } from '../../src/core/bench/sweep';
import { PAPER_DEFAULTS } from '../../src/core/engine';
import { startFakeOllama, type FakeOllamaOptions } from '../fake-ollama/server';
import { startFakeOpenAI, type FakeOpenAIOptions } from '../fake-openai/server';
import { MODEL, script, words } from './helpers';

// Items whose thoughts stop at various lengths, continue after Wait, and answer differently
// after a cut or after each Wait round: every way a smaller setting can differ from the largest.
const SCRIPTS = [
  script('SWEEPQ 0', { think: [words(10)], answers: ['\\boxed{A}'] }),
  script('SWEEPQ 1', { think: [words(40), words(30, 'more')], answers: ['\\boxed{A}', '\\boxed{B}'], answerAfterCut: 'Cut short: \\boxed{C}' }),
  script('SWEEPQ 2', { think: [words(300)], answers: ['\\boxed{A}'], answerAfterCut: 'Final: \\boxed{B}' }),
  script('SWEEPQ 3', { think: [words(20), words(20, 'again'), words(100, 'long')], answers: ['\\boxed{B}', '\\boxed{A}', '\\boxed{B}'] }),
  script('SWEEPQ 4', { think: ['Short. '], answers: ['The answer is B'] }),
  // " <" may start the stop string <|im_end|>: servers hold it back and send it with the next token.
  script('SWEEPQ 5', { think: [`Compare: dose < limit, ${words(30)}`, words(30, 'then')], answers: ['\\boxed{C}', '\\boxed{A}'], answerAfterCut: '\\boxed{B}' }),
  // "𝛼" is split across two tokens, neither of them text alone: no server can spell these boundaries.
  script('SWEEPQ 6', { think: [`An 𝛼-blocker: ${words(40)}`], answers: ['\\boxed{A}'], answerAfterCut: '\\boxed{C}' }),
];
const ITEMS: BenchItem[] = SCRIPTS.map((_, i) => ({ source: i % 2 ? 'odd' : 'even', index: Math.floor(i / 2), question: `SWEEPQ ${i}: which?`, options: { A: 'yes', B: 'no', C: 'maybe' }, answerIdx: 'A', answer: 'yes', line: i + 1 }));
const BUDGETS = [16, 64, 256];
const WAITS = [0, 1, 2];
/** SWEEPQ 6's derived settings, which always run separately. */
const SPLIT_CHARACTER_RUNS = BUDGETS.length * WAITS.length - 1;

/** What a separate run and a derived one must agree on (not timing, not the chunk lengths). */
const comparable = (r: RunRecord) => ({
  key: `${r.source}#${r.index}`,
  response: r.response,
  extracted: r.extracted,
  choice: r.choice,
  correct: r.correct,
  tokens: r.tokens,
  finish: r.finish,
  rounds: r.rounds.map(({ tokenLengths: _lengths, ...round }) => round),
});

interface Mode {
  name: string;
  start(): Promise<{ backend: Backend; generated(): number; close(): Promise<void> }>;
  /** Item runs that cannot be cut (no exact token boundaries): only SWEEPQ 6's, some more, or every one. */
  fallbacks: 'none' | 'some' | 'all';
}

const ollama = (o: FakeOllamaOptions) => async () => {
  const fake = await startFakeOllama({ scripts: SCRIPTS, numParallel: 4, ...o });
  return { backend: new OllamaBackend({ host: fake.url }), generated: () => fake.generateLog.reduce((n, g) => n + g.evalCount, 0), close: () => fake.close() };
};
const openai = (o: FakeOpenAIOptions) => async () => {
  const fake = await startFakeOpenAI({ scripts: SCRIPTS, models: [MODEL], ...o });
  return { backend: new OpenAIBackend({ url: fake.url }), generated: () => fake.log.reduce((n, g) => n + g.completionTokens, 0), close: () => fake.close() };
};

// Every way a real server streams: chunks are tokens only sometimes, so cuts are made on logprobs.
const MODES: Mode[] = [
  { name: 'Ollama 0.12.6 (no logprobs)', start: ollama({ version: '0.12.6' }), fallbacks: 'all' },
  { name: 'Ollama 0.12.11 llama runner (logprobs)', start: ollama({ version: '0.12.11' }), fallbacks: 'none' },
  { name: 'Ollama 0.30 llama-server (one logprob a chunk)', start: ollama({ version: '0.30.0' }), fallbacks: 'some' },
  { name: 'vLLM (11-character hold-back)', start: openai({ server: 'vllm' }), fallbacks: 'none' },
  { name: 'vLLM under load (3 steps a chunk)', start: openai({ server: 'vllm', mergeSteps: 3 }), fallbacks: 'none' },
  { name: 'SGLang (stream_interval 4)', start: openai({ server: 'sglang', streamInterval: 4 }), fallbacks: 'none' },
];

describe('budget sweeps', function () {
  this.timeout(60_000);

  async function sweep(mode: Mode, exact: boolean) {
    const server = await mode.start();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'm1-sweep-'));
      const result = await runSweep({
        items: ITEMS,
        backend: server.backend,
        concurrency: 4,
        base: { model: MODEL, ...PAPER_DEFAULTS },
        budgets: BUDGETS,
        waitRounds: WAITS,
        dir,
        exact,
        benchFile: 'sweep',
        benchHash: 'sha256:sweep',
      });
      return { dir, result, tokens: server.generated() };
    } finally {
      await server.close();
    }
  }

  for (const mode of MODES) {
    it(`${mode.name}: every budget × Wait rounds gives, item by item, what separate runs give`, async () => {
      const shared = await sweep(mode, false);
      const exact = await sweep(mode, true);
      assert.equal(shared.result.shared, true);
      assert.equal(exact.result.shared, false);
      assert.equal(readdirSync(shared.dir).length, 9);
      const derived = ITEMS.length * (BUDGETS.length * WAITS.length - 1);
      const { fallbacks } = shared.result;
      if (mode.fallbacks === 'none') assert.equal(fallbacks, SPLIT_CHARACTER_RUNS, 'exact token boundaries: every thought but the split character\'s can be cut');
      if (mode.fallbacks === 'all') assert.equal(fallbacks, derived, 'no token boundaries: every setting runs itself');
      if (mode.fallbacks === 'some') assert.ok(fallbacks > SPLIT_CHARACTER_RUNS && fallbacks < derived, `${fallbacks} of ${derived} item runs fell back`);
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
      if (mode.fallbacks === 'none') assert.ok(shared.tokens < exact.tokens * 0.6, `shared ${shared.tokens} tokens, separate ${exact.tokens}`);
    });
  }

  it('keeps the server-reported token lengths, and refuses to cut a thought without them', async () => {
    const { dir } = await sweep(MODES[3]!, false);
    const top = (await readRunFile(sweepFile(dir, { budget: 256, waitRounds: 2 }))).records;
    for (const r of top.filter((x) => !x.question.startsWith('SWEEPQ 6'))) for (const round of r.rounds) assert.equal(round.tokenLengths?.length, round.tokens, `${r.question}: ${round.tokens} tokens, ${round.tokenLengths?.length} lengths`);
    assert.equal(top.find((r) => r.question.startsWith('SWEEPQ 6'))!.rounds[0]!.tokenLengths, undefined, 'half a character is no token text: no boundaries');
    const long = top.find((r) => r.question.startsWith('SWEEPQ 2'))!;
    assert.equal(cutThought(long, { budget: 16, waitRounds: 0 })!.used, 16);
    assert.equal(cutThought(long, { budget: 16, waitRounds: 0 })!.thought, long.rounds[0]!.think.split(' ').slice(0, 16).join(' '));
    const merged = { ...long, rounds: long.rounds.map((round) => ({ ...round, tokenLengths: [round.think.length] })) };
    assert.equal(cutThought(merged, { budget: 16, waitRounds: 0 }), undefined);
    const none = { ...long, rounds: long.rounds.map(({ tokenLengths: _l, ...round }) => round) };
    assert.equal(cutThought(none, { budget: 16, waitRounds: 0 }), undefined);
  });
});
