// The results views: a run with its item table, a budget sweep run from the editor with the
// paper's figure, and a comparison with flips; traces opened from them and a Markdown export.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FrameLocator, Page } from 'playwright-core';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import type { Script } from '../fake-ollama/script';
import { openFile, quickPickStep, runCommand } from '../harness/browser';
import { ROOT } from '../harness/build';
import { expectText } from './expect';
import { toast, useSession } from './session';

/** A thought of n tokens in the fake tokenizer. */
const thought = (n: number) => `${Array.from({ length: n }, (_, i) => `reason${i}`).join(' ')} `;
// Sweep demo: longer questions need longer thoughts; cut short, m1 guesses wrong.
const LENGTHS = [300, 700, 900, 1500, 1800, 3000, 3500, 5000, 600, 2500, 6000, 400];
const SWEEP_SCRIPTS: Script[] = LENGTHS.map((n, i) => ({ match: `SWEEP-DEMO ${i}:`, think: [thought(n)], answers: ['\\boxed{A}'], answerAfterCut: '\\boxed{B}' }));
const SWEEP_BENCH = Object.fromEntries(
  ['Cardiology', 'Nephrology'].map((source, s) => [
    source,
    LENGTHS.slice(s * 6, s * 6 + 6).map((_, j) => ({ id: `${source.slice(0, 4).toLowerCase()}-${j + 1}`, question: `SWEEP-DEMO ${s * 6 + j}: which option is right?`, options: { A: 'the right one', B: 'a tempting one', C: 'another' }, answer_idx: 'A' })),
  ]),
);

describe('e2e: results, sweeps and comparisons', function () {
  this.timeout(240_000);
  const s = useSession({ scripts: [...DEMO_SCRIPTS, ...SWEEP_SCRIPTS], tokenDelayMs: 0 }, { 'workbench.colorTheme': 'Default Dark Modern' });
  const view = (): FrameLocator => s().page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const runs = () => join(s().workspace, '.m1', 'runs');

  before(async () => {
    const { workspace, fake } = s();
    writeFileSync(join(workspace, 'sweep-demo.json'), JSON.stringify(SWEEP_BENCH, null, 2));
    // Two runs of the sample benchmark from the CLI: without and with a Wait round (the fake
    // server runs in this process, so the CLI must not block it).
    for (const [name, wait] of [['no-wait', '0'], ['one-wait', '1']] as const) {
      await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'bench', 'benchmark.json', '--host', fake.url, '--budget', '1024', '--wait', wait, '--out', join('.m1', 'runs', `${name}.jsonl`)], { cwd: workspace });
    }
  });

  async function closeEditors(page: Page): Promise<void> {
    await runCommand(page, 'View: Close All Editors');
  }

  async function pick(page: Page, text: string): Promise<void> {
    await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor();
    await page.locator('.quick-input-widget input').fill(text);
    await page.keyboard.press('Enter');
  }

  it('shows a run: accuracy with intervals, token histograms, and items filtered to the wrong one', async () => {
    const { page } = s();
    await runCommand(page, 'm1: Open Results');
    await pick(page, 'one-wait.jsonl');
    const v = view();
    await expectText(v.locator('table.summary'), 'MedQA_USLME_test', 30_000);
    await expectText(v.locator('table.summary'), '66.7%');
    await expectText(v.locator('table.summary'), 'average over sources');
    assert.equal(await v.locator('section.charts svg.chart').count(), 2);
    await v.locator('button.chip[data-filter="wrong"]').click();
    assert.equal(await v.locator('table.items tbody tr').count(), 1);
    await expectText(v.locator('table.items tbody'), 'medqa-003');
    await s().shot('results-01-run');
    await v.locator('table.items tbody button', { hasText: 'Trace' }).click();
    await page.locator('.tab', { hasText: '.m1trace.json' }).first().waitFor({ timeout: 20_000 });
    await closeEditors(page);
  });

  it('runs a budget sweep from the editor and plots accuracy against budget per source', async () => {
    const { page } = s();
    await openFile(page, 'sweep-demo.json');
    await runCommand(page, 'm1: Run Budget Sweep');
    await quickPickStep(page, 'budgets'); // 512 … 8192, picked by default
    await quickPickStep(page, 'Wait rounds'); // 0
    for (const title of ['(1/3) · model', '(2/3) · requests at once', '(3/3) · items']) await quickPickStep(page, title);
    const v = view();
    await v.locator('figure.sweep-chart svg').waitFor({ timeout: 120_000 });
    // Thoughts of 300–6,000 tokens: the longer the budget, the more are finished before the cut.
    await expectText(v.locator('table.summary'), 'Cardiology');
    await expectText(v.locator('table.summary'), 'Nephrology');
    await expectText(v.locator('table.summary tbody tr', { hasText: 'overall' }), '100.0%');
    await expectText(v.locator('table.summary tbody tr', { hasText: 'overall' }), '16.7%');
    assert.equal(await v.locator('figure.sweep-chart circle.best').count(), 3, 'the best budget of each series is ringed');
    await s().shot('results-02-sweep');
    const dir = readdirSync(runs()).find((d) => d.startsWith('sweep-'))!;
    assert.deepEqual(readdirSync(join(runs(), dir)).sort(), [512, 1024, 2048, 4096, 8192].map((b) => `budget-${b}-wait-0.jsonl`).sort());
    await closeEditors(page);
  });

  it('compares two runs: the item the Wait round flipped, with both traces, and exports a report', async () => {
    const { page } = s();
    await runCommand(page, 'm1: Compare Runs');
    await pick(page, 'no-wait.jsonl');
    await pick(page, 'one-wait.jsonl');
    const v = view();
    await expectText(v.locator('.verdict'), 'B − A: -16.7 points over 6 items', 30_000);
    await expectText(v.locator('.verdict'), 'McNemar exact p = 1.00');
    await expectText(v.locator('section.flips.worse'), 'Right in A, wrong in B (1)');
    await expectText(v.locator('section.flips.worse'), 'medqa-003');
    await expectText(v.locator('section.flips.better'), 'Wrong in A, right in B (0)');
    await s().shot('results-03-compare');
    await v.locator('section.flips.worse button', { hasText: 'Trace B' }).click();
    await page.locator('.tab', { hasText: '.m1trace.json' }).first().waitFor({ timeout: 20_000 });
    await page.locator('.tab', { hasText: 'no-wait.jsonl vs one-wait.jsonl' }).first().click();
    await view().locator('button', { hasText: 'Markdown' }).click();
    // VS Code's own save dialog, with the suggested path.
    const input = page.locator('.quick-input-widget input');
    await expectText(page.locator('.quick-input-widget'), 'm1: export results', 20_000);
    // The dialog fills its path in steps (folder, then name): wait for the name.
    const deadline = Date.now() + 10_000;
    while (!(await input.inputValue()).endsWith('no-wait-compare.md') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(await input.inputValue(), /no-wait-compare\.md$/);
    await page.keyboard.press('Enter');
    await toast(page, 'Exported to').waitFor({ timeout: 20_000 });
    assert.ok(existsSync(join(runs(), 'no-wait-compare.md')));
  });
});
