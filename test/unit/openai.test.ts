import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, parseHostSpec } from '../../src/core/backends/hosts';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { OpenAIBackend } from '../../src/core/backends/openai';
import type { BenchItem } from '../../src/core/bench/format';
import { HostPool } from '../../src/core/bench/hostPool';
import { readRunFile } from '../../src/core/bench/runFile';
import { runBenchmark } from '../../src/core/bench/runner';
import { askM1 } from '../../src/core/engine';
import { M1Error } from '../../src/core/errors';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { startFakeOllama } from '../fake-ollama/server';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../fake-openai/server';
import { MODEL, freePort, script, settings, words } from './helpers';

const VLLM_MODEL = 'UCSC-VLAA/m1-7B-23K';
const QUESTION = { question: 'A 5-year-old boy is brought to the clinic because of puffy eyes for one week.', options: { A: 'Subepithelial deposits', B: 'Effacement of podocyte foot processes' } };

function useFakeOpenAI(options: FakeOpenAIOptions = {}): () => FakeOpenAI {
  let fake: FakeOpenAI | undefined;
  beforeEach(async () => {
    fake = await startFakeOpenAI({ scripts: DEMO_SCRIPTS, ...options });
  });
  afterEach(async () => {
    await fake?.close();
    // Every request carried neutral sampling and kept special tokens for the stop strings.
    const bad = (fake?.log ?? []).filter((e) => e.samplingAdded.length || e.skipSpecialTokens);
    if (bad.length) throw new Error(`${bad.length} request(s) not greedy or blind to special stops: ${bad[0]!.samplingAdded.join(', ')}`);
  });
  return () => fake!;
}

describe('OpenAI-compatible backend (vLLM, SGLang)', () => {
  const fake = useFakeOpenAI();
  const backend = () => new OpenAIBackend({ url: `${fake().url}/v1/` });

  it('runs budget forcing with the same result as on Ollama', async () => {
    const ollama = await startFakeOllama({ scripts: DEMO_SCRIPTS });
    try {
      const s = settings({ waitRounds: 1, budget: 1024 });
      const viaOllama = await askM1(QUESTION, { backend: new OllamaBackend({ host: ollama.url }), settings: s });
      const viaOpenAI = await askM1(QUESTION, { backend: backend(), settings: { ...s, model: VLLM_MODEL } });
      assert.equal(viaOpenAI.responseText, viaOllama.responseText);
      assert.deepEqual(viaOpenAI.tokens, viaOllama.tokens);
      assert.deepEqual(viaOpenAI.rounds, viaOllama.rounds);
      assert.equal(viaOpenAI.tokensEstimated, undefined);
      assert.match(viaOpenAI.responseText, /\\boxed\{A\}/, 'the Wait round flips the nephrotic item, as scripted');
    } finally {
      await ollama.close();
    }
  });

  it('sends a raw-prompt completion with max_tokens, stop strings, seed and usage requested', async () => {
    const s = settings({ budget: 10, model: VLLM_MODEL });
    fake().options.scripts = [script('cut me', { think: [words(40)], answers: ['\\boxed{A}'] })];
    const r = await askM1({ question: 'cut me', options: { A: 'x', B: 'y' } }, { backend: backend(), settings: s });
    assert.equal(r.finish.think, 'length');
    assert.equal(r.tokens.think, 10);
    assert.equal(r.answerMarker, '<|im_start|>answer\nFinal Answer:');
    const [think, answer] = fake().log;
    assert.equal(think!.maxTokens, 10);
    assert.deepEqual(think!.stop, ['<|im_end|>', '<|im_start|>']);
    assert.equal(think!.temperature, 0);
    assert.equal(think!.seed, 42);
    assert.equal(think!.includeUsage, true);
    assert.equal(think!.finishReason, 'length');
    assert.ok(answer!.prompt.endsWith('<|im_start|>answer\nFinal Answer:'));
    assert.equal(answer!.maxTokens, 1024);
  });

  it('says which model names the server has when the model is not served', async () => {
    await assert.rejects(askM1(QUESTION, { backend: backend(), settings: settings({ model: 'm1-7b-23k' }) }), (e: M1Error) => e.code === 'model-not-found' && /The model `m1-7b-23k` does not exist/.test(e.message));
    assert.deepEqual(await backend().models(), [VLLM_MODEL]);
  });

  it('says when the server cannot be reached', async () => {
    const b = new OpenAIBackend({ url: `http://127.0.0.1:${await freePort()}` });
    await assert.rejects(askM1(QUESTION, { backend: b, settings: settings({ model: VLLM_MODEL }) }), (e: M1Error) => e.code === 'unreachable' && /ECONNREFUSED/.test(e.message));
  });

  it('reports a stream cut when the server dies mid-answer', async () => {
    fake().options.tokenDelayMs = 5;
    const run = askM1(QUESTION, { backend: backend(), settings: settings({ model: VLLM_MODEL }) });
    setTimeout(() => void fake().close(), 60);
    await assert.rejects(run, (e: M1Error) => e.code === 'stream-cut');
  });
});

