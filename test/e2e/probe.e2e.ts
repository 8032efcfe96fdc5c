// Probe, don't guess: Check Server asks the server itself whether `<|im_start|>` stops a thought
// and says so in its notification, on Ollama before and after llama-server (0.30).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { PROBE_QUESTION, PROBE_THOUGHT } from '../../src/core/backends/probe';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import type { Script } from '../fake-ollama/script';
import { runCommand } from '../harness/browser';
import { toast, useSession } from './session';

// The scripted model closes the probe's thought with its own answer marker, as an m1 model does.
const CLOSES: Script = { match: PROBE_QUESTION.question, think: [`${PROBE_THOUGHT}<|im_start|>answer\nThe answer is A`], answers: ['\\boxed{A}'] };

/** The progress notification of the probe, gone once it has answered. */
const probing = (page: Page) => toast(page, 'how the server stops a thought');

describe('e2e: Check Server probes the think stop', function () {
  this.timeout(180_000);
  const s = useSession({ version: '0.30.1', scripts: [CLOSES, ...DEMO_SCRIPTS] });

  it('warns on Ollama 0.30 (llama-server), where <|im_start|> cannot stop a thought', async () => {
    const { page, fake } = s();
    await runCommand(page, 'm1: Check Ollama Server');
    const note = toast(page, 'Ollama 0.30.1 is running at');
    await note.waitFor({ timeout: 60_000 });
    assert.match(await note.innerText(), /never matches/);
    assert.equal(fake.generateLog.filter((r) => r.prompt.includes(PROBE_QUESTION.question)).length, 1);
    await probing(page).waitFor({ state: 'detached' });
    await s().shot('probe-01-ollama-0.30-runs-on');
    await page.keyboard.press('Escape');
  });

  it('says budget forcing is exact once the server behaves (Ollama 0.24, llamarunner)', async () => {
    const { page, fake } = s();
    fake.options.version = '0.24.0';
    await runCommand(page, 'm1: Check Ollama Server');
    const note = toast(page, 'Ollama 0.24.0 is running at');
    await note.waitFor({ timeout: 60_000 });
    assert.match(await note.innerText(), /Budget forcing stops thoughts as the reference does/);
    await probing(page).waitFor({ state: 'detached' });
    await s().shot('probe-02-ollama-0.24-exact');
  });
});
