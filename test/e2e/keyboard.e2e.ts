// m1 without a mouse: the side panel opened by its keybinding, walked with Tab, the budget set
// with the arrow keys, Ask by Enter and Stop by Escape; the results view's filter and item table
// reached by Tab, Enter opening an item. Nothing here clicks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FrameLocator, Page } from 'playwright-core';
import { runCommand } from '../harness/browser';
import { ROOT } from '../harness/build';
import { expectText } from './expect';
import { useSession } from './session';

const QUESTION = 'KEYBOARD-ONLY: which vitamin deficiency causes scurvy?';
/** A long slow thought (2,000 tokens at 20 ms), so that Escape lands while it streams. */
const SLOW = { match: 'KEYBOARD-ONLY', think: [`${Array.from({ length: 2000 }, (_, i) => `step${i}`).join(' ')} `], answers: ['\\boxed{A}'], tokenDelayMs: 20 };

/** Presses Tab until `target` (inside `frame`) has focus; returns how many presses it took. */
async function tabTo(page: Page, frame: FrameLocator, target: string, max: number): Promise<number> {
  for (let n = 0; n <= max; n++) {
    if (await frame.locator(`${target}:focus`).count()) return n;
    await page.keyboard.press('Tab');
  }
  const focused = await frame.locator(':focus').evaluate((el) => el.outerHTML.slice(0, 120)).catch(() => 'nothing in the webview');
  throw new Error(`${target} not reached in ${max} Tab presses; focus is on ${focused}`);
}

describe('e2e: keyboard only', function () {
  this.timeout(180_000);
  const s = useSession({ scripts: [SLOW] }, { 'workbench.colorTheme': 'Default Dark Modern' });
  // The newest webview: the panel's stays open while the results view opens after it.
  const webview = (): FrameLocator => s().page.frameLocator('iframe.webview >> nth=-1').frameLocator('#active-frame');

  it('uses the Ask m1 panel: keybinding, Tab, arrow keys, Enter and Escape', async () => {
    const { page, fake } = s();
    // Extension keybindings count once the extension host has reported m1 (its status bar item).
    await page.locator('.statusbar-item', { hasText: 'm1:' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+G');
    const panel = webview();
    await panel.locator('textarea.question').waitFor({ timeout: 30_000 });
    await tabTo(page, panel, 'textarea.question', 3); // the first field of the panel
    await page.keyboard.type(QUESTION);

    await expectText(panel.locator('.budget-value'), '4,096 tokens');
    assert.ok((await tabTo(page, panel, 'input.budget-slider', 4)) > 0);
    await page.keyboard.press('ArrowRight'); // half an octave
    await expectText(panel.locator('.budget-value'), '5,824 tokens');
    await page.keyboard.press('ArrowRight');
    await expectText(panel.locator('.budget-value'), '8,192 tokens');

    await tabTo(page, panel, 'button.primary', 20);
    await page.keyboard.press('Enter');
    await expectText(panel.locator('.think-body'), 'step1 step2', 30_000);
    await s().shot('keyboard-01-panel-streaming');
    await page.keyboard.press('Escape');
    await expectText(panel.locator('.answer-card'), 'Stopped.', 30_000);
    assert.equal(fake.generateLog.length, 1, 'stopped during the thought: no answer request');
    assert.equal(fake.generateLog[0]!.options.num_predict, 8192, 'the budget set with the arrow key was used');
    await s().shot('keyboard-02-panel-stopped');
  });

  it('uses the results view: Tab to the filter and the item table, Enter opens an item', async () => {
    const { page, fake, workspace } = s();
    // A run of the sample benchmark made by the CLI (the fake server runs in this process).
    await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'bench', 'benchmark.json', '--host', fake.url, '--budget', '1024', '--out', join('.m1', 'runs', 'keyboard.jsonl')], { cwd: workspace });
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'm1: Open Results');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'keyboard.jsonl' }).first().waitFor();
    await page.locator('.quick-input-widget input').fill('keyboard.jsonl');
    await page.keyboard.press('Enter');
    const view = webview();
    await view.locator('table.items').waitFor({ timeout: 30_000 });

    await tabTo(page, view, 'button.chip[data-filter="all"]', 40);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectText(view.locator('button.chip[aria-pressed="true"]'), 'right');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    await expectText(view.locator('button.chip[aria-pressed="true"]'), 'all');
    await tabTo(page, view, 'table.items tbody a', 20);
    const id = (await view.locator('table.items tbody a:focus').innerText()).trim();
    await s().shot('keyboard-03-results-row-focused');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'benchmark.json' }).waitFor({ timeout: 20_000 });
    await expectText(page.locator('.editor-instance .view-line', { hasText: id }).first(), id);
  });
});
