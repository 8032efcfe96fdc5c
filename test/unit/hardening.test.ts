// Adversarial cases: what a hostile repository, a torn run file or bad input must not cost.
import assert from 'node:assert/strict';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { OllamaBackend } from '../../src/core/backends/ollama';
import { readBench } from '../../src/core/bench/format';
import { mergeRunFiles } from '../../src/core/bench/merge';
import { hashFile, readRunFile, readRunRecord } from '../../src/core/bench/runFile';
import { lockPathOf, lockRunFile, trimTornLine } from '../../src/core/bench/runLock';
import { runBenchmark, summarize } from '../../src/core/bench/runner';
import type { RunHeader, RunRecord } from '../../src/core/bench/runFile';
import { PAPER_DEFAULTS } from '../../src/core/engine';
import { runCsv, runMarkdown, sweepCsv } from '../../src/core/report/export';
import { folderInside, refuseLink, writeInside } from '../../src/core/safeWrite';
import { SETTING_RANGES, clampSetting } from '../../src/core/settingRanges';
import { mdCell, mdText } from '../../src/core/markdown';
import { histogram } from '../../src/core/report/svg';
import { runViewOf } from '../../src/results/views';
import { bench } from '../../src/cli/bench';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { MODEL, useFake } from './helpers';

const readdir = (dir: string) => readdirSync(dir).sort();
const tmp = () => mkdtempSync(join(tmpdir(), 'm1-hard-'));

describe('hardening: writes never go through a planted link', () => {
  it('refuses a trace file that is a link to a file outside the workspace, which stays unchanged', async () => {
    const home = tmp();
    const ws = tmp();
    writeFileSync(join(home, '.bashrc'), 'PS1=x\n');
    mkdirSync(join(ws, '.m1', 'traces'), { recursive: true });
    const trace = join(ws, '.m1', 'traces', 'abc-S-1.m1trace.json');
    symlinkSync(join(home, '.bashrc'), trace);
    await assert.rejects(writeInside(ws, trace, '{"evil":"$(rm -rf ~)"}'), /Refusing to write .*abc-S-1\.m1trace\.json: it is a link/);
    assert.equal(readFileSync(join(home, '.bashrc'), 'utf8'), 'PS1=x\n');
  });

  it('refuses a .m1 folder that is a link out of the workspace', async () => {
    const home = tmp();
    const ws = tmp();
    symlinkSync(home, join(ws, '.m1'));
    await assert.rejects(writeInside(ws, join(ws, '.m1', 'traces', 't.m1trace.json'), '{}'), /\.m1 is a link/);
    assert.deepEqual(readdir(home), []);
  });

  it('refuses a runs folder that is a link, and makes a real one', async () => {
    const home = tmp();
    const ws = tmp();
    mkdirSync(join(ws, '.m1'));
    symlinkSync(home, join(ws, '.m1', 'runs'));
    await assert.rejects(folderInside(ws, join(ws, '.m1', 'runs')), /runs is a link/);
    const other = tmp();
    assert.equal(await folderInside(other, join(other, '.m1', 'runs')), join(realpathSync(other), '.m1', 'runs'));
  });

  it('refuses a path outside the root', async () => {
    const ws = tmp();
    await assert.rejects(writeInside(ws, join(ws, '..', 'x.json'), '{}'), /outside/);
  });

  it('replaces a hard-linked file without changing its other name, and writes plain files', async () => {
    const home = tmp();
    const ws = tmp();
    mkdirSync(join(ws, '.m1', 'traces'), { recursive: true });
    writeFileSync(join(home, 'secret'), 'keep\n');
    const trace = join(ws, '.m1', 'traces', 't.m1trace.json');
    linkSync(join(home, 'secret'), trace);
    await writeInside(ws, trace, 'new\n');
    assert.equal(readFileSync(join(home, 'secret'), 'utf8'), 'keep\n');
    assert.equal(readFileSync(trace, 'utf8'), 'new\n');
    await writeInside(ws, join(ws, '.m1', 'a', 'b.json'), 'made\n');
    assert.equal(readFileSync(join(ws, '.m1', 'a', 'b.json'), 'utf8'), 'made\n');
    assert.deepEqual(readdir(join(ws, '.m1', 'traces')), ['t.m1trace.json']); // no temporary file left
  });

  it('refuses to append to a run file that is a link', async () => {
    const home = tmp();
    const ws = tmp();
    writeFileSync(join(home, 'profile'), 'x\n');
    symlinkSync(join(home, 'profile'), join(ws, 'run.jsonl'));
    await assert.rejects(refuseLink(join(ws, 'run.jsonl')), /run\.jsonl: it is a link/);
    await refuseLink(join(ws, 'missing.jsonl')); // a new run file is fine
  });
});

