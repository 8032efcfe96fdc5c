// Benchmark JSON files of the paper's evaluation data's shape (five sources, pretty-printed, one
// of them repeating each question 5×): loading them (vs the same items as JSONL), the language
// server's full check, a one-line edit, its memory, and a 50,000-item file. Run with --expose-gc
// so memory is measured after collection. Results in perf/README.md.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FIELDS, readBench } from '../src/core/bench/format';
import { BenchDocument } from '../src/server/benchDocument';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** CPU time of this process in ms: on a shared machine it counts less of the waiting for a core than wall time. */
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const reps = Number(process.env.BENCH_REPS ?? 5);

/** The real file's sources and their shares (GPQA: 78 questions, each 5×). */
const SOURCES: Array<[string, number]> = [
  ['MedMCQA_validation', 4183],
  ['MedQA_USLME_test', 1273],
  ['PubMedQA_test', 1000],
  ['MMLU-Pro_Medical_test', 1535],
  ['GPQA_Medical_test', 390],
];

function item(n: number, repeatOf?: number) {
  const k = repeatOf ?? n;
  return {
    question: `A ${20 + (k % 60)}-year-old patient (case ${k}) presents with crushing chest pain radiating to the left jaw and arm, nausea and diaphoresis for ${k % 90} minutes. Blood pressure is 96/60 mm Hg, pulse 52/min. An ECG shows ST-segment elevation in leads II, III and aVF with reciprocal depression in I and aVL. Troponin is pending. Which of the following arteries is most likely occluded in this patient, and what finding best supports it?`,
    options: { A: 'Left anterior descending artery', B: 'Left circumflex artery', C: 'Right coronary artery', D: 'Left main coronary artery' },
    answer_idx: 'C',
    answer: 'Right coronary artery',
  };
}

/** `total` items over the five sources in the real file's proportions, as JSON and as JSONL. */
function generate(total: number): { json: string; jsonl: string } {
  const all = SOURCES.reduce((s, [, n]) => s + n, 0);
  const groups: Record<string, unknown[]> = {};
  const lines: string[] = [];
  let n = 0;
  // GPQA's share rounded to whole rounds of 5; the last other source takes what rounding left.
  const gpqa = Math.round((390 / all) * total / 5) * 5;
  let left = total - gpqa;
  for (const [source, count] of SOURCES) {
    const size = source.startsWith('GPQA') ? gpqa : source === 'MMLU-Pro_Medical_test' ? left : Math.round((count / all) * total);
    if (!source.startsWith('GPQA')) left -= size;
    const distinct = source.startsWith('GPQA') ? size / 5 : size;
    const first = n;
    groups[source] = Array.from({ length: size }, (_, i) => (i < distinct ? item(n++) : item(0, first + (i % distinct))));
    for (const x of groups[source]) lines.push(JSON.stringify({ source, ...(x as object) }));
  }
  return { json: JSON.stringify(groups, null, 4), jsonl: `${lines.join('\n')}\n` };
}

async function main() {
const dir = mkdtempSync(join(tmpdir(), 'm1-perf-json-'));
const { json, jsonl } = generate(8400);
const jsonPath = join(dir, 'eval_data.json');
const jsonlPath = join(dir, 'eval_data.jsonl');
writeFileSync(jsonPath, json);
writeFileSync(jsonlPath, jsonl);
{
  const load: number[] = [];
  const loadL: number[] = [];
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    const a = await readBench(jsonPath);
    load.push(performance.now() - t);
    t = performance.now();
    const b = await readBench(jsonlPath);
    loadL.push(performance.now() - t);
    if (a.items.length !== 8400 || b.items.length !== 8400) throw new Error(`loaded ${a.items.length} / ${b.items.length} items`);
  }
  console.log(`8,400-item JSON (${(json.length / 1e6).toFixed(1)} MB, pretty-printed): load median ${median(load).toFixed(0)} ms; the same items as JSONL ${median(loadL).toFixed(0)} ms (${(median(load) / median(loadL)).toFixed(2)}×)`);
}
{
  const full: number[] = [];
  const edit: number[] = [];
  const fullCpu: number[] = [];
  const editCpu: number[] = [];
  const lines = json.split('\n');
  // A line in the middle of the file: its question becomes another item's.
  const line = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('"question"'));
  const old = lines[line]!;
  const edited = old.replace(/case \d+\)/, 'case 17)').replace(/for \d+ minutes/, `for ${17 % 90} minutes`).replace(/A \d+-year-old/, `A ${20 + (17 % 60)}-year-old`);
  for (let r = 0; r < reps; r++) {
    let t = performance.now();
    let c = cpuMs();
    const doc = new BenchDocument('file:///eval_data.json', 1, json, 'json', DEFAULT_FIELDS);
    full.push(performance.now() - t);
    fullCpu.push(cpuMs() - c);
    const before = doc.problems.length;
    t = performance.now();
    c = cpuMs();
    doc.update([{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: edited }], 2);
    edit.push(performance.now() - t);
    editCpu.push(cpuMs() - c);
    if (doc.problems.length !== before + 1) throw new Error(`expected one new duplicate: ${before} → ${doc.problems.length}`);
  }
  console.log(`language server, 8,400-item JSON: full check median ${median(full).toFixed(0)} ms (CPU ${median(fullCpu).toFixed(0)} ms); one-line edit (a new duplicate found) median ${median(edit).toFixed(1)} ms (CPU ${median(editCpu).toFixed(1)} ms)`);
}
{
  const before = heap();
  const doc = (() => new BenchDocument('file:///eval_data.json', 1, generate(8400).json, 'json', DEFAULT_FIELDS))();
  const held = heap() - before;
  console.log(`language server memory for the 8,400-item JSON: ${(held / 1e6).toFixed(1)} MB = ${(held / json.length).toFixed(2)}× its size (${doc.itemCount} items, ${doc.problems.length} problems)`);
}
{
  const big = generate(50_000).json;
  const path = join(dir, 'big.json');
  writeFileSync(path, big);
  let t = performance.now();
  const doc = new BenchDocument('file:///big.json', 1, big, 'json', DEFAULT_FIELDS);
  const check = performance.now() - t;
  t = performance.now();
  const loaded = await readBench(path);
  const load = performance.now() - t;
  console.log(`50,000-item JSON (${(big.length / 1e6).toFixed(0)} MB): language server check ${(check / 1000).toFixed(2)} s (${doc.itemCount} items), load ${(load / 1000).toFixed(2)} s (${loaded.items.length} items)`);
}
}

void main();
