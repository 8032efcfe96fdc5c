// Benchmark runs spread over two OpenAI-compatible servers (fake vLLM) from the m1.hosts setting,
// with an API key kept in VS Code's secret storage.
import assert from 'node:assert/strict';
import { PROBE_QUESTION } from '../../src/core/backends/probe';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { startFakeOpenAI, type CompletionLog, type FakeOpenAI } from '../fake-openai/server';
import { openFile, quickPickStep, runCommand } from '../harness/browser';
import { expectText } from './expect';
import { toast, useSession } from './session';

const MODEL = 'UCSC-VLAA/m1-7B-23K';
/** The items' requests: a run first probes each server's think stop once (Check Server's probe). */
const items = (log: CompletionLog[]) => log.filter((r) => !r.prompt.includes(PROBE_QUESTION.question)).length;

describe('e2e: benchmark runs over several servers', function () {
  this.timeout(180_000);
  let open: FakeOpenAI;
  let locked: FakeOpenAI;
  const settings: Record<string, unknown> = {};
  before(async () => {
    open = await startFakeOpenAI({ scripts: DEMO_SCRIPTS, tokenDelayMs: 5 });
    locked = await startFakeOpenAI({ scripts: DEMO_SCRIPTS, tokenDelayMs: 5, apiKey: 'sk-e2e' });
    settings['m1.hosts'] = [
      { url: open.url, kind: 'openai', slots: 2 },
      { url: locked.url, kind: 'openai', slots: 2 },
    ];
  });
  after(async () => Promise.all([open.close(), locked.close()]));
  const s = useSession({}, settings);

  async function runSample(): Promise<void> {
    const { page } = s();
    await openFile(page, 'benchmark.json');
    await runCommand(page, 'm1: Run Benchmark');
    // The model comes from what the first server serves; no concurrency step (servers have slots).
    await quickPickStep(page, '(1/5) · model', MODEL);
    await quickPickStep(page, '(2/5) · protocol', 'm1');
    await quickPickStep(page, '(3/5) · thinking budget', '1K tokens');
    await quickPickStep(page, '(4/5) · "Wait" rounds', '0 Wait');
    await quickPickStep(page, '(5/5) · items', 'All 6');
  }

  it('takes out a server that refuses the key and finishes on the other', async () => {
    const { page } = s();
    await runSample();
    await toast(page, /6 of 6 right.*1 of 2 servers failed and were taken out; the others finished the run\./).waitFor({ timeout: 60_000 });
    assert.ok(items(open.log) >= 12, `${items(open.log)} requests on the open server`);
    assert.equal(locked.log.length, 0, 'the locked server generated nothing');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  it('uses both servers once the key is set with m1: Set Server API Key', async () => {
    const { page } = s();
    const before = items(open.log);
    await runCommand(page, 'm1: Set Server API Key');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: locked.url }).first().click();
    await expectText(page.locator('.quick-input-widget .quick-input-title'), `API key for ${locked.url}`);
    await page.locator('.quick-input-widget input').fill('sk-e2e');
    await page.keyboard.press('Enter');
    await toast(page, `API key for ${locked.url} saved.`).waitFor({ timeout: 10_000 });
    await runSample();
    await toast(page, /6 of 6 right/).waitFor({ timeout: 60_000 });
    const onOpen = items(open.log) - before;
    const onLocked = items(locked.log);
    assert.equal(onOpen + onLocked, 12, 'each of the 6 items thought and answered once');
    assert.ok(onOpen > 0 && onLocked > 0, `requests: ${onOpen} open, ${onLocked} locked`);
    await s().shot('hosts-01-two-servers');
  });
});
