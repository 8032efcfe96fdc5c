import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OLLAMA_NEUTRAL_SAMPLING, OllamaBackend } from '../../src/core/backends/ollama';
import { parseCsvBench, parseJsonBench, parseJsonlBench, readBench, withFields, type BenchItem } from '../../src/core/bench/format';
import { findUnfinishedRuns, hashFile, readRunFile, readRunRecord, sameSettings } from '../../src/core/bench/runFile';
import { runBenchmark } from '../../src/core/bench/runner';
import { describeSubset, selectItems } from '../../src/core/bench/subset';
import { PAPER_DEFAULTS } from '../../src/core/engine';
import { M1Error } from '../../src/core/errors';
import { wilson } from '../../src/core/stats';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { MODEL, useFake } from './helpers';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'samples', 'benchmark.json');
const tmp = () => mkdtempSync(join(tmpdir(), 'm1-bench-'));
const round4 = (xs: [number, number]) => xs.map((x) => Math.round(x * 10000) / 10000);

describe('Wilson 95% interval', () => {
  it('matches known values', () => {
    assert.deepEqual(round4(wilson(8, 10)), [0.4902, 0.9433]);
    assert.deepEqual(round4(wilson(0, 10)), [0, 0.2775]);
    assert.deepEqual(round4(wilson(3, 3)), [0.4385, 1]);
    assert.deepEqual(round4(wilson(50, 100)), [0.4038, 0.5962]);
    assert.deepEqual(wilson(0, 0), [0, 0]);
  });
});

describe('benchmark formats', () => {
  it('reads m1 JSON: sources, items, lines, options, gold answers', () => {
    const r = parseJsonBench(readFileSync(SAMPLE, 'utf8'), 'benchmark.json');
    assert.equal(r.problems.length, 0);
    assert.equal(r.items.length, 6);
    assert.deepEqual([...new Set(r.items.map((i) => i.source))], ['MedQA_USLME_test', 'MedMCQA_validation']);
    const first = r.items[0]!;
    assert.equal(first.id, 'medqa-001');
    assert.equal(first.answerIdx, 'C');
    assert.equal(first.answer, 'Right coronary artery');
    assert.equal(first.line, 3);
    assert.equal(r.items[3]!.index, 0);
    assert.equal(r.items[3]!.line, 41);
  });

  it('reports malformed JSON with line and column', () => {
    const r = parseJsonBench('{"S": [\n  {"question": "q", "options": {"A": "x" "B": "y"}}\n]}', 'bad.json');
    assert.deepEqual(r.problems, [{ file: 'bad.json', line: 2, column: 42, message: 'malformed JSON: CommaExpected' }]);
  });

  it('reports each bad item with its line and field and keeps the others', () => {
    const text = JSON.stringify(
      [
        { question: 'ok?', options: ['yes', 'no'], answer: 'B' },
        { options: { A: 'x', B: 'y' }, answer_idx: 'A' },
        { question: 'q', options: { A: 'x', B: 'y' }, answer_idx: 'E' },
        { question: 'no gold', options: { A: 'x', B: 'y' } },
      ],
      null,
      2,
    );
    const r = parseJsonBench(text, 'mixed.json');
    assert.deepEqual(r.items.map((i) => [i.question, i.answerIdx ?? null, i.answer ?? null, i.line]), [
      ['ok?', 'B', 'no', 2],
      ['no gold', null, null, 25],
    ]);
    assert.deepEqual(r.problems.map((p) => [p.line, p.field, p.message]), [
      [10, 'question', 'missing question'],
      [17, 'answer_idx', 'answer letter "E" is not among the options (A, B)'],
    ]);
  });

  it('maps other field names', () => {
    const r = parseJsonBench(JSON.stringify([{ prompt: 'Q?', choices: ['a', 'b'], label: 'A' }]), 'x.json', withFields({ question: ['prompt'], answerIdx: ['label'] }));
    assert.deepEqual(r.items[0]!.options, { A: 'a', B: 'b' });
    assert.equal(r.items[0]!.answerIdx, 'A');
  });

  it('reads JSONL line by line and reports a malformed line by number', async () => {
    const dir = tmp();
    const path = join(dir, 'b.jsonl');
    writeFileSync(path, [JSON.stringify({ source: 'S', question: 'a?', options: { A: '1', B: '2' }, answer_idx: 'A' }), '{"question": "broken",', '', JSON.stringify({ source: 'S', question: 'b?', options: { A: '1', B: '2' }, answer: 'B' })].join('\n'));
    const r = await parseJsonlBench(path);
    assert.deepEqual(r.items.map((i) => [i.source, i.index, i.line, i.answerIdx]), [
      ['S', 0, 1, 'A'],
      ['S', 1, 4, 'B'],
    ]);
    assert.equal(r.problems[0]!.line, 2);
    assert.match(r.problems[0]!.message, /^malformed JSON/);
    assert.equal((await readBench(join(ROOT, 'samples', 'emergency.jsonl'))).items.length, 4);
  });

  it('reads CSV with option columns, quoted line breaks, and reports malformed CSV', () => {
    const r = parseCsvBench('id,question,A,B,answer_idx,source\n1,"Which one?",x,"y\nz",B,S\n2,Other?,p,q,A,S\n', 'b.csv');
    assert.deepEqual(r.items.map((i) => [i.id, i.options, i.answerIdx, i.line]), [
      ['1', { A: 'x', B: 'y\nz' }, 'B', 2],
      ['2', { A: 'p', B: 'q' }, 'A', 4],
    ]);
    const bad = parseCsvBench('question,A,B\n"unclosed,x,y\n', 'bad.csv');
    assert.equal(bad.items.length, 0);
    assert.match(bad.problems[0]!.message, /^malformed CSV/);
  });
});

