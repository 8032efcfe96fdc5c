import assert from 'node:assert/strict';
import { GGUFValueType, serializeGgufMetadata, type GGUFTypedMetadata } from '@huggingface/gguf';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OLLAMA_NEUTRAL_SAMPLING } from '../../src/core/backends/ollama';
import { M1Error } from '../../src/core/errors';
import { CHATML_TEMPLATE, importGguf, readGgufInfo, type ImportProgress } from '../../src/core/ollama/importGguf';
import { useFake } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'm1-gguf-'));

/** A GGUF file with a header and metadata only (no tensors): enough for metadata and import. */
function ggufFile(name: string, architecture: string): string {
  const str = (value: string) => ({ value, type: GGUFValueType.STRING });
  const meta = {
    version: { value: 3, type: GGUFValueType.UINT32 },
    tensor_count: { value: 0n, type: GGUFValueType.UINT64 },
    kv_count: { value: 4n, type: GGUFValueType.UINT64 },
    'general.architecture': str(architecture),
    'general.name': str('m1-7B-23K'),
    [`${architecture}.context_length`]: { value: 32768, type: GGUFValueType.UINT32 },
    'tokenizer.chat_template': str('{% for message in messages %}<|im_start|>{{ message.role }}{% endfor %}'),
  } as unknown as GGUFTypedMetadata;
  const path = join(dir, name);
  writeFileSync(path, serializeGgufMetadata(meta));
  return path;
}

describe('import a local GGUF file', () => {
  const fake = useFake();

  it('reads architecture, context length and chat template, and warns when it is not Qwen2', async () => {
    const info = await readGgufInfo(ggufFile('m1.gguf', 'qwen2'));
    assert.equal(info.architecture, 'qwen2');
    assert.equal(info.contextLength, 32768);
    assert.match(info.chatTemplate!, /im_start/);
    assert.equal(info.warning, undefined);
    const llama = await readGgufInfo(ggufFile('llama.gguf', 'llama'));
    assert.match(llama.warning!, /This file is a llama, not a Qwen2 model/);
  });

  it('refuses a path that does not exist and a file that is not GGUF', async () => {
    await assert.rejects(readGgufInfo(join(dir, 'none.gguf')), (e: M1Error) => e.code === 'bad-input' && /none\.gguf does not exist/.test(e.message));
    const notGguf = join(dir, 'notes.gguf');
    writeFileSync(notGguf, 'just text');
    await assert.rejects(readGgufInfo(notGguf), /notes\.gguf is not a GGUF file \(it does not start with "GGUF"\)/);
  });

  it('refuses an Ollama older than 0.5.5 before uploading anything (its /api/create takes no files)', async () => {
    fake().options.version = '0.5.4';
    try {
      const phases: ImportProgress['phase'][] = [];
      await assert.rejects(importGguf(fake().url, ggufFile('old.gguf', 'qwen2'), 'm1-old', (p) => phases.push(p.phase)), (e: M1Error) => e.code === 'server-too-old' && /Ollama 0\.5\.4 .* needs Ollama 0\.5\.5 or newer/.test(e.message));
      assert.deepEqual(phases, [], 'nothing hashed or uploaded');
      assert.equal(fake().blobs.size, 0);
      // What the old server itself answers to a create with files.
      const res = await fetch(`${fake().url}/api/create`, { method: 'POST', body: JSON.stringify({ model: 'x', files: { 'a.gguf': 'sha256:00' } }) });
      assert.equal(res.status, 400);
    } finally {
      delete fake().options.version; // the suite's options object is shared by its tests
    }
  });

  it('uploads the blob and creates the model with the ChatML template and m1 stops', async () => {
    const path = ggufFile('m1-7b.gguf', 'qwen2');
    const phases: ImportProgress['phase'][] = [];
    await importGguf(fake().url, path, 'm1-7b-local', (p) => phases.push(p.phase));
    assert.deepEqual([...new Set(phases)], ['hashing', 'uploading', 'creating']);
    const created = fake().created[0]!;
    assert.equal(created.model, 'm1-7b-local');
    assert.deepEqual(Object.keys(created.files!), ['m1-7b.gguf']);
    assert.ok(fake().blobs.has(created.files!['m1-7b.gguf']!));
    assert.equal(created.template, CHATML_TEMPLATE);
    assert.deepEqual(created.parameters, { stop: ['<|im_end|>', '<|im_start|>'], temperature: 0, ...OLLAMA_NEUTRAL_SAMPLING });
    const tags = await (await fetch(`${fake().url}/api/tags`)).json();
    assert.ok(tags.models.some((m: { name: string }) => m.name === 'm1-7b-local:latest'));
    // A second import of the same file skips the upload (Ollama already has the blob).
    const again: ImportProgress['phase'][] = [];
    await importGguf(fake().url, path, 'm1-7b-again', (p) => again.push(p.phase));
    assert.ok(!again.includes('uploading'));
  });
});
