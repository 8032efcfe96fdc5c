import assert from 'node:assert/strict';
import { startFakeOllama } from '../fake-ollama/server';
import { startFakeOpenAI, type FakeOpenAIOptions } from '../fake-openai/server';
import { tokenize } from '../fake-ollama/tokenizer';
import { MODEL, script, words } from './helpers';

// How the fakes chunk a stream, each as the real server does (the sources are cited in the fakes).
const STOP = ['<|im_end|>', '<|im_start|>'];
const THOUGHT = `Compare: dose < limit, ${words(20)}`;
const SCRIPTS = [script('CHUNKQ', { think: [THOUGHT] }), script('ALPHAQ', { think: ['An 𝛼-blocker works. '] })];
const PROMPT = 'CHUNKQ?<|im_start|>assistant\n<|im_start|>think\n';

interface Chunk {
  text: string;
  tokens: string[];
}

async function openaiChunks(o: FakeOpenAIOptions, body: Record<string, unknown> = {}): Promise<Chunk[]> {
  // `body` may replace the prompt, the stop strings or max_tokens.
  const fake = await startFakeOpenAI({ scripts: SCRIPTS, models: [MODEL], ...o });
  try {
    const res = await fetch(`${fake.url}/v1/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model: MODEL, prompt: PROMPT, max_tokens: 200, stop: STOP, stream: true, logprobs: 1, ...body }) });
    const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: {'));
    return events.map((e) => JSON.parse(e.slice(6)) as { choices: Array<{ text: string; logprobs: { tokens: string[] } | null }> }).map((c) => ({ text: c.choices[0]!.text, tokens: c.choices[0]!.logprobs?.tokens ?? [] }));
  } finally {
    await fake.close();
  }
}

async function ollamaChunks(version: string, prompt = PROMPT, numPredict = 200): Promise<Chunk[]> {
  const fake = await startFakeOllama({ scripts: SCRIPTS, version });
  try {
    const res = await fetch(`${fake.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt, raw: true, logprobs: true, options: { stop: STOP, num_predict: numPredict } }) });
    const parts = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { response: string; done: boolean; logprobs?: Array<{ token: string }> });
    return parts.filter((p) => !p.done).map((p) => ({ text: p.response, tokens: (p.logprobs ?? []).map((l) => l.token) }));
  } finally {
    await fake.close();
  }
}

const text = (chunks: Chunk[]) => chunks.map((c) => c.text).join('');

describe('fake servers stream as the real ones do', () => {
  it('vLLM holds back 11 characters (longest stop string less one) until the request ends', async () => {
    const chunks = await openaiChunks({ server: 'vllm' });
    assert.equal(text(chunks), THOUGHT);
    const tokens = tokenize(THOUGHT);
    // Chunk i is sent after token i; all but the last hold back the last 11 characters generated.
    for (let i = 0; i < chunks.length - 1; i++) {
      const generated = tokens.slice(0, i + 1).join('').length;
      assert.equal(text(chunks.slice(0, i + 1)).length, Math.max(0, generated - 11), `after token ${i + 1}`);
    }
    assert.equal(chunks[0]!.text, '', 'the first token is all held back');
    assert.deepEqual(chunks.flatMap((c) => c.tokens), [...tokens, '<|im_end|>'], 'one logprob a token, the EOS included');
    // No stop strings: nothing is held back, one token a chunk.
    const free = await openaiChunks({ server: 'vllm' }, { stop: [] });
    assert.deepEqual(free.slice(0, -1).map((c) => c.text), tokens);
  });

  it('vLLM under load merges steps; SGLang streams every stream_interval tokens', async () => {
    const merged = await openaiChunks({ server: 'vllm', mergeSteps: 3 });
    assert.equal(text(merged), THOUGHT);
    assert.deepEqual(merged.slice(0, -1).map((c) => c.tokens.length), Array(merged.length - 1).fill(3));
    const sglang = await openaiChunks({ server: 'sglang', streamInterval: 4 });
    assert.equal(text(sglang), THOUGHT);
    assert.equal(sglang[0]!.text, tokenize(THOUGHT)[0], 'the first token goes out at once, nothing held back');
    // Then at decode steps 4, 8, …: 3 tokens, then 4 a chunk.
    assert.deepEqual(sglang.slice(1, -1).map((c) => c.tokens.length), [3, ...Array(sglang.length - 3).fill(4)]);
    const byDefault = await openaiChunks({ server: 'sglang' });
    assert.deepEqual(byDefault.slice(0, -1).map((c) => c.text), tokenize(THOUGHT));
  });

  it('Ollama holds back what may start a stop string; logprobs per token (runner) or per chunk (llama-server)', async () => {
    const runner = await ollamaChunks('0.12.11');
    assert.equal(text(runner), THOUGHT);
    const held = runner.find((c) => c.text.includes('<'))!;
    assert.equal(held.text, ' < limit', '" <" could start <|im_end|>: sent with the next token');
    assert.deepEqual(held.tokens, [' <', ' limit']);
    assert.deepEqual(runner.flatMap((c) => c.tokens), tokenize(THOUGHT));
    const server = await ollamaChunks('0.30.0');
    assert.equal(text(server), THOUGHT);
    assert.deepEqual(server.find((c) => c.text.includes('<'))!.tokens, [' limit'], 'llama-server: the probabilities of the token sent last');
    const old = await ollamaChunks('0.12.6');
    assert.ok(old.every((c) => c.tokens.length === 0), 'no logprobs before 0.12.11');
  });

  it('a character split across tokens is held back until whole, and dropped when generation ends inside it', async () => {
    const alpha = PROMPT.replace('CHUNKQ', 'ALPHAQ');
    const runner = await ollamaChunks('0.12.11', alpha);
    assert.deepEqual(runner.slice(0, 3), [
      { text: 'An', tokens: ['An'] },
      { text: ' 𝛼', tokens: [' \uFFFD', '\uFFFD'] },
      { text: '-', tokens: ['-'] },
    ], 'the half is sent with the token that completes it; each half alone reads as U+FFFD');
    assert.equal(text(await ollamaChunks('0.12.11', alpha, 2)), 'An ', 'num_predict ends inside 𝛼: its half is not sent');
    const vllm = await openaiChunks({ server: 'vllm' }, { prompt: alpha, stop: [] });
    assert.deepEqual(vllm.slice(0, 3).map((c) => c.text), ['An', '', ' 𝛼']);
    assert.equal(text(await openaiChunks({ server: 'sglang' }, { prompt: alpha, max_tokens: 2 })), 'An', 'vLLM and SGLang hold the whole token, space included');
  });
});
