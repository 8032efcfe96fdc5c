// Reading and labelling a reasoning trace: the readable view with its marks, the answer probed at
// each Wait round (the flip), a label that survives a reload, and the summary that counts it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrace } from '../../src/core/traces/parse';
import { renderTrace } from '../../src/core/traces/render';
import { goToLine, openFile, runCommand } from '../harness/browser';
import { expectText } from './expect';
import { useSession } from './session';

const TRACE = 'nephrotic-wait-flip.m1trace.json';

describe('e2e: reading and labelling traces', function () {
  this.timeout(180_000);
  // No word wrap: the checks read the view's lines, and a wrap would split a phrase.
  const s = useSession({}, { 'workbench.colorTheme': 'Default Dark Modern', '[markdown]': { 'editor.wordWrap': 'off' } });
  const file = () => join(s().workspace, 'traces', TRACE);
  const editorText = () => s().page.locator('.editor-group-container.active .view-lines').first();

  async function openView(): Promise<void> {
    const { page } = s();
    await openFile(page, TRACE);
    await runCommand(page, 'm1: Open as Readable Trace');
    await page.locator('.tab', { hasText: `${TRACE}.md` }).first().waitFor({ timeout: 20_000 });
  }

  it('shows the trace with its Wait round, and probes the answer at each round: the Wait flipped it', async () => {
    const { page } = s();
    await openView();
    await expectText(editorText(), '## Wait · round 2 · "Wait" appended', 20_000);
    await expectText(page.locator('.codelens-decoration'), 'Probe the answer at each of 2 rounds');
    await page.locator('.codelens-decoration a', { hasText: 'Probe the answer' }).first().click();
    await expectText(editorText(), 'flipped right → wrong', 30_000);
    const saved = parseTrace(readFileSync(file(), 'utf8'));
    assert.deepEqual(saved.probes?.map((p) => [p.afterRound, p.choice, p.correct]), [[0, 'B', true], [1, 'A', false]]);
    await s().shot('traces-01-view-and-flip');
  });

  it('labels a span of the second round, and the label survives a reload', async () => {
    const { page } = s();
    // The line of round 2's thought, as the view lays it out.
    const rendered = renderTrace(parseTrace(readFileSync(file(), 'utf8')));
    const line = rendered.text.slice(0, rendered.rounds[1]!.body.start).split('\n').length;
    await page.locator('.tab', { hasText: `${TRACE}.md` }).first().click();
    await goToLine(page, line);
    // The whole line (with its line break, which the label leaves out).
    await page.keyboard.press('Control+L');
    await page.keyboard.press('Control+Alt+L');
    await expectText(page.locator('.quick-input-widget .quick-input-title'), 'm1: label');
    await page.locator('.quick-input-widget input').fill('knowledge gap');
    await page.keyboard.press('Enter');
    await expectText(page.locator('.quick-input-widget .quick-input-title'), 'note for “knowledge gap”');
    await page.locator('.quick-input-widget input').fill('minimal change disease: membranous is an adult disease');
    await page.keyboard.press('Enter');
    await expectText(editorText(), '## Labels', 20_000);
    await expectText(editorText(), '**knowledge gap** · round 2');
    const saved = parseTrace(readFileSync(file(), 'utf8'));
    assert.equal(saved.labels.length, 1);
    assert.equal(saved.labels[0]!.round, 1);
    assert.equal(saved.labels[0]!.text, saved.rounds[1]!.think.split('\n')[0]);
    await s().shot('traces-02-labelled');

    await page.reload();
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await openView();
    await expectText(editorText(), '**knowledge gap** · round 2', 30_000);
    await expectText(editorText(), 'membranous is an adult disease');
  });

  it('summarizes the labels of the workspace', async () => {
    const { page } = s();
    await runCommand(page, 'm1: Summarize Labels');
    await expectText(editorText(), '# m1 labels: the workspace', 20_000);
    await expectText(editorText(), '| knowledge gap | 1 |');
    await expectText(editorText(), '1 labels in 1 of');
    await s().shot('traces-03-summary');
  });
});
