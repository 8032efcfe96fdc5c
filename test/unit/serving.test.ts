import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { OpenAIBackend } from '../../src/core/backends/openai';
import type { BenchItem } from '../../src/core/bench/format';
import { readRunFile } from '../../src/core/bench/runFile';
import { runBenchmark } from '../../src/core/bench/runner';
import { runSweep } from '../../src/core/bench/sweep';
import { askM1, PAPER_DEFAULTS } from '../../src/core/engine';
import { M1Error } from '../../src/core/errors';
import type { Backend } from '../../src/core/backends/backend';
import { PROBE_QUESTION, PROBE_THOUGHT, probeThinkStop, type ThinkStopFinding } from '../../src/core/backends/probe';
import { doctor } from '../../src/cli/doctor';
import { startFakeOllama } from '../fake-ollama/server';
import { startFakeOpenAI } from '../fake-openai/server';
import { MODEL, script, settings, useFake, words } from './helpers';

const tmp = () => mkdtempSync(join(tmpdir(), 'm1-serving-'));

/** Items whose prompts straddle a 2,048 boundary at budget 4,096, as real benchmarks do. */
function items(n: number): BenchItem[] {
  return Array.from({ length: n }, (_, i) => ({
    source: 'S',
    index: i,
    line: i + 1,
    question: `Q-ctx ${i} ${'x'.repeat(300 + ((i * 977) % 2700))}`,
    options: { A: 'yes', B: 'no' },
    answerIdx: 'A',
    answer: 'yes',
  }));
}

describe('serving: one context per run, reloads and stalls', function () {
  this.timeout(20_000);
  const fake = useFake(() => ({ scripts: [script('Q-ctx', { think: [words(5)], answers: ['\\boxed{A}'] }), script('Q-stall', { think: [words(20)], failure: { kind: 'stall', afterTokens: 3 } })], numParallel: 4 }));
  const base = (runFile: string) => ({ runFile, benchFile: 'b.json', benchHash: 'sha256:x', settings: { model: MODEL, ...PAPER_DEFAULTS, budget: 4096, waitRounds: 1 } });

  it('sends one num_ctx for every request of a run, sized for its largest item: the model loads once', async () => {
    const list = items(40);
    await runBenchmark({ ...base(join(tmp(), 'r.jsonl')), items: list, concurrency: 4, backend: new OllamaBackend({ host: fake().url }) });
    const sizes = new Set(fake().generateLog.map((e) => e.numCtx));
    assert.equal(sizes.size, 1, `num_ctx values: ${[...sizes].join(', ')}`);
    assert.equal(fake().loads, 1);
    assert.ok(fake().generateLog.every((e) => !e.truncated && !e.contextShift));
  });

  it('keeps a larger context the model already has, and a sweep uses one context for all budgets', async () => {
    // Loaded with 32K by someone else (the panel, another run): no reload to a smaller one.
    await askM1({ question: 'Q-ctx warm' }, { backend: new OllamaBackend({ host: fake().url }), settings: settings(), contextTokens: 30_000 });
    assert.equal(fake().loads, 1);
    await runSweep({ items: items(6), concurrency: 2, backend: new OllamaBackend({ host: fake().url }), base: { model: MODEL, ...PAPER_DEFAULTS }, budgets: [512, 4096], waitRounds: [0, 1], dir: tmp(), benchFile: 'b.json', benchHash: 'sha256:x' });
    assert.deepEqual([...new Set(fake().generateLog.map((e) => e.numCtx))], [30720], '30,000 tokens rounded up to the 2,048 step');
    assert.equal(fake().loads, 1);
  });

  it('waits for headers while the server reloads (longer than the idle limit), then runs', async () => {
    fake().options.reloadDelayMs = 400;
    const backend = new OllamaBackend({ host: fake().url, idleTimeoutMs: 100 });
    const r = await askM1({ question: 'Q-ctx wait' }, { backend, settings: settings() });
    assert.equal(r.answer, '\\boxed{A}');
    assert.equal(fake().loads, 1);
  });

  it('ends a stream that goes silent after the idle limit, saying the server stopped sending', async () => {
    const backend = new OllamaBackend({ host: fake().url, idleTimeoutMs: 300 });
    await assert.rejects(askM1({ question: 'Q-stall' }, { backend, settings: settings() }), (e: M1Error) => e.code === 'stream-cut' && /stopped sending: no data for 0\.3 s/.test(e.message));
  });
});

describe('serving: Ollama\'s repetition guard', () => {
  const LOOP = `Let me check. ${' again'.repeat(80)}`;
  const fake = useFake(() => ({ scripts: [script('Q-loop', { think: [LOOP], answers: ['\\boxed{A}'], answerAfterCut: ' B' }), script('Q-fine', { think: ['Fine. '], answers: ['\\boxed{A}'] })] }));

  it('records the item with finish "repetition", ends its thought as a cut one, and the run goes on', async () => {
    const list: BenchItem[] = ['Q-loop', 'Q-fine'].map((q, i) => ({ source: 'S', index: i, line: i + 1, question: q, options: { A: 'a', B: 'b' }, answerIdx: 'A', answer: 'a' }));
    const runFile = join(tmp(), 'loop.jsonl');
    const summary = await runBenchmark({ items: list, backend: new OllamaBackend({ host: fake().url }), runFile, benchFile: 'b.json', benchHash: 'sha256:x', settings: { model: MODEL, ...PAPER_DEFAULTS, waitRounds: 2 } });
    assert.equal(summary.done, 2);
    const { records } = await readRunFile(runFile);
    const loop = records.find((r) => r.question === 'Q-loop')!;
    assert.equal(fake().generateLog[0]!.repetitionGuard, true);
    assert.equal(loop.finish.think, 'repetition');
    assert.equal(loop.rounds.length, 1, 'no Wait after the guard: it would only repeat');
    assert.equal(loop.response, ' B', 'answered after "Final Answer:"');
    assert.equal(records.find((r) => r.question === 'Q-fine')!.correct, true);
  });
});

