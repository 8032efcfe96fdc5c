// Runs test/integration inside code-server's extension host, once in a trusted workspace and
// once in Restricted Mode, through the test-runner extension (REAL-VSCODE.md). Exits non-zero
// on any failure.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, openWorkbench } from './browser';
import { ROOT, ensurePackaged } from './build';
import { startCodeServer } from './codeServer';
import type { TestResults } from '../integration/index';

async function runOnce(trust: boolean, vsix: string): Promise<TestResults & { trusted?: boolean }> {
  const workspace = mkdtempSync(join(tmpdir(), 'm1-int-ws-'));
  cpSync(join(ROOT, 'samples'), workspace, { recursive: true });
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'm1.model': 'workspace-model', 'm1.ollama.host': 'http://untrusted.example:1' }));
  const resultsFile = join(mkdtempSync(join(tmpdir(), 'm1-int-')), 'results.json');
  const server = await startCodeServer({
    workspace,
    trust,
    vsix: [vsix],
    folders: [{ path: join(ROOT, 'test', 'integration', 'runner'), id: 'm1-test.m1-test-runner-0.0.1' }],
    env: { M1_TEST_RESULTS: resultsFile, M1_TEST_ENTRY: join(ROOT, 'dist-test', 'integration', 'index.js') },
  });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    await openWorkbench(browser, server.folderUrl); // the extension host starts with the workbench
    const deadline = Date.now() + 120_000;
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error(`no integration results after 120 s; code-server said:\n${server.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as TestResults & { trusted?: boolean };
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const vsix = ensurePackaged();
  let failed = 0;
  let passed = 0;
  for (const trust of [true, false]) {
    const r = await runOnce(trust, vsix);
    console.log(`\nintegration (${trust ? 'trusted workspace' : 'Restricted Mode'}):`);
    for (const t of r.tests) console.log(`  ${t.state === 'passed' ? '✔' : '✘'} ${t.title}${t.error ? `\n${t.error.replace(/^/gm, '      ')}` : ''}`);
    if (r.tests.length === 0) failed++; // a run that ran nothing is a failure
    if (r.trusted !== trust) {
      console.log(`  ✘ the workspace was ${r.trusted ? 'trusted' : 'untrusted'}, expected ${trust ? 'trusted' : 'untrusted'}`);
      failed++;
    }
    failed += r.failed;
    passed += r.passed;
  }
  console.log(`\nintegration: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
