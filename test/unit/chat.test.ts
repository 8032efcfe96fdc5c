import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { OpenAIBackend } from '../../src/core/backends/openai';
import { readBench } from '../../src/core/bench/format';
import { readRunFile } from '../../src/core/bench/runFile';
import { runBenchmark } from '../../src/core/bench/runner';
import { askModel, chatMessages, chatSettings } from '../../src/core/chat/protocol';
import { traceFromRecord } from '../../src/core/bench/traceExport';
import { baselineReference } from '../../src/core/chat/baselines';
import { sweepChart } from '../../src/core/report/svg';
import { reasoningStream, shownRecord, splitReasoning, thinkJoiner } from '../../src/core/chat/reasoning';
import { PAPER_DEFAULTS } from '../../src/core/engine';
import { THINK_MARKER, buildPrompt } from '../../src/core/prompt';
import { scoreResponse } from '../../src/core/score';
import { engineSettings, entryFromResult } from '../../src/panel/entry';
import { parseToExtension } from '../../src/panel/validate';
import { loadSweep } from '../../src/results/views';
import { thinkingParser } from '../fake-ollama/chat';
import { BENCH_USAGE } from '../../src/cli/bench';
import { USAGE as ASK_USAGE, parseAskArgs } from '../../src/cli/main';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { startFakeOpenAI } from '../fake-openai/server';
import { MODEL, runCli, script, useFake } from './helpers';

const SAMPLE = join(__dirname, '..', '..', 'samples', 'benchmark.json');
const BASELINE = 'r1-distill:7b';
const Q = { question: 'Drug of choice for absence seizures?', options: { A: 'Phenytoin', B: 'Ethosuximide' } };
/** A `<think>` model that reasons its way to the wrong option on the nephrotic item (CoT prompt only). */
const NEPHROTIC_COT = script('D. Mesangial IgA deposits\nLet\'s think step by step.', {
  answers: ['<think>\nAdult-type subepithelial deposits, so membranous nephropathy.\n</think>\n\nThe answer is \\boxed{A}.'],
});

