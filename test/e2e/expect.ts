import type { Locator } from 'playwright-core';

/** Waits until the locator's visible text contains `text`; fails with what was there instead. */
export async function expectText(locator: Locator, text: string, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.allInnerTexts().catch(() => [])).join('\n').replace(/\u00a0/g, ' '); // editors render spaces as NBSP
    if (last.includes(text)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`expected to see "${text}"; saw:\n${last.slice(0, 2000)}`);
}
