// The paper's evaluation data through a fake Hub: the real download code (progress, cancel,
// resume, the reference's MD5 check, the Hub's SHA-256), then items per source and the content hash.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data } from '../../src/cli/data';
import { hashFile } from '../../src/core/bench/runFile';
import { PAPER_DATA, datasetFileUrl, downloadFile, getPaperData, hubSha256 } from '../../src/core/hf/dataset';
import { startFakeHub, type FakeHub } from '../fake-hf/server';

/** A small file of the evaluation data's shape: source → items with options and gold. */
function evalData(): Buffer {
  const sources = { MedMCQA_validation: 5, MedQA_USLME_test: 3, PubMedQA_test: 2, 'MMLU-Pro_Medical_test': 2, GPQA_Medical_test: 4 };
  const out: Record<string, unknown[]> = {};
  for (const [s, n] of Object.entries(sources)) out[s] = Array.from({ length: n }, (_, i) => ({ question: `${s} question ${i % (s.startsWith('GPQA') ? 2 : n)}?`, options: { A: 'yes', B: 'no', C: 'maybe', D: 'never' }, answer_idx: 'A', answer: 'yes' }));
  return Buffer.from(`${JSON.stringify(out, null, 4)}\n`.padEnd(300_000, ' '));
}

describe('the paper’s evaluation data (m1 data get)', () => {
  const file = evalData();
  const md5 = createHash('md5').update(file).digest('hex');
  const key = `${PAPER_DATA.repo}/${PAPER_DATA.file}`;
  let hub: FakeHub;
  afterEach(() => hub?.close());

  it('downloads with progress, checks the MD5, counts items per source and hashes the content', async () => {
    hub = await startFakeHub([], { datasets: { [key]: file } });
    const dir = mkdtempSync(join(tmpdir(), 'm1-data-'));
    const seen: number[] = [];
    const got = await getPaperData({ endpoint: hub.url, dir, md5, onProgress: (p) => seen.push(p.received) });
    assert.deepEqual(got.sources, { MedMCQA_validation: 5, MedQA_USLME_test: 3, PubMedQA_test: 2, 'MMLU-Pro_Medical_test': 2, GPQA_Medical_test: 4 });
    assert.equal(got.md5, md5);
    assert.equal(got.hash, await hashFile(join(dir, PAPER_DATA.file)));
    assert.equal(seen.at(-1), file.length);
    assert.equal(got.reference, true);
    assert.deepEqual(hub.requests, [`GET /api/datasets/UCSC-VLAA/m1_eval_data/tree/main`, `GET /datasets/UCSC-VLAA/m1_eval_data/resolve/main/m1_eval_data.json`]);
    const again = await getPaperData({ endpoint: hub.url, dir, md5 });
    assert.equal(again.alreadyThere, true);
    assert.equal(hub.requests.filter((r) => r.includes('/resolve/')).length, 1, 'a matching file is not downloaded again');
  });

  it('resumes a download cut off half way with a Range request', async () => {
    hub = await startFakeHub([], { datasets: { [key]: file }, cutAfter: 100_000 });
    const dir = mkdtempSync(join(tmpdir(), 'm1-data-'));
    const dest = join(dir, 'x.json');
    const url = datasetFileUrl(hub.url, PAPER_DATA.repo, PAPER_DATA.file);
    await assert.rejects(downloadFile({ url, dest, root: dir, md5 }), /stopped at \d+ bytes.*run it again to resume/);
    const partial = statSync(`${dest}.part`).size;
    assert.ok(partial > 0 && partial < file.length, `part file of ${partial} bytes`);
    const got = await downloadFile({ url, dest, root: dir, md5 });
    assert.equal(got.resumedFrom, partial);
    assert.deepEqual(readFileSync(dest), file);
    assert.ok(!existsSync(`${dest}.part`));
  });

  it('cancels, keeping what arrived for the next time', async () => {
    hub = await startFakeHub([], { datasets: { [key]: file } });
    const dir = mkdtempSync(join(tmpdir(), 'm1-data-'));
    const controller = new AbortController();
    const url = datasetFileUrl(hub.url, PAPER_DATA.repo, PAPER_DATA.file);
    controller.abort();
    await assert.rejects(downloadFile({ url, dest: join(dir, 'y.json'), root: dir, signal: controller.signal }), (e: Error & { code?: string }) => e.code === 'cancelled');
  });

  it('m1 data get keeps an intact file that is not the reference’s (the Hub’s SHA-256 matches) and says so', async () => {
    hub = await startFakeHub([], { datasets: { [key]: file } });
    const dir = mkdtempSync(join(tmpdir(), 'm1-data-'));
    let out = '';
    assert.equal(await data(['get', '--dir', dir, '--endpoint', hub.url], {}, { write: (t: string) => (out += t) }, { write: () => undefined }), 0);
    assert.match(out, new RegExp(`not the file the paper evaluated: its MD5 is ${md5}, the reference checks ${PAPER_DATA.md5}`));
    assert.match(out, /MedMCQA_validation\s+5/);
    assert.deepEqual(readFileSync(join(dir, PAPER_DATA.file)), file);
    const again = await getPaperData({ endpoint: hub.url, dir });
    assert.deepEqual([again.alreadyThere, again.reference], [true, false], 'kept, not downloaded again');
  });

  it('m1 data get refuses a damaged download (neither the reference’s MD5 nor the Hub’s SHA-256), and leaves nothing behind', async () => {
    hub = await startFakeHub([], { datasets: { [key]: file }, damaged: true });
    const dir = mkdtempSync(join(tmpdir(), 'm1-data-'));
    const sha256 = createHash('sha256').update(file).digest('hex');
    await assert.rejects(data(['get', '--dir', dir, '--endpoint', hub.url], {}, { write: () => undefined }, { write: () => undefined }), new RegExp(`MD5 mismatch .*the reference expects ${PAPER_DATA.md5}, and its SHA-256 [0-9a-f]{64} is not the Hub's ${sha256}: the download is damaged`));
    assert.ok(!existsSync(join(dir, PAPER_DATA.file)) && !existsSync(join(dir, `${PAPER_DATA.file}.part`)));
  });

  it('never writes through a link a repository planted: not a linked folder, not a linked part file', async () => {
    hub = await startFakeHub([], { datasets: { [key]: file } });
    const outside = mkdtempSync(join(tmpdir(), 'm1-outside-'));
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'keep me');
    // A workspace whose benchmarks/ is a link to a folder elsewhere.
    const linkedDir = mkdtempSync(join(tmpdir(), 'm1-ws-'));
    symlinkSync(outside, join(linkedDir, 'benchmarks'));
    await assert.rejects(getPaperData({ endpoint: hub.url, dir: join(linkedDir, 'benchmarks'), root: linkedDir }), /Refusing to write .*is a link/);
    // A workspace whose part file is a link to a file elsewhere (a resume would append to it).
    const linkedPart = mkdtempSync(join(tmpdir(), 'm1-ws-'));
    mkdirSync(join(linkedPart, 'benchmarks'));
    symlinkSync(victim, join(linkedPart, 'benchmarks', `${PAPER_DATA.file}.part`));
    await assert.rejects(getPaperData({ endpoint: hub.url, dir: join(linkedPart, 'benchmarks'), root: linkedPart }), /Refusing to write .*is a link/);
    assert.equal(readFileSync(victim, 'utf8'), 'keep me');
    assert.deepEqual(readdirSync(outside), ['victim.txt']);
    assert.ok(!hub.requests.some((r) => r.includes('/resolve/')), 'nothing was downloaded');
  });

  it('without a hash from the Hub, only the reference’s MD5 lets a file in', async () => {
    hub = await startFakeHub([], { datasets: { [key]: file } });
    const dir = mkdtempSync(join(tmpdir(), 'm1-data-'));
    const url = datasetFileUrl(hub.url, PAPER_DATA.repo, PAPER_DATA.file);
    await assert.rejects(downloadFile({ url, dest: join(dir, 'z.json'), root: dir, md5: PAPER_DATA.md5 }), new RegExp(`MD5 mismatch .*got ${md5}, the reference expects ${PAPER_DATA.md5}\\. The partial file was removed`));
    assert.equal(await hubSha256({ endpoint: hub.url, repo: 'nobody/nothing', file: PAPER_DATA.file }), undefined, 'an unknown dataset gives no hash');
  });
});