describe('serving: the think stop on Ollama before and after llama-server (0.30)', () => {
  const CLOSES = script('Q-closes', { think: ['It is heparin.\n<|im_start|>answer\nThe answer is B'], answers: ['\\boxed{B}'] });
  for (const version of ['0.24.0', '0.30.1']) {
    it(`Ollama ${version}: ${version === '0.24.0' ? 'stops the thought at <|im_start|>' : 'cannot stop at <|im_start|>, and the run says so'}`, async () => {
      const fake = await startFakeOllama({ version, scripts: [CLOSES] });
      try {
        const notices: string[] = [];
        const runFile = join(tmp(), 'stop.jsonl');
        const list: BenchItem[] = [{ source: 'S', index: 0, line: 1, question: 'Q-closes', options: { A: 'a', B: 'b' }, answerIdx: 'B', answer: 'b' }];
        await runBenchmark({ items: list, backend: new OllamaBackend({ host: fake.url }), runFile, benchFile: 'b.json', benchHash: 'sha256:x', settings: { model: MODEL, ...PAPER_DEFAULTS }, onNotice: (m) => notices.push(m) });
        const { header, records } = await readRunFile(runFile);
        if (version === '0.24.0') {
          assert.equal(records[0]!.rounds[0]!.think, 'It is heparin.\n');
          assert.deepEqual(notices, []);
          assert.equal(header.servers?.[0]?.caveat, undefined);
        } else {
          assert.equal(records[0]!.rounds[0]!.think, 'It is heparin.\nanswer\nThe answer is B', 'the control token is empty text: the thought runs on');
          assert.equal(notices.length, 1);
          assert.match(notices[0]!, /llama-server.*<\|im_start\|> never matches/);
          assert.equal(header.servers?.[0]?.caveat, notices[0]);
        }
      } finally {
        await fake.close();
      }
    });
  }
});

describe('serving: error bodies are cut in messages', () => {
  it('shows at most a few hundred characters of a huge error body', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('E'.repeat(2_000_000));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const backend of [new OpenAIBackend({ url, busyRetries: 0 }), new OllamaBackend({ host: url, busyRetries: 0 })]) {
        await assert.rejects(askM1({ question: 'x' }, { backend, settings: settings() }), (e: M1Error) => e.message.length < 1000 && /more characters/.test(e.message));
      }
    } finally {
      server.close();
    }
  });
});

describe('serving: probing the think stop on the server itself', () => {
  // The scripted model closes the probe's thought with its own answer marker, as an m1 model does.
  const CLOSE = script(PROBE_QUESTION.question, { think: [`${PROBE_THOUGHT}<|im_start|>answer\nThe answer is A`] });
  const cases: Array<[string, () => Promise<{ url: string; close(): Promise<void> }>, (url: string) => Backend, ThinkStopFinding['thinkStop']]> = [
    ['Ollama 0.24 (llamarunner)', () => startFakeOllama({ version: '0.24.0', scripts: [CLOSE] }), (url) => new OllamaBackend({ host: url }), 'exact'],
    ['Ollama 0.30 (llama-server)', () => startFakeOllama({ version: '0.30.1', scripts: [CLOSE] }), (url) => new OllamaBackend({ host: url }), 'runs-on'],
    ['vLLM', () => startFakeOpenAI({ server: 'vllm', scripts: [CLOSE] }), (url) => new OpenAIBackend({ url }), 'exact'],
    ['SGLang', () => startFakeOpenAI({ server: 'sglang', scripts: [CLOSE] }), (url) => new OpenAIBackend({ url }), 'exact'],
  ];
  for (const [name, start, backend, expected] of cases) {
    it(`${name}: ${expected}`, async () => {
      const fake = await start();
      try {
        const finding = await probeThinkStop(backend(fake.url), name.startsWith('Ollama') ? MODEL : 'UCSC-VLAA/m1-7B-23K');
        assert.equal(finding.thinkStop, expected, finding.detail);
      } finally {
        await fake.close();
      }
    });
  }

  it('says so when the model does not close the thought', async () => {
    const fake = await startFakeOllama({ scripts: [script(PROBE_QUESTION.question, { think: [`${PROBE_THOUGHT}Hmm, let me think more about it.`] })] });
    try {
      assert.equal((await probeThinkStop(new OllamaBackend({ host: fake.url }), MODEL)).thinkStop, 'unknown');
    } finally {
      await fake.close();
    }
  });
});

describe('serving: m1 doctor', () => {
  it('reports the server, the sampling sent and the think stop, and fails where the stop is not exact', async () => {
    const close = script(PROBE_QUESTION.question, { think: [`${PROBE_THOUGHT}<|im_start|>answer\nThe answer is A`] });
    for (const [version, code, stop] of [['0.24.0', 0, 'exact'], ['0.30.1', 1, 'runs-on']] as const) {
      const fake = await startFakeOllama({ version, scripts: [close] });
      try {
        let text = '';
        const rc = await doctor(['--host', fake.url, '--model', MODEL], { XDG_CACHE_HOME: tmp() }, { write: (s: string) => ((text += s), true) });
        assert.equal(rc, code);
        assert.match(text, new RegExp(`\\(ollama ${version.replace(/\./g, '\\.')}\\)`));
        assert.match(text, /repeat_penalty 1/);
        assert.match(text, new RegExp(`Think stop with ${MODEL}: ${stop}\\.`));
      } finally {
        await fake.close();
      }
    }
  });
});
