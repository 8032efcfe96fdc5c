// Debian's chromium driven by playwright-core (no browser download), opening a code-server workbench.
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM } from './tools';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export async function openWorkbench(browser: Browser, folderUrl: string, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: opts.colorScheme ?? 'dark' });
  const page = await context.newPage();
  await page.goto(folderUrl);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return page;
}

/**
 * Opens the palette (F1) filtered by `filter` and waits for a row containing `expected`. The
 * palette lists contributed commands only once the extension host has reported them, so it is
 * reopened until the row shows up.
 */
export async function openPalette(page: Page, filter: string, expected: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${filter}`);
    try {
      await page.locator('.quick-input-list .monaco-list-row', { hasText: expected }).first().waitFor({ timeout: 4000 });
      return;
    } catch (e) {
      if (attempt >= 8) throw e;
      await page.keyboard.press('Escape');
    }
  }
}

/** Runs a command from the palette (F1), as a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await openPalette(page, title, title);
  await page.keyboard.press('Enter');
}

/** Answers one step of a multi-step quick pick: waits for its title, filters, presses Enter. */
export async function quickPickStep(page: Page, title: string, filter?: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  const titleEl = page.locator('.quick-input-widget .quick-input-title');
  while (!(await titleEl.innerText().catch(() => '')).includes(title)) {
    if (Date.now() > deadline) throw new Error(`no quick pick titled "${title}"; saw "${await titleEl.innerText().catch(() => '')}"`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (filter !== undefined) await page.locator('.quick-input-widget input').fill(filter);
  await page.keyboard.press('Enter');
}

/** Opens a workspace file with Quick Open and waits for its tab. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: name }).first().waitFor();
}

/** A row of the Testing view by its text. */
export function testRow(page: Page, text: string): Locator {
  return page.locator('.test-explorer .monaco-list-row', { hasText: text }).first();
}

/** Opens the Testing view and expands the rows named, in order, checking each took (the list re-renders as rows open). */
export async function expandTestRows(page: Page, labels: string[]): Promise<void> {
  await runCommand(page, 'View: Show Testing');
  await testRow(page, labels[0]!).waitFor({ timeout: 20_000 });
  for (const label of labels) {
    for (let attempt = 0; (await testRow(page, label).getAttribute('aria-expanded')) !== 'true'; attempt++) {
      if (attempt === 10) throw new Error(`${label} does not expand`);
      await page.mouse.move(0, 0);
      await testRow(page, label).click();
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** m1: Run Benchmark on the open sample file: protocol m1, budget 1K, one Wait round, two at once, all six items. */
export async function runSampleBenchmark(page: Page): Promise<void> {
  await runCommand(page, 'm1: Run Benchmark');
  await quickPickStep(page, '(1/6) · model');
  await quickPickStep(page, '(2/6) · protocol', 'm1');
  await quickPickStep(page, '(3/6) · thinking budget', '1K tokens');
  await quickPickStep(page, '(4/6) · "Wait" rounds', '1 Wait round');
  await quickPickStep(page, '(5/6) · requests at once', '2 at once');
  await quickPickStep(page, '(6/6) · items', 'All 6');
}

/** Go to Line in the active editor; tried again if something takes the focus and closes the box first. */
export async function goToLine(page: Page, line: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Control+G');
    try {
      await page.locator('.quick-input-widget input').fill(`:${line}`, { timeout: 5_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
}