describe('hardening: one writer per run file, never an append onto a torn line', function () {
  this.timeout(20_000);
  const fake = useFake(() => ({ scripts: DEMO_SCRIPTS }));
  const SAMPLE = join(__dirname, '..', '..', 'samples', 'benchmark.json');
  const settings = { model: MODEL, ...PAPER_DEFAULTS, budget: 1024 };

  it('a resume cuts a torn last record off (and says so), so every later read works', async () => {
    const { items } = await readBench(SAMPLE);
    const runFile = join(tmp(), 'run.jsonl');
    const base = { settings, concurrency: 1, runFile, benchFile: SAMPLE, benchHash: await hashFile(SAMPLE) };
    await runBenchmark({ ...base, items: items.slice(0, 3), backend: new OllamaBackend({ host: fake().url }) });
    // A crash (or a full disk) half way through the fourth record.
    const whole = readFileSync(runFile, 'utf8');
    writeFileSync(runFile, `${whole}{"source":"MedQA_USLME_test","index":3,"question":"Half wr`);
    const notices: string[] = [];
    const s = await runBenchmark({ ...base, items, backend: new OllamaBackend({ host: fake().url }), onNotice: (m) => notices.push(m) });
    assert.equal(s.done, 6);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /run\.jsonl:5: cut off a torn last line \(\d+ bytes/);
    const lines = readFileSync(runFile, 'utf8').trim().split('\n');
    assert.equal(lines.length, 7, 'header and six whole records');
    for (const l of lines) JSON.parse(l); // every line reads
    assert.equal((await readRunFile(runFile)).records.length, 6);
  });

  it('m1 bench refuses a .m1/runs that links out of the repository', async () => {
    const home = tmp();
    const ws = tmp();
    mkdirSync(join(ws, '.m1'));
    symlinkSync(home, join(ws, '.m1', 'runs'));
    const was = process.cwd();
    process.chdir(ws);
    const out = { write: () => true, isTTY: false };
    try {
      await assert.rejects(bench([SAMPLE, '--host', fake().url, '--limit', '1'], {}, out, out), /Refusing to write .*runs: .*runs is a link/);
    } finally {
      process.chdir(was);
    }
    assert.deepEqual(readdir(home), [], 'nothing written through the link');
  });

  it('trims nothing from a whole file and everything from a torn header', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'ok.jsonl'), '{"a":1}\n{"b":2}\n');
    assert.equal(await trimTornLine(join(dir, 'ok.jsonl')), undefined);
    assert.equal(readFileSync(join(dir, 'ok.jsonl'), 'utf8'), '{"a":1}\n{"b":2}\n');
    writeFileSync(join(dir, 'head.jsonl'), '{"type":"hea');
    assert.deepEqual(await trimTornLine(join(dir, 'head.jsonl')), { line: 1, bytes: 12 });
    assert.equal(readFileSync(join(dir, 'head.jsonl'), 'utf8'), '');
    // A torn line longer than one read block.
    writeFileSync(join(dir, 'long.jsonl'), `{"a":1}\n${'x'.repeat(200_000)}`);
    assert.deepEqual(await trimTornLine(join(dir, 'long.jsonl')), { line: 2, bytes: 200_000 });
    assert.equal(readFileSync(join(dir, 'long.jsonl'), 'utf8'), '{"a":1}\n');
  });

  it('a second writer of the same run file is stopped with a message naming the first', async () => {
    const { items } = await readBench(SAMPLE);
    const runFile = join(tmp(), 'run.jsonl');
    const base = { items: items.slice(0, 2), settings, concurrency: 1, runFile, benchFile: SAMPLE, benchHash: await hashFile(SAMPLE) };
    fake().options.tokenDelayMs = 1;
    const first = runBenchmark({ ...base, backend: new OllamaBackend({ host: fake().url }) });
    while (!existsSync(lockPathOf(runFile))) await new Promise((r) => setTimeout(r, 5));
    await assert.rejects(runBenchmark({ ...base, backend: new OllamaBackend({ host: fake().url }) }), new RegExp(`run\\.jsonl is being written by process ${process.pid} on .*, since `));
    assert.equal((await first).done, 2);
    assert.ok(!existsSync(lockPathOf(runFile)), 'the lock goes with its run');
    const lines = readFileSync(runFile, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3, 'no duplicate records');
  });

  it('takes over a lock left by a killed process', async () => {
    const runFile = join(tmp(), 'run.jsonl');
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    writeFileSync(lockPathOf(runFile), JSON.stringify({ pid, host: hostname(), startedAt: new Date().toISOString(), command: 'm1 bench' }));
    const lock = await lockRunFile(runFile);
    assert.equal(JSON.parse(readFileSync(lockPathOf(runFile), 'utf8')).pid, process.pid);
    await lock.release();
  });
});

