// `m1 bench <file>`: runs a benchmark file against m1, appending each item to a run file as it
// finishes (resumable), and prints accuracy per source with 95% Wilson intervals.
// `m1 sweep <file> --budgets …`: the same items at several budgets / Wait rounds, one job over
// every host. `m1 merge a.jsonl b.jsonl …`: one run made on several machines, as one run file.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedFinder } from '../core/backends/findings';
import { createBackend, parseHostSpec } from '../core/backends/hosts';
import { baselineReference } from '../core/chat/baselines';
import { isModelNamed, ollamaInfo, resolveOllamaHost } from '../core/backends/ollama';
import { readBench, formatProblem } from '../core/bench/format';
import { compareRuns } from '../core/bench/compare';
import { HostPool } from '../core/bench/hostPool';
import { mergeRunFiles } from '../core/bench/merge';
import { hashFile, readRunFile, readRunHeader, tornNote } from '../core/bench/runFile';
import { runBenchmark, summarize, type RunOptions, type RunSummary } from '../core/bench/runner';
import { describeSubset, selectItems, type Subset } from '../core/bench/subset';
import { runSweep } from '../core/bench/sweep';
import { PAPER_DEFAULTS, type EngineSettings } from '../core/engine';
import { fileStamp, pct } from '../core/format';
import { folderInside } from '../core/safeWrite';
import { compareReport, reportText, runReport, sweepReport, type Report } from '../core/report/export';
import { PROTOCOL_OPTIONS, UsageError, intArg, protocolSettings, protocolUsage } from './args';
import { findingsCachePath, findingsFile } from './findingsCache';

const COMMON_USAGE = `  --model NAME       model (default $M1_MODEL or m1-7b-23k)
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
  --shard K/N        only shard K of N (items split by a hash of source and index), for one
                     run spread over N machines; merge the run files with m1 merge
  --run-id ID        the run's id (give every machine of one run the same one)
  --json             print the summary as JSON
  --report FILE      also write a report: .md (tables, and the figure for a sweep), .csv or .json
`;

export const BENCH_USAGE = `Usage: m1 bench <file.json|file.jsonl|file.csv> [options]

Options:
  --budget N         thinking budget in tokens (default ${PAPER_DEFAULTS.budget})
  --wait K           "Wait" rounds (default ${PAPER_DEFAULTS.waitRounds})
${protocolUsage(19)}${COMMON_USAGE}  --out FILE         run file (default .m1/runs/<time>.jsonl)
  --resume FILE      continue a run file: items already in it are not run again
`;

export const SWEEP_USAGE = `Usage: m1 sweep <file> --budgets 512,1024,2048,4096,8192 [--wait-rounds 0,1,2] [options]

Runs the same items at every budget × Wait rounds as one job over all hosts; one run file per
setting in the output folder. Under greedy decoding (the default temperature 0) each item's
thought is generated once at the largest budget and cut for the smaller ones, which then only
generate their answer: the results equal separate runs at a fraction of the tokens. Run the same
command with --resume DIR to continue.

Options:
  --budgets LIST     thinking budgets (default 512,1024,2048,4096,8192)
  --wait-rounds LIST Wait rounds (default 0)
  --exact            separate runs for every setting (no shared thoughts)
  --baseline RUN     a baseline's run file on the same benchmark (m1 bench --protocol chat): its
                     accuracy is a horizontal reference line in the --report figure (repeatable)
${COMMON_USAGE}  --out DIR          folder for the run files (default .m1/runs/sweep-<time>)
  --resume DIR       continue a sweep folder
`;

export const COMPARE_USAGE = `Usage: m1 compare <a.jsonl> <b.jsonl> [--json] [--report FILE.md|.csv|.json]

Two runs on the same items: accuracy of B minus A with its 95% interval (Newcombe, paired),
McNemar's exact test, and the items that flipped right→wrong and wrong→right. Runs over
different items or benchmarks are refused.
`;

export const MERGE_USAGE = `Usage: m1 merge <run.jsonl> <run.jsonl>… --out merged.jsonl [--json]

Merges the run files of one run made on several machines (same --run-id, benchmark and
settings) into one, each item once, and prints its summary.
`;

interface Out {
  write(s: string): unknown;
  isTTY?: boolean;
}