describe('benchmark subsets', () => {
  const items: BenchItem[] = Array.from({ length: 20 }, (_, i) => ({ source: i < 12 ? 'A' : 'B', index: i < 12 ? i : i - 12, question: `q${i}`, options: { A: 'x', B: 'y' }, line: i + 1 }));

  it('filters by source, takes the first N, and draws N at random reproducibly in file order', () => {
    assert.deepEqual(selectItems(items, { sources: ['B'] }).map((i) => i.question), ['q12', 'q13', 'q14', 'q15', 'q16', 'q17', 'q18', 'q19']);
    assert.deepEqual(selectItems(items, { first: 3 }).map((i) => i.question), ['q0', 'q1', 'q2']);
    const a = selectItems(items, { random: 5, seed: 7 });
    assert.equal(a.length, 5);
    assert.deepEqual(a, selectItems(items, { random: 5, seed: 7 }), 'same seed, same sample');
    assert.notDeepEqual(a, selectItems(items, { random: 5, seed: 8 }), 'another seed, another sample');
    assert.deepEqual(a, [...a].sort((x, y) => items.indexOf(x) - items.indexOf(y)), 'kept in file order');
    assert.equal(new Set(a).size, 5);
    assert.ok(selectItems(items, { sources: ['A'], random: 4, seed: 1 }).every((i) => i.source === 'A'));
    assert.equal(selectItems(items, { random: 50 }).length, 20, 'asking for more than there are takes all');
    assert.equal(describeSubset({ sources: ['A'], random: 4, seed: 1 }), 'A · random 4 (seed 1)');
    assert.equal(describeSubset({}), 'all items');
  });
});

describe('run files', () => {
  it('reads records without their thoughts exactly, and one record in full', async () => {
    const path = join(tmp(), 'run.jsonl');
    const header = { type: 'header', version: 1, runId: 'r', createdAt: '', benchFile: 'b', benchHash: 'sha256:b', settings: { model: MODEL, ...PAPER_DEFAULTS } };
    // Thoughts that contain the separators a naive cut would trip on.
    const thoughts = ['plain', 'has ],"ms": inside and \\"quotes\\"', '"rounds":[ too ]'];
    const records = thoughts.map((think, index) => ({ source: 'S', index, question: 'q', answer_idx: 'A', answer: 'a', response: 'r', extracted: 'A', choice: 'A', correct: true, tokens: { think: 1, answer: 1 }, finish: { think: 'stop', answer: 'stop' }, rounds: [{ think, waitInjected: null }], ms: 3 }));
    writeFileSync(path, [header, ...records].map((x) => JSON.stringify(x)).join('\n') + '\n{"source":"S","ind');
    const full = await readRunFile(path);
    const light = await readRunFile(path, { rounds: false });
    assert.deepEqual(full.records.map((r) => r.rounds[0]!.think), thoughts, 'a torn last line is ignored');
    assert.deepEqual(light.records, full.records.map((r) => ({ ...r, rounds: [] })));
    assert.equal((await readRunRecord(path, 'S\u00002'))!.rounds[0]!.think, '"rounds":[ too ]');
    writeFileSync(path, [header, records[0]].map((x) => JSON.stringify(x)).join('\n') + '\nnot json\n' + JSON.stringify(records[1]) + '\n');
    await assert.rejects(readRunFile(path), /run\.jsonl:3: not a run file line/);
  });

  it('compares settings whatever the key order', () => {
    assert.ok(sameSettings({ model: 'm', ...PAPER_DEFAULTS }, { ...PAPER_DEFAULTS, model: 'm' }));
    assert.ok(!sameSettings({ model: 'm', ...PAPER_DEFAULTS }, { ...PAPER_DEFAULTS, model: 'n' }));
  });
});

