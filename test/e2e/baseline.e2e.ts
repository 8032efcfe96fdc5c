// A baseline model under the chat protocol in the side panel: its `<think>` section shows as the
// thought, against the fake Ollama server playing a thinking model.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { openFile, quickPickStep, runCommand } from '../harness/browser';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { expectText } from './expect';
import { useSession } from './session';

const BASELINE = 'r1-distill:7b';
const QUESTION = 'Which vitamin deficiency causes Wernicke encephalopathy in a patient with chronic alcohol use?';
const OPTIONS = ['Thiamine', 'Niacin', 'Folate', 'Cobalamin'];
const THOUGHT = 'Confusion, ophthalmoplegia and ataxia in a drinker: the classic triad points to thiamine deficiency.';

describe('e2e: a baseline model in the side panel (chat protocol)', function () {
  this.timeout(120_000);
  const s = useSession(
    {
      models: [{ name: 'm1-7b-23k' }, { name: BASELINE, thinking: true }],
      scripts: [{ match: 'in a patient with chronic alcohol use?', think: ['-'], answers: [`<think>\n${THOUGHT}\n</think>\n\nThe deficiency is of thiamine.\n\n\\boxed{A}`] }, ...DEMO_SCRIPTS],
    },
    { 'workbench.colorTheme': 'Default Dark Modern' },
  );
  let panel: FrameLocator;

  before(async () => {
    const { page } = s();
    await page.locator('.activitybar [aria-label^="m1"]').first().click();
    panel = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await panel.locator('textarea.question').waitFor({ timeout: 30_000 });
  });

  it('asks a <think> model with its own chat template and shows its reasoning as the thought', async () => {
    const { fake } = s();
    await panel.locator('textarea.question').fill(QUESTION);
    for (const option of OPTIONS) {
      await panel.getByRole('button', { name: '+ Add option' }).click();
      await panel.locator('input.option').last().fill(option);
    }
    await panel.getByLabel('Known answer').selectOption('A');
    await panel.getByLabel('Protocol').selectOption('chat');
    await panel.getByLabel('Model', { exact: true }).selectOption(BASELINE);
    await panel.getByRole('button', { name: 'Ask', exact: true }).click();
    const card = panel.locator('.answer-card');
    await expectText(card, '✓ right', 30_000);
    // m1.panel.collapseThought's default: the thought folds away once the answer starts; Enter on
    // its summary opens it again.
    const think = panel.locator('details.think');
    assert.equal(await think.evaluate((d) => (d as HTMLDetailsElement).open), false);
    await panel.locator('details.think summary').focus();
    await s().page.keyboard.press('Enter');
    assert.equal(await think.evaluate((d) => (d as HTMLDetailsElement).open), true);
    await expectText(panel.locator('.think-body'), THOUGHT);
    await expectText(panel.locator('.run-settings'), `${BASELINE} · chat protocol`);
    await expectText(panel.locator('details.think summary'), "the model's reasoning section");
    const answer = await panel.locator('.run').innerText();
    assert.ok(!answer.includes('<think>'), 'the tags are not shown');
    assert.ok(fake.requests.includes('POST /api/chat'), 'the chat protocol went to /api/chat');
    assert.ok(!fake.generateLog[0]!.prompt.includes('<|im_start|>think'), 'no think marker');
    await panel.locator('.run').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await s().shot('baseline-think-panel');
  });

  it('copies the answer and the thought from the keyboard', async () => {
    const { page } = s();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    const copied = panel.locator('.copy-row .copied');
    await panel.getByRole('button', { name: 'Copy thought to the clipboard' }).focus();
    await page.keyboard.press('Enter');
    await expectText(copied, 'Thought copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), THOUGHT);
    await page.keyboard.press('Shift+Tab'); // back to Copy answer
    await page.keyboard.press('Enter');
    await expectText(copied, 'Answer copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'The deficiency is of thiamine.\n\n\\boxed{A}');
    await panel.locator('.run').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await s().shot('baseline-copy');
  });

  it('runs the sample benchmark as a baseline from the run quick picks (no budget, no Wait steps)', async () => {
    const { page, fake } = s();
    await openFile(page, 'benchmark.json');
    await runCommand(page, 'm1: Run Benchmark');
    await quickPickStep(page, '(1/6) · model', BASELINE);
    await quickPickStep(page, '(2/6) · protocol', 'Chat: a baseline');
    await quickPickStep(page, '(3/4) · requests at once', '1 at once');
    await quickPickStep(page, '(4/4) · items', 'All 6');
    await page.locator('.notifications-toasts', { hasText: /of 6 right/ }).waitFor({ timeout: 60_000 });
    const dir = join(s().workspace, '.m1', 'runs');
    const header = JSON.parse(readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.jsonl'))!), 'utf8').split('\n')[0]!);
    assert.deepEqual({ protocol: header.settings.protocol, cot: header.settings.cot, budget: header.settings.budget, model: header.settings.model }, { protocol: 'chat', cot: false, budget: 2048, model: BASELINE });
    assert.ok(fake.requests.filter((r) => r === 'POST /api/chat').length >= 7, 'the six items went to /api/chat');
    await s().shot('baseline-run-done');
  });
});
