// Benchmark files as a language: a broken item in the Problems view, the lenses, and a hover with
// the item's latest run, from the benchmark language server inside code-server.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { goToLine, openFile, runCommand } from '../harness/browser';
import { ROOT } from '../harness/build';
import { expectText } from './expect';
import { useSession } from './session';

describe('e2e: benchmark files checked by the language server', function () {
  this.timeout(180_000);
  const s = useSession({}, { 'workbench.colorTheme': 'Default Dark Modern' });

  before(async () => {
    const { workspace, fake } = s();
    // The sample benchmark with a wrong answer letter and a question copied into another source.
    const bench = JSON.parse(readFileSync(join(ROOT, 'samples', 'benchmark.json'), 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    bench.MedQA_USLME_test![1]!.answer_idx = 'E';
    bench.MedQA_USLME_test!.push({ ...bench.MedMCQA_validation![0]!, id: 'medqa-copy' });
    writeFileSync(join(workspace, 'broken.json'), JSON.stringify(bench, null, 2));
    // A run of it, so hovers and lenses have a latest result.
    await promisify(execFile)(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'bench', 'broken.json', '--host', fake.url, '--budget', '1024', '--out', join('.m1', 'runs', 'broken.jsonl')], { cwd: workspace });
  });

  it('lists the broken item and the duplicate in the Problems view, with lenses on the items', async () => {
    const { page } = s();
    await openFile(page, 'broken.json');
    await runCommand(page, 'View: Focus Problems');
    const problems = page.locator('.markers-panel');
    await expectText(problems, 'answer letter "E" is not among the options (A, B, C, D)', 60_000);
    await expectText(problems, 'the same question, options and answer are MedQA_USLME_test #4 (medqa-copy), line 39 (another source)');
    await expectText(page.locator('.codelens-decoration').first(), 'Run benchmark (6 items)', 30_000);
    await expectText(page.locator('.codelens-decoration', { hasText: 'Run this item' }).first(), 'Open trace (right)', 30_000);
    await s().shot('lsp-01-problems-and-lenses');
  });

  it('hovers an item with its options, gold answer and latest run', async () => {
    const { page } = s();
    await page.locator('.tab', { hasText: 'broken.json' }).first().click();
    await goToLine(page, 5);
    await runCommand(page, 'Show or Focus Hover');
    const hover = page.locator('.monaco-hover');
    await expectText(hover, 'medqa-001 · MedQA_USLME_test, item 1', 20_000);
    await expectText(hover, 'C. Right coronary artery ✓');
    await expectText(hover, 'm1 chose C, right ✓');
    await s().shot('lsp-02-hover');
  });
});
