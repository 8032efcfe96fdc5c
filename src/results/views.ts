// What the results view shows, computed from run files: a run, a sweep folder, or two runs.
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { compareRuns, settingsLabel, type RunData } from '../core/bench/compare';
import { itemKey, listRunFiles, readRunFile, readRunRecord, type RunHeader, type RunRecord } from '../core/bench/runFile';
import { baselineReferences } from '../core/chat/baselines';
import { summarize } from '../core/bench/runner';
import { RunTail } from '../core/bench/runTail';
import { M1Error } from '../core/errors';
import { shorten } from '../core/format';
import { itemStatus, sweepSeries, type SweepRow } from '../core/report/export';
import { bestPoint, histogram, sweepChart, type ReferenceLine } from '../core/report/svg';
import { shownRecord } from '../core/chat/reasoning';
import { columnOf, firstDivergence, type ThoughtColumn } from '../core/traces/sideBySide';
import type { CompareView, ItemPreview, RunView, SideBySideView, SweepView } from './protocol';

/**
 * A run without its thoughts, and the tail it was read with: following the file from there reads
 * only what is appended later (a run going on).
 */
export async function loadRun(path: string): Promise<{ data: RunData; view: RunView; tail: RunTail }> {
  const tail = new RunTail(path, true);
  await tail.update();
  if (!tail.header) throw new M1Error('bad-input', tail.problems[0] ?? `${path} is not an m1 run file (no header line).`);
  const data = { path, header: tail.header, records: tail.records };
  return { data, view: runViewOf(path, data.header, data.records), tail };
}

/** The run view of a run's records so far (read whole, or followed as the run goes on). */
export function runViewOf(path: string, header: RunHeader, records: RunRecord[]): RunView {
  const summary = summarize(header.runId, path, records, Math.max(header.planned ?? 0, records.length));
  const cut = records.filter((r) => r.finish.think === 'length').length;
  return {
    kind: 'run',
    title: basename(path),
    subtitle: `${basename(header.benchFile)} · ${settingsLabel(header)} · ${summary.done} of ${summary.total} items${header.subset ? ` (${header.subset})` : ''}`,
    summary,
    rows: records.map((r) => ({
      key: itemKey(r),
      source: r.source,
      index: r.index,
      ...(r.id ? { id: r.id } : {}),
      question: shorten(r.question, 160),
      gold: r.answer_idx,
      choice: r.choice,
      status: itemStatus(r),
      think: r.tokens.think,
      answer: r.tokens.answer,
      cut: r.finish.think === 'length',
      ms: r.ms,
    })),
    charts: {
      think: histogram(records.map((r) => r.tokens.think), { label: 'thinking tokens per item' }),
      answer: histogram(records.map((r) => r.tokens.answer), { label: 'answer tokens per item' }),
    },
    finish: { cut, stopped: records.length - cut },
    ...(summary.done < summary.total ? { unfinished: true } : {}),
  };
}

const SWEEP_FILE = /^budget-(\d+)-wait-(\d+)\.jsonl$/;
/** Items listed as changing with the budget, per Wait block: enough to pick from, light to send. */
export const MAX_CHANGED = 200;

/** A sweep folder's run files (budget-N-wait-K.jsonl) with their budget and Wait rounds. */
async function sweepFiles(dir: string): Promise<Array<{ runFile: string; budget: number; waitRounds: number }>> {
  const files = (await readdir(dir)).flatMap((f) => {
    const m = SWEEP_FILE.exec(f);
    return m ? [{ runFile: join(dir, f), budget: Number(m[1]), waitRounds: Number(m[2]) }] : [];
  });
  if (!files.length) throw new M1Error('bad-input', `${dir} has no sweep run files (budget-N-wait-K.jsonl): run a sweep with "m1: Run Budget Sweep" or m1 sweep.`);
  return files;
}

/**
 * The items whose result is not the same at every budget (right at one, wrong at another, or
 * missing at one), in the first budget's order; `budgets` ascending, `runs` the block's runs.
 */
export function changedItems(budgets: number[], runs: Array<{ budget: number; records: RunRecord[] }>): SweepView['blocks'][number]['changed'] {
  const byBudget = budgets.map((b) => new Map((runs.find((r) => r.budget === b)?.records ?? []).map((r) => [itemKey(r), r])));
  const seen = new Map<string, RunRecord>();
  for (const m of byBudget) for (const [k, r] of m) if (!seen.has(k)) seen.set(k, r);
  return [...seen].flatMap(([key, r]) => {
    const results = byBudget.map((m) => {
      const x = m.get(key);
      return x ? itemStatus(x) : null;
    });
    return results.every((x) => x === results[0]) ? [] : [{ key, label: r.id ?? `${r.source} #${r.index + 1}`, source: r.source, question: shorten(r.question, 160), gold: r.answer_idx, results }];
  });
}

