// The GPU is on another machine. code-server is a remote window like Remote-SSH, WSL and dev
// containers: the extension host runs on the server. The host is set as the README says (User
// settings), beside a theme value the workbench migrates and writes back at start-up; then the
// Settings editor rewrites settings.json. Questions must still reach the configured server, and the
// status bar and *Check Ollama Server* say which host is in use and where it came from.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { openPalette, runCommand } from '../harness/browser';
import { expectText } from './expect';
import { toast, useSession } from './session';

const QUESTION = 'An ECG shows ST-segment elevation in leads II, III and aVF with ST depression in leads I and aVL. Which artery? A. Left anterior descending artery B. Left circumflex artery C. Right coronary artery D. Left main coronary artery';

/** Asks from the palette; done when `server` got the question and the answer was shown. */
async function ask(page: Page, server: FakeOllama): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications'); // an earlier answer's toast is not this one's
  const before = server.generateLog.length;
  await runCommand(page, 'm1: Ask a Medical Question');
  const input = page.locator('.quick-input-widget input');
  await expectText(page.locator('.quick-input-widget'), 'Ask m1');
  await input.fill(QUESTION);
  await page.keyboard.press('Enter');
  await waitFor(`the question to reach ${server.url}`, () => server.generateLog.length > before, 60_000);
  await toast(page, 'm1 answered C (Right coronary artery)').waitFor({ timeout: 60_000 });
}

async function waitFor(what: string, ok: () => boolean, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The m1 status bar item's tooltip, hovered as a user would. */
async function statusTooltip(page: Page, text: string): Promise<void> {
  const item = page.locator('.statusbar-item', { hasText: 'm1:' }).first();
  await item.hover();
  await expectText(page.locator('.workbench-hover, .monaco-hover').first(), text);
}

describe('e2e: the GPU on another machine (a remote window)', function () {
  this.timeout(180_000);
  // The reproduction: a migrated theme value beside the host in the user settings file.
  const s = useSession({}, { 'workbench.colorTheme': 'Default Dark Modern' });

  it('still reaches the configured server after the Settings editor rewrites settings.json', async () => {
    const { page, fake, server } = s();
    const file = join(server.root, 'user-data', 'User', 'settings.json');
    // The rewrite must come after the extension's settings are registered: wait for its commands.
    await openPalette(page, 'm1:', 'm1: Check Ollama Server');
    await page.keyboard.press('Escape');
    await runCommand(page, 'Preferences: Open Settings (UI)');
    const search = page.locator('.settings-editor .search-container .monaco-editor textarea, .settings-editor .search-container input').first();
    await search.waitFor();
    await search.focus();
    await page.keyboard.type('editor.fontSize');
    const field = page.locator('.settings-editor .setting-item-number input').first();
    await field.waitFor();
    await field.fill('15');
    await page.keyboard.press('Tab');
    await waitFor('the Settings editor to write settings.json', () => /"editor\.fontSize":\s*15/.test(readFileSync(file, 'utf8')));
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(written['m1.ollama.host'], fake.url, 'the host is still in the file the workbench rewrote');
    const machine = join(server.root, 'user-data', 'Machine', 'settings.json');
    assert.ok(!existsSync(machine) || !readFileSync(machine, 'utf8').includes('m1.ollama.host'), 'no host in the remote settings');
    await page.keyboard.press('Control+W');
    await ask(page, fake); // fails unless the question reaches the configured server
    await s().shot('remote-01-after-settings-rewrite');
  });

  it('says in the status bar and in Check Ollama Server which host is in use and where it came from', async () => {
    const { page, fake } = s();
    await statusTooltip(page, `${fake.url} (from your user settings)`);
    await s().shot('remote-02-status-tooltip');
    await page.mouse.move(700, 400);
    await runCommand(page, 'm1: Check Ollama Server');
    await expectText(toast(page, 'is running at'), `running at ${fake.url} (from your user settings) with 2 models`);
  });

  it('sets the host for this machine in the remote settings, which win over the user settings', async () => {
    const { page, server } = s();
    const other = await startFakeOllama({ scripts: DEMO_SCRIPTS, tokenDelayMs: 2, models: [{ name: 'm1-7b-23k' }] });
    try {
      await runCommand(page, 'm1: Set Ollama Host for This Machine');
      const input = page.locator('.quick-input-widget input');
      await expectText(page.locator('.quick-input-widget'), 'm1: Ollama host for');
      await input.fill(other.url);
      await page.keyboard.press('Enter');
      await toast(page, `m1 now uses ${other.url}`).waitFor();
      const machine = join(server.root, 'user-data', 'Machine', 'settings.json');
      await waitFor('the remote settings file', () => existsSync(machine));
      assert.equal((JSON.parse(readFileSync(machine, 'utf8')) as Record<string, unknown>)['m1.ollama.host'], other.url);
      await statusTooltip(page, `${other.url} (from your remote settings)`);
      await s().shot('remote-03-set-for-this-machine');
      await page.mouse.move(700, 400);
      await ask(page, other);
    } finally {
      await other.close();
    }
  });
});
