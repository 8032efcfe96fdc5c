// The Runs view: runs of the sample benchmark with accuracy and intervals, updated as run files
// change (and the results of a run opened while it is written), compared and deleted from the
// view; then the models in memory in the Ollama view, unloaded, detailed and deleted.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Locator } from 'playwright-core';
import { runCommand } from '../harness/browser';
import { ROOT } from '../harness/build';
import { pct } from '../../src/core/format';
import { wilson } from '../../src/core/stats';
import { expectText } from './expect';
import { useSession } from './session';

describe('e2e: the Runs view and the models in memory', function () {
  this.timeout(240_000);
  const s = useSession({ tokenDelayMs: 0 }, { 'workbench.colorTheme': 'Default Dark Modern' });
  const runs = () => join(s().workspace, '.m1', 'runs');
  const runsView = (): Locator => s().page.locator('.pane').filter({ has: s().page.locator('.pane-header', { hasText: /^\s*Runs/ }) });
  const row = (text: string) => runsView().locator('.monaco-list-row', { hasText: text }).first();
  // The newest visible webview: the Ask m1 view in the side bar is one too, and hidden result tabs keep theirs.
  const webview = () => s().page.frameLocator('iframe.webview:visible >> nth=-1').frameLocator('#active-frame');

  before(async () => {
    const { workspace, fake } = s();
    // Three runs of the sample benchmark from the CLI, one after another (newest last).
    for (const [name, budget, wait] of [['budget-1k', '1024', '0'], ['one-wait', '1024', '1'], ['budget-2k', '2048', '0']] as const) {
      await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'bench', 'benchmark.json', '--host', fake.url, '--budget', budget, '--wait', wait, '--out', join('.m1', 'runs', `${name}.jsonl`)], { cwd: workspace });
    }
  });

  /** A run's accuracy and interval as the view writes it, from its file (the fake's demo answers may change). */
  function accuracy(name: string): { label: string; value: number } {
    const records = readFileSync(join(runs(), `${name}.jsonl`), 'utf8').split('\n').filter(Boolean).slice(1).map((l) => JSON.parse(l) as { correct: boolean | null });
    const scored = records.filter((r) => r.correct !== null);
    const right = scored.filter((r) => r.correct).length;
    const [lo, hi] = wilson(right, scored.length);
    return { label: `${pct(right / scored.length)} (${pct(lo)}–${pct(hi)})`, value: right / scored.length };
  }

  async function menu(target: Locator, action: string): Promise<void> {
    const { page } = s();
    await target.click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: action }).first();
    await item.hover();
    await item.click();
    // A click that lands while the menu is still opening is lost; the item is focused, so Enter takes it.
    if (await page.locator('.monaco-menu').first().isVisible().catch(() => false)) await page.keyboard.press('Enter');
  }

  it('lists the runs by benchmark, newest first, with accuracy, interval, items, model and budget', async () => {
    const { page } = s();
    await page.locator('.activitybar [aria-label^="m1"]').first().click();
    await expectText(runsView(), 'benchmark.json', 30_000);
    await expectText(row('benchmark.json'), '3 runs');
    await expectText(row('one-wait'), `${accuracy('one-wait').label} · 6/6 · m1-7b-23k · budget 1024 · 1 Wait`);
    await expectText(row('budget-1k'), `${accuracy('budget-1k').label} · 6/6 · m1-7b-23k · budget 1024 · 0 Wait`);
    await expectText(row('budget-2k'), 'budget 2048 · 0 Wait');
    const order = (await runsView().locator('.monaco-list-row').allInnerTexts()).map((t) => /^\s*(budget-2k|one-wait|budget-1k|benchmark\.json)/.exec(t)?.[1]);
    assert.deepEqual(order.slice(1, 4), ['budget-2k', 'one-wait', 'budget-1k'], 'newest first');
    await s().shot('runs-01-view');
  });

  it('shows a run being written as unfinished; it and its results (opened mid-run) update as items are appended', async () => {
    const { page } = s();
    const lines = readFileSync(join(runs(), 'one-wait.jsonl'), 'utf8').split('\n').filter(Boolean);
    // The header's creation time made newer, as a run started now would have.
    const header = { ...JSON.parse(lines[0]!), runId: 'live', createdAt: new Date().toISOString() };
    const live = join(runs(), 'live.jsonl');
    writeFileSync(live, `${JSON.stringify(header)}\n${lines.slice(1, 3).join('\n')}\n`);
    await expectText(row('live'), '2/6 · unfinished', 20_000);
    await row('live').click(); // opens its results
    const v = webview();
    await expectText(v.locator('p.live'), 'Unfinished: 2 of 6 items so far', 30_000);
    assert.equal(await v.locator('table.items tbody tr').count(), 2);
    await s().shot('runs-02-unfinished-live-results');
    appendFileSync(live, `${lines.slice(3, 5).join('\n')}\n`);
    await expectText(v.locator('p.live'), 'Unfinished: 4 of 6 items so far', 20_000);
    assert.equal(await v.locator('table.items tbody tr').count(), 4);
    appendFileSync(live, `${lines.slice(5).join('\n')}\n`);
    await expectText(row('live'), `${accuracy('one-wait').label} · 6/6 · m1-7b-23k`, 20_000);
    assert.doesNotMatch(await row('live').innerText(), /unfinished/);
    await expectText(v.locator('table.summary'), pct(accuracy('one-wait').value));
    assert.equal(await v.locator('p.live').count(), 0);
    assert.equal(await v.locator('table.items tbody tr').count(), 6);
    await s().shot('runs-03-live-results-done');
    await runCommand(page, 'View: Close All Editors');
  });

  it('compares a run with the previous one from the view', async () => {
    const { page } = s();
    await menu(row('one-wait'), 'Compare with the Previous Run');
    const v = webview();
    const diff = 100 * (accuracy('one-wait').value - accuracy('budget-1k').value);
    await expectText(v.locator('.verdict'), `B − A: ${diff >= 0 ? '+' : ''}${diff.toFixed(1)} points over 6 items`, 30_000);
    await expectText(page.locator('.tab.active'), 'budget-1k.jsonl vs one-wait.jsonl');
    await s().shot('runs-04-compare');
    // The flipped item's two thoughts next to each other, the first divergence marked.
    await v.locator('section.flips.worse button', { hasText: 'Side by side' }).click();
    await page.locator('.tab.active', { hasText: 'thoughts side by side' }).waitFor({ timeout: 20_000 });
    const sbs = webview();
    await expectText(sbs.locator('p.verdict'), 'The thoughts first differ in', 20_000);
    // One mark in each thought that has the round where they diverge.
    assert.ok((await sbs.locator('mark.diverge').count()) >= 1);
    assert.equal(await sbs.locator('section.sbs-round.diverges').count(), 1);
    await expectText(sbs.locator('.sbs-head'), 'A · budget 1024 · 0 Wait');
    await expectText(sbs.locator('.sbs-head'), 'B · budget 1024 · 1 Wait');
    await s().shot('runs-05-side-by-side');
    await runCommand(page, 'View: Close All Editors');
  });

  it('deletes a run after confirmation', async () => {
    const { page } = s();
    await menu(row('budget-2k'), 'Delete Run');
    const dialog = page.locator('.monaco-dialog-box');
    await expectText(dialog, 'Delete the run budget-2k.jsonl');
    await dialog.locator('.monaco-button', { hasText: 'Move to Trash' }).click();
    // code-server's file system may have no trash: then a second confirmation deletes for good.
    const permanently = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Delete Permanently' });
    if (await permanently.waitFor({ timeout: 3000 }).then(() => true, () => false)) await permanently.click();
    await expectText(row('benchmark.json'), '3 runs', 20_000);
    assert.equal(await runsView().locator('.monaco-list-row', { hasText: 'budget-2k' }).count(), 0);
    assert.equal(existsSync(join(runs(), 'budget-2k.jsonl')), false);
    await s().shot('runs-06-deleted');
  });

  it('shows the trend of the remaining runs in the results, a point opening its run', async () => {
    const { page } = s();
    await row('one-wait').click();
    const v = webview();
    const trend = v.locator('section.trend');
    await expectText(trend, 'Trend: this benchmark’s runs', 30_000);
    assert.deepEqual(await trend.locator('table tbody tr td:first-child').allInnerTexts(), ['budget-1k', 'one-wait', 'live']);
    await expectText(trend.locator('table tbody tr', { hasText: 'one-wait' }), 'Wait 0 → 1');
    assert.doesNotMatch(await trend.innerText(), /budget-2k/, 'the deleted run is gone');
    assert.equal(await trend.locator('svg .trend-point').count(), 3);
    await s().shot('runs-07-trend');
    await trend.locator('svg .trend-point circle.dot').first().click();
    const tab = page.locator('.tab', { hasText: 'm1: budget-1k.jsonl' }).first();
    await tab.waitFor({ timeout: 60_000 });
    await tab.click(); // the click in the chart left the keyboard in the webview, where F1 does not reach the palette
    await runCommand(page, 'View: Close All Editors');
  });

  describe('the Ollama view', () => {
    const ollamaView = (): Locator => s().page.locator('.pane').filter({ has: s().page.locator('.pane-header', { hasText: /^\s*Ollama/ }) });
    const model = (...texts: string[]) => texts.reduce((l, t) => l.filter({ hasText: t }), ollamaView().locator('.monaco-list-row')).first();

    it('lists the model in memory with its VRAM, context and unload time, and shows its details', async () => {
      const { page } = s();
      await page.locator('.pane-header[aria-expanded="false"]', { hasText: 'Ollama' }).click(); // collapsed by default
      // The CLI runs above loaded the model (the fake server keeps it 5 minutes, as Ollama does).
      await expectText(model('In memory'), '1 loaded', 20_000);
      await expectText(model('m1-7b-23k:latest', 'VRAM'), ' · context ');
      await expectText(model('m1-7b-23k:latest', 'VRAM'), 'unloads in');
      await expectText(model('m1-7b-23k:latest', 'in use'), 'loaded');
      await s().shot('models-01-in-memory');
      await menu(model('m1-7b-23k:latest', 'VRAM'), 'Show Model Details');
      await page.locator('.tab', { hasText: 'm1-7b-23k_latest.md' }).first().waitFor({ timeout: 20_000 });
      await expectText(page.locator('.editor-instance .view-lines'), '| quantization | Q4_K_M |');
      await s().shot('models-02-details');
      await runCommand(page, 'View: Close All Editors');
    });

    it('unloads the model from memory', async () => {
      const { page, fake } = s();
      await menu(model('m1-7b-23k:latest', 'VRAM'), 'Unload Model from Memory');
      await expectText(page.locator('.notifications-toasts'), 'Unloaded m1-7b-23k:latest', 20_000);
      await expectText(model('In memory'), 'no model loaded', 20_000);
      const ps = (await (await fetch(`${fake.url}/api/ps`)).json()) as { models: unknown[] };
      assert.equal(ps.models.length, 0);
      await s().shot('models-03-unloaded');
    });

    it('keeps the panel’s model and the status bar’s in agreement', async () => {
      const { page } = s();
      const status = page.locator('.statusbar-item', { hasText: 'm1:' });
      const select = webview().locator('select.model'); // the Ask m1 panel: the only webview left open
      await select.selectOption('m1-32b-1k:latest');
      await expectText(status, 'm1: ready · m1-32b-1k:latest', 20_000);
      await runCommand(page, 'm1: Select Model');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'm1-7b-23k' }).first().click();
      await expectText(status, 'm1: ready · m1-7b-23k', 20_000);
      const deadline = Date.now() + 20_000;
      while (!(await select.inputValue()).startsWith('m1-7b-23k') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.match(await select.inputValue(), /^m1-7b-23k/);
    });

    it('deletes a model after confirmation', async () => {
      const { page, fake } = s();
      await menu(model('m1-32b-1k:latest'), 'Delete Model…');
      const dialog = page.locator('.monaco-dialog-box');
      await expectText(dialog, `Delete m1-32b-1k:latest from the Ollama server at ${fake.url}?`);
      await dialog.locator('.monaco-button', { hasText: 'Delete Model' }).click();
      await expectText(page.locator('.notifications-toasts'), 'Deleted m1-32b-1k:latest.', 20_000);
      const tags = (await (await fetch(`${fake.url}/api/tags`)).json()) as { models: Array<{ name: string }> };
      assert.deepEqual(tags.models.map((m) => m.name), ['m1-7b-23k:latest']);
      const deadline = Date.now() + 20_000;
      while ((await ollamaView().locator('.monaco-list-row', { hasText: 'm1-32b-1k' }).count()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.equal(await ollamaView().locator('.monaco-list-row', { hasText: 'm1-32b-1k' }).count(), 0);
      await s().shot('models-04-deleted');
    });
  });

  describe('after a window reload', () => {
    it('brings the results tab back', async () => {
      const { page } = s();
      await row('one-wait').click();
      await expectText(webview().locator('h1'), 'one-wait.jsonl', 30_000);
      // VS Code's own reload, which saves the open editors first (a browser reload may not).
      await runCommand(page, 'Developer: Reload Window');
      await page.waitForTimeout(3000);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await page.locator('.tab', { hasText: 'm1: one-wait.jsonl' }).first().waitFor({ timeout: 60_000 });
      await expectText(webview().locator('h1'), 'one-wait.jsonl', 60_000);
      await expectText(webview().locator('table.summary'), pct(accuracy('one-wait').value));
      await s().shot('runs-08-restored-after-reload');
    });
  });
});
