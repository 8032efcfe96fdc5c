// The "Ask m1" side panel as a user meets it, against the fake Ollama server.
import assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { goToLine, openPalette, runCommand } from '../harness/browser';
import { expectText } from './expect';
import { useSession } from './session';

const QUESTION =
  'A 58-year-old man has crushing chest pain. An ECG shows ST-segment elevation in leads II, III and aVF with ST depression in leads I and aVL. Occlusion of which artery best explains these findings?';
const OPTIONS = ['Left anterior descending artery', 'Left circumflex artery', 'Right coronary artery', 'Left main coronary artery'];

describe('e2e: the Ask m1 side panel', function () {
  this.timeout(120_000);
  // The thought stays open here: these tests read it after the answer (baseline.e2e.ts folds it).
  const s = useSession({}, { 'workbench.colorTheme': 'Default Dark Modern', 'm1.panel.collapseThought': 'never' });
  let panel: FrameLocator;

  /** Clicks Ask and waits until the new run's view replaced the previous one. */
  async function ask(): Promise<void> {
    const runs = panel.locator('.run[data-seq]');
    const before = (await runs.count()) ? Number(await runs.getAttribute('data-seq')) : 0;
    await panel.getByRole('button', { name: 'Ask', exact: true }).click();
    await panel.locator(`.run[data-seq="${before + 1}"]`).waitFor({ state: 'attached', timeout: 20_000 });
  }

  before(async () => {
    const { page } = s();
    await page.locator('.activitybar [aria-label^="m1"]').first().click();
    panel = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await panel.locator('textarea.question').waitFor({ timeout: 30_000 });
    // Widen the side bar so screenshots show the panel at a comfortable width.
    const bar = (await page.locator('.part.sidebar').boundingBox())!;
    await page.mouse.move(bar.x + bar.width + 1, bar.y + bar.height / 2);
    await page.mouse.down();
    await page.mouse.move(bar.x + bar.width + 260, bar.y + bar.height / 2, { steps: 5 });
    await page.mouse.up();
  });

  it('asks a multiple-choice question with budget 1K and 2 Wait rounds and streams the trace', async () => {
    const { fake } = s();
    await panel.locator('textarea.question').fill(QUESTION);
    for (const option of OPTIONS) {
      await panel.getByRole('button', { name: '+ Add option' }).click();
      await panel.locator('input.option').last().fill(option);
    }
    await panel.getByLabel('Known answer').selectOption('C');
    await panel.getByRole('button', { name: '1K', exact: true }).click();
    await expectText(panel.locator('.budget-value'), '1,024 tokens');
    await panel.getByLabel('Wait rounds').fill('2');
    await panel.getByLabel('Wait rounds').dispatchEvent('change');
    await ask();

    const card = panel.locator('.answer-card');
    await expectText(card, '✓ right', 30_000);
    await expectText(card, 'Right coronary artery');
    assert.equal(await panel.locator('.wait-divider').count(), 2);
    await expectText(panel.locator('.wait-divider').first(), 'Wait · round 1');
    assert.equal(await panel.locator('.meter-mark.wait').count(), 2);
    await expectText(panel.locator('.think-body'), 'ST elevation in II, III and aVF localizes the infarct');
    await expectText(panel.locator('details.think summary'), '/ 1,024 tokens');
    await expectText(panel.locator('.stats'), 'answer tokens');
    await expectText(panel.locator('.history'), 'A 58-year-old man has crushing chest pain');
    const first = fake.generateLog[0]!;
    assert.equal(first.options.num_predict, 1024);
    assert.equal(fake.generateLog.length, 4, 'think, two Wait rounds, answer');
    assert.ok(fake.generateLog[1]!.prompt.endsWith(' Wait'));
    await panel.locator('.run').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await s().shot('panel-01-dark');
  });

  it('opens a past question as a trace file', async () => {
    const { page } = s();
    await panel.getByRole('button', { name: 'Open as trace file' }).first().click();
    const tab = page.locator('.tabs-container .tab', { hasText: '.m1trace.json' });
    await tab.waitFor({ timeout: 20_000 });
    const editor = page.locator('.editor-instance .view-lines');
    await expectText(editor, '"version": 2');
    await expectText(editor, '"waitInjected": " Wait"');
    await s().shot('panel-trace-file');
  });

  /**
   * Picks a colour theme as a user does. (Not by rewriting User/settings.json: code-server's
   * browser workbench does not take up an outside change of that file while it runs.)
   */
  async function pickTheme(name: string, workbenchClass: string): Promise<void> {
    const { page } = s();
    // The row of that command itself, not "Preferences: Browse Color Themes in Marketplace".
    await openPalette(page, 'Preferences: Color Theme', 'Preferences: Color Theme');
    await page.locator('.quick-input-list .monaco-list-row[aria-label^="Preferences: Color Theme"]').first().click();
    await page.locator('.quick-input-widget input').fill(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.waitForFunction((c) => document.querySelector('.monaco-workbench')?.classList.contains(c), workbenchClass, { timeout: 20_000 });
  }

  it('looks right in the light and high-contrast themes', async () => {
    await pickTheme('Light Modern', 'vs');
    await expectText(panel.locator('.answer-card'), '✓ right');
    await s().shot('panel-02-light');
    await pickTheme('Dark High Contrast', 'hc-black');
    await s().shot('panel-03-high-contrast');
    await pickTheme('Dark Modern', 'vs-dark');
  });

  it('keeps streaming while the panel is hidden and shows it all when it comes back', async () => {
    const { page, fake } = s();
    fake.options.tokenDelayMs = 40;
    await panel.getByRole('button', { name: '4K', exact: true }).click();
    await panel.getByLabel('Wait rounds').fill('0');
    await panel.getByLabel('Wait rounds').dispatchEvent('change');
    await ask();
    await expectText(panel.locator('.think-body'), 'ST elevation');
    await page.locator('.activitybar [aria-label^="Explorer"]').first().click();
    await new Promise((r) => setTimeout(r, 1500));
    await page.locator('.activitybar [aria-label^="m1"]').first().click();
    await expectText(panel.locator('.answer-card'), '✓ right', 30_000);
    await expectText(panel.locator('.think-body'), 'ST elevation in II, III and aVF localizes the infarct');
    await expectText(panel.locator('.think-body'), 'the nodal signs point to the right coronary artery');
    fake.options.tokenDelayMs = 2;
  });

  it('stops at once and keeps what was generated', async () => {
    const { fake } = s();
    fake.options.tokenDelayMs = 50;
    await ask();
    await expectText(panel.locator('.think-body'), 'ST elevation');
    await panel.getByRole('button', { name: 'Stop', exact: true }).click();
    await expectText(panel.locator('.answer-card'), 'Stopped.');
    const kept = await panel.locator('.think-body').innerText();
    assert.ok(kept.includes('ST elevation'), 'the partial thought is still shown');
    fake.options.tokenDelayMs = 2;
  });

  it('compares budgets side by side', async () => {
    await panel.getByRole('button', { name: 'Compare budgets' }).click();
    const table = panel.locator('table.compare');
    await expectText(table, 'Answers by thinking budget', 60_000);
    assert.equal(await table.locator('tbody tr').count(), 4);
    await expectText(table, '8K');
    await s().shot('panel-04-compare');
  });

  it('asks the selection of an editor in the panel', async () => {
    const { page } = s();
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('questions.md');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'questions.md' }).first().waitFor();
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .view-lines');
    await expectText(editor, 'FEV1/FVC ratio of 0.58');
    // Select the first question and its four options (lines 5 to 9).
    await goToLine(page, 5);
    for (let i = 0; i < 5; i++) await page.keyboard.press('Control+L'); // whole logical lines, whatever the wrapping
    await runCommand(page, 'm1: Ask Selection in Panel');
    await expectText(panel.locator('.run-question'), 'A 64-year-old man with a 40-pack-year smoking history');
    await expectText(panel.locator('.answer-card'), 'Emphysema', 30_000);
    assert.deepEqual(await panel.locator('input.option').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), [
      'Asthma',
      'Emphysema',
      'Idiopathic pulmonary fibrosis',
      'Sarcoidosis',
    ]);
    await s().shot('panel-ask-selection');
  });

  it('offers Get Model when the chosen model is not installed', async () => {
    const { fake } = s();
    await panel.getByLabel('Model', { exact: true }).selectOption('m1-32b-1k:latest');
    await fetch(`${fake.url}/api/delete`, { method: 'DELETE', body: JSON.stringify({ model: 'm1-32b-1k' }) }); // removed behind the panel's back
    await ask();
    const banner = panel.locator('.banner');
    await expectText(banner, 'Model "m1-32b-1k:latest" is not on Ollama');
    await expectText(banner, 'Get Model');
    await expectText(panel.locator('.answer-card'), 'Error:');
    await s().shot('panel-model-missing');
    await panel.getByRole('button', { name: 'Dismiss' }).click();
    await panel.getByLabel('Model', { exact: true }).selectOption('m1-7b-23k:latest');
  });

  it('shows a clear state when the server is down', async () => {
    const { fake } = s();
    await fake.close();
    await panel.getByRole('button', { name: 'Refresh models' }).click();
    const banner = panel.locator('.banner');
    await expectText(banner, 'Cannot reach Ollama at');
    await expectText(banner, 'Get Ollama');
    await s().shot('panel-05-server-down');
  });
});
