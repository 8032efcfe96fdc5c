// Running the sample benchmark from the palette: quick picks, the progress notification, the
// Testing view with a result per question, re-run failed, and cancel then resume.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_QUESTION } from '../../src/core/backends/probe';
import { expandTestRows, openFile, quickPickStep, runCommand, runSampleBenchmark, testRow } from '../harness/browser';
import { expectText } from './expect';
import { toast, useSession } from './session';

describe('e2e: benchmarks from the palette and the Testing view', function () {
  this.timeout(180_000);
  // No hovers in the Testing view: a row's tooltip would cover the row below it.
  const s = useSession({}, { 'workbench.colorTheme': 'Default Dark Modern', 'workbench.hover.delay': 60_000 });
  const runFiles = () => readdirSync(join(s().workspace, '.m1', 'runs')).filter((f) => f.endsWith('.jsonl'));

  const runFromPalette = () => runSampleBenchmark(s().page);

  it('runs the sample benchmark and shows pass/fail per question in the Testing view', async () => {
    const { page, fake } = s();
    await openFile(page, 'benchmark.json');
    const requestsBefore = fake.generateLog.length;
    await runFromPalette();
    // The Wait round makes m1 flip the nephrotic-syndrome item (medqa-003) to a wrong answer.
    await toast(page, /5 of 6 right \(83\.3%, 95% CI 43\.6%–97\.0%\)/).waitFor({ timeout: 60_000 });
    // Besides the one probe of the server's think stop before the first run (cached after it).
    const asked = fake.generateLog.slice(requestsBefore).filter((r) => !r.prompt.includes(PROBE_QUESTION.question));
    assert.equal(asked.length, 18, 'each item: a thought, a Wait round, an answer');
    assert.equal(runFiles().length, 1);
    const lines = readFileSync(join(s().workspace, '.m1', 'runs', runFiles()[0]!), 'utf8').trim().split('\n');
    assert.equal(lines.length, 7, 'a header and six items');
    assert.deepEqual(JSON.parse(lines[0]!).settings.waitRounds, 1);

    await expandTestRows(page, ['benchmark.json', 'MedQA_USLME_test', 'MedMCQA_validation']);
    const view = page.locator('.test-explorer');
    const row = (text: string) => testRow(page, text);
    await row('medqa-003').waitFor();
    await expectText(view, 'medmcqa-003');
    // Questions only (the file and source rows carry the aggregate state).
    const questions = view.locator('.monaco-list-row', { hasText: /med(qa|mcqa)-00\d/ });
    assert.equal(await questions.count(), 6);
    assert.equal(await questions.locator('.codicon-testing-failed-icon').count(), 1, 'one question failed');
    assert.equal(await questions.locator('.codicon-testing-passed-icon').count(), 5, 'five questions passed');
    assert.equal(await row('medqa-003').locator('.codicon-testing-failed-icon').count(), 1, 'the failed one is medqa-003');
    await s().shot('bench-01-testing-view');
  });

  it('shows why a question failed: the choice against the gold answer, with the thought', async () => {
    const { page } = s();
    const view = page.locator('.test-explorer');
    await view.locator('.monaco-list-row', { hasText: 'medqa-003' }).first().dblclick();
    const peek = page.locator('.test-output-peek');
    await expectText(peek, 'm1 chose A. Subepithelial immune complex deposits', 20_000);
    await expectText(peek, 'B. Effacement of podocyte foot processes');
    await s().shot('bench-02-failure-peek');
    await page.keyboard.press('Escape');
  });

  it('re-runs only the failed question', async () => {
    const { page, fake } = s();
    const before = fake.generateLog.length;
    await runCommand(page, 'Test: Rerun Failed Tests');
    await toast(page, /0 of 1 right/).waitFor({ timeout: 60_000 });
    const prompts = fake.generateLog.slice(before).map((r) => r.prompt);
    assert.equal(prompts.length, 3, 'one item: a thought, a Wait round, an answer');
    assert.ok(prompts.every((p) => p.includes('puffy eyes')), 'only the failed item was sent');
    assert.equal(runFiles().length, 2, 'the re-run has its own run file');
  });

  it('cancels a run from its notification, keeps what finished, and resumes it', async () => {
    const { page, fake } = s();
    fake.options.tokenDelayMs = 40;
    await runFromPalette();
    const progress = toast(page, 'm1: benchmark.json');
    await expectText(progress, 'right so far', 60_000);
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await toast(page, /Cancelled after \d of 6 items/).waitFor({ timeout: 30_000 });
    // What did not finish is shown as skipped, not left running.
    const questions = page.locator('.test-explorer .monaco-list-row', { hasText: /med(qa|mcqa)-00\d/ });
    await questions.locator('.codicon-testing-skipped-icon').first().waitFor({ timeout: 10_000 });
    assert.equal(await questions.locator('.codicon-loading, .codicon-testing-queued-icon').count(), 0, 'nothing left running');
    const newest = () => runFiles().sort().at(-1)!;
    const kept = readFileSync(join(s().workspace, '.m1', 'runs', newest()), 'utf8').trim().split('\n').length - 1;
    assert.ok(kept >= 1 && kept < 6, `${kept} items kept`);
    await s().shot('bench-03-cancelled');
    fake.options.tokenDelayMs = 2;
    // Running the same file with the same settings offers to resume the unfinished run.
    await runCommand(page, 'm1: Run Benchmark');
    await quickPickStep(page, '(1/6) · model');
    await quickPickStep(page, '(2/6) · protocol', 'm1');
    await quickPickStep(page, '(3/6) · thinking budget');
    await quickPickStep(page, '(4/6) · "Wait" rounds');
    await quickPickStep(page, '(5/6) · requests at once');
    await quickPickStep(page, '(6/6) · items');
    await expectText(page.locator('.quick-input-widget'), `${kept} of 6 done`);
    await page.keyboard.press('Enter');
    await toast(page, /5 of 6 right/).waitFor({ timeout: 60_000 });
    const lines = readFileSync(join(s().workspace, '.m1', 'runs', newest()), 'utf8').trim().split('\n').slice(1);
    const keys = lines.map((l) => JSON.parse(l) as { source: string; index: number }).map((r) => `${r.source}#${r.index}`);
    assert.equal(keys.length, 6, 'no item written twice');
    assert.equal(new Set(keys).size, 6, 'every item once');
  });
});
