// The cost of m1 in a window that never uses it, before and after lazy activation. "Before" is
// the last build that activated on onStartupFinished (commit BEFORE, packaged from `git archive`);
// "after" is this tree's .vsix. Each opens a plain project (a package.json open in the editor, no
// .m1/ and no trace files) in code-server with a fake Ollama as the configured server, waits
// IDLE_S, then reads: whether m1 activated and its activation time (Developer: Show Running
// Extensions), language server processes, and the requests Ollama got. "After, first use" then
// runs one m1 command in the same window. Results in perf/README.md.
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startFakeOllama } from '../test/fake-ollama/server';
import { launchBrowser, openFile, openWorkbench, runCommand } from '../test/harness/browser';
import { ROOT, ensurePackaged } from '../test/harness/build';
import { startCodeServer } from '../test/harness/codeServer';

const BEFORE = '096875d'; // the last commit with "activationEvents": ["onStartupFinished"]
const IDLE_S = Number(process.env.IDLE_S ?? 35); // Ollama was polled every 15 s: three polls

/** The old .vsix, built from `git archive` with this tree's node_modules plus the one package
 * the old build had and this one dropped (@huggingface/hub, its locked version, installed one
 * folder up, where the bundler's lookup finds it). */
function packageBefore(): string {
  const outer = mkdtempSync(join(tmpdir(), 'm1-perf-before-'));
  writeFileSync(join(outer, 'package.json'), '{"private":true}');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '@huggingface/hub@2.17.5'], { cwd: outer, stdio: 'ignore' });
  const dir = join(outer, 'm1');
  mkdirSync(dir);
  execSync(`git archive ${BEFORE} | tar -x -C ${dir}`, { cwd: ROOT });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return join(dir, 'dist', 'm1-vscode.vsix');
}

/** Processes of this code-server that run the language server (dist/server.js of an installed m1). */
function languageServers(root: string): number {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(root) && /dist[\\/]server\.js/.test(line)).length;
}

/** m1's row in Developer: Show Running Extensions: its activation time, or undefined when not active. */
async function activation(page: Page): Promise<string | undefined> {
  await runCommand(page, 'Developer: Show Running Extensions');
  const list = page.locator('.runtime-extensions-editor');
  await list.locator('.monaco-list-row').first().waitFor({ timeout: 30_000 });
  const row = list.locator('.monaco-list-row', { hasText: 'm1 for VS Code' });
  const time = (await row.count()) ? (await row.first().locator('.activation-time').innerText()).trim() : undefined;
  // The editor opens as a modal, which keeps the palette's F1 from the workbench: close it.
  await page.keyboard.press('Escape');
  await page.locator('.monaco-modal-editor-block').waitFor({ state: 'hidden', timeout: 10_000 });
  return time;
}

interface Measure {
  label: string;
  activation: string;
  languageServers: number;
  ollamaRequests: string;
}

async function measure(label: string, vsix: string, firstUse: boolean): Promise<Measure[]> {
  const fake = await startFakeOllama({ models: [{ name: 'm1-7b-23k' }] });
  const workspace = mkdtempSync(join(tmpdir(), 'm1-perf-idle-ws-'));
  writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'some-project', version: '1.0.0', scripts: { test: 'node test.js' } }, null, 2));
  writeFileSync(join(workspace, 'README.md'), '# Some project\n');
  const server = await startCodeServer({ workspace, vsix: [vsix], userSettings: { 'm1.ollama.host': fake.url } });
  const browser = await launchBrowser();
  try {
    const page = await openWorkbench(browser, server.folderUrl);
    await openFile(page, 'package.json');
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const requests = () => {
      const paths = fake.requests;
      return paths.length ? `${paths.length} (${[...new Set(paths)].join(', ')})` : '0';
    };
    const out: Measure[] = [{ label, activation: (await activation(page)) ?? 'not activated', languageServers: languageServers(server.root), ollamaRequests: requests() }];
    if (firstUse) {
      const before = fake.requests.length;
      await runCommand(page, 'm1: Check Ollama Server');
      await page.locator('.statusbar-item', { hasText: 'm1: ready' }).first().waitFor({ timeout: 30_000 });
      out.push({ label: `${label}, first use (m1: Check Ollama Server)`, activation: (await activation(page)) ?? 'not activated', languageServers: languageServers(server.root), ollamaRequests: String(fake.requests.length - before) });
    }
    return out;
  } finally {
    await browser.close();
    await server.stop();
    await fake.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const after = ensurePackaged();
  const print = (rows: Measure[]) => {
    for (const r of rows) console.log(`| ${r.label} | ${r.activation} | ${r.languageServers} | ${r.ollamaRequests} |`);
  };
  console.log(`idle window: ${IDLE_S} s with package.json open\n`);
  console.log('| window | m1 activation | language server processes | requests to Ollama |\n|---|---|---|---|');
  print(await measure(`before (${BEFORE}, onStartupFinished)`, packageBefore(), false));
  print(await measure('after (lazy activation)', after, true));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
