// What a user sees in a real VS Code (code-server) with the packaged extension.
import assert from 'node:assert/strict';
import { expectText } from './expect';
import { runCommand } from '../harness/browser';
import { toast, useSession } from './session';

describe('e2e: m1 in code-server', function () {
  this.timeout(120_000);
  const s = useSession();

  it('shows the m1 view in the activity bar with the server and its models', async () => {
    const { page } = s();
    await page.locator('.activitybar [aria-label^="m1"]').first().click();
    await page.locator('.pane-header[aria-expanded="false"]', { hasText: 'Ollama' }).click(); // collapsed by default
    const view = page.locator('.pane', { hasText: 'Ollama' });
    await expectText(view, 'Ollama 0.12.6');
    await expectText(view, 'm1-7b-23k:latest');
    await expectText(view, 'in use');
    await expectText(view, 'm1-32b-1k:latest');
    await s().shot('01-activity-bar-view');
  });

  it('checks the Ollama server from the palette', async () => {
    const { page, fake } = s();
    await runCommand(page, 'm1: Check Ollama Server');
    const note = toast(page, 'Ollama 0.12.6 is running at');
    await note.waitFor();
    assert.match(await note.innerText(), new RegExp(`running at ${fake.url.replace(/\./g, '\\.')} \\(from your user settings\\) with 2 models; model m1-7b-23k is installed`));
    await s().shot('02-check-server');
  });

  it('asks a multiple-choice question and shows the streamed reasoning and the answer', async () => {
    const { page, fake } = s();
    await runCommand(page, 'm1: Ask a Medical Question');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(
      'An ECG shows ST-segment elevation in leads II, III and aVF with ST depression in leads I and aVL. Which artery? A. Left anterior descending artery B. Left circumflex artery C. Right coronary artery D. Left main coronary artery',
    );
    await page.keyboard.press('Enter');
    const answered = toast(page, 'm1 answered C (Right coronary artery)');
    await answered.waitFor({ timeout: 60_000 });
    const output = page.locator('.part.panel');
    await expectText(output, 'ST elevation in II, III and aVF localizes the infarct');
    await expectText(output, '── answer ──');
    await expectText(output, 'thinking + ');
    // The first request of the question (Check Server probed the think stop before it).
    const request = fake.generateLog.find((r) => r.prompt.includes('Right coronary artery'))!;
    assert.equal(request.options.num_predict, 4096, 'the default budget is the paper optimum');
    assert.ok(request.prompt.includes('C. Right coronary artery\nD. Left main coronary artery\nReturn your final response within \\boxed{}.'));
    await s().shot('03-ask-question');
  });

  it('says what to do when the server is down', async () => {
    const { page, fake } = s();
    await fake.close();
    await runCommand(page, 'm1: Check Ollama Server');
    const note = toast(page, 'Cannot reach Ollama at');
    await note.waitFor();
    await expectText(note, 'ollama serve');
    await expectText(note, 'Get Ollama');
    await s().shot('04-server-down');
  });
});