export function formatSummary(s: RunSummary): string {
  const rows = Object.entries(s.sources).map(([name, v]) => `  ${name.padEnd(28)} ${pct(v.accuracy).padStart(6)}  (${v.correct}/${v.total}, 95% CI ${pct(v.ci95[0])}–${pct(v.ci95[1])}${v.distinct ? ` over ${v.distinct} distinct questions` : ''})${v.unscored ? `  ${v.unscored} unscored` : ''}`);
  const o = s.overall;
  return [
    ...rows,
    `  ${'overall'.padEnd(28)} ${pct(o.accuracy).padStart(6)}  (${o.correct}/${o.total}, 95% CI ${pct(o.ci95[0])}–${pct(o.ci95[1])}${o.distinct ? ` over ${o.distinct} distinct questions` : ''})`,
    `  ${'average over sources'.padEnd(28)} ${pct(s.averageOverSources).padStart(6)}`,
    ...(s.hosts ?? []).map((h) => `  host ${h.host}: ${h.items} items, ${h.tokens} tokens, ${h.tokensPerSecond.toFixed(1)} tokens/s${h.takenOut ? ` (taken out: ${h.takenOut})` : ''}`),
    ...(s.tokensEstimated ? ['  token counts are estimates: the server reported no usage and has no /tokenize'] : []),
    `run file: ${s.runFile}`,
  ].join('\n');
}

const COMMON_OPTIONS = {
  model: { type: 'string' },
  host: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  limit: { type: 'string' },
  source: { type: 'string', multiple: true },
  sample: { type: 'string' },
  seed: { type: 'string' },
  shard: { type: 'string' },
  'run-id': { type: 'string' },
  report: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

type CommonValues = { [K in keyof typeof COMMON_OPTIONS]?: (typeof COMMON_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof COMMON_OPTIONS)[K] extends { type: 'boolean' } ? boolean : string };

function parseShard(text: string | undefined): Subset['shard'] {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || k < 1 || k > n) throw new UsageError(`--shard must be K/N with 1 ≤ K ≤ N, got "${text}"`);
  return { k, n };
}

/** .m1/runs here, as a real folder: a cloned repository may ship it as a link elsewhere. */
async function defaultRunsFolder(): Promise<string> {
  await folderInside(process.cwd(), resolve('.m1', 'runs'));
  return join('.m1', 'runs');
}

/** What bench and sweep share: the items, the hosts, the model, the benchmark's hash. */
async function prepare(file: string | undefined, values: CommonValues, env: NodeJS.ProcessEnv, err: Out, model: string) {
  if (!file) throw new UsageError('a benchmark file is required');
  if (values.out && values.resume) throw new UsageError('give --out or --resume, not both');
  const parallel = intArg('concurrency', values.concurrency, Number(env.OLLAMA_NUM_PARALLEL) || 1, 1);
  const specs = (values.host?.length ? values.host : [resolveOllamaHost(undefined, env)]).map((h) => parseHostSpec(h, parallel));
  const parsed = await readBench(file);
  for (const p of parsed.problems) err.write(`m1: ${formatProblem(p)} (skipped)\n`);
  const shard = parseShard(values.shard);
  const subset: Subset = {
    ...(values.source ? { sources: values.source } : {}),
    ...(values.limit ? { first: intArg('limit', values.limit, 0, 1) } : {}),
    ...(values.sample ? { random: intArg('sample', values.sample, 0, 1), seed: intArg('seed', values.seed, 0) } : {}),
    ...(shard ? { shard } : {}),
  };
  const items = selectItems(parsed.items, subset);
  if (!items.length) throw new UsageError(`${file} has no runnable items${Object.keys(subset).length ? ` in ${describeSubset(subset)}` : ''}`);
  // A single Ollama host is checked up front (and gives the model's digest for the header).
  const first = specs[0]!;
  const digest = specs.length === 1 && first.kind === 'ollama' ? (await ollamaInfo(first.url)).models.find((m) => isModelNamed(m, first.model ?? model))?.digest : undefined;
  const pool = new HostPool(specs.map((spec) => ({ backend: createBackend(spec, env.M1_API_KEY), slots: spec.slots, ...(spec.model ? { model: spec.model } : {}) })));
  const base: Omit<RunOptions, 'settings' | 'runFile'> = {
    items,
    pool,
    benchFile: file,
    benchHash: await hashFile(file),
    ...(Object.keys(subset).length ? { subset: describeSubset(subset) } : {}),
    ...(digest ? { modelDigest: digest } : {}),
    ...(values['run-id'] ? { runId: values['run-id'] } : {}),
    // Each server's think stop as probed (once, then cached): the header records it and its caveat.
    findings: cachedFinder(findingsFile(findingsCachePath(env)), digest),
    onNotice: (message) => err.write(`m1: ${message}\n`),
  };
  return base;
}