describe('OpenAI-compatible backend: API keys and token counts', () => {
  it('sends the API key as a Bearer token and says how to set it when refused', async () => {
    const fake = await startFakeOpenAI({ scripts: DEMO_SCRIPTS, apiKey: 'sk-test' });
    try {
      const s = settings({ model: VLLM_MODEL });
      await assert.rejects(askM1(QUESTION, { backend: new OpenAIBackend({ url: fake.url }), settings: s }), (e: M1Error) => e.status === 401 && /M1_API_KEY/.test(e.message));
      const r = await askM1(QUESTION, { backend: new OpenAIBackend({ url: fake.url, apiKey: 'sk-test' }), settings: s });
      assert.match(r.answer, /boxed\{B\}/);
    } finally {
      await fake.close();
    }
  });

  it('counts tokens through /tokenize when the stream has no usage, and says when counts are estimates', async () => {
    const withUsage = await startFakeOpenAI({ scripts: DEMO_SCRIPTS });
    const tokenizer = await startFakeOpenAI({ scripts: DEMO_SCRIPTS, omitUsage: true, tokenizeEndpoint: true });
    const neither = await startFakeOpenAI({ scripts: DEMO_SCRIPTS, omitUsage: true });
    try {
      const s = settings({ model: VLLM_MODEL });
      const exact = await askM1(QUESTION, { backend: new OpenAIBackend({ url: withUsage.url }), settings: s });
      const counted = await askM1(QUESTION, { backend: new OpenAIBackend({ url: tokenizer.url }), settings: s });
      const estimated = await askM1(QUESTION, { backend: new OpenAIBackend({ url: neither.url }), settings: s });
      assert.deepEqual(counted.tokens.think, exact.tokens.think);
      assert.deepEqual(counted.tokens.answer, exact.tokens.answer);
      assert.equal(counted.tokensEstimated, undefined);
      assert.equal(estimated.tokensEstimated, true);
      assert.ok(Math.abs(estimated.tokens.think - exact.tokens.think) <= 1, 'one token a chunk');
    } finally {
      await Promise.all([withUsage.close(), tokenizer.close(), neither.close()]);
    }
  });
});

describe('host specs', () => {
  it('reads kind, URL, slots and model', () => {
    assert.deepEqual(parseHostSpec('openai:http://gpu1:8000/v1,slots=8,model=UCSC-VLAA/m1-7B-23K'), { kind: 'openai', url: 'http://gpu1:8000', slots: 8, model: 'UCSC-VLAA/m1-7B-23K' });
    assert.deepEqual(parseHostSpec('gpu2:11434', 2), { kind: 'ollama', url: 'http://gpu2:11434', slots: 2 });
    assert.deepEqual(parseHostSpec('ollama::11500'), { kind: 'ollama', url: 'http://127.0.0.1:11500', slots: 1 });
    assert.throws(() => parseHostSpec('openai:http://x,slot=2'), /unknown or bad host option "slot=2"/);
    assert.throws(() => parseHostSpec('openai:gpu1:8000'), /needs an http\(s\) URL/);
    assert.ok(createBackend(parseHostSpec('openai:http://x:1')) instanceof OpenAIBackend);
    assert.ok(createBackend(parseHostSpec('x:1')) instanceof OllamaBackend);
  });
});

