// Budget sweep cost: 512/1K/2K/4K/8K on 200 items against the fake server, generated tokens with
// shared thoughts against separate runs and against one 8K run. Results in perf/README.md.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../src/core/backends/backend';
import { OllamaBackend } from '../src/core/backends/ollama';
import type { BenchItem } from '../src/core/bench/format';
import { runBenchmark } from '../src/core/bench/runner';
import { runSweep } from '../src/core/bench/sweep';
import { PAPER_DEFAULTS } from '../src/core/engine';
import type { Script } from '../test/fake-ollama/script';
import { startFakeOllama } from '../test/fake-ollama/server';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 200);
const BUDGETS = [512, 1024, 2048, 4096, 8192];

/** Thought lengths spread like m1's (many short, a long tail past 8K), reproducibly. */
function lengths(n: number): number[] {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => Math.round(200 + 9000 * next() ** 2));
}

async function main(): Promise<void> {
  const lens = lengths(ITEMS);
  // Answers of ~120 tokens, like m1's short explanations before the box.
  const explain = `${Array.from({ length: 115 }, (_, j) => `because${j}`).join(' ')} `;
  const scripts: Script[] = lens.map((n, i) => ({ match: `SWQ ${i}:`, think: [`${Array.from({ length: n }, (_, j) => `w${j}`).join(' ')} `], answers: [`${explain}The answer is \\boxed{A}.`], answerAfterCut: `${explain}\\boxed{B}` }));
  const items: BenchItem[] = lens.map((_, i) => ({ source: `S${i % 4}`, index: Math.floor(i / 4), question: `SWQ ${i}: which?`, options: { A: 'a', B: 'b' }, answerIdx: 'A', answer: 'a', line: i + 1 }));
  // 0.12.11 and later give each token's text (logprobs): a sweep cuts on it; older ones run every setting.
  const fake = await startFakeOllama({ scripts, numParallel: 4, version: '0.12.11' });
  let generated = 0;
  const inner = new OllamaBackend({ host: fake.url });
  const backend: Backend = {
    label: inner.label,
    async *generate(req) {
      for await (const ev of inner.generate(req)) {
        if (ev.type === 'done') generated += ev.evalCount;
        yield ev;
      }
    },
  };
  const base = { items, backend, concurrency: 4, benchFile: 'bench', benchHash: 'sha256:bench' };
  const measure = async (label: string, run: () => Promise<unknown>) => {
    generated = 0;
    const t = performance.now();
    await run();
    const r = { label, tokens: generated, seconds: (performance.now() - t) / 1000 };
    return r;
  };
  const dir = () => mkdtempSync(join(tmpdir(), 'm1-bench-sweep-'));
  const one = await measure('one run at 8K', () => runBenchmark({ ...base, settings: { model: 'm1-7b-23k', ...PAPER_DEFAULTS, budget: 8192 }, runFile: join(dir(), 'one.jsonl') }));
  const shared = await measure('sweep, shared thoughts', () => runSweep({ ...base, base: { model: 'm1-7b-23k', ...PAPER_DEFAULTS }, budgets: BUDGETS, waitRounds: [0], dir: dir() }));
  const exact = await measure('sweep, separate runs', () => runSweep({ ...base, base: { model: 'm1-7b-23k', ...PAPER_DEFAULTS }, budgets: BUDGETS, waitRounds: [0], dir: dir(), exact: true }));
  console.log(`${ITEMS} items, thoughts ${Math.min(...lens)}–${Math.max(...lens)} tokens (median ${[...lens].sort((a, b) => a - b)[ITEMS >> 1]}), budgets ${BUDGETS.join('/')}`);
  for (const r of [one, shared, exact]) console.log(`${r.label.padEnd(24)} ${String(r.tokens).padStart(9)} tokens generated (${(r.tokens / one.tokens).toFixed(2)}× one 8K run), ${r.seconds.toFixed(1)} s`);
  await fake.close();
}

void main();