/** A progress line on stderr when it is a terminal. */
function progressLine(err: Out, label = '') {
  const started = Date.now();
  let resumed = 0;
  return (r: { source: string; index: number; correct: boolean | null }, p: { done: number; total: number; resumed: boolean }) => {
    if (p.resumed) {
      resumed++;
      return;
    }
    if (!err.isTTY) return;
    const eta = ((Date.now() - started) / Math.max(1, p.done - resumed)) * (p.total - p.done);
    err.write(`\r${label}${p.done}/${p.total} · last ${r.source}#${r.index} ${r.correct === null ? 'unscored' : r.correct ? 'right' : 'wrong'} · ETA ${Math.round(eta / 1000)} s   `);
  };
}

export async function bench(argv: string[], env: NodeJS.ProcessEnv, out: Out, err: Out, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...COMMON_OPTIONS, ...PROTOCOL_OPTIONS, budget: { type: 'string' }, wait: { type: 'string' } } });
  const fresh = protocolSettings(values, {
    ...PAPER_DEFAULTS,
    model: values.model ?? env.M1_MODEL ?? 'm1-7b-23k',
    budget: intArg('budget', values.budget, PAPER_DEFAULTS.budget, 1),
    waitRounds: intArg('wait', values.wait, PAPER_DEFAULTS.waitRounds),
  });
  // A resumed run keeps the settings it started with.
  const resumed = values.resume ? (await readRunHeader(values.resume))?.settings : undefined;
  const settings: EngineSettings = resumed ?? fresh;
  const base = await prepare(positionals[0], values, env, err, settings.model);
  const runFile = values.resume ?? values.out ?? join(await defaultRunsFolder(), `${fileStamp()}.jsonl`);
  const summary = await runBenchmark({ ...base, settings, runFile, ...(signal ? { signal } : {}), onRecord: progressLine(err) });
  if (err.isTTY) err.write('\n');
  if (values.report) {
    const { header, records } = await readRunFile(runFile);
    await writeReport(values.report, runReport(header, summary, records));
  }
  out.write(values.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
  return 0;
}

const intList = (name: string, text: string | undefined, fallback: number[], min: number) => (text === undefined ? fallback : text.split(',').map((x) => intArg(name, x.trim(), 0, min)));

export async function sweep(argv: string[], env: NodeJS.ProcessEnv, out: Out, err: Out, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...COMMON_OPTIONS, budgets: { type: 'string' }, 'wait-rounds': { type: 'string' }, exact: { type: 'boolean' }, baseline: { type: 'string', multiple: true } } });
  const budgets = [...new Set(intList('budgets', values.budgets, [512, 1024, 2048, 4096, 8192], 1))].sort((a, b) => a - b);
  const waits = [...new Set(intList('wait-rounds', values['wait-rounds'], [0], 0))].sort((a, b) => a - b);
  const model = values.model ?? env.M1_MODEL ?? 'm1-7b-23k';
  const base = await prepare(positionals[0], values, env, err, model);
  // Read before the sweep runs, so a wrong file fails at once.
  const references = await Promise.all((values.baseline ?? []).map(async (path) => baselineReference({ path, ...(await readRunFile(path, { rounds: false })) }, base)));
  const dir = values.resume ?? values.out ?? join(await defaultRunsFolder(), `sweep-${fileStamp()}`);
  const tick = progressLine(err, 'sweep ');
  let done = 0;
  const result = await runSweep({
    ...base,
    base: { ...PAPER_DEFAULTS, model },
    budgets,
    waitRounds: waits,
    dir,
    exact: values.exact ?? false,
    ...(signal ? { signal } : {}),
    onRecord: (r, p) => tick(r, { done: ++done, total: budgets.length * waits.length * base.items.length, resumed: p.resumed }),
  });
  if (err.isTTY) err.write('\n');
  const rows = result.settings;
  if (values.report) await writeReport(values.report, sweepReport(rows, positionals[0]!, references));
  if (values.json) {
    out.write(`${JSON.stringify({ runs: rows.map((r) => ({ budget: r.budget, waitRounds: r.waitRounds, runFile: r.runFile, summary: r.summary })), shared: result.shared, fallbacks: result.fallbacks, hosts: base.pool!.report() })}\n`);
    return 0;
  }
  const sources = [...new Set(rows.flatMap((r) => Object.keys(r.summary.sources)))];
  const head = `  ${'budget'.padEnd(8)}${'Wait'.padEnd(6)}${sources.map((s) => s.slice(0, 18).padStart(20)).join('')}${'average'.padStart(10)}`;
  const lines = rows.map((r) => `  ${String(r.budget).padEnd(8)}${String(r.waitRounds).padEnd(6)}${sources.map((s) => (r.summary.sources[s] ? pct(r.summary.sources[s].accuracy) : '–').padStart(20)).join('')}${pct(r.summary.averageOverSources).padStart(10)}`);
  const hosts = base.pool!.report();
  const how = result.shared ? `thoughts generated once at ${Math.max(...budgets)} tokens and cut for the smaller budgets${result.fallbacks ? ` (${result.fallbacks} item runs could not be cut and ran separately)` : ''}` : 'separate runs';
  out.write(`${[head, ...lines, `  ${how}`, ...(hosts.length > 1 ? hosts.map((h) => `  host ${h.host}: ${h.items} items, ${h.tokensPerSecond.toFixed(1)} tokens/s${h.takenOut ? ` (taken out: ${h.takenOut})` : ''}`) : []), `run files: ${dir}`].join('\n')}\n`);
  return 0;
}