describe('hardening: settings a workspace sets', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { minimum?: number; maximum?: number; type: string }> } };
    capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  };

  it('are clamped to the ranges package.json declares', () => {
    for (const [key, range] of Object.entries(SETTING_RANGES)) {
      const declared = manifest.contributes.configuration.properties[`m1.${key}`]!;
      assert.deepEqual([declared.minimum, declared.maximum, declared.type === 'integer'], [range.min, range.max, range.integer], key);
    }
    assert.equal(clampSetting(150_000_000, SETTING_RANGES.thinkingBudget, 4096), 32768);
    assert.equal(clampSetting(-5, SETTING_RANGES.waitRounds, 0), 0);
    assert.equal(clampSetting(100.6, SETTING_RANGES.answerMaxTokens, 1024), 101);
    assert.equal(clampSetting('lots', SETTING_RANGES.thinkingBudget, 4096), 4096);
    assert.equal(clampSetting(Number.NaN, SETTING_RANGES.temperature, 0), 0);
    assert.equal(clampSetting(0.7, SETTING_RANGES.temperature, 0), 0.7);
  });

  it('cannot choose the model, the budget or the answer length in Restricted Mode', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of ['m1.model', 'm1.thinkingBudget', 'm1.answerMaxTokens']) assert.ok(restricted.includes(key), key);
  });
});