describe('chat protocol: the reference\'s baseline prompt', () => {
  it('sends one user message, byte for byte the reference\'s query_prompt with its suffix', () => {
    // "{question}\n{option_str}" + "\n" + suffix_prompt after format_map (qwen_w_wo_cot.makefile).
    assert.deepEqual(chatMessages(Q, false), [{ role: 'user', content: 'Drug of choice for absence seizures?\nA. Phenytoin\nB. Ethosuximide\nReturn your final response within \\boxed{}.' }]);
    assert.deepEqual(chatMessages(Q, true), [{ role: 'user', content: "Drug of choice for absence seizures?\nA. Phenytoin\nB. Ethosuximide\nLet's think step by step. Return your final response within \\boxed{}." }]);
  });

  describe('against the fake Ollama', function () {
    this.timeout(20_000);
    const fake = useFake(() => ({ models: [{ name: MODEL }, { name: BASELINE, thinking: true }], scripts: [NEPHROTIC_COT, ...DEMO_SCRIPTS] }));

    it('uses /api/chat with the model\'s template: the rendered prompt is m1\'s prompt without the think marker, the options neutral', async () => {
      const backend = new OllamaBackend({ host: fake().url });
      const result = await askModel(Q, { backend, settings: chatSettings({ ...PAPER_DEFAULTS, model: MODEL }, { cot: false }) });
      assert.ok(fake().requests.includes('POST /api/chat'));
      const log = fake().generateLog[0]!;
      // force_think appends think_str to the same templated prompt: the two protocols differ by exactly that.
      assert.equal(log.prompt + THINK_MARKER, buildPrompt(Q));
      assert.equal(log.options.num_predict, 2048);
      assert.equal(log.options.temperature, 0);
      assert.deepEqual(log.options.stop, ['<|im_end|>', '<|im_start|>'], 'the model\'s own stop strings, none sent');
      assert.deepEqual(log.samplingAdded, []);
      assert.equal(result.responseText, result.answer);
      assert.equal(result.finish.answer, 'stop');
    });

    it('joins a thinking model\'s separate thinking back into <think>…</think> and scores the whole output', async () => {
      const backend = new OllamaBackend({ host: fake().url });
      const nephrotic = (await readBench(SAMPLE)).items.find((i) => i.id === 'medqa-003')!;
      const settings = chatSettings({ ...PAPER_DEFAULTS, model: BASELINE }, { cot: true });
      const shown = { think: '', answer: '' };
      const result = await askModel({ question: nephrotic.question, options: nephrotic.options }, { backend, settings }, (ev) => {
        if (ev.type === 'think' || ev.type === 'answer') shown[ev.type] += ev.text;
      });
      // Streamed as a thought and an answer (the panel and the command palette show them so).
      assert.deepEqual(shown, { think: 'Adult-type subepithelial deposits, so membranous nephropathy.', answer: 'The answer is \\boxed{A}.' });
      assert.equal(result.responseText, '<think>\nAdult-type subepithelial deposits, so membranous nephropathy.\n</think>\n\nThe answer is \\boxed{A}.');
      assert.deepEqual(splitReasoning(result.responseText), { thought: 'Adult-type subepithelial deposits, so membranous nephropathy.', answer: 'The answer is \\boxed{A}.' });
      assert.equal(scoreResponse(result.responseText, { options: nephrotic.options, answerIdx: 'B', answer: nephrotic.options.B! }).choice, 'A');
    });

    it('the side panel asks under the chat protocol and shows the reasoning section as the thought', async () => {
      const panel = { budget: 4096, waitRounds: 1, temperature: 0, model: BASELINE, protocol: 'chat-cot' as const };
      assert.equal(parseToExtension({ type: 'settings', settings: panel }).ok, true);
      assert.equal(parseToExtension({ type: 'settings', settings: { ...panel, protocol: 'raw' } }).ok, false);
      const settings = engineSettings(panel, { ...PAPER_DEFAULTS, model: MODEL });
      assert.deepEqual({ protocol: settings.protocol, cot: settings.cot, budget: settings.budget, waitRounds: settings.waitRounds }, { protocol: 'chat', cot: true, budget: 2048, waitRounds: 0 });
      const nephrotic = (await readBench(SAMPLE)).items.find((i) => i.id === 'medqa-003')!;
      const result = await askModel({ question: nephrotic.question, options: nephrotic.options }, { backend: new OllamaBackend({ host: fake().url }), settings });
      const entry = entryFromResult({ runId: 'r', question: nephrotic.question, options: nephrotic.options, answer: 'B', settings: panel }, result, 'done', 1);
      assert.deepEqual(entry.rounds, [{ text: 'Adult-type subepithelial deposits, so membranous nephropathy.', tokens: 0 }]);
      assert.equal(entry.answerText, 'The answer is \\boxed{A}.');
      assert.equal(entry.choice, 'A');
      assert.equal(entry.correct, false);
    });

    it('runs a benchmark under the chat protocol: the header records it, records hold the whole output', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'm1-chat-'));
      const parsed = await readBench(SAMPLE);
      const runFile = join(dir, 'chat.jsonl');
      const settings = chatSettings({ ...PAPER_DEFAULTS, model: BASELINE }, { cot: true });
      const s = await runBenchmark({ items: parsed.items, backend: new OllamaBackend({ host: fake().url }), settings, runFile, benchFile: SAMPLE, benchHash: 'sha256:x' });
      assert.equal(s.overall.correct, 5);
      const { header, records } = await readRunFile(runFile);
      assert.equal(header.settings.protocol, 'chat');
      assert.equal(header.settings.cot, true);
      const r = records.find((x) => x.id === 'medqa-003')!;
      assert.equal(r.choice, 'A');
      assert.match(r.response, /^<think>\n/);
      assert.deepEqual(r.rounds, []);
      // Shown (Testing view, traces) with its reasoning section as the thought.
      assert.deepEqual(shownRecord(r).rounds, [{ think: 'Adult-type subepithelial deposits, so membranous nephropathy.', waitInjected: null }]);
      assert.equal(shownRecord(r).response, 'The answer is \\boxed{A}.');
      const trace = traceFromRecord(r, header);
      assert.equal(trace.rounds[0]!.think, 'Adult-type subepithelial deposits, so membranous nephropathy.');
      assert.equal(trace.answer, 'The answer is \\boxed{A}.');
      assert.equal(trace.prompt, chatMessages({ question: r.question, options: r.options! }, true)[0]!.content);
      const plain = records.find((x) => x.id === 'medqa-001')!;
      assert.equal(shownRecord(plain), plain, 'an output without a reasoning section stays whole');
      // As a sweep's reference line: accuracy on the sweep's items only; another benchmark refused.
      const run = { path: runFile, header, records };
      assert.deepEqual(baselineReference(run, { benchHash: 'sha256:x', items: parsed.items }), { name: 'r1-distill:7b (chat, CoT)', accuracy: 5 / 6 });
      assert.equal(baselineReference(run, { benchHash: 'sha256:x', items: parsed.items.filter((i) => i.id !== 'medqa-003') }).accuracy, 1);
      assert.throws(() => baselineReference(run, { benchHash: 'sha256:y', items: parsed.items }), /ran another benchmark/);
    });
  });
});

