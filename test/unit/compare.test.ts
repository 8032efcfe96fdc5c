import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns, type RunData } from '../../src/core/bench/compare';
import type { RunHeader, RunRecord } from '../../src/core/bench/runFile';
import { PAPER_DEFAULTS } from '../../src/core/engine';
import { compareMarkdown, itemStatus, runCsv, sweepMarkdown, sweepSeries } from '../../src/core/report/export';
import { bestPoint, sweepChart } from '../../src/core/report/svg';
import { mcnemarExact, pairedDifferenceCI, wilson } from '../../src/core/stats';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { MODEL, runCli, useFake } from './helpers';

const round4 = (x: number) => Math.round(x * 10000) / 10000;

describe('paired statistics', () => {
  it("McNemar's exact test matches known values", () => {
    // Cavo et al. (2012), in Fagerland, Lydersen & Laake: 6 and 16 discordant pairs → p = 0.052.
    assert.equal(round4(mcnemarExact(6, 16)), 0.0525);
    assert.equal(round4(mcnemarExact(16, 6)), 0.0525);
    assert.equal(round4(mcnemarExact(1, 9)), 0.0215); // 2 × 11/1024
    assert.equal(mcnemarExact(5, 5), 1);
    assert.equal(mcnemarExact(0, 0), 1);
    const big = mcnemarExact(480, 560);
    assert.ok(big > 0.01 && big < 0.02, `large runs do not overflow: p = ${big}`);
  });

  it("Newcombe's paired interval matches the published example", () => {
    // Cavo et al.: [[59, 6], [16, 80]] → difference −0.0621, 95% CI −0.1186 to −0.0046 (rows − columns).
    const r = pairedDifferenceCI({ both: 59, onlyA: 16, onlyB: 6, neither: 80 });
    assert.equal(round4(r.difference), -0.0621);
    assert.deepEqual(r.ci95.map(round4), [-0.1186, -0.0046]);
    const flipped = pairedDifferenceCI({ both: 59, onlyA: 6, onlyB: 16, neither: 80 });
    assert.deepEqual(flipped.ci95.map(round4), [0.0046, 0.1186]);
    assert.deepEqual(pairedDifferenceCI({ both: 10, onlyA: 0, onlyB: 0, neither: 0 }).ci95.map(round4), [round4(-(1 - wilson(10, 10)[0])), round4(1 - wilson(10, 10)[0])]);
  });
});

const header = (over: Partial<RunHeader> = {}): RunHeader => ({ type: 'header', version: 1, runId: 'r', createdAt: '2026-11-26T00:00:00Z', benchFile: 'b.json', benchHash: 'sha256:b', settings: { model: MODEL, ...PAPER_DEFAULTS }, ...over });
const record = (source: string, index: number, correct: boolean | null, choice: string | null = correct ? 'A' : 'B'): RunRecord => ({
  source,
  index,
  question: `q${index}, "quoted", with a comma`,
  answer_idx: correct === null ? null : 'A',
  answer: correct === null ? null : 'yes',
  response: `\\boxed{${choice}}`,
  extracted: choice ?? 'nothing',
  choice,
  correct,
  tokens: { think: 100 + index, answer: 10 },
  finish: { think: index % 2 ? 'length' : 'stop', answer: 'stop' },
  rounds: [{ think: 'x', waitInjected: null }],
  ms: 5,
});

