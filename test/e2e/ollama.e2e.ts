// Managing the local Ollama server from VS Code, with the fake `ollama` executable.
import { join } from 'node:path';
import { runCommand } from '../harness/browser';
import { ROOT } from '../harness/build';
import { DEMO_REPOS, startFakeHub, type FakeHub } from '../fake-hf/server';
import { freePort } from '../unit/helpers';
import { expectText } from './expect';
import { toast, useSession } from './session';

const FAKE_BIN = join(ROOT, 'test', 'fake-ollama', 'bin', 'ollama');
const MODEL = 'hf.co/example-user/m1-7B-23K-GGUF:Q4_K_M';

describe('e2e: the local Ollama server', function () {
  this.timeout(120_000);
  let host = '';
  const settings: Record<string, unknown> = { 'm1.ollama.path': FAKE_BIN };
  let hub: FakeHub;
  before(async () => {
    host = `http://127.0.0.1:${await freePort()}`;
    settings['m1.ollama.host'] = host;
    hub = await startFakeHub(DEMO_REPOS);
    settings['m1.huggingFace.endpoint'] = hub.url;
  });
  after(async () => hub.close());
  const s = useSession({}, settings, { FAKE_OLLAMA_PULL_DELAY: '500' });

  it('starts the server from the palette and the status bar shows it ready', async () => {
    const { page } = s();
    const status = page.locator('.statusbar-item', { hasText: 'm1:' });
    await expectText(status, 'm1: not checked', 30_000); // nothing asked before first use
    await runCommand(page, 'm1: Start Ollama Server');
    await toast(page, `Ollama is ready at ${host}`).waitFor({ timeout: 30_000 });
    await expectText(status, 'm1: ready · m1-7b-23k');
    await s().shot('ollama-01-started');
  });

  /** Get Model → m1-7B-23K → the fake hub's repo → Q4_K_M. */
  async function chooseBuild(shoot = false): Promise<void> {
    const { page } = s();
    await runCommand(page, 'm1: Get Model');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'UCSC-VLAA/m1-32B-1K' }).first().waitFor();
    await page.locator('.quick-input-widget input').fill('m1-7B-23K');
    await page.keyboard.press('Enter');
    // The Hugging Face search (fake hub) lists the GGUF repos, then the quantizations with sizes.
    await rows.filter({ hasText: 'example-user/m1-7B-23K-GGUF' }).first().waitFor({ timeout: 20_000 });
    await expectText(page.locator('.quick-input-list'), 'other-user/m1-7B-23K-i1-GGUF');
    await page.keyboard.press('Enter');
    await rows.filter({ hasText: 'Q8_0' }).first().waitFor();
    await expectText(page.locator('.quick-input-list'), '4.4 GB');
    if (shoot) await s().shot('ollama-02-quantizations');
    await page.locator('.quick-input-widget input').fill('Q4_K_M');
    await page.keyboard.press('Enter');
  }

  it('cancels a pull from its notification', async () => {
    const { page } = s();
    await chooseBuild();
    const progress = toast(page, `m1: pulling ${MODEL}`);
    await expectText(progress, 'of 4.4 GB', 20_000);
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await toast(page, `Pull of ${MODEL} cancelled. Pull again to resume where it stopped.`).waitFor({ timeout: 20_000 });
  });

  it('gets a model with a visible, cancellable progress notification', async () => {
    const { page } = s();
    await chooseBuild(true);
    const progress = toast(page, `m1: pulling ${MODEL}`);
    await progress.waitFor({ timeout: 20_000 });
    await expectText(progress, 'of 4.4 GB');
    await expectText(progress, 'Cancel');
    await s().shot('ollama-03-pulling');
    await toast(page, `${MODEL} is installed and m1 will use it.`).waitFor({ timeout: 30_000 });
    await expectText(page.locator('.statusbar-item', { hasText: 'm1:' }), `m1: ready · ${MODEL}`);
    await s().shot('ollama-04-pulled');
  });

  it('stops the server it started', async () => {
    const { page } = s();
    await runCommand(page, 'm1: Stop Ollama Server');
    await toast(page, `Stopped the Ollama server m1 started at ${host}`).waitFor();
    await expectText(page.locator('.statusbar-item', { hasText: 'm1:' }), 'm1: stopped');
  });
});
