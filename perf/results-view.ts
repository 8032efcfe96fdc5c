// Opening the results view of a 10,000-item run: reading the run file and building the view in
// the extension host, then rendering it in Chromium with the real webview bundle. Results in
// perf/README.md.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { RunHeader, RunRecord } from '../src/core/bench/runFile';
import { PAPER_DEFAULTS } from '../src/core/engine';
import { loadRun } from '../src/results/views';
import { launchBrowser } from '../test/harness/browser';

const N = Number(process.env.BENCH_ITEMS ?? 10_000);

function runFile(): string {
  const header: RunHeader = { type: 'header', version: 1, runId: 'bench', createdAt: new Date().toISOString(), benchFile: 'bench.jsonl', benchHash: 'sha256:bench', settings: { model: 'm1-7b-23k', ...PAPER_DEFAULTS }, planned: N };
  const think = 'The patient presents with ST elevation in II, III and aVF, which suggests an inferior infarction. '.repeat(60);
  const lines = [JSON.stringify(header)];
  for (let i = 0; i < N; i++) {
    const correct = i % 7 === 0 ? null : i % 3 !== 0;
    const r: RunRecord = {
      source: `S${i % 5}`,
      index: Math.floor(i / 5),
      id: `item-${i}`,
      question: `A ${20 + (i % 60)}-year-old patient presents with chest pain radiating to the jaw for ${i % 90} minutes. Which artery is most likely occluded?`,
      options: { A: 'LAD', B: 'LCx', C: 'RCA', D: 'Left main' },
      answer_idx: correct === null ? null : 'C',
      answer: correct === null ? null : 'RCA',
      response: '\\boxed{C}',
      extracted: 'C',
      choice: i % 11 === 0 ? null : correct ? 'C' : 'B',
      correct,
      tokens: { think: 300 + ((i * 37) % 4000), answer: 20 + (i % 50) },
      finish: { think: i % 4 ? 'stop' : 'length', answer: 'stop' },
      rounds: [{ think, waitInjected: null, tokens: 300, finish: 'stop' }],
      ms: 1000 + i,
    };
    lines.push(JSON.stringify(r));
  }
  const path = join(mkdtempSync(join(tmpdir(), 'm1-bench-results-')), 'run.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function main(): Promise<void> {
  const path = runFile();
  const bundle = await esbuild.build({ entryPoints: ['webview-ui/src/results.ts'], bundle: true, write: false, format: 'iife', platform: 'browser', minify: true });
  const browser = await launchBrowser();
  const reps = Number(process.env.BENCH_REPS ?? 5);
  const host: number[] = [];
  const render: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const { view } = await loadRun(path);
    const message = JSON.parse(JSON.stringify({ type: 'show', view })) as unknown; // what postMessage carries
    host.push(performance.now() - t);
    const page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><body><main id="root"></main></body></html>');
    await page.addScriptTag({ content: 'window.acquireVsCodeApi = () => ({ postMessage() {} });' });
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    // From the message to the first frame with the view on screen.
    // From the message to the first frame with the view on screen. (A string, so tsx's helpers
    // do not leak into the page.)
    await page.evaluate(`window.__message = ${JSON.stringify(message)}`);
    const ms = (await page.evaluate(`new Promise((resolve) => {
      const t0 = performance.now();
      window.postMessage(window.__message, '*');
      const wait = () => (document.querySelector('table.items tbody tr') ? requestAnimationFrame(() => resolve(performance.now() - t0)) : setTimeout(wait, 1));
      wait();
    })`)) as number;
    render.push(ms);
    await page.close();
  }
  await browser.close();
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`${N} items: extension host (read + view) median ${med(host).toFixed(0)} ms, webview render to first frame median ${med(render).toFixed(0)} ms, total ${(med(host) + med(render)).toFixed(0)} ms (runs: ${host.map((h, i) => (h + render[i]!).toFixed(0)).join(', ')})`);
}

void main();
