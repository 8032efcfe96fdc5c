import assert from 'node:assert/strict';
import { detailsMarkdown, showModel } from '../../src/core/ollama/models';
import { QWEN25_32B_KV, QWEN25_7B_KV, kvCacheBytes, kvShapeFromModelInfo, ollamaParallel, vramNeededGiB } from '../../src/core/ollama/vram';
import { MODEL, useFake } from './helpers';

const GiB = 1024 ** 3;

describe('VRAM estimate: weights plus the KV cache of num_ctx × parallel slots', () => {
  it("a 32B at 8K × 4 slots needs about 8 GiB of KV cache on top of its ~20 GB of weights (the issue's example)", () => {
    assert.equal(kvCacheBytes(QWEN25_32B_KV, 8192, 4) / GiB, 8);
    assert.equal(kvCacheBytes(QWEN25_32B_KV, 8192, 1) / GiB, 2);
    const one = vramNeededGiB({ weightsBytes: 19.9e9, shape: QWEN25_32B_KV, numCtx: 8192, parallel: 1 });
    const four = vramNeededGiB({ weightsBytes: 19.9e9, shape: QWEN25_32B_KV, numCtx: 8192, parallel: 4 });
    assert.equal(Math.round(one), 22, 'one slot: the figure Get Model has always shown');
    assert.equal(four - one, 6, 'three more slots: 6 GiB more');
    assert.ok(four > 24, `${four.toFixed(1)} GiB: no longer fits a 24 GB GPU`);
    // 7B: 28 layers × 4 KV heads × 256 × 2 bytes = 56 KiB a token.
    assert.equal(kvCacheBytes(QWEN25_7B_KV, 1, 1), 56 * 1024);
  });

  it("takes the slots from the server's environment, else Ollama's default for its version", () => {
    assert.equal(ollamaParallel({ OLLAMA_NUM_PARALLEL: '4' }), 4);
    assert.equal(ollamaParallel({ OLLAMA_NUM_PARALLEL: '4' }, '0.5.0'), 4);
    assert.equal(ollamaParallel({}), 1);
    assert.equal(ollamaParallel({ OLLAMA_NUM_PARALLEL: '0' }, '0.12.6'), 1, '0 is "auto": the default');
    assert.equal(ollamaParallel({}, '0.9.6'), 2);
    assert.equal(ollamaParallel({}, '0.6.6'), 4);
  });

  it("reads the model's real attention shape from /api/show, and says what its KV cache costs", async () => {
    assert.deepEqual(kvShapeFromModelInfo({ 'general.architecture': 'qwen2', 'qwen2.block_count': 64, 'qwen2.attention.head_count': 40, 'qwen2.attention.head_count_kv': 8, 'qwen2.embedding_length': 5120 }), QWEN25_32B_KV);
    assert.deepEqual(kvShapeFromModelInfo({ 'general.architecture': 'llama', 'llama.block_count': 32, 'llama.attention.head_count_kv': 8, 'llama.attention.key_length': 128, 'llama.attention.value_length': 128 }), { layers: 32, kvHeads: 8, keyLength: 128, valueLength: 128 });
    assert.equal(kvShapeFromModelInfo({ 'general.architecture': 'qwen2', 'qwen2.context_length': 32768 }), undefined);
  });

  describe('against the fake Ollama', () => {
    const fake = useFake({}, { rawRequests: true });
    it('model details show the KV cache a token and at 8K for the slots', async () => {
      const d = await showModel(fake().url, MODEL);
      assert.deepEqual(d.kvShape, QWEN25_7B_KV);
      assert.match(detailsMarkdown(d, { OLLAMA_NUM_PARALLEL: '4' }), /\| KV cache \| 56\.0 KB a token; 1\.8 GB at num_ctx 8,192 × 4 slots \(OLLAMA_NUM_PARALLEL\) \|/);
    });
  });
});