describe('chat protocol on an OpenAI-compatible server', () => {
  it('uses /v1/chat/completions: the server renders the template, the delta content is the whole output', async () => {
    const fake = await startFakeOpenAI({ scripts: [NEPHROTIC_COT, ...DEMO_SCRIPTS], models: [BASELINE] });
    try {
      const nephrotic = (await readBench(SAMPLE)).items.find((i) => i.id === 'medqa-003')!;
      const settings = chatSettings({ ...PAPER_DEFAULTS, model: BASELINE }, { cot: true });
      const result = await askModel({ question: nephrotic.question, options: nephrotic.options }, { backend: new OpenAIBackend({ url: fake.url }), settings });
      assert.equal(fake.log[0]!.prompt + THINK_MARKER, buildPrompt({ question: nephrotic.question, options: nephrotic.options }).replace('Return your', "Let's think step by step. Return your"));
      assert.equal(fake.log[0]!.maxTokens, 2048);
      assert.deepEqual(fake.log[0]!.samplingAdded, []);
      assert.match(result.responseText, /^<think>\nAdult-type[\s\S]*\\boxed\{A\}\.$/);
      assert.equal(result.finish.answer, 'stop');
    } finally {
      await fake.close();
    }
  });
});

describe('sweep chart reference line', () => {
  it('draws a baseline\'s accuracy as a dashed horizontal line with its name', () => {
    const series = [{ name: 'overall', points: [512, 4096].map((budget) => ({ budget, accuracy: 0.5, ci95: [0.4, 0.6] as [number, number] })) }];
    const svg = sweepChart(series, { references: [{ name: 'qwen2.5 (chat)', accuracy: 0.75 }] });
    // y for 75 % with the default 360-pixel height and margins 16 (top) and 40 (bottom): 16 + 0.25 × 304.
    assert.match(svg, /<line class="axis ref" stroke-dasharray="6 4" x1="48" x2="480" y1="92" y2="92"><title>qwen2\.5 \(chat\): 75\.0%<\/title><\/line>/);
    assert.match(svg, />⋯ qwen2\.5 \(chat\) 75\.0%</);
    assert.doesNotMatch(sweepChart(series), /class="axis ref"/);
  });
});

