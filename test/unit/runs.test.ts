import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupRuns, previousRun, RunCatalog } from '../../src/core/bench/runCatalog';
import type { RunHeader, RunRecord } from '../../src/core/bench/runFile';
import { MAX_LINE_BYTES, RunTail } from '../../src/core/bench/runTail';
import { changeLabel, trendOf } from '../../src/core/bench/trend';
import { wilson } from '../../src/core/stats';
import { settings } from './helpers';
import { runTooltip } from '../../src/views/runLabels';

const header = (o: Partial<RunHeader> = {}): RunHeader => ({ type: 'header', version: 1, runId: 'r', createdAt: '2026-01-01T00:00:00.000Z', benchFile: '/ws/bench.json', benchHash: 'sha256:aa', settings: settings({ budget: 1024 }), planned: 4, hosts: ['Ollama at http://x'], ...o });
const record = (index: number, correct: boolean | null, o: Partial<RunRecord> = {}): RunRecord => ({
  source: 'S',
  index,
  question: 'q',
  answer_idx: 'A',
  answer: null,
  response: 'r',
  extracted: 'A',
  choice: 'A',
  correct,
  tokens: { think: 1, answer: 1 },
  finish: { think: 'stop', answer: 'stop' },
  rounds: [{ think: `a long thought ${index} "],\\"ms\\":" with a quote`, waitInjected: null }],
  ms: 1,
  ...o,
});
const line = (x: unknown) => `${JSON.stringify(x)}\n`;

