// "m1: Get the Paper's Benchmarks" from the palette against the fake Hub: the real download code,
// its resume after a lost connection, and the reference's MD5 check as the user meets them (the
// fake's file is not the reference's, so the Hub's SHA-256 lets it in, with a warning).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../harness/browser';
import { PAPER_DATA } from '../../src/core/hf/dataset';
import { startFakeHub, type FakeHub } from '../fake-hf/server';
import { toast, useSession } from './session';

/** A file of the evaluation data's shape (source → items), about 300 KB: longer than the cut below. */
function evalData(): Buffer {
  const sources = { MedMCQA_validation: 40, MedQA_USLME_test: 30, PubMedQA_test: 20, 'MMLU-Pro_Medical_test': 20, GPQA_Medical_test: 10 };
  const out: Record<string, unknown[]> = {};
  for (const [s, n] of Object.entries(sources)) out[s] = Array.from({ length: n }, (_, i) => ({ question: `${s} question ${i}: ${'a long stem '.repeat(200)}?`, options: { A: 'yes', B: 'no', C: 'maybe', D: 'never' }, answer_idx: 'A', answer: 'yes' }));
  return Buffer.from(`${JSON.stringify(out, null, 4)}\n`);
}

describe("e2e: the paper's evaluation data from the Hub", function () {
  this.timeout(120_000);
  const file = evalData();
  const md5 = createHash('md5').update(file).digest('hex');
  const CUT = 100_000;
  assert.ok(file.length > 2 * CUT);
  const settings: Record<string, unknown> = {};
  let hub: FakeHub;
  before(async () => {
    hub = await startFakeHub([], { datasets: { [`${PAPER_DATA.repo}/${PAPER_DATA.file}`]: file }, cutAfter: CUT });
    settings['m1.huggingFace.endpoint'] = hub.url;
  });
  after(async () => hub.close());
  const s = useSession({}, settings);
  const dir = () => join(s().workspace, 'benchmarks');

  it('keeps what arrived when the connection is lost, and says how to go on', async () => {
    const { page } = s();
    await runCommand(page, "m1: Get the Paper's Benchmarks");
    await toast(page, /The download stopped at \d+ bytes .*run it again to resume/).waitFor({ timeout: 30_000 });
    assert.deepEqual(hub.requests, [`GET /api/datasets/${PAPER_DATA.repo}/tree/main`, `GET /datasets/${PAPER_DATA.repo}/resolve/main/${PAPER_DATA.file}`]);
    const part = join(dir(), `${PAPER_DATA.file}.part`);
    const kept = statSync(part).size;
    assert.ok(kept > 0 && kept <= CUT, `the bytes that arrived are kept (${kept} of ${file.length})`);
    assert.ok(!existsSync(join(dir(), PAPER_DATA.file)), 'no file under the final name before it is whole');
    await s().shot('data-01-connection-lost');
  });

  it('resumes, keeps the whole file the Hub vouches for, says it is not the reference’s, and shows it in the Testing view', async () => {
    const { page } = s();
    await runCommand(page, "m1: Get the Paper's Benchmarks");
    // The MD5 named is the whole served file's: the resumed bytes joined the kept ones exactly.
    await toast(page, `its MD5 is ${md5}, the reference checks ${PAPER_DATA.md5}`).waitFor({ timeout: 30_000 });
    await toast(page, /m1_eval_data\.json: 120 items \(MedMCQA_validation 40, MedQA_USLME_test 30/).waitFor({ timeout: 5_000 });
    assert.deepEqual(hub.requests.filter((r) => r.includes('/resolve/')).length, 2, 'one cut download, one resumed');
    assert.deepEqual(readdirSync(dir()), [PAPER_DATA.file], 'the file under its name, no part left');
    assert.deepEqual(readFileSync(join(dir(), PAPER_DATA.file)), file);
    await page.locator('.test-explorer .monaco-list-row').filter({ hasText: `benchmarks/${PAPER_DATA.file}` }).first().waitFor({ timeout: 30_000 });
    await s().shot('data-02-kept-not-reference');
  });
});
