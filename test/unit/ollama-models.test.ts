import assert from 'node:assert/strict';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { deleteModel, detailsMarkdown, expiresIn, loadedModels, showModel, unloadModel } from '../../src/core/ollama/models';
import { keepAliveMs } from '../fake-ollama/server';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { MODEL, useFake } from './helpers';

/** One short generation, as m1 sends it, with the backend's keep_alive. */
async function ask(host: string, keepAlive?: string | number): Promise<void> {
  const backend = new OllamaBackend({ host, ...(keepAlive !== undefined ? { keepAlive } : {}) });
  for await (const ev of backend.generate({ model: MODEL, prompt: 'hello', maxTokens: 4, stop: [], temperature: 0, seed: 42 })) if (ev.type === 'done') return;
}

describe('models in memory (/api/ps), unload, delete and details', () => {
  const fake = useFake({ scripts: DEMO_SCRIPTS, models: [{ name: MODEL, license: 'Apache License 2.0' }, { name: 'other' }] });

  it('reads keep_alive as Ollama does', () => {
    assert.equal(keepAliveMs(undefined), 5 * 60_000);
    assert.equal(keepAliveMs(0), 0);
    assert.equal(keepAliveMs('0'), 0);
    assert.equal(keepAliveMs(30), 30_000);
    assert.equal(keepAliveMs('1h30m'), 90 * 60_000);
    assert.equal(keepAliveMs(-1), Infinity);
    assert.equal(keepAliveMs('-5m'), Infinity);
    assert.equal(keepAliveMs('soon'), undefined);
  });

  it('lists a loaded model with its VRAM, context and expiry, which follow the keep_alive sent', async () => {
    assert.deepEqual(await loadedModels(fake().url), []);
    await ask(fake().url, '10m');
    const [m] = await loadedModels(fake().url);
    assert.equal(m?.name, `${MODEL}:latest`);
    assert.ok(m!.sizeVram > 4e9);
    assert.ok(m!.contextLength! >= 2048);
    const minutes = (m!.expiresAt.getTime() - Date.now()) / 60_000;
    assert.ok(minutes > 9 && minutes <= 10, `expires in ${minutes} min`);
    assert.deepEqual(expiresIn(m!.expiresAt), { unit: 'min', n: 10 });
    await ask(fake().url, -1);
    assert.deepEqual(expiresIn((await loadedModels(fake().url))[0]!.expiresAt), { unit: 'kept' });
  });

  it('keep_alive 0 unloads after the answer; unloading frees a loaded model at once', async () => {
    await ask(fake().url, 0);
    assert.deepEqual(await loadedModels(fake().url), []);
    await ask(fake().url);
    assert.equal((await loadedModels(fake().url)).length, 1);
    await unloadModel(fake().url, MODEL);
    assert.deepEqual(await loadedModels(fake().url), []);
    const generates = fake().requests.filter((r) => r === 'POST /api/generate').length;
    assert.equal(generates, 3);
  });

  it('deletes a model and says when there is none', async () => {
    await deleteModel(fake().url, 'other');
    const tags = (await (await fetch(`${fake().url}/api/tags`)).json()) as { models: Array<{ name: string }> };
    assert.deepEqual(tags.models.map((m) => m.name), [`${MODEL}:latest`]);
    await assert.rejects(deleteModel(fake().url, 'other'), /not found/);
  });

  it('shows details: quantization, context length, parameters, template and license', async () => {
    const d = await showModel(fake().url, MODEL);
    assert.deepEqual([d.quantization, d.parameterSize, d.family, d.contextLength, d.license], ['Q4_K_M', '7.6B', 'qwen2', 32768, 'Apache License 2.0']);
    const md = detailsMarkdown(d);
    for (const text of ['| quantization | Q4_K_M |', '| context length | 32,768 |', 'stop "<|im_end|>"', '## License', 'Apache License 2.0']) assert.ok(md.includes(text), text);
  });
});