export async function loadSweep(dir: string): Promise<{ rows: Array<SweepRow & { runFile: string }>; references: ReferenceLine[]; view: SweepView }> {
  const rows = await Promise.all(
    (await sweepFiles(dir)).map(async ({ runFile, budget, waitRounds }) => {
      const { header, records } = await readRunFile(runFile, { rounds: false });
      return { budget, waitRounds, runFile, records, summary: summarize(header.runId, runFile, records, Math.max(header.planned ?? 0, records.length)), header };
    }),
  );
  const budgets = [...new Set(rows.map((r) => r.budget))].sort((a, b) => a - b);
  const waits = [...new Set(rows.map((r) => r.waitRounds))].sort((a, b) => a - b);
  const first = rows[0]!.header;
  // Baseline runs beside the sweep folder on the same items: their accuracy as reference lines.
  const references = await baselineReferences(await listRunFiles(dirname(dir)), { benchHash: first.benchHash, items: rows.flatMap((r) => r.records) });
  return {
    // The records stay here: the source keeps rows for exports and opening runs, not every item.
    rows: rows.map(({ records: _, ...row }) => row),
    references,
    view: {
      kind: 'sweep',
      title: basename(dir),
      subtitle: `${basename(first.benchFile)} · ${first.settings.model} · budgets ${budgets.join(', ')} · Wait rounds ${waits.join(', ')} · ${rows[0]!.summary.total} items`,
      budgets,
      blocks: waits.map((w) => {
        const series = sweepSeries(rows, w);
        const changed = changedItems(budgets, rows.filter((r) => r.waitRounds === w));
        return {
          waitRounds: w,
          chart: sweepChart(series, { title: `accuracy against thinking budget, ${w} Wait round${w === 1 ? '' : 's'}`, references }),
          sources: series.map((s) => {
            const best = bestPoint(s.points);
            return { name: s.name, accuracies: budgets.map((b) => s.points.find((p) => p.budget === b)?.accuracy ?? null), best: best ? { budget: best.budget, accuracy: best.accuracy, ci95: best.ci95 } : null };
          }),
          changed: changed.slice(0, MAX_CHANGED),
          changedCount: changed.length,
        };
      }),
    },
  };
}

/** One item's thoughts at each budget of a sweep (one number of Wait rounds), smallest budget first. */
export async function sweepSideBySide(dir: string, waitRounds: number, key: string): Promise<SideBySideView> {
  const runs = (await sweepFiles(dir)).filter((f) => f.waitRounds === waitRounds).sort((a, b) => a.budget - b.budget);
  if (!runs.length) throw new M1Error('bad-input', `${dir} has no run with ${waitRounds} Wait rounds.`);
  const view = await loadSideBySide(
    runs.map((r) => ({ path: r.runFile, label: `budget ${r.budget} · ${waitRounds} Wait` })),
    key,
    `across budgets, ${waitRounds} Wait round${waitRounds === 1 ? '' : 's'}`,
  );
  return { ...view, waitRounds };
}

export async function loadComparison(a: string, b: string): Promise<{ runs: [RunData, RunData]; view: CompareView }> {
  const [ra, rb] = await Promise.all([a, b].map(async (path) => ({ path, ...(await readRunFile(path, { rounds: false })) })));
  const comparison = compareRuns(ra!, rb!);
  return { runs: [ra!, rb!], view: { kind: 'compare', title: `${basename(a)} vs ${basename(b)}`, comparison } };
}

/** A compared item's thoughts, A and B, labelled with their runs' settings. */
export const comparedSideBySide = (runs: [RunData, RunData], key: string) =>
  loadSideBySide(
    runs.map((r, i) => ({ path: r.path, label: `${i ? 'B' : 'A'} · ${settingsLabel(r.header)}` })),
    key,
  );

/** One item's thoughts from several runs (read again with their rounds), side by side; `what` ends the title. */
export async function loadSideBySide(runs: Array<{ path: string; label: string }>, key: string, what = 'side by side'): Promise<SideBySideView> {
  const records = await Promise.all(runs.map((r) => readRunRecord(r.path, key)));
  const first = records.find((r) => r);
  if (!first) throw new M1Error('bad-input', 'That item is in none of the runs.');
  const columns: ThoughtColumn[] = records.flatMap((r, i) => (r ? [columnOf(runs[i]!.label, r)] : []));
  const rows = Math.max(...columns.map((c) => c.rounds.length));
  return {
    kind: 'sideBySide',
    key,
    title: `${first.id ?? `${first.source} #${first.index + 1}`}: thoughts ${what}`,
    subtitle: `${shorten(first.question, 200)} · gold ${first.answer_idx ?? '–'}`,
    columns: columns.map(({ label, choice, correct, cut, response }) => ({ label, choice, correct, cut, response })),
    rounds: Array.from({ length: rows }, (_, k) => columns.map((c) => c.rounds[k] ?? null)),
    divergence: firstDivergence(columns),
  };
}

/** A run item's thought and answer for the table's inline preview, read from the run file (nothing written). */
export async function itemPreview(runFile: string, key: string): Promise<ItemPreview> {
  const found = await readRunRecord(runFile, key);
  if (!found) throw new M1Error('bad-input', `That item is not in ${runFile}.`);
  // A chat model's reasoning section is shown as its thought, as in the Testing view.
  const r = shownRecord(found);
  return { rounds: r.rounds.map((x) => ({ think: x.think, waitInjected: x.waitInjected })), response: r.response, cut: r.finish.think === 'length' };
}