export async function merge(argv: string[], out: Out, err: Out = process.stderr): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (!values.out) throw new UsageError('--out merged.jsonl is required');
  const merged = await mergeRunFiles(positionals, values.out);
  for (const note of merged.notes) err.write(`m1: ${note}\n`);
  const summary = summarize(merged.header.runId, values.out, merged.records, Math.max(merged.header.planned ?? 0, merged.records.length));
  out.write(values.json ? `${JSON.stringify({ ...summary, duplicates: merged.duplicates })}\n` : `${formatSummary(summary)}\n  ${merged.records.length} items from ${positionals.length} run files${merged.duplicates ? ` (${merged.duplicates} duplicates dropped)` : ''}\n`);
  return 0;
}

/** Writes a report in the format its extension names. */
export async function writeReport(path: string, report: Report): Promise<void> {
  const format = ({ '.md': 'md', '.csv': 'csv', '.json': 'json' } as const)[extname(path).toLowerCase() as '.md' | '.csv' | '.json'];
  if (!format) throw new UsageError(`--report must end in .md, .csv or .json, got "${path}"`);
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, reportText(format, report));
}

const pctPoints = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

export async function compare(argv: string[], out: Out, err: Out = process.stderr): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false }, report: { type: 'string' } } });
  if (positionals.length !== 2) throw new UsageError('give two run files: m1 compare a.jsonl b.jsonl');
  const [a, b] = await Promise.all(positionals.map(async (path) => ({ path, ...(await readRunFile(path)) })));
  for (const r of [a!, b!]) if (r.torn) err.write(`m1: ${tornNote(r.path, r.torn)}\n`);
  const c = compareRuns(a!, b!);
  if (values.report) await writeReport(values.report, compareReport(c));
  if (values.json) {
    out.write(`${JSON.stringify(c)}\n`);
    return 0;
  }
  const flips = (title: string, list: typeof c.rightToWrong) => [`${title} (${list.length}):`, ...list.slice(0, 20).map((f) => `  ${(f.id ?? `${f.source}#${f.index}`).padEnd(24)} gold ${f.gold ?? '–'}  A ${f.choiceA ?? '–'}  B ${f.choiceB ?? '–'}`), ...(list.length > 20 ? [`  … ${list.length - 20} more`] : [])];
  out.write(
    [
      `A ${c.a.path}: ${pct(c.a.accuracy)} (${c.a.label})`,
      `B ${c.b.path}: ${pct(c.b.accuracy)} (${c.b.label})`,
      `B − A: ${pctPoints(c.difference)} points over ${c.items} items (95% CI ${pctPoints(c.ci95[0])} to ${pctPoints(c.ci95[1])}); McNemar exact p = ${c.pValue.toPrecision(3)}`,
      ...Object.entries(c.sources).map(([name, s]) => `  ${name.padEnd(28)} A ${pct(s.accuracyA).padStart(6)}  B ${pct(s.accuracyB).padStart(6)}  B − A ${pctPoints(s.difference)} (${pctPoints(s.ci95[0])} to ${pctPoints(s.ci95[1])})`),
      ...flips('right in A, wrong in B', c.rightToWrong),
      ...flips('wrong in A, right in B', c.wrongToRight),
    ].join('\n') + '\n',
  );
  return 0;
}