describe('benchmark runner', () => {
  const fake = useFake(() => ({ scripts: DEMO_SCRIPTS, numParallel: 2 }));
  const settings = { model: MODEL, ...PAPER_DEFAULTS, budget: 1024 };

  it('runs with concurrency, writes each item as it finishes, scores as the paper, and resumes without redoing', async () => {
    const { items } = await readBench(SAMPLE);
    const runFile = join(tmp(), 'run.jsonl');
    const base = { items, settings, concurrency: 2, runFile, benchFile: SAMPLE, benchHash: await hashFile(SAMPLE) };
    const s = await runBenchmark({ ...base, backend: new OllamaBackend({ host: fake().url }) });
    assert.equal(s.done, 6);
    assert.deepEqual(s.sources.MedQA_USLME_test, { correct: 3, total: 3, unscored: 0, accuracy: 1, ci95: wilson(3, 3) });
    assert.equal(s.averageOverSources, 1);
    const { header, records } = await readRunFile(runFile);
    assert.equal(header.benchHash, base.benchHash);
    // The header names the server and the sampling sent, so runs on different servers differ.
    assert.deepEqual(header.servers, [{ kind: 'ollama', version: '0.12.6', sampling: { ...OLLAMA_NEUTRAL_SAMPLING } }]);
    assert.equal(records.length, 6);
    assert.deepEqual(Object.keys(records[0]!).sort(), ['answer', 'answer_idx', 'choice', 'correct', 'extracted', 'finish', 'id', 'index', 'ms', 'options', 'question', 'response', 'rounds', 'source', 'tokens']);
    const calls = fake().generateLog.length;
    const again = await runBenchmark({ ...base, backend: new OllamaBackend({ host: fake().url }) });
    assert.equal(again.done, 6);
    assert.equal(fake().generateLog.length, calls, 'a finished run is not run again');
    assert.equal(readFileSync(runFile, 'utf8').trim().split('\n').length, 7);
    await assert.rejects(runBenchmark({ ...base, settings: { ...settings, budget: 2048 }, backend: new OllamaBackend({ host: fake().url }) }), (e: M1Error) =>
      /was run with other settings .*refusing to mix runs/.test(e.message),
    );
    await assert.rejects(runBenchmark({ ...base, benchHash: 'sha256:other', backend: new OllamaBackend({ host: fake().url }) }), /belongs to another benchmark/);
  });

  it('reports items already in the run file as resumed, and finds runs left unfinished', async () => {
    const { items } = await readBench(SAMPLE);
    const dir = tmp();
    const runFile = join(dir, 'part.jsonl');
    const benchHash = await hashFile(SAMPLE);
    const base = { settings, concurrency: 1, runFile, benchFile: SAMPLE, benchHash };
    await runBenchmark({ ...base, items: items.slice(0, 2), backend: new OllamaBackend({ host: fake().url }) });
    // A run planned for all six that stopped after two: rewrite the header's plan as a stop would leave it.
    const lines = readFileSync(runFile, 'utf8').split('\n');
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0]!), planned: 6 });
    writeFileSync(runFile, lines.join('\n'));
    const found = await findUnfinishedRuns(dir, benchHash, { ...PAPER_DEFAULTS, budget: 1024, model: MODEL });
    assert.deepEqual(found.map((f) => [f.path, f.done]), [[runFile, 2]]);
    assert.deepEqual(await findUnfinishedRuns(dir, benchHash, { ...settings, budget: 2048 }), [], 'other settings: not offered');
    assert.deepEqual(await findUnfinishedRuns(join(dir, 'none'), benchHash, settings), []);
    const seen: Array<[string, boolean]> = [];
    const started: string[] = [];
    const s = await runBenchmark({
      ...base,
      items,
      backend: new OllamaBackend({ host: fake().url }),
      onStart: (it) => started.push(`${it.source}#${it.index}`),
      onRecord: (r, p) => seen.push([`${r.source}#${r.index}`, p.resumed]),
    });
    assert.equal(s.done, 6);
    assert.deepEqual(seen.filter(([, resumed]) => resumed).map(([k]) => k), ['MedQA_USLME_test#0', 'MedQA_USLME_test#1']);
    assert.equal(started.length, 4, 'only the four missing items are sent');
    assert.deepEqual(await findUnfinishedRuns(dir, benchHash, settings), [], 'finished runs are not offered');
  });

  it('stops on a full disk, keeping the lines written before', async () => {
    const { items } = await readBench(SAMPLE);
    const runFile = join(tmp(), 'full.jsonl');
    let writes = 0;
    const appendLine = async (path: string, line: string) => {
      // Header and two items fit; then the disk is full, as appendFile reports it.
      if (++writes > 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const { appendFile } = await import('node:fs/promises');
      await appendFile(path, line);
    };
    await assert.rejects(
      runBenchmark({ items, settings, concurrency: 1, runFile, benchFile: SAMPLE, benchHash: 'sha256:x', backend: new OllamaBackend({ host: fake().url }), appendLine }),
      (e: M1Error) => e.code === 'write-failed' && /the disk is full\. Items written before this one are kept\. The run stopped after 2 of 6 items/.test(e.message),
    );
    assert.equal((await readRunFile(runFile)).records.length, 2);
  });

  it('stops when the server dies, keeps what was written, and says how to resume', async () => {
    const { items } = await readBench(SAMPLE);
    const runFile = join(tmp(), 'run.jsonl');
    fake().options.tokenDelayMs = 3;
    const backend = new OllamaBackend({ host: fake().url });
    // The server goes away once the first item is on disk.
    const closing = (async () => {
      while (!existsSync(runFile) || readFileSync(runFile, 'utf8').trim().split('\n').length < 2) await new Promise((r) => setTimeout(r, 10));
      await fake().close();
    })();
    await assert.rejects(runBenchmark({ items, settings, concurrency: 1, runFile, benchFile: SAMPLE, benchHash: 'sha256:x', backend }), (e: M1Error) =>
      /The run stopped after \d of 6 items; resume it with the same run file/.test(e.message),
    );
    await closing;
    const { records } = await readRunFile(runFile);
    assert.ok(records.length >= 1 && records.length < 6, `${records.length} records kept`);
  });
});