describe('run comparison', () => {
  const a: RunData = { path: 'a.jsonl', header: header(), records: [record('S', 0, true), record('S', 1, true), record('S', 2, false), record('T', 0, false), record('T', 1, null)] };
  const b: RunData = { path: 'b.jsonl', header: header({ settings: { model: MODEL, ...PAPER_DEFAULTS, budget: 1024 } }), records: [record('S', 0, true), record('S', 1, false), record('S', 2, true), record('T', 0, true), record('T', 1, null)] };

  it('pairs items, lists flips both ways, and tests them', () => {
    const c = compareRuns(a, b);
    assert.equal(c.items, 4, 'unscored items are left out');
    assert.deepEqual(c.counts, { both: 1, onlyA: 1, onlyB: 2, neither: 0 });
    assert.equal(c.difference, 0.25);
    assert.deepEqual(c.rightToWrong.map((f) => `${f.source}#${f.index}`), ['S#1']);
    assert.deepEqual(c.wrongToRight.map((f) => `${f.source}#${f.index}`), ['S#2', 'T#0']);
    assert.equal(c.pValue, 1);
    assert.equal(c.b.label, `budget 1024 · 0 Wait · ${MODEL}`);
    assert.deepEqual(Object.keys(c.sources), ['S', 'T']);
    const md = compareMarkdown(c);
    assert.match(md, /B − A = 25\.0 points/);
    assert.match(md, /## Right in A, wrong in B \(1\)/);
  });

  it('refuses runs over different items or benchmarks, saying which', () => {
    assert.throws(() => compareRuns(a, { ...b, records: b.records.slice(0, 3) }), /different items: 2 items only in a\.jsonl \(T#0, T#1\)/);
    assert.throws(() => compareRuns(a, { ...b, header: header({ benchHash: 'sha256:other', benchFile: 'c.json' }) }), /ran b\.json and b\.jsonl ran c\.json/);
  });
});

describe('reports', () => {
  it('writes CSV with quoting, statuses, and a sweep report with the figure', () => {
    const csv = runCsv([record('S', 0, true), record('S', 1, false, null), record('S', 2, null)]);
    assert.match(csv, /^source,index,id,status,gold,choice/);
    assert.deepEqual(
      csv.trim().split('\r\n').slice(1).map((l) => l.split(',')[3]),
      ['right', 'extraction-failed', 'unscored'],
    );
    assert.equal(itemStatus(record('S', 3, false)), 'wrong');
    const summary = (acc: number) => ({ runId: 'r', runFile: 'f', done: 10, total: 10, averageOverSources: acc, overall: { correct: acc * 10, total: 10, unscored: 0, accuracy: acc, ci95: wilson(acc * 10, 10) }, sources: { S: { correct: acc * 10, total: 10, unscored: 0, accuracy: acc, ci95: wilson(acc * 10, 10) } } });
    const rows = [
      { budget: 512, waitRounds: 0, summary: summary(0.5) },
      { budget: 4096, waitRounds: 0, summary: summary(0.8) },
      { budget: 8192, waitRounds: 0, summary: summary(0.8) },
    ];
    const series = sweepSeries(rows, 0);
    assert.deepEqual(bestPoint(series[0]!.points)!.budget, 4096, 'a tie goes to the smaller budget');
    const svg = sweepChart(series, { standalone: true, title: 'a <b> & c' });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /a &lt;b&gt; &amp; c/);
    assert.equal((svg.match(/class="best /g) ?? []).length, 1);
    const md = sweepMarkdown(rows, 'b.json');
    assert.match(md, /\| S \| 50\.0% \| 80\.0% \| 80\.0% \| 4096 \(80\.0%/);
    assert.match(md, /<svg/);
  });
});

describe('cli: m1 compare and reports', function () {
  this.timeout(30_000);
  const fake = useFake(() => ({ scripts: DEMO_SCRIPTS, numParallel: 2 }));
  const SAMPLE = join(__dirname, '..', '..', 'samples', 'benchmark.json');

  it('compares a run with Wait rounds to one without: the nephrotic item flips right→wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'm1-compare-'));
    for (const [name, wait] of [['a', '0'], ['b', '1']] as const) {
      const r = await runCli(['bench', SAMPLE, '--host', fake().url, '--budget', '1024', '--wait', wait, '--out', join(dir, `${name}.jsonl`), '--report', join(dir, `${name}.md`)]);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.match(readFileSync(join(dir, 'a.md'), 'utf8'), /\| \*\*overall\*\* \| \*\*100\.0%\*\*/);
    const c = await runCli(['compare', join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), '--report', join(dir, 'cmp.csv')]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /B − A: -16\.7 points over 6 items \(95% CI .*\); McNemar exact p = 1\.00/);
    assert.match(c.stdout, /right in A, wrong in B \(1\):\n {2}medqa-003 +gold B {2}A B {2}B A/);
    assert.match(readFileSync(join(dir, 'cmp.csv'), 'utf8'), /right_to_wrong,MedQA_USLME_test,2,medqa-003,B,B,A/);
    const sweep = await runCli(['sweep', SAMPLE, '--host', fake().url, '--budgets', '16,1024', '--out', join(dir, 'sweep'), '--report', join(dir, 'sweep.md')]);
    assert.equal(sweep.code, 0, sweep.stderr);
    assert.match(sweep.stdout, /thoughts generated once at 1024 tokens and cut for the smaller budgets/);
    assert.match(readFileSync(join(dir, 'sweep.md'), 'utf8'), /<svg[\s\S]*\| MedQA_USLME_test \|/);
  });
});
