import assert from 'node:assert/strict';
import { M1Error } from '../../src/core/errors';
import { findGgufBuilds, ollamaNameFor, quantsOf } from '../../src/core/hf/ggufBuilds';
import { DEMO_REPOS, startFakeHub, type FakeHub } from '../fake-hf/server';
import { freePort } from './helpers';

describe('GGUF builds on the Hugging Face Hub (fake hub)', () => {
  let hub: FakeHub;
  before(async () => (hub = await startFakeHub(DEMO_REPOS)));
  after(async () => hub.close());

  it('finds the repos quantized from an m1 model, most downloaded first, with quantizations and sizes', async () => {
    const builds = await findGgufBuilds('UCSC-VLAA/m1-7B-23K', { hubUrl: hub.url });
    assert.deepEqual(
      builds.map((b) => [b.repo, b.quants.map((q) => `${q.quant}:${q.size}`)]),
      [
        ['example-user/m1-7B-23K-GGUF', ['Q4_K_M:4683087332', 'Q8_0:8098525152', 'F16:15237853120']],
        ['other-user/m1-7B-23K-i1-GGUF', ['IQ4_XS:4250000000']],
      ],
    );
    assert.ok(hub.requests.some((r) => r.includes('filter=gguf') && r.includes('filter=base_model%3Aquantized%3AUCSC-VLAA%2Fm1-7B-23K')));
    assert.equal(ollamaNameFor('example-user/m1-7B-23K-GGUF', 'Q4_K_M'), 'hf.co/example-user/m1-7B-23K-GGUF:Q4_K_M');
  });

  it('finds nothing for a model without GGUF builds', async () => {
    assert.deepEqual(await findGgufBuilds('UCSC-VLAA/m1-32B-1K', { hubUrl: hub.url }), []);
  });

  it('sums shards of one quantization and skips projector files', () => {
    assert.deepEqual(
      quantsOf([
        { path: 'm-Q8_0-00001-of-00002.gguf', size: 5 },
        { path: 'm-Q8_0-00002-of-00002.gguf', size: 3 },
        { path: 'mmproj-m-f16.gguf', size: 1 },
        { path: 'notes.txt', size: 1 },
      ]),
      [{ quant: 'Q8_0', files: ['m-Q8_0-00001-of-00002.gguf', 'm-Q8_0-00002-of-00002.gguf'], size: 8 }],
    );
  });

  it('follows the Link header through a file list of several pages', async () => {
    const paged = await startFakeHub(DEMO_REPOS, { treePageSize: 1 });
    try {
      const [build] = await findGgufBuilds('UCSC-VLAA/m1-7B-23K', { hubUrl: paged.url, limit: 1 });
      assert.deepEqual(build?.quants.map((q) => q.quant), ['Q4_K_M', 'Q8_0', 'F16']);
      assert.equal(paged.requests.filter((r) => r.includes('/tree/main')).length, 4);
    } finally {
      await paged.close();
    }
  });

  it('names the hub and the field when an answer has an unexpected shape', async () => {
    const odd: typeof fetch = () => Promise.resolve(new Response(JSON.stringify([{ id: 42 }]), { headers: { 'content-type': 'application/json' } }));
    await assert.rejects(findGgufBuilds('UCSC-VLAA/m1-7B-23K', { hubUrl: 'http://hub.test', fetch: odd }), (e: M1Error) =>
      e.code === 'unreachable' && e.message.includes('unexpected answer from http://hub.test/api/models') && e.message.includes('id'),
    );
  });

  it('says which hub it could not reach', async () => {
    const port = await freePort();
    await assert.rejects(findGgufBuilds('UCSC-VLAA/m1-7B-23K', { hubUrl: `http://127.0.0.1:${port}` }), (e: M1Error) =>
      e.code === 'unreachable' && e.message.startsWith(`Could not search http://127.0.0.1:${port} for GGUF builds of UCSC-VLAA/m1-7B-23K`),
    );
  });
});
