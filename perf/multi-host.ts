// Throughput over 1, 2 and 4 fake vLLM hosts, each in its own process taking one request at a
// time (so the hosts, not the client, are the bottleneck). Results in perf/README.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAIBackend } from '../src/core/backends/openai';
import type { BenchItem } from '../src/core/bench/format';
import { HostPool } from '../src/core/bench/hostPool';
import { runBenchmark } from '../src/core/bench/runner';
import { PAPER_DEFAULTS } from '../src/core/engine';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 48);

async function startHost(): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fake-openai-host.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => proc.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url, proc };
}

async function run(hostCount: number): Promise<{ wall: number; tokens: number; perHost: number[] }> {
  const hosts = await Promise.all(Array.from({ length: hostCount }, startHost));
  try {
    const items: BenchItem[] = Array.from({ length: ITEMS }, (_, i) => ({ source: 'S', index: i, question: `BENCHQ ${i}: which option?`, options: { A: 'yes', B: 'no' }, answerIdx: 'A', answer: 'yes', line: i + 1 }));
    const pool = new HostPool(hosts.map((h) => ({ backend: new OpenAIBackend({ url: h.url }), slots: 1, model: 'UCSC-VLAA/m1-7B-23K' })));
    const t = performance.now();
    const summary = await runBenchmark({
      items,
      pool,
      settings: { model: 'm1', ...PAPER_DEFAULTS },
      runFile: join(mkdtempSync(join(tmpdir(), 'm1-bench-hosts-')), 'run.jsonl'),
      benchFile: 'bench',
      benchHash: 'sha256:bench',
    });
    const wall = (performance.now() - t) / 1000;
    if (summary.overall.correct !== ITEMS) throw new Error(`expected every item right, got ${summary.overall.correct}`);
    const report = pool.report();
    return { wall, tokens: report.reduce((n, h) => n + h.tokens, 0), perHost: report.map((h) => h.items) };
  } finally {
    for (const h of hosts) h.proc.kill();
  }
}

async function main(): Promise<void> {
  const reps = Number(process.env.BENCH_REPS ?? 3);
  let base = 0;
  console.log(`${ITEMS} items, fake vLLM hosts with 1 slot each, ${process.env.HOST_TOKEN_MS ?? 5} ms a token; median of ${reps}`);
  for (const n of [1, 2, 4]) {
    const runs = [];
    for (let r = 0; r < reps; r++) runs.push(await run(n));
    runs.sort((a, b) => a.wall - b.wall);
    const mid = runs[Math.floor(runs.length / 2)]!;
    const tps = mid.tokens / mid.wall;
    if (n === 1) base = tps;
    console.log(`${n} host${n === 1 ? ' ' : 's'}: wall ${mid.wall.toFixed(2)} s, ${tps.toFixed(0)} tokens/s, speed-up ${(tps / base).toFixed(2)}×, items per host ${mid.perHost.join('/')}`);
  }
}

void main();
