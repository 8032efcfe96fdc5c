import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { OLLAMA_NEUTRAL_SAMPLING, OllamaBackend, normalizeHost, numCtxFor, ollamaInfo, resolveOllamaHost } from '../../src/core/backends/ollama';
import { M1Error } from '../../src/core/errors';
import { collect, freePort, MODEL, ofType, resultOf, script, useFake, words } from './helpers';

describe('ollama backend: hosts and context size', () => {
  it('normalizes hosts the way Ollama reads OLLAMA_HOST', () => {
    assert.equal(normalizeHost(undefined), 'http://127.0.0.1:11434');
    assert.equal(normalizeHost('gpu-box'), 'http://gpu-box:11434');
    assert.equal(normalizeHost('gpu-box:8080'), 'http://gpu-box:8080');
    assert.equal(normalizeHost(':9999'), 'http://127.0.0.1:9999');
    assert.equal(normalizeHost('0.0.0.0'), 'http://127.0.0.1:11434');
    assert.equal(normalizeHost('https://ollama.example/'), 'https://ollama.example');
    assert.equal(resolveOllamaHost('', { OLLAMA_HOST: 'box:1234' }), 'http://box:1234');
    assert.equal(resolveOllamaHost('http://a:1', { OLLAMA_HOST: 'box:1234' }), 'http://a:1');
  });
  it('never sends a context smaller than prompt + tokens to generate', () => {
    assert.equal(numCtxFor({ prompt: 'x'.repeat(100), maxTokens: 4096 }), 6144);
    assert.equal(numCtxFor({ prompt: 'x', maxTokens: 10, contextTokens: 9000 }), 10240);
    const multibyte = 'é'.repeat(1000); // 2000 UTF-8 bytes
    assert.ok(numCtxFor({ prompt: multibyte, maxTokens: 100 }) >= 2100);
  });
});