describe('reasoning sections', () => {
  it('splits <think> blocks, an opening tag left in the template, an unfinished block, and HuatuoGPT-o1\'s sections', () => {
    assert.deepEqual(splitReasoning('<think>\nA or B.\n</think>\n\n\\boxed{B}'), { thought: 'A or B.', answer: '\\boxed{B}' });
    assert.deepEqual(splitReasoning('A or B.\n</think>\n\\boxed{B}'), { thought: 'A or B.', answer: '\\boxed{B}' });
    assert.deepEqual(splitReasoning('<think>\nA or B, and'), { thought: 'A or B, and', answer: '', open: true });
    assert.deepEqual(splitReasoning('## Thinking\n\nA or B.\n\n## Final Response\n\nThe answer is B.'), { thought: 'A or B.', answer: 'The answer is B.' });
    assert.deepEqual(splitReasoning('The answer is \\boxed{B}.'), { answer: 'The answer is \\boxed{B}.' });
  });

  it('splits a streamed output as it grows, holding back what may still be a marker', () => {
    const run = (chunks: string[]) => {
      const split = reasoningStream();
      const parts = [...chunks.map((c) => split(c)), split('', true)];
      return { thought: parts.map((p) => p.thought).join(''), answer: parts.map((p) => p.answer).join(''), steps: parts };
    };
    const r1 = run(['<th', 'ink>\nA or', ' B.\n</th', 'ink>\n\nThe answer', ' is B.']);
    assert.deepEqual([r1.thought, r1.answer], ['A or B.', 'The answer is B.']);
    assert.deepEqual(r1.steps[0], { thought: '', answer: '' }, 'a partial <think> is held back');
    assert.ok(!r1.steps.some((p) => p.thought.includes('</')), 'a partial </think> never shows in the thought');
    const huatuo = run(['## Thinking\n\nA or B.\n\n## Final', ' Response\n\nB.']);
    assert.deepEqual([huatuo.thought, huatuo.answer], ['A or B.', 'B.']);
    const plain = run(['The answer', ' is \\boxed{B}.']);
    assert.deepEqual([plain.thought, plain.answer], ['', 'The answer is \\boxed{B}.']);
  });

  it('rebuilds one text from separate thinking and content parts', () => {
    const join = thinkJoiner();
    const text = [join('A or', undefined), join(' B.', undefined), join(undefined, '\\boxed{B}'), join(undefined, '', true)].join('');
    assert.equal(text, '<think>\nA or B.\n</think>\n\n\\boxed{B}');
    const cut = thinkJoiner();
    assert.equal(cut('A or', undefined) + cut(undefined, '', true), '<think>\nA or\n</think>\n\n');
  });

  it('the fake\'s thinking parser splits streamed pieces as Ollama\'s does, tags split across pieces', () => {
    const parse = thinkingParser();
    const parts = ['<th', 'ink>\n', 'A or B.', '</thi', 'nk>\n\n', 'Answer B'].map(parse);
    assert.equal(parts.map(([t]) => t).join(''), 'A or B.');
    assert.equal(parts.map(([, c]) => c).join(''), 'Answer B');
  });
});

