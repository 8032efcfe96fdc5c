// Streaming cost of the side panel: a 16,384-token thought fed into the panel's renderer in
// Chromium at full speed, against appending the same text as plain text. Results in perf/README.md.
import * as esbuild from 'esbuild';
import { launchBrowser } from '../test/harness/browser';

const TOKENS = 16_384;

/** A thought like m1's: sentences, a paragraph every ~80 tokens, sometimes a list or bold text. */
function thought(blankLines: boolean): string[] {
  const words = ['the', 'patient', 'presents', 'with', 'ST', 'elevation', 'in', 'leads', 'II,', 'III', 'and', 'aVF,', 'which', 'suggests', '**inferior**', 'infarction.'];
  const out: string[] = [];
  for (let i = 0; out.length < TOKENS; i++) {
    out.push(` ${words[i % words.length]}`);
    if (i % 80 === 79) out.push(blankLines ? '\n\n' : '\n');
    if (i % 400 === 399) out.push('- first point\n', '- second point\n\n');
  }
  return out.slice(0, TOKENS);
}

async function main(): Promise<void> {
  const bundle = await esbuild.build({ entryPoints: ['perf/panel-stream-page.ts'], bundle: true, write: false, format: 'iife', platform: 'browser', minify: true });
  const browser = await launchBrowser();
  const page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><html><body></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const reps = Number(process.env.BENCH_REPS ?? 5);
  // Warm up the JIT on both paths first: the first render of a session is not the steady cost.
  await page.evaluate((t) => window.runBench('markdown', t, 8), thought(true).slice(0, 4000));
  await page.evaluate((t) => window.runBench('plain', t, 8), thought(true).slice(0, 4000));
  for (const [label, tokens] of [
    ['paragraphs', thought(true)],
    ['no blank lines (worst case)', thought(false)],
  ] as const) {
    for (const batch of [1, 8]) {
      const md: number[] = [];
      const plain: number[] = [];
      let longest = 0;
      let longestPlain = 0;
      for (let r = 0; r < reps; r++) {
        const m = await page.evaluate(([t, b]) => window.runBench('markdown', t, b), [tokens, batch] as const);
        const p = await page.evaluate(([t, b]) => window.runBench('plain', t, b), [tokens, batch] as const);
        md.push(m.taskMs);
        plain.push(p.taskMs);
        longest = Math.max(longest, m.longestTaskMs);
        longestPlain = Math.max(longestPlain, p.longestTaskMs);
      }
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const m = med(md);
      const p = med(plain);
      console.log(
        `${label}, ${batch} token(s) a message: markdown ${m.toFixed(0)} ms (${((m / TOKENS) * 1000).toFixed(1)} µs/token), ` +
          `plain text ${p.toFixed(0)} ms (${((p / TOKENS) * 1000).toFixed(1)} µs/token), ratio ${(m / p).toFixed(2)}×, ` +
          `longest task ${longest.toFixed(1)} ms (plain ${longestPlain.toFixed(1)} ms)`,
      );
    }
  }
  await browser.close();
}

void main();
