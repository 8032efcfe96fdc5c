// m1 in Chinese: code-server started with --locale zh-cn shows the manifest's command titles from
// package.nls.zh-cn.json and runtime strings from l10n/bundle.l10n.zh-cn.json (the side panel
// page's too). code-server needs a language pack for that, installed and listed in
// <user-data>/languagepacks.json (its --install-extension does not write that file; without the
// entry the locale resolves to English).
// ./language-pack has no translations of VS Code's own strings: the workbench stays English.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { launchBrowser, openPalette, openWorkbench } from '../harness/browser';
import { ROOT, ensurePackaged } from '../harness/build';
import { startCodeServer, type RunningCodeServer } from '../harness/codeServer';
import { expectText } from './expect';
import { RESULTS } from './session';

describe('e2e: m1 in Chinese (zh-cn)', function () {
  this.timeout(240_000);
  let fake: FakeOllama | undefined;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const temp = mkdtempSync(join(tmpdir(), 'm1-e2e-l10n-'));

  before(async function () {
    this.timeout(300_000);
    fake = await startFakeOllama({ models: [{ name: 'm1-7b-23k' }] });
    const workspace = join(temp, 'workspace');
    cpSync(join(ROOT, 'samples'), workspace, { recursive: true });
    const root = join(temp, 'code-server');
    mkdirSync(join(root, 'user-data'), { recursive: true });
    // The entry VS Code's language pack cache writes when a pack is installed from the UI
    // (getNLSConfiguration needs hash and translations.vscode; getInstalledLanguages, extensions[0]).
    const id = 'm1-test.m1-test-language-pack-zh-cn';
    const packs = { 'zh-cn': { hash: 'm1-e2e', label: '中文(简体)', extensions: [{ extensionIdentifier: { id }, version: '0.0.1' }], translations: { vscode: join(__dirname, 'language-pack', 'main.i18n.json') } } };
    writeFileSync(join(root, 'user-data', 'languagepacks.json'), JSON.stringify(packs));
    const pack = join(temp, 'language-pack.vsix');
    execFileSync(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', pack], { cwd: join(__dirname, 'language-pack'), stdio: 'ignore' });
    server = await startCodeServer({ root, workspace, vsix: [pack, ensurePackaged()], locale: 'zh-cn', userSettings: { 'm1.ollama.host': fake.url } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server.folderUrl);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !server) return;
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, `FAILED-l10n-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}.png`) });
    cpSync(join(server.root, 'user-data', 'logs'), join(RESULTS, 'FAILED-l10n-logs'), { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('shows a command title from package.nls.zh-cn.json in the palette', async () => {
    await openPalette(page, 'm1: 检查', 'm1: 检查 Ollama 服务器');
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'l10n-01-palette-zh-cn.png') });
    await page.keyboard.press('Escape');
  });

  it('shows a runtime string from the l10n bundle in the status bar', async () => {
    // The samples' trace file activates m1; nothing has asked the server yet.
    await expectText(page.locator('.statusbar-item', { hasText: 'm1:' }).first(), 'm1: 未检查', 60_000);
    await openPalette(page, 'm1: 检查', 'm1: 检查 Ollama 服务器');
    await page.keyboard.press('Enter');
    await expectText(page.locator('.statusbar-item', { hasText: 'm1:' }).first(), 'm1: 就绪', 30_000);
    await page.screenshot({ path: join(RESULTS, 'l10n-02-status-bar-zh-cn.png') });
  });

  it('shows the side panel page in Chinese (vscode.l10n.bundle sent to the webview)', async () => {
    await page.locator('.activitybar [aria-label^="m1"]').first().click();
    const panel = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await panel.getByRole('button', { name: '提问', exact: true }).waitFor({ timeout: 30_000 });
    await expectText(panel.locator('h3'), '历史记录');
    await page.screenshot({ path: join(RESULTS, 'l10n-03-panel-zh-cn.png') });
  });
});