describe('cli: m1 bench --protocol chat and m1 compare (built bundle)', function () {
  this.timeout(30_000);
  const fake = useFake(() => ({ models: [{ name: MODEL }, { name: BASELINE, thinking: true }], scripts: [NEPHROTIC_COT, ...DEMO_SCRIPTS], numParallel: 2 }));

  it('runs the sample benchmark as a baseline and compares it with an m1 run item by item', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm1-chat-cli-'));
    const m1 = await runCli(['bench', SAMPLE, '--host', fake().url, '--out', join(dir, 'm1.jsonl')]);
    assert.equal(m1.code, 0, m1.stderr);
    const chat = await runCli(['bench', SAMPLE, '--host', fake().url, '--model', BASELINE, '--protocol', 'chat', '--cot', '--out', join(dir, 'chat.jsonl'), '--json']);
    assert.equal(chat.code, 0, chat.stderr);
    assert.equal(JSON.parse(chat.stdout).overall.correct, 5);
    const header = JSON.parse(readFileSync(join(dir, 'chat.jsonl'), 'utf8').split('\n')[0]!);
    assert.deepEqual({ protocol: header.settings.protocol, cot: header.settings.cot, budget: header.settings.budget }, { protocol: 'chat', cot: true, budget: 2048 });
    const c = await runCli(['compare', join(dir, 'm1.jsonl'), join(dir, 'chat.jsonl')]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /\(chat, CoT · 2048 tokens · r1-distill:7b\)/);
    assert.match(c.stdout, /B − A: -16\.7 points over 6 items/);
    assert.match(c.stdout, /right in A, wrong in B \(1\):\n {2}medqa-003 +gold B {2}A B {2}B A/);
    const sweep = await runCli(['sweep', SAMPLE, '--host', fake().url, '--budgets', '16,1024', '--baseline', join(dir, 'chat.jsonl'), '--out', join(dir, 'sweep'), '--report', join(dir, 'sweep.md')]);
    assert.equal(sweep.code, 0, sweep.stderr);
    assert.match(readFileSync(join(dir, 'sweep.md'), 'utf8'), /class="axis ref"[^>]*><title>r1-distill:7b \(chat, CoT\): 83\.3%/);
    // The results view finds the baseline beside the sweep folder by itself (the m1 run there is no baseline).
    const shown = (await loadSweep(join(dir, 'sweep'))).view.blocks[0]!.chart;
    assert.deepEqual(shown.match(/<title>[^<]*\(chat[^<]*<\/title>/g), ['<title>r1-distill:7b (chat, CoT): 83.3%</title>']);
    const bad = await runCli(['bench', SAMPLE, '--protocol', 'chat', '--budget', '512']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--budget is m1 budget forcing; the chat protocol takes --max-tokens/);
  });

  it('asks one question under the chat protocol: m1 ask --protocol chat --cot', async () => {
    const nephrotic = (await readBench(SAMPLE)).items.find((i) => i.id === 'medqa-003')!;
    const question = [nephrotic.question, ...Object.entries(nephrotic.options).flatMap(([k, v]) => ['--option', `${k}=${v}`]), '--answer', 'B', '--host', fake().url, '--model', BASELINE, '--protocol', 'chat', '--cot'];
    const json = await runCli(['ask', ...question, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.equal(out.prompt, chatMessages({ question: nephrotic.question, options: nephrotic.options }, true)[0]!.content);
    assert.deepEqual({ choice: out.choice, correct: out.correct }, { choice: 'A', correct: false });
    const log = fake().generateLog.at(-1)!;
    assert.equal(log.options.num_predict, 2048);
    assert.ok(fake().requests.includes('POST /api/chat'));
    const text = await runCli(['ask', ...question, '--max-tokens', '1024']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Adult-type subepithelial deposits, so membranous nephropathy\.\n── answer ──\nThe answer is \\boxed\{A\}\.\n── choice A \(wrong: B\) · \d+ tokens \(chat, CoT\) ──\n$/);
    assert.equal(fake().generateLog.at(-1)!.options.num_predict, 1024);
    const bad = await runCli(['ask', 'Q?', '--protocol', 'chat', '--wait', '1', '--answer-max', '9']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--wait and --answer-max are m1 budget forcing/);
  });
});

describe('cli: the protocol options, one parser for m1 ask and m1 bench', () => {
  it('builds chat settings, refuses options of the other protocol, and aligns the usage lines', () => {
    const chat = parseAskArgs(['Q?', '--protocol', 'chat', '--max-tokens', '512', '--temperature', '0.5'], {}).settings;
    assert.deepEqual({ protocol: chat.protocol, cot: chat.cot, budget: chat.budget, waitRounds: chat.waitRounds, temperature: chat.temperature }, { protocol: 'chat', cot: false, budget: 512, waitRounds: 0, temperature: 0.5 });
    assert.equal(parseAskArgs(['Q?'], {}).settings.protocol, undefined);
    assert.throws(() => parseAskArgs(['Q?', '--cot'], {}), /--cot and --max-tokens go with --protocol chat/);
    assert.throws(() => parseAskArgs(['Q?', '--protocol', 'raw'], {}), /--protocol must be m1 or chat, got "raw"/);
    assert.throws(() => parseAskArgs(['Q?', '--protocol', 'chat', '--max-tokens', '0'], {}), /--max-tokens must be an integer ≥ 1/);
    // The description column of the protocol lines is the one of the options around them.
    for (const [usage, neighbour] of [
      [BENCH_USAGE, '--budget N'],
      [ASK_USAGE, '--answer LETTER'],
    ] as const) {
      const column = (flag: string) => {
        const line = usage.split('\n').find((l) => l.startsWith(`  ${flag} `))!;
        return line.length - line.slice(2 + flag.length).trimStart().length;
      };
      assert.equal(column('--protocol P'), column(neighbour));
      assert.equal(column('--max-tokens N'), column(neighbour));
    }
  });
});
