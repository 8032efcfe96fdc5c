// The results views: a run with its item table, a budget sweep run from the editor with the
// paper's figure, and a comparison with flips; traces opened from them and a Markdown export.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FrameLocator, Page } from 'playwright-core';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import type { Script } from '../fake-ollama/script';
import { expandTestRows, openFile, quickPickStep, runCommand, runSampleBenchmark, testRow } from '../harness/browser';
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
  // No hovers in the Testing view: a row's tooltip would cover the row below it.
  const s = useSession({ scripts: [...DEMO_SCRIPTS, ...SWEEP_SCRIPTS], tokenDelayMs: 0 }, { 'workbench.colorTheme': 'Default Dark Modern', 'workbench.hover.delay': 60_000 });
  const view = (): FrameLocator => s().page.frameLocator('iframe.webview').frameLocator('#active-frame');
  // The newest visible webview: a results tab opened from another keeps the other's (hidden) frame.
  const newest = (): FrameLocator => s().page.frameLocator('iframe.webview:visible >> nth=-1').frameLocator('#active-frame');
  const runs = () => join(s().workspace, '.m1', 'runs');
  const traces = () => (existsSync(join(s().workspace, '.m1', 'traces')) ? readdirSync(join(s().workspace, '.m1', 'traces')) : []);
  /** medqa-003 of a run file: the item the Wait round flips. */
  const medqa003 = (name: string) =>
    readFileSync(join(runs(), name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id?: string; response: string; rounds: Array<{ think: string; waitInjected: string | null }> })
      .find((r) => r.id === 'medqa-003')!;
  const clipboard = () => s().page.evaluate(() => navigator.clipboard.readText());

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
    // The thought and the answer under the row, read from the run file: no trace file written.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const record = medqa003('one-wait.jsonl');
    await v.locator('table.items tbody tr', { hasText: 'medqa-003' }).locator('button.preview-toggle').click();
    const preview = v.locator('tr.preview-row td.preview');
    await expectText(preview, 'Wait round 1', 20_000);
    await expectText(preview.locator('pre.answer'), record.response.trim().slice(0, 40));
    assert.deepEqual(traces(), [], 'a preview writes no trace file');
    await preview.locator('button', { hasText: 'Copy answer' }).click();
    await expectText(page.locator('.statusbar'), 'the answer is on the clipboard', 10_000);
    assert.equal(await clipboard(), record.response);
    await preview.scrollIntoViewIfNeeded();
    await s().shot('results-01b-preview');
    // Trace opens the readable trace, not the JSON; its lenses copy the thought and the answer.
    await v.locator('table.items tbody button', { hasText: /^Trace$/ }).click();
    await page.locator('.tab.active', { hasText: '.m1trace.json.md' }).waitFor({ timeout: 20_000 });
    await expectText(page.locator('.editor-instance .view-lines'), '# m1 trace');
    await page.locator('.codelens-decoration a', { hasText: 'Copy thought' }).first().click();
    await expectText(page.locator('.statusbar'), 'the thought is on the clipboard', 10_000);
    assert.equal(await clipboard(), record.rounds.map((r) => r.think + (r.waitInjected ?? '')).join(''));
    await s().shot('results-01c-readable-trace');
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
    // An item whose result changes with the budget: its thought at each budget, side by side.
    const changed = v.locator('details.changed');
    await expectText(changed.locator('summary'), 'Items whose result changes with the budget');
    await changed.locator('tbody tr', { hasText: 'card-2' }).locator('button', { hasText: 'Side by side' }).click();
    await page.locator('.tab.active', { hasText: 'card-2: thoughts across budgets' }).waitFor({ timeout: 20_000 });
    const sbs = newest();
    await expectText(sbs.locator('p.verdict'), 'The thoughts first differ in the first thought', 20_000);
    assert.deepEqual(await sbs.locator('.sbs-head .sbs-cell strong').allInnerTexts(), [512, 1024, 2048, 4096, 8192].map((b) => `budget ${b} · 0 Wait`));
    // Cut at 512 tokens, the thought stops where the others go on: marked in every column.
    assert.equal(await sbs.locator('mark.diverge').count(), 5);
    await expectText(sbs.locator('.sbs-head .sbs-cell').first(), 'cut by the budget');
    await s().shot('results-02b-sweep-side-by-side');
    await closeEditors(page);
  });

  it('links a failed item in the Testing view to its readable trace and its thoughts beside the previous run', async () => {
    const { page } = s();
    await openFile(page, 'benchmark.json');
    await runSampleBenchmark(page);
    await toast(page, /5 of 6 right/).waitFor({ timeout: 60_000 });
    await expandTestRows(page, ['benchmark.json', 'MedQA_USLME_test']);
    const row = (text: string) => testRow(page, text);
    await row('medqa-003').dblclick();
    const peek = page.locator('.test-output-peek');
    await expectText(peek, 'm1 chose A.', 20_000);
    const link = peek.locator('a', { hasText: 'Thoughts side by side' });
    await link.waitFor({ timeout: 10_000 });
    await expectText(peek, 'Open the trace');
    await s().shot('results-04-failure-links');
    await link.click();
    // The previous run of the same benchmark is one-wait.jsonl (CLI, budget 1024, 1 Wait): A; this run: B.
    await page.locator('.tab.active', { hasText: 'medqa-003: thoughts side by side' }).waitFor({ timeout: 20_000 });
    const sbs = newest();
    await expectText(sbs.locator('.sbs-head'), 'A · budget 1024 · 1 Wait', 20_000);
    await expectText(sbs.locator('.sbs-head'), 'B · budget 1024 · 1 Wait');
    await expectText(sbs.locator('p.verdict'), 'The thoughts');
    assert.equal(await sbs.locator('section.sbs-round').count(), 2, 'the thought and its Wait round, aligned');
    await s().shot('results-05-failure-side-by-side');
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
