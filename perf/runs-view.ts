// Following a run file as it grows (the Runs view and live results): the cost of taking in one
// appended item with RunTail, against reading the whole file again as the views did before.
// Results in perf/README.md.
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunFile, type RunHeader, type RunRecord } from '../src/core/bench/runFile';
import { RunTail } from '../src/core/bench/runTail';
import { PAPER_DEFAULTS } from '../src/core/engine';

const N = Number(process.env.BENCH_ITEMS ?? 5_000);
const REPS = Number(process.env.BENCH_REPS ?? 20);
const think = 'The patient presents with ST elevation in II, III and aVF, which suggests an inferior infarction. '.repeat(60);

const record = (i: number): RunRecord => ({
  source: `S${i % 5}`,
  index: Math.floor(i / 5),
  id: `item-${i}`,
  question: `A ${20 + (i % 60)}-year-old patient presents with chest pain. Which artery is most likely occluded?`,
  answer_idx: 'C',
  answer: 'RCA',
  response: '\\boxed{C}',
  extracted: 'C',
  choice: i % 3 ? 'C' : 'B',
  correct: i % 3 !== 0,
  tokens: { think: 1200, answer: 30 },
  finish: { think: 'stop', answer: 'stop' },
  rounds: [{ think, waitInjected: null, tokens: 1200, finish: 'stop' }],
  ms: 1000,
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'm1-bench-runs-'));
  const path = join(dir, 'run.jsonl');
  const header: RunHeader = { type: 'header', version: 1, runId: 'bench', createdAt: new Date().toISOString(), benchFile: 'bench.jsonl', benchHash: 'sha256:bench', settings: { model: 'm1-7b-23k', ...PAPER_DEFAULTS }, planned: N + REPS };
  writeFileSync(path, `${[JSON.stringify(header), ...Array.from({ length: N }, (_, i) => JSON.stringify(record(i)))].join('\n')}\n`);
  const tail = new RunTail(path, true);
  let t = performance.now();
  await tail.update();
  const first = performance.now() - t;
  const appended: number[] = [];
  const reread: number[] = [];
  for (let r = 0; r < REPS; r++) {
    appendFileSync(path, `${JSON.stringify(record(N + r))}\n`);
    t = performance.now();
    await tail.update();
    appended.push(performance.now() - t);
    t = performance.now();
    await readRunFile(path, { rounds: false });
    reread.push(performance.now() - t);
  }
  const fresh: number[] = [];
  for (let r = 0; r < 3; r++) {
    t = performance.now();
    await new RunTail(path, true).update();
    fresh.push(performance.now() - t);
  }
  if (tail.totals().done !== N + REPS) throw new Error(`counted ${tail.totals().done} items, expected ${N + REPS}`);
  const mb = (statSync(path).size / 1e6).toFixed(1);
  console.log(`run file: ${N} items, ${mb} MB`);
  console.log(`first read (RunTail): ${first.toFixed(1)} ms cold, median ${median(fresh).toFixed(1)} ms warm`);
  console.log(`one appended item, RunTail.update: median ${median(appended).toFixed(2)} ms`);
  console.log(`one appended item, whole file re-read (readRunFile without thoughts): median ${median(reread).toFixed(1)} ms`);
  rmSync(dir, { recursive: true, force: true });
}

void main();
