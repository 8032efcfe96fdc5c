// Runner overhead: 1,000 items against a fake Ollama (in its own process) that takes 20 ms a token,
// with concurrency 4 and 4 parallel slots. Ideal wall time = sum of scripted latencies / 4.
// Results in perf/README.md.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../src/core/backends/backend';
import { OllamaBackend } from '../src/core/backends/ollama';
import type { BenchItem } from '../src/core/bench/format';
import { runBenchmark } from '../src/core/bench/runner';
import { PAPER_DEFAULTS } from '../src/core/engine';
import { tokenize } from '../test/fake-ollama/tokenizer';
import { BENCH_THINK, BENCH_ANSWER, TOKEN_MS } from './fake-runner-config';

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_ITEMS ?? 1000);
  const server = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fake-runner.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const host = await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  try {
    const items: BenchItem[] = Array.from({ length: n }, (_, i) => ({
      source: `S${i % 5}`,
      index: Math.floor(i / 5),
      question: `BENCHQ ${i}: which option?`,
      options: { A: 'yes', B: 'no' },
      answerIdx: 'A',
      answer: 'yes',
      line: i + 1,
    }));
    const tokensPerItem = tokenize(BENCH_THINK).length + tokenize(BENCH_ANSWER).length;
    const ideal = (n * tokensPerItem * TOKEN_MS) / 4;
    const runFile = join(mkdtempSync(join(tmpdir(), 'm1-bench-runner-')), 'run.jsonl');
    const heap: number[] = [];
    // The server's own time per request (eval_duration), to tell its timer slop from the runner's cost.
    const inner = new OllamaBackend({ host });
    let serverNs = 0;
    const backend: Backend = {
      label: inner.label,
      async *generate(req) {
        for await (const ev of inner.generate(req)) {
          if (ev.type === 'done') serverNs += ev.evalDurationNs ?? 0;
          yield ev;
        }
      },
    };
    const t = performance.now();
    const summary = await runBenchmark({
      items,
      backend,
      settings: { model: 'm1-7b-23k', ...PAPER_DEFAULTS },
      concurrency: 4,
      runFile,
      benchFile: 'bench',
      benchHash: 'sha256:bench',
      onRecord: (_r, { done }) => {
        if (done % (n / 10) === 0) heap.push(process.memoryUsage().heapUsed / 1024 / 1024);
      },
    });
    const wall = performance.now() - t;
    console.log(`${n} items, ${tokensPerItem} tokens each at ${TOKEN_MS} ms, concurrency 4: wall ${(wall / 1000).toFixed(1)} s, ideal ${(ideal / 1000).toFixed(1)} s, ratio ${(wall / ideal).toFixed(3)}; accuracy ${summary.overall.accuracy}`);
    const serverIdeal = serverNs / 1e6 / 4;
    console.log(`server-reported generation time / 4: ${(serverIdeal / 1000).toFixed(1)} s, ratio ${(wall / serverIdeal).toFixed(3)}`);
    console.log(`heap used every ${n / 10} items (MB): ${heap.map((h) => h.toFixed(1)).join(', ')}`);
  } finally {
    server.kill();
  }
}

void main();
