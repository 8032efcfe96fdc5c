import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SCRIPTS } from '../fake-ollama/demo';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { runCli, useFake } from './helpers';

const SAMPLE = join(__dirname, '..', '..', 'samples', 'benchmark.json');
const tmp = () => mkdtempSync(join(tmpdir(), 'm1-cli-scale-'));
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

describe('cli: sweeps, shards and merges', function () {
  this.timeout(30_000);
  const fake = useFake(() => ({ scripts: DEMO_SCRIPTS, numParallel: 2 }));

  it('m1 sweep runs every budget × Wait rounds as one job, one run file each', async () => {
    const dir = join(tmp(), 'sweep');
    const r = await runCli(['sweep', SAMPLE, '--budgets', '16,1024', '--wait-rounds', '0,1', '--host', `${fake().url},slots=2`, '--out', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { runs: Array<{ budget: number; waitRounds: number; summary: { done: number; overall: { correct: number } } }> };
    assert.deepEqual(out.runs.map((x) => [x.budget, x.waitRounds, x.summary.done]), [[16, 0, 6], [1024, 0, 6], [16, 1, 6], [1024, 1, 6]]);
    assert.deepEqual(readdirSync(dir).sort(), ['budget-1024-wait-0.jsonl', 'budget-1024-wait-1.jsonl', 'budget-16-wait-0.jsonl', 'budget-16-wait-1.jsonl']);
    // The Wait round flips the nephrotic item at a budget that lets the thought finish.
    assert.equal(out.runs[1]!.summary.overall.correct, 6);
    assert.equal(out.runs[3]!.summary.overall.correct, 5);
    const cut = JSON.parse(lines(join(dir, 'budget-16-wait-0.jsonl'))[1]!) as { finish: { think: string } };
    assert.equal(cut.finish.think, 'length');
    const text = await runCli(['sweep', SAMPLE, '--budgets', '16,1024', '--host', fake().url, '--resume', dir]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /budget {2}Wait .*MedQA_USLME_test/);
    assert.match(text.stdout, /1024 {4}0 .*100\.0%/);
    assert.equal(lines(join(dir, 'budget-1024-wait-0.jsonl')).length, 7, 'the resumed sweep ran nothing twice');
  });

  it('runs shards on two "machines" under one run id and merges them, each item once', async () => {
    const dir = tmp();
    const shard = (k: number) => runCli(['bench', SAMPLE, '--host', fake().url, '--shard', `${k}/2`, '--run-id', 'nightly-7', '--out', join(dir, `s${k}.jsonl`), '--json']);
    const [a, b] = await Promise.all([shard(1), shard(2)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const [na, nb] = [JSON.parse(a.stdout).done as number, JSON.parse(b.stdout).done as number];
    assert.equal(na + nb, 6, 'the shards split the items');
    assert.ok(na > 0 && nb > 0);
    // A shard re-run by mistake on a third machine: its items are dropped as duplicates.
    await runCli(['bench', SAMPLE, '--host', fake().url, '--shard', '1/2', '--run-id', 'nightly-7', '--out', join(dir, 's1-again.jsonl')]);
    const merged = await runCli(['merge', join(dir, 's1.jsonl'), join(dir, 's2.jsonl'), join(dir, 's1-again.jsonl'), '--out', join(dir, 'all.jsonl'), '--json']);
    assert.equal(merged.code, 0, merged.stderr);
    const m = JSON.parse(merged.stdout) as { done: number; total: number; duplicates: number; runId: string; overall: { correct: number } };
    assert.deepEqual([m.done, m.total, m.duplicates, m.runId, m.overall.correct], [6, 6, na, 'nightly-7', 6]);
    assert.equal(lines(join(dir, 'all.jsonl')).length, 7);
    await runCli(['bench', SAMPLE, '--host', fake().url, '--limit', '1', '--out', join(dir, 'other.jsonl')]);
    const refused = await runCli(['merge', join(dir, 's1.jsonl'), join(dir, 'other.jsonl'), '--out', join(dir, 'bad.jsonl')]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /run id .* is not nightly-7 \(start every machine with the same --run-id\)/);
  });
});

describe('cli: OpenAI-compatible hosts', () => {
  let vllm: FakeOpenAI;
  beforeEach(async () => {
    vllm = await startFakeOpenAI({ scripts: DEMO_SCRIPTS, apiKey: 'sk-cli' });
  });
  afterEach(async () => vllm.close());

  it('m1 ask and m1 bench run on vLLM with the model named by the host and the key from M1_API_KEY', async () => {
    const host = `openai:${vllm.url}/v1,model=UCSC-VLAA/m1-7B-23K`;
    const ask = await runCli(['ask', 'A 5-year-old boy has puffy eyes for one week.', '--option', 'A=Deposits', '--option', 'B=Effacement of podocyte foot processes', '--host', host, '--json'], { M1_API_KEY: 'sk-cli' });
    assert.equal(ask.code, 0, ask.stderr);
    assert.equal(JSON.parse(ask.stdout).choice, 'B');
    const denied = await runCli(['bench', SAMPLE, '--host', host, '--out', join(tmp(), 'r.jsonl')]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /refused the API key .*M1_API_KEY/);
    const r = await runCli(['bench', SAMPLE, '--host', host, '--out', join(tmp(), 'r.jsonl'), '--json'], { M1_API_KEY: 'sk-cli' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).overall.correct, 6);
    assert.ok(vllm.log.every((l) => l.model === 'UCSC-VLAA/m1-7B-23K'));
  });
});