describe('following run files (Runs view, live results)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'm1-runs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads only what was appended, waits for a line being written, and counts a rewritten item once', async () => {
    const path = join(dir, 'a.jsonl');
    writeFileSync(path, line(header()) + line(record(0, true)));
    const tail = new RunTail(path, true);
    assert.equal(await tail.update(), true);
    assert.deepEqual(tail.totals(), { done: 1, planned: 4, correct: 1, scored: 1, accuracy: 1, ci95: wilson(1, 1), hosts: ['Ollama at http://x'] });
    const torn = line(record(1, false));
    appendFileSync(path, torn.slice(0, 20));
    await tail.update();
    assert.equal(tail.totals().done, 1, 'half a line is not read yet');
    appendFileSync(path, torn.slice(20) + line(record(0, false, { host: 'vLLM at http://y' })) + line(record(2, null)));
    await tail.update();
    const t = tail.totals();
    assert.deepEqual([t.done, t.correct, t.scored], [3, 0, 2]);
    assert.deepEqual(t.hosts, ['Ollama at http://x', 'vLLM at http://y']);
    assert.deepEqual(tail.records.map((r) => [r.index, r.correct, r.rounds.length]), [[0, false, 0], [1, false, 0], [2, null, 0]], 'records without thoughts, the last copy winning');
    assert.equal(await tail.update(), false, 'nothing new');
  });

  it('reads a rewritten (shorter) file again from the start', async () => {
    const path = join(dir, 'a.jsonl');
    writeFileSync(path, line(header()) + line(record(0, true)) + line(record(1, true)));
    const tail = new RunTail(path);
    await tail.update();
    writeFileSync(path, line(header()) + line(record(0, false)));
    await tail.update();
    assert.deepEqual([tail.totals().done, tail.totals().correct], [1, 0]);
  });

  it('groups runs by benchmark, newest first, sweeps together, and finds the previous run of the same benchmark', async () => {
    const runs = join(dir, '.m1', 'runs');
    mkdirSync(join(runs, 'sweep-x'), { recursive: true });
    writeFileSync(join(runs, 'old.jsonl'), line(header({ createdAt: '2026-01-01T00:00:00.000Z' })) + line(record(0, true)));
    writeFileSync(join(runs, 'new.jsonl'), line(header({ createdAt: '2026-01-03T00:00:00.000Z' })));
    writeFileSync(join(runs, 'other.jsonl'), line(header({ createdAt: '2026-01-02T00:00:00.000Z', benchFile: '/ws/other.json', benchHash: 'sha256:bb' })));
    for (const b of [2048, 1024]) writeFileSync(join(runs, 'sweep-x', `budget-${b}-wait-0.jsonl`), line(header({ createdAt: '2026-01-02T12:00:00.000Z', settings: settings({ budget: b }) })));
    writeFileSync(join(runs, 'notes.jsonl'), 'not a run file\n');
    const catalog = new RunCatalog();
    assert.equal(await catalog.sync([runs]), true);
    const groups = groupRuns(catalog.entries());
    assert.deepEqual(
      groups.map((g) => [g.benchFile, g.members.map((m) => (m.kind === 'run' ? m.run.path.slice(runs.length + 1) : m.sweep.runs.map((r) => r.header.settings.budget).join('+')))]),
      [
        ['/ws/bench.json', ['new.jsonl', '1024+2048', 'old.jsonl']],
        ['/ws/other.json', ['other.jsonl']],
      ],
    );
    const entries = catalog.entries();
    const byName = (n: string) => entries.find((e) => e.path.endsWith(n))!;
    assert.equal(previousRun(entries, byName('new.jsonl'))?.path.slice(runs.length + 1), join('sweep-x', 'budget-2048-wait-0.jsonl'));
    assert.equal(previousRun(entries, byName('old.jsonl')), undefined);
    assert.equal(previousRun(entries, byName('budget-1024-wait-0.jsonl'))?.path, byName('old.jsonl').path, 'not a run of the same sweep');
    assert.equal(await catalog.sync([runs]), false, 'nothing changed');
    rmSync(join(runs, 'old.jsonl'));
    assert.equal(await catalog.sync([runs]), true);
    assert.equal(catalog.entries().length, 4);
  });

  it('makes the trend of a benchmark: its runs oldest first (sweeps left out), labelled with what changed', async () => {
    const runs = join(dir, 'runs');
    mkdirSync(join(runs, 'sweep-x'), { recursive: true });
    writeFileSync(join(runs, 'b.jsonl'), line(header({ createdAt: '2026-01-02T00:00:00.000Z', settings: settings({ budget: 2048, waitRounds: 1 }) })) + line(record(0, false)));
    writeFileSync(join(runs, 'a.jsonl'), line(header({ createdAt: '2026-01-01T00:00:00.000Z' })) + line(record(0, true)) + line(record(1, true)));
    writeFileSync(join(runs, 'c.jsonl'), line(header({ createdAt: '2026-01-03T00:00:00.000Z', settings: settings({ budget: 2048, waitRounds: 1, model: 'm1-32b' }) })));
    writeFileSync(join(runs, 'other.jsonl'), line(header({ benchHash: 'sha256:bb' })));
    writeFileSync(join(runs, 'sweep-x', 'budget-512-wait-0.jsonl'), line(header({ createdAt: '2026-01-02T12:00:00.000Z' })));
    const catalog = new RunCatalog();
    await catalog.sync([runs]);
    const t = trendOf(catalog.entries(), 'sha256:aa');
    assert.deepEqual(
      t.map((p) => [p.name, p.label, p.accuracy, p.done]),
      [
        ['a', 'm1-7b-23k · budget 1024 · 0 Wait', 1, 2],
        ['b', 'budget 1024 → 2048, Wait 0 → 1', 0, 1],
        ['c', 'model m1-7b-23k → m1-32b', null, 0],
      ],
    );
    assert.deepEqual(t[0]!.ci95, wilson(2, 2));
    assert.equal(changeLabel(header({ modelDigest: 'sha256:1' }), header({ modelDigest: 'sha256:2' })), 'model rebuilt (new digest)');
    assert.equal(changeLabel(header(), header()), 'same settings');
  });

  it('says which lines it left out (file:line and why): a glued torn line, a hostile record, a file that is no run file', async () => {
    const path = join(dir, 'a.jsonl');
    // A torn record with the next one glued on (a resume before torn lines were trimmed), then a
    // record whose fields are wrong, then a good one.
    writeFileSync(path, line(header()) + line(record(0, true)).slice(0, 30) + line(record(1, true)) + line({ ...record(2, true), source: 7 }) + line(record(3, false)));
    const tail = new RunTail(path, true);
    await tail.update();
    assert.deepEqual(tail.records.map((r) => r.index), [3], 'only the good record is taken');
    assert.equal(tail.problems.length, 2);
    assert.match(tail.problems[0]!, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not a run file line \\(not JSON\\), left out$`));
    assert.match(tail.problems[1]!, /:3: not a run record: .*source.*left out$/);
    // Appended later: counted from where the last read stopped.
    appendFileSync(path, '{"oops"\n');
    await tail.update();
    assert.match(tail.problems[2]!, /:5: not a run file line/);
    // A flood of bad lines is a count after the first twenty.
    appendFileSync(path, 'x\n'.repeat(100));
    await tail.update();
    assert.equal(tail.problems.length, 21);
    assert.equal(tail.problems[20], '… and 83 more lines left out');

    // A line with no end that grows past the limit is left out without being held whole, also
    // across reads; the records after it are taken.
    const long = join(mkdtempSync(join(tmpdir(), 'm1-long-')), 'long.jsonl');
    writeFileSync(long, line(header()) + line(record(0, true)) + 'x'.repeat(MAX_LINE_BYTES / 2));
    const tailOfLong = new RunTail(long, true);
    await tailOfLong.update();
    appendFileSync(long, 'x'.repeat(MAX_LINE_BYTES));
    await tailOfLong.update();
    appendFileSync(long, `${'x'.repeat(1000)}\n${line(record(1, false))}`);
    await tailOfLong.update();
    assert.deepEqual(tailOfLong.records.map((r) => r.index), [0, 1]);
    assert.deepEqual(tailOfLong.problems.map((p) => p.slice(long.length)), [':3: a line of over 16 MB, left out']);

    const notRun = join(dir, 'b.jsonl');
    writeFileSync(notRun, `${JSON.stringify({ hello: 1 })}\n${line(header())}${line(record(0, true))}`);
    const other = new RunTail(notRun, true);
    await other.update();
    assert.equal(other.header, undefined, 'a header on a later line does not make it a run file');
    assert.deepEqual([other.records.length, other.problems.length], [0, 1]);
    assert.match(other.problems[0]!, /:1: not an m1 run file: /);
    const catalog = new RunCatalog();
    await catalog.sync([dir]);
    assert.deepEqual(catalog.entries().map((e) => e.problems?.length), [21]);
    assert.equal(catalog.problems().length, 22, 'the file that is no run file is said too');
  });

  it('escapes a hostile run file name (and everything else) in the Runs view tooltip', async () => {
    const name = 'x**[click](command:m1.runs.delete)`code`<img src=x>_|.jsonl';
    const path = join(dir, name);
    writeFileSync(path, line(header({ settings: settings({ model: '[m](https://evil.example/a.png)' }) })) + line(record(0, true)) + 'torn [y](command:x)\n');
    const catalog = new RunCatalog();
    await catalog.sync([dir]);
    const entry = catalog.entries()[0]!;
    // The words as the extension passes them in English (runsTree.ts translates them).
    const words = { accuracy: 'accuracy (95% CI)', items: 'items', model: 'model', budget: 'budget', server: 'server', date: 'date', note: 'note', right: (c: number, n: number) => `${c} of ${n} right`, done: (d: number, p: number) => `${d} of ${p}`, budgetValue: (b: number, w: number) => `${b} thinking tokens, ${w} Wait rounds`, notRecorded: 'not recorded', unfinished: '(unfinished)' };
    const md = runTooltip(entry, words, 'note with **bold**');
    const title = md.split('\n\n')[0]!;
    assert.equal(title, '**x\\*\\*\\[click\\](command:m1.runs.delete)\\`code\\`\\<img src=x\\>\\_\\|.jsonl** (unfinished)');
    // No unescaped markup anywhere: every [ ` * < is preceded by a backslash, except the title's own bold.
    const body = md.slice(title.length);
    assert.doesNotMatch(body.replace(/\\[\\`*[\]<>|&~!#_]/g, ''), /[`*[\]<>|]/);
    assert.match(md, /model: \\\[m\\\]\(https:\/\/evil\.example\/a\.png\)/);
    assert.match(md, /note: note with \\\*\\\*bold\\\*\\\*/);
    assert.match(md, /⚠ .*:3: not a run file line/, 'the left-out line is in the tooltip');
  });
});
