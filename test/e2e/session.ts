// One code-server session per e2e file: the packaged .vsix installed, the samples as workspace,
// the fake Ollama server with the demo scripts as the user's configured server.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { startFakeOllama, type FakeOllama, type FakeOllamaOptions } from '../fake-ollama/server';
import { launchBrowser, openWorkbench } from '../harness/browser';
import { ROOT, ensurePackaged } from '../harness/build';
import { startCodeServer, type RunningCodeServer } from '../harness/codeServer';

export const RESULTS = join(ROOT, 'test-results', 'e2e');

export interface Session {
  fake: FakeOllama;
  server: RunningCodeServer;
  browser: Browser;
  page: Page;
  workspace: string;
  shot(name: string): Promise<string>;
}

export function useSession(fakeOptions: FakeOllamaOptions = {}, settings: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}, trust = true): () => Session {
  let session: Session | undefined;
  // What `before` has started so far, undone in reverse by `after` even when `before` failed half
  // way: a server left listening would keep mocha from ever exiting.
  let started: Array<() => unknown> = [];
  before(async function () {
    this.timeout(300_000);
    const vsix = ensurePackaged();
    const fake = await startFakeOllama({
      scripts: DEMO_SCRIPTS,
      tokenDelayMs: 2,
      models: [{ name: 'm1-7b-23k' }, { name: 'm1-32b-1k', parameterSize: '32.8B', size: 19_851_336_236 }],
      ...fakeOptions,
    });
    started.push(() => fake.close());
    const workspace = mkdtempSync(join(tmpdir(), 'm1-e2e-ws-'));
    started.push(() => rmSync(workspace, { recursive: true, force: true }));
    cpSync(join(ROOT, 'samples'), workspace, { recursive: true });
    const server = await startCodeServer({ workspace, vsix: [vsix], userSettings: { 'm1.ollama.host': fake.url, ...settings }, env, trust });
    started.push(() => server.stop());
    const browser = await launchBrowser();
    started.push(() => browser.close());
    const page = await openWorkbench(browser, server.folderUrl);
    mkdirSync(RESULTS, { recursive: true });
    session = {
      fake,
      server,
      browser,
      page,
      workspace,
      shot: async (name) => {
        const path = join(RESULTS, `${name}.png`);
        await page.screenshot({ path });
        return path;
      },
    };
  });
  afterEach(async function () {
    const t = this.currentTest;
    if (t?.state === 'failed' && session) await session.shot(`FAILED-${t.title.replace(/\W+/g, '-').slice(0, 60)}`);
  });
  after(async () => {
    const undo = started.reverse();
    started = [];
    for (const stop of undo) {
      try {
        await stop();
      } catch (e) {
        console.error(`e2e cleanup: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  });
  return () => session!;
}

/** A notification toast containing `text`. */
export function toast(page: Page, text: string | RegExp) {
  return page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
}
