// Runs the integration suites with mocha inside a VS Code extension host. Used by
// @vscode/test-electron on desktops (run) and by the code-server test-runner extension (runWithResults).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface TestResults {
  passed: number;
  failed: number;
  tests: Array<{ title: string; state: 'passed' | 'failed'; error?: string }>;
}

export function runWithResults(): Promise<TestResults> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false });
  for (const f of readdirSync(__dirname).filter((f) => f.endsWith('.test.js'))) mocha.addFile(join(__dirname, f));
  const results: TestResults = { passed: 0, failed: 0, tests: [] };
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(results));
    runner.on('pass', (t) => {
      results.passed++;
      results.tests.push({ title: t.fullTitle(), state: 'passed' });
    });
    runner.on('fail', (t, err: Error) => {
      results.failed++;
      results.tests.push({ title: t.fullTitle(), state: 'failed', error: err.stack ?? err.message });
    });
  });
}

export async function run(): Promise<void> {
  const r = await runWithResults();
  for (const t of r.tests) console.log(`${t.state === 'passed' ? '✔' : '✘'} ${t.title}${t.error ? `\n${t.error}` : ''}`);
  if (r.failed > 0) throw new Error(`${r.failed} integration tests failed`);
}