describe('hardening: reports of hostile text', () => {
  const record = (source: string, id: string, extracted: string): RunRecord => ({
    source, index: 0, id, question: 'q', answer_idx: 'A', answer: 'a', response: extracted, extracted, choice: null, correct: false,
    tokens: { think: 3, answer: 1 }, finish: { think: 'stop', answer: 'stop' }, rounds: [], ms: 7,
  });
  const records = [record('=HYPERLINK("http://evil.example","x")', '+1+cmd|x', '-2+3'), record('@SUM(A1)', '\tTab', 'fine')];

  it('CSV: text a spreadsheet would run as a formula is neutralised; numbers stay numbers', () => {
    const rows = runCsv(records).trim().split('\r\n').slice(1);
    assert.ok(rows[0]!.startsWith(`"'=HYPERLINK(""http://evil.example"",""x"")",0,'+1+cmd|x,`), rows[0]);
    assert.ok(rows[0]!.includes(",'-2+3,3,1,"), 'the extracted text is neutralised, the token counts are plain numbers');
    assert.ok(rows[1]!.startsWith("'@SUM(A1),0,'\tTab,"), rows[1]);
    const summary = summarize('r', 'f', records);
    const sweep = sweepCsv([{ budget: 512, waitRounds: 0, summary: { ...summary, sources: { '-x': summary.overall } } }]).split('\r\n')[1]!;
    assert.match(sweep, /^512,0,'-x,0,0,0\.\d+,0,2$/);
  });

  it('Markdown text: no image, link, HTML or emphasis, while names stay readable', () => {
    assert.equal(mdText('![x](https://evil.example/p.png) <img src=x> *b* _i_ a|b'), '\\!\\[x\\](https://evil.example/p.png) \\<img src=x\\> \\*b\\* \\_i\\_ a\\|b');
    assert.equal(mdText('MedQA_USLME_test m1-7b-23k 1. x'), 'MedQA_USLME_test m1-7b-23k 1. x');
    assert.equal(mdCell('two\nlines'), 'two lines');
  });

  it('Markdown: a | in a source name stays in its column, and HTML is shown as text', () => {
    const header: RunHeader = { type: 'header', version: 1, runId: 'r', createdAt: 'x', benchFile: 'b<img src=x>.json', benchHash: 'sha256:0', settings: { model: 'm', ...PAPER_DEFAULTS } };
    const recs = [record('A|B', 'i', 'x')];
    const md = runMarkdown(header, summarize('r', 'f', recs), recs);
    const row = md.split('\n').find((l) => l.startsWith('| A'))!;
    assert.equal(row.split(/(?<!\\)\|/).length, 7, `six cells: ${row}`);
    assert.ok(!/(?<!\\)</.test(md), 'no raw HTML');
  });
});

describe('hardening: a million records', function () {
  this.timeout(60_000);

  it('charts and tables of a 1,000,000-record run are built (no spread of all values onto the stack)', () => {
    const base: RunRecord = { source: 'S', index: 0, question: 'q', answer_idx: 'A', answer: 'a', response: 'A', extracted: 'A', choice: 'A', correct: true, tokens: { think: 0, answer: 1 }, finish: { think: 'stop', answer: 'stop' }, rounds: [], ms: 1 };
    const records = Array.from({ length: 1_000_000 }, (_, i) => ({ ...base, index: i, tokens: { think: i % 5000, answer: 1 } }));
    const header: RunHeader = { type: 'header', version: 1, runId: 'r', createdAt: 'x', benchFile: 'b.json', benchHash: 'sha256:0', settings: { model: 'm', ...PAPER_DEFAULTS } };
    const view = runViewOf('/tmp/big.jsonl', header, records);
    assert.equal(view.rows.length, 1_000_000);
    assert.equal(view.summary.done, 1_000_000);
    assert.match(view.charts.think, /text-anchor="end">4999</);
    assert.match(histogram(Array.from({ length: 1_000_000 }, (_, i) => i)), /999999/);
  });
});

describe('hardening: run files read from a repository', () => {
  const settings = { model: 'm', ...PAPER_DEFAULTS };
  const header = { type: 'header', version: 1, runId: 'r', createdAt: '2026-01-01T00:00:00Z', benchFile: 'b.json', benchHash: 'sha256:0', settings };
  const record = { source: 'S', index: 0, question: 'q', answer_idx: 'A', answer: 'a', response: 'A', extracted: 'A', choice: 'A', correct: true, tokens: { think: 1, answer: 1 }, finish: { think: 'stop', answer: 'stop' }, rounds: [], ms: 1 };
  const file = (lines: unknown[], tail = '') => {
    const path = join(tmp(), 'run.jsonl');
    writeFileSync(path, lines.map((l) => `${JSON.stringify(l)}\n`).join('') + tail);
    return path;
  };

  it('checks the header and every record, naming the file, the line and the field', async () => {
    await assert.rejects(readRunFile(file([{ ...header, benchFile: 42 }])), /run\.jsonl is not an m1 run file \(line 1: benchFile: /);
    const { extracted: _e, ...noExtracted } = record;
    await assert.rejects(readRunFile(file([header, record, noExtracted])), /run\.jsonl:3: not a run record: extracted: /);
    await assert.rejects(readRunFile(file([header, { ...record, index: -1 }]), { rounds: false }), /run\.jsonl:2: not a run record: index: /);
    await assert.rejects(readRunRecord(file([header, record, { ...record, tokens: null }]), 'S\u00000'), /run\.jsonl:3: not a run record: tokens: /);
    const extra = await readRunFile(file([{ ...header, hosts: ['h'] }, { ...record, later: 1 }]));
    assert.deepEqual((extra.header as unknown as { hosts: string[] }).hosts, ['h'], 'fields a newer m1 writes are kept');
  });

  it('says which torn last line it left out, and merge passes that on', async () => {
    const torn = file([header, record], '{"source":"S","ind');
    const read = await readRunFile(torn);
    assert.equal(read.records.length, 1);
    assert.equal(read.torn, 3);
    const other = file([header, { ...record, index: 1 }]);
    const merged = await mergeRunFiles([torn, other], join(tmp(), 'merged.jsonl'));
    assert.deepEqual(merged.notes, [`${torn}:3: a torn last line (a run stopped mid-write) was left out; resuming the run cuts it off and runs that item again.`]);
    assert.equal((await readRunFile(other)).torn, undefined);
  });
});
