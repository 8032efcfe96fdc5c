// Restricted Mode (an untrusted workspace): asking works with the user's server, but starting a
// server, getting models and running benchmark files are not offered.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openPalette } from '../harness/browser';
import { ROOT } from '../harness/build';
import { expectText } from './expect';
import { useSession } from './session';

describe('e2e: Restricted Mode', function () {
  this.timeout(120_000);
  const s = useSession({}, { 'm1.ollama.path': join(ROOT, 'test', 'fake-ollama', 'bin', 'ollama') }, {}, false);

  it('offers asking but not starting a server, getting a model or running a benchmark', async () => {
    const { page } = s();
    await expectText(page.locator('.statusbar'), 'Restricted Mode', 30_000);
    await openPalette(page, 'm1:', 'm1: Check Ollama Server');
    const list = page.locator('.quick-input-list');
    await expectText(list, 'm1: Ask a Medical Question');
    const titles = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.ok(!titles.some((t) => t.includes('Start Ollama Server')), `Start Ollama Server is offered: ${titles.join(' | ')}`);
    assert.ok(!titles.some((t) => t.includes('Get Model')), 'Get Model is offered');
    assert.ok(!titles.some((t) => t.includes('Run Benchmark')), 'Run Benchmark is offered');
    await s().shot('restricted-palette');
    await page.keyboard.press('Escape');
  });
});