describe('several hosts', function () {
  this.timeout(30_000);
  const items: BenchItem[] = Array.from({ length: 24 }, (_, i) => ({ source: 'S', index: i, question: `Question number ${i}?`, options: { A: 'yes', B: 'no' }, answerIdx: 'A', answer: 'yes', line: i + 1 }));

  it('spreads items over three hosts; when one dies mid-run the others finish, each item exactly once', async () => {
    const a = await startFakeOllama({ tokenDelayMs: 2, numParallel: 2 });
    const b = await startFakeOpenAI({ tokenDelayMs: 2 });
    const c = await startFakeOpenAI({ tokenDelayMs: 2 });
    try {
      const pool = new HostPool([
        { backend: new OllamaBackend({ host: a.url }), slots: 2 },
        { backend: new OpenAIBackend({ url: b.url }), slots: 2, model: VLLM_MODEL },
        { backend: new OpenAIBackend({ url: c.url }), slots: 2, model: VLLM_MODEL },
      ]);
      const runFile = join(mkdtempSync(join(tmpdir(), 'm1-hosts-')), 'run.jsonl');
      let killed = false;
      const summary = await runBenchmark({
        items,
        pool,
        settings: settings({ model: MODEL }),
        runFile,
        benchFile: 'gen',
        benchHash: 'sha256:gen',
        onRecord: (_r, { done }) => {
          // Host c dies with requests in flight once a quarter of the items are done.
          if (done === 6 && !killed) {
            killed = true;
            void c.close();
          }
        },
      });
      assert.equal(summary.done, 24);
      const keys = readFileSync(runFile, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { index: number; host: string });
      assert.equal(keys.length, 24, 'no item written twice');
      assert.equal(new Set(keys.map((k) => k.index)).size, 24, 'every item once');
      const report = summary.hosts!;
      assert.equal(report.length, 3);
      assert.match(report[2]!.takenOut ?? '', /ended before the model finished|Cannot reach/);
      assert.equal(report[0]!.takenOut, undefined);
      assert.equal(report.reduce((n, h) => n + h.items, 0), 24);
      assert.ok(report[0]!.items > 0 && report[1]!.items > 0 && report[2]!.items > 0, `items per host: ${report.map((h) => h.items).join(', ')}`);
      assert.ok(report.every((h) => h.tokensPerSecond >= 0));
      assert.equal((await readRunFile(runFile)).records.length, 24);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('stops, keeping what was written, when every host is gone', async () => {
    const a = await startFakeOpenAI({ tokenDelayMs: 2 });
    const b = await startFakeOpenAI({ tokenDelayMs: 2 });
    const pool = new HostPool([
      { backend: new OpenAIBackend({ url: a.url }), slots: 1 },
      { backend: new OpenAIBackend({ url: b.url }), slots: 1 },
    ]);
    const runFile = join(mkdtempSync(join(tmpdir(), 'm1-hosts-')), 'run.jsonl');
    await assert.rejects(
      runBenchmark({
        items,
        pool,
        settings: settings({ model: VLLM_MODEL }),
        runFile,
        benchFile: 'gen',
        benchHash: 'sha256:gen',
        onRecord: (_r, { done }) => {
          if (done === 4) void Promise.all([a.close(), b.close()]);
        },
      }),
      (e: M1Error) => /Every host failed/.test(e.message) && /The run stopped after \d+ of 24 items/.test(e.message),
    );
    const { records } = await readRunFile(runFile);
    assert.ok(records.length >= 4 && records.length < 24);
  });
});

describe('OpenAI-compatible backend: vLLM and SGLang as they behave', () => {
  const SCRIPTS = [
    script('Q-closes', { think: ['It is heparin.\n<|im_start|>answer\nThe answer is B'], answers: ['\\boxed{B}'] }),
    script('Q-r19', { think: [words(18)], answers: ['\\boxed{A}'], answerAfterCut: ' C' }),
  ];
  for (const server of ['vllm', 'sglang'] as const) {
    const fake = useFakeOpenAI({ scripts: SCRIPTS, server });
    const backend = () => new OpenAIBackend({ url: fake().url });

    it(`${server}: the thought stops at the model's own <|im_start|>, and the request is greedy`, async () => {
      const r = await askM1({ question: 'Q-closes' }, { backend: backend(), settings: settings({ model: VLLM_MODEL, waitRounds: 1 }) });
      assert.equal(r.rounds[0]!.text, 'It is heparin.\n');
      assert.equal(r.answer, '\\boxed{B}');
      const think = fake().log[0]!;
      assert.deepEqual(think.samplingAdded, []);
      assert.equal(think.skipSpecialTokens, false);
    });

    it(`${server}: EOS as the budget-th token ends the thought with "Final Answer:", as on SGLang`, async () => {
      const r = await askM1({ question: 'Q-r19' }, { backend: backend(), settings: settings({ model: VLLM_MODEL, budget: 20, waitRounds: 1 }) });
      assert.equal(fake().log[0]!.finishReason, server === 'sglang' ? 'length' : 'stop');
      assert.equal(fake().log.length, 2, 'no Wait round: 19 tokens + Wait reach the budget');
      // SGLang's usage counts the EOS it stopped on at the limit, and a `length` finish does not
      // say so: without a /tokenize endpoint the count is one above the reference's re-encoding.
      assert.equal(r.tokens.think, server === 'sglang' ? 20 : 19);
      assert.equal(r.answerMarker, '<|im_start|>answer\nFinal Answer:');
      assert.equal(r.answer, ' C');
    });
  }

  it('a round that ends `length` short of what it asked is an error naming the server cap, not a budget hit', async () => {
    const fake = await startFakeOpenAI({ scripts: [script('Q-long', { think: [words(300)] })], maxTokensCap: 100 });
    try {
      await assert.rejects(askM1({ question: 'Q-long' }, { backend: new OpenAIBackend({ url: fake.url }), settings: settings({ model: VLLM_MODEL, budget: 4096 }) }), (e: M1Error) => /thinking round at 100 of the 4096 tokens asked.*not the budget.*max_new_tokens/.test(e.message));
      // The answer under the same cap: cut at 100 of its 1024 tokens, never a silent truncation.
      const longAnswer = script('Q-answer', { think: ['Short. '], answers: [words(1100)] });
      fake.options.scripts = [longAnswer];
      await assert.rejects(askM1({ question: 'Q-answer' }, { backend: new OpenAIBackend({ url: fake.url }), settings: settings({ model: VLLM_MODEL, budget: 50 }) }), (e: M1Error) => /the answer at 100 of the 1024 tokens asked.*not the answer cap/.test(e.message));
      fake.options.maxTokensCap = 2000;
      const r = await askM1({ question: 'Q-answer' }, { backend: new OpenAIBackend({ url: fake.url }), settings: settings({ model: VLLM_MODEL, budget: 50 }) });
      assert.equal(r.finish.answer, 'length', 'the answer cap itself is no error');
    } finally {
      await fake.close();
    }
  });

  it('the fake takes generation_config sampling when a request leaves it out (what neutral sampling prevents)', async () => {
    const fake = await startFakeOpenAI({ scripts: SCRIPTS });
    try {
      await fetch(`${fake.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: VLLM_MODEL, prompt: 'Q-closes <|im_start|>think\n', max_tokens: 30, temperature: 0, stop: ['<|im_start|>'] }) });
      assert.deepEqual(fake.log[0]!.samplingAdded, ['top_p 0.8', 'top_k 20', 'repetition_penalty 1.05']);
      assert.equal(fake.log[0]!.skipSpecialTokens, true);
    } finally {
      await fake.close();
    }
  });
});
