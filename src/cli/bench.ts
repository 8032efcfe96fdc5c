// `m1 bench <file>`: runs a benchmark file against m1, appending each item to a run file as it
// finishes (resumable), and prints accuracy per source with 95% Wilson intervals.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend, parseHostSpec } from '../core/backends/hosts';
import { isModelNamed, ollamaInfo, resolveOllamaHost } from '../core/backends/ollama';
import { HostPool } from '../core/bench/hostPool';
import { readBench, formatProblem } from '../core/bench/format';
import { hashFile, readRunFile } from '../core/bench/runFile';
import { runBenchmark, type RunSummary } from '../core/bench/runner';
import { describeSubset, selectItems, type Subset } from '../core/bench/subset';
import { PAPER_DEFAULTS, type EngineSettings } from '../core/engine';
import { UsageError, intArg } from './args';

export const BENCH_USAGE = `Usage: m1 bench <file.json|file.jsonl|file.csv> [options]

Options:
  --budget N         thinking budget in tokens (default ${PAPER_DEFAULTS.budget})
  --wait K           "Wait" rounds (default ${PAPER_DEFAULTS.waitRounds})
  --model NAME       Ollama model (default $M1_MODEL or m1-7b-23k)
  --host HOST        where to run (default $OLLAMA_HOST or http://127.0.0.1:11434); repeat it
                     to spread items over several hosts. HOST is
                     [ollama:|openai:]URL[,slots=N][,model=NAME], e.g.
                     openai:http://gpu1:8000,slots=8,model=UCSC-VLAA/m1-7B-23K (vLLM, SGLang;
                     API key from $M1_API_KEY)
  --concurrency C    requests at once per host without slots= (default $OLLAMA_NUM_PARALLEL or
                     1; more than the server's parallel slots only queues)
  --source NAME      only this source (repeat for several)
  --limit N          the first N items only
  --sample N         N items drawn at random (reproducible with --seed)
  --seed S           seed for --sample (default 0)
  --out FILE         run file (default .m1/runs/<time>.jsonl)
  --resume FILE      continue a run file: items already in it are not run again
  --json             print the summary as JSON
`;

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatSummary(s: RunSummary): string {
  const rows = Object.entries(s.sources).map(([name, v]) => `  ${name.padEnd(28)} ${pct(v.accuracy).padStart(6)}  (${v.correct}/${v.total}, 95% CI ${pct(v.ci95[0])}–${pct(v.ci95[1])})${v.unscored ? `  ${v.unscored} unscored` : ''}`);
  const o = s.overall;
  return [
    ...rows,
    `  ${'overall'.padEnd(28)} ${pct(o.accuracy).padStart(6)}  (${o.correct}/${o.total}, 95% CI ${pct(o.ci95[0])}–${pct(o.ci95[1])})`,
    `  ${'average over sources'.padEnd(28)} ${pct(s.averageOverSources).padStart(6)}`,
    ...(s.hosts ?? []).map((h) => `  host ${h.host}: ${h.items} items, ${h.tokens} tokens, ${h.tokensPerSecond.toFixed(1)} tokens/s${h.takenOut ? ` (taken out: ${h.takenOut})` : ''}`),
    ...(s.tokensEstimated ? ['  token counts are estimates: the server reported no usage and has no /tokenize'] : []),
    `run file: ${s.runFile}`,
  ].join('\n');
}

export async function bench(argv: string[], env: NodeJS.ProcessEnv, out: Out, err: Out, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      budget: { type: 'string' },
      wait: { type: 'string' },
      model: { type: 'string' },
      host: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      limit: { type: 'string' },
      source: { type: 'string', multiple: true },
      sample: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!file) throw new UsageError('a benchmark file is required');
  if (values.out && values.resume) throw new UsageError('give --out or --resume, not both');
  const parallel = intArg('concurrency', values.concurrency, Number(env.OLLAMA_NUM_PARALLEL) || 1, 1);
  const specs = (values.host?.length ? values.host : [resolveOllamaHost(undefined, env)]).map((h) => parseHostSpec(h, parallel));
  const settings: EngineSettings = {
    ...PAPER_DEFAULTS,
    model: values.model ?? env.M1_MODEL ?? 'm1-7b-23k',
    budget: intArg('budget', values.budget, PAPER_DEFAULTS.budget, 1),
    waitRounds: intArg('wait', values.wait, PAPER_DEFAULTS.waitRounds),
  };
  // A resumed run keeps the settings it started with.
  const runFile = values.resume ?? values.out ?? join('.m1', 'runs', `${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  const resumed = values.resume ? (await readRunFile(values.resume)).header.settings : undefined;

  const parsed = await readBench(file);
  for (const p of parsed.problems) err.write(`m1: ${formatProblem(p)} (skipped)\n`);
  const subset: Subset = {
    ...(values.source ? { sources: values.source } : {}),
    ...(values.limit ? { first: intArg('limit', values.limit, 0, 1) } : {}),
    ...(values.sample ? { random: intArg('sample', values.sample, 0, 1), seed: intArg('seed', values.seed, 0) } : {}),
  };
  const items = selectItems(parsed.items, subset);
  if (!items.length) throw new UsageError(`${file} has no runnable items${values.source ? ` in ${values.source.join(', ')}` : ''}`);

  // A single Ollama host is checked up front (and gives the model's digest for the header).
  const first = specs[0]!;
  const model = specs.length === 1 && first.kind === 'ollama' ? (await ollamaInfo(first.url)).models.find((m) => isModelNamed(m, first.model ?? (resumed ?? settings).model)) : undefined;
  const pool = new HostPool(specs.map((spec) => ({ backend: createBackend(spec, env.M1_API_KEY), slots: spec.slots, ...(spec.model ? { model: spec.model } : {}) })));
  const started = Date.now();
  let resumedCount = 0;
  const summary = await runBenchmark({
    items,
    pool,
    settings: resumed ?? settings,
    runFile,
    benchFile: file,
    benchHash: await hashFile(file),
    ...(Object.keys(subset).length ? { subset: describeSubset(subset) } : {}),
    ...(model?.digest ? { modelDigest: model.digest } : {}),
    ...(signal ? { signal } : {}),
    onRecord: (r, { done, total, resumed }) => {
      if (resumed) {
        resumedCount++;
        return;
      }
      if (!err.isTTY) return;
      const eta = ((Date.now() - started) / Math.max(1, done - resumedCount)) * (total - done);
      err.write(`\r${done}/${total} · last ${r.source}#${r.index} ${r.correct === null ? 'unscored' : r.correct ? 'right' : 'wrong'} · ETA ${Math.round(eta / 1000)} s   `);
    },
  });
  if (err.isTTY) err.write('\n');
  out.write(values.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
  return 0;
}