describe('ollama backend: errors a user can act on', () => {
  const fake = useFake(() => ({ scripts: [script('Q-ok', { think: ['fine. '] })] }));

  it('says the URL and how to start Ollama when nothing listens', async () => {
    const port = await freePort();
    const backend = new OllamaBackend({ host: `http://127.0.0.1:${port}` });
    await assert.rejects(
      async () => {
        for await (const _ of backend.generate({ model: MODEL, prompt: 'x', maxTokens: 1, stop: [], temperature: 0, seed: 1 })) void _;
      },
      (e: M1Error) => e.code === 'unreachable' && e.message.includes(`http://127.0.0.1:${port}`) && e.message.includes('ollama serve'),
    );
    await assert.rejects(ollamaInfo(`http://127.0.0.1:${port}`), (e: M1Error) => e.code === 'unreachable');
  });

  it('retries 503 "server busy" with backoff, then succeeds', async () => {
    fake().options.busyResponses = 2;
    const r = resultOf(await collect(fake(), { question: 'Q-ok' }));
    assert.equal(r.rounds[0]!.text, 'fine. ');
    assert.equal(fake().requests.filter((x) => x === 'POST /api/generate').length, 4, '2 busy + think + answer');
  });

  it('gives up on 503 after its retries with a clear message', async () => {
    fake().options.busyResponses = 100;
    const backend = new OllamaBackend({ host: fake().url, busyRetries: 2, busyBackoffMs: 1 });
    await assert.rejects(
      async () => {
        for await (const _ of backend.generate({ model: MODEL, prompt: 'x', maxTokens: 1, stop: [], temperature: 0, seed: 1 })) void _;
      },
      (e: M1Error) => e.code === 'busy' && e.status === 503 && /is busy \(server busy/.test(e.message),
    );
    assert.equal(fake().requests.filter((x) => x === 'POST /api/generate').length, 3, 'the first try and two retries');
  });

  it('refuses a server too old to report done_reason, naming the minimum version', async () => {
    fake().options.omitDoneReason = true;
    const err = ofType(await collect(fake(), { question: 'Q-ok' }), 'error')[0];
    assert.equal(err?.error.code, 'server-too-old');
    assert.match(err!.error.message, /Ollama 0\.1\.35 or newer/);
  });

  it('reads version and models for a health check', async () => {
    const info = await ollamaInfo(fake().url);
    assert.equal(info.version, '0.12.6');
    assert.deepEqual(info.models.map((m) => [m.name, m.parameterSize, m.quantization]), [['m1-7b-23k:latest', '7.6B', 'Q4_K_M']]);
  });
});

describe('fake Ollama follows the API', () => {
  const fake = useFake(() => ({ scripts: [script('Q-api', { think: [words(10)] })] }), { rawRequests: true });

  it('streams NDJSON with a final object carrying done_reason, counts and durations', async () => {
    const res = await fetch(`${fake().url}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: MODEL, prompt: 'Q-api <|im_start|>think\n', raw: true, options: { num_predict: 4, num_ctx: 8192 } }),
    });
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 5);
    assert.deepEqual(Object.keys(lines[0]), ['model', 'created_at', 'response', 'done']);
    const last = lines.at(-1);
    assert.equal(last.done, true);
    assert.equal(last.done_reason, 'length');
    assert.equal(last.eval_count, 4);
    for (const k of ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_duration']) assert.equal(typeof last[k], 'number', k);
  });

  it('applies its default repeat penalty to a request that leaves it out, before 0.32.10 (what neutral sampling prevents)', async () => {
    const ask = (options: Record<string, unknown>) => fetch(`${fake().url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt: 'Q-api <|im_start|>think\n', raw: true, stream: false, options: { num_predict: 2, ...options } }) });
    await ask({});
    await ask({ ...OLLAMA_NEUTRAL_SAMPLING });
    fake().options.version = '0.32.10';
    try {
      await ask({});
    } finally {
      delete fake().options.version;
    }
    assert.deepEqual(fake().generateLog.map((e) => e.samplingAdded), [['repeat_penalty 1.1 over 64 tokens'], [], []]);
  });

  it('answers 404 with Ollama\'s message for an unknown model and 400 for bad JSON', async () => {
    const res = await fetch(`${fake().url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'nope', prompt: 'x' }) });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'model "nope" not found, try pulling it first' });
    const bad = await fetch(`${fake().url}/api/generate`, { method: 'POST', body: '{' });
    assert.equal(bad.status, 400);
  });

  it('truncates a prompt longer than the default 4096-token context, as Ollama does, when num_ctx is not sent', async () => {
    const client = new Ollama({ host: fake().url });
    const prompt = `<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nQ-api ${words(5000, 'filler')}<|im_end|>\n<|im_start|>think\n`;
    const out = await client.generate({ model: MODEL, prompt, raw: true, stream: false, options: { num_predict: 5 } });
    const entry = fake().generateLog[0]!;
    assert.equal(entry.truncated, true);
    assert.equal(entry.numCtx, 4096);
    assert.equal(out.prompt_eval_count, 4096);
    assert.notEqual(out.response, 'step0 step1 step2 step3 step4', 'the question was cut off, so the script was lost');
  });

  it('lists loaded models with VRAM use in /api/ps and streams pull progress', async () => {
    fake().options.pullable = [{ name: 'hf.co/u/m1-GGUF:Q4_K_M', size: 1000 }];
    await collect(fake(), { question: 'Q-api' });
    const ps = await (await fetch(`${fake().url}/api/ps`)).json();
    assert.equal(ps.models[0].name, 'm1-7b-23k:latest');
    assert.ok(ps.models[0].size_vram > 0);
    const client = new Ollama({ host: fake().url });
    const statuses: string[] = [];
    for await (const p of await client.pull({ model: 'hf.co/u/m1-GGUF:Q4_K_M', stream: true })) statuses.push(p.status);
    assert.equal(statuses[0], 'pulling manifest');
    assert.equal(statuses.at(-1), 'success');
    const tags = await client.list();
    assert.ok(tags.models.some((m) => m.name === 'hf.co/u/m1-GGUF:Q4_K_M'));
  });
});