describe('m1 bench CLI: killed mid-run, then resumed', function () {
  this.timeout(60_000);
  const fake = useFake(() => ({ scripts: DEMO_SCRIPTS, tokenDelayMs: 15 }));
  // Its own cache folder: the server findings the CLI keeps must not land in the user's.
  const cache = mkdtempSync(join(tmpdir(), 'm1-cli-cache-'));
  const cli = (args: string[]) => spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'bench', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: cache } });

  it('loses and duplicates no item', async () => {
    const runFile = join(tmp(), 'killed.jsonl');
    const first = cli([SAMPLE, '--host', fake().url, '--out', runFile]);
    // Kill it as soon as two items are on disk.
    while (!existsSync(runFile) || readFileSync(runFile, 'utf8').trim().split('\n').length < 3) await new Promise((r) => setTimeout(r, 20));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('close', r));
    const before = readFileSync(runFile, 'utf8').trim().split('\n').length - 1;
    assert.ok(before >= 2 && before < 6, `${before} items before the kill`);
    const second = cli([SAMPLE, '--host', fake().url, '--resume', runFile, '--json']);
    let out = '';
    second.stdout.on('data', (d) => (out += d));
    const code = await new Promise((r) => second.once('close', r));
    assert.equal(code, 0);
    assert.equal(JSON.parse(out).done, 6);
    const lines = readFileSync(runFile, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { source: string; index: number });
    const keys = lines.map((r) => `${r.source}#${r.index}`);
    assert.equal(keys.length, 6, 'no item written twice');
    assert.equal(new Set(keys).size, 6, 'every item present once');
  });
});
