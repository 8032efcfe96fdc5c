// The benchmark language server's checks: a 10,000-item JSONL checked whole, checked again after
// a one-line edit, and a 100 MB JSONL held and checked within 3× its size. Run with
// --expose-gc so memory is measured after collection. Results in perf/README.md.
import { BenchDocument } from '../src/server/benchDocument';
import { DEFAULT_FIELDS } from '../src/core/bench/format';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

function jsonl(items: number): string {
  const lines: string[] = [];
  for (let i = 0; i < items; i++) {
    lines.push(
      JSON.stringify({
        id: `q${i}`,
        source: `S${i % 5}`,
        question: `A ${20 + (i % 60)}-year-old patient (case ${i}) presents with chest pain radiating to the jaw and diaphoresis for ${i % 90} minutes. An ECG shows ST elevation in II, III and aVF. Which artery is most likely occluded?`,
        options: { A: 'Left anterior descending artery', B: 'Left circumflex artery', C: 'Right coronary artery', D: 'Left main coronary artery' },
        answer_idx: 'C',
        answer: 'Right coronary artery',
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

const reps = Number(process.env.BENCH_REPS ?? 5);
{
  const text = jsonl(10_000);
  const full: number[] = [];
  const edit: number[] = [];
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    const doc = new BenchDocument('file:///bench.jsonl', 1, text, 'jsonl', DEFAULT_FIELDS);
    full.push(performance.now() - t);
    // One line edited in the middle: its question becomes another line's (a new duplicate).
    const line = 5000;
    const all = text.split('\n');
    const old = all[line]!;
    const edited = JSON.stringify({ ...JSON.parse(old), question: (JSON.parse(all[17]!) as { question: string }).question });
    t = performance.now();
    doc.update([{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: edited }], 2);
    edit.push(performance.now() - t);
    if (doc.problems.length !== 1) throw new Error(`expected the new duplicate, got ${doc.problems.length} problems`);
  }
  console.log(`10,000-item JSONL (${(text.length / 1e6).toFixed(1)} MB): full check median ${median(full).toFixed(0)} ms, after a one-line edit median ${median(edit).toFixed(1)} ms`);
}
{
  const items = Number(process.env.BENCH_BIG_ITEMS ?? 280_000);
  const before = heap();
  let size = 0;
  let ms = 0;
  // The text lives only inside the document once this returns, as in the server.
  const doc = (() => {
    const text = jsonl(items);
    size = text.length;
    const t = performance.now();
    const d = new BenchDocument('file:///big.jsonl', 1, text, 'jsonl', DEFAULT_FIELDS);
    ms = performance.now() - t;
    return d;
  })();
  const held = heap() - before;
  console.log(`${(size / 1e6).toFixed(0)} MB JSONL (${items.toLocaleString('en')} items): checked in ${(ms / 1000).toFixed(1)} s; server memory for it ${(held / 1e6).toFixed(0)} MB = ${(held / size).toFixed(2)}× its size (${doc.itemCount} items, ${doc.problems.length} problems)`);
}
