// Model reloads in a 1,000-item run at concurrency 4 against the fake Ollama in reload mode (a
// num_ctx change waits for the requests in flight, then a load of RELOAD_MS with no headers
// meanwhile, as Ollama's scheduler does). "Before": num_ctx sized per question (the engine's old
// way); "after": one num_ctx for the run. Results in perf/README.md.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OllamaBackend } from '../src/core/backends/ollama';
import type { BenchItem } from '../src/core/bench/format';
import { runBenchmark, type RunOptions } from '../src/core/bench/runner';
import { askM1, PAPER_DEFAULTS } from '../src/core/engine';
import { startFakeOllama } from '../test/fake-ollama/server';

const N = Number(process.env.BENCH_ITEMS ?? 1000);
const RELOAD_MS = Number(process.env.RELOAD_MS ?? 50);

/** Prompts of 300–3,000 bytes, spread as a real benchmark's are. */
const items: BenchItem[] = Array.from({ length: N }, (_, i) => ({
  source: 'S',
  index: i,
  line: i + 1,
  question: `RELOADQ ${i} ${'w'.repeat(300 + ((i * 7919) % 2700))}`,
  options: { A: 'yes', B: 'no' },
  answerIdx: 'A',
  answer: 'yes',
}));

async function run(label: string, extra: Partial<RunOptions>): Promise<void> {
  const fake = await startFakeOllama({ numParallel: 4, reloadDelayMs: RELOAD_MS, tokenDelayMs: 1, scripts: [{ match: 'RELOADQ', think: ['Short thought. '], answers: ['\\boxed{A}'] }] });
  try {
    const t = performance.now();
    await runBenchmark({
      items,
      backend: new OllamaBackend({ host: fake.url }),
      concurrency: 4,
      settings: { model: 'm1-7b-23k', ...PAPER_DEFAULTS, budget: 4096 },
      runFile: join(mkdtempSync(join(tmpdir(), 'm1-perf-reload-')), 'run.jsonl'),
      benchFile: 'reload.json',
      benchHash: 'sha256:reload',
      ...extra,
    });
    const wall = performance.now() - t;
    const sizes = new Set(fake.generateLog.map((e) => e.numCtx));
    console.log(`${label}: ${fake.loads} model loads, ${sizes.size} num_ctx values, ${fake.generateLog.length} requests, wall ${(wall / 1000).toFixed(1)} s`);
  } finally {
    await fake.close();
  }
}

async function main(): Promise<void> {
  console.log(`${N} items, concurrency 4, reload ${RELOAD_MS} ms`);
  // The old sizing: each question's own context (no run-wide value).
  await run('before (num_ctx per question)', { ask: (item, backend, settings, signal) => askM1({ question: item.question, options: item.options }, { backend, settings, signal }) });
  await run('after (one num_ctx per run)', {});
}

void main();
