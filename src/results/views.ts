// What the results view shows, computed from run files: a run, a sweep folder, or two runs.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { compareRuns, settingsLabel, type RunData } from '../core/bench/compare';
import { itemKey, readRunFile, readRunRecord, type RunHeader, type RunRecord } from '../core/bench/runFile';
import { summarize } from '../core/bench/runner';
import { RunTail } from '../core/bench/runTail';
import { M1Error } from '../core/errors';
import { shorten } from '../core/format';
import { itemStatus, sweepSeries, type SweepRow } from '../core/report/export';
import { bestPoint, histogram, sweepChart } from '../core/report/svg';
import { columnOf, firstDivergence, type ThoughtColumn } from '../core/traces/sideBySide';
import type { CompareView, RunView, SideBySideView, SweepView } from './protocol';

/**
 * A run without its thoughts, and the tail it was read with: following the file from there reads
 * only what is appended later (a run going on).
 */
export async function loadRun(path: string): Promise<{ data: RunData; view: RunView; tail: RunTail }> {
  const tail = new RunTail(path, true);
  await tail.update();
  if (!tail.header) throw new M1Error('bad-input', `${path} is not an m1 run file (no header line).`);
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

export async function loadSweep(dir: string): Promise<{ rows: Array<SweepRow & { runFile: string }>; view: SweepView }> {
  const files = (await readdir(dir)).map((f) => ({ f, m: SWEEP_FILE.exec(f) })).filter((x) => x.m);
  if (!files.length) throw new M1Error('bad-input', `${dir} has no sweep run files (budget-N-wait-K.jsonl): run a sweep with "m1: Run Budget Sweep" or m1 sweep.`);
  const rows = await Promise.all(
    files.map(async ({ f, m }) => {
      const runFile = join(dir, f);
      const { header, records } = await readRunFile(runFile, { rounds: false });
      return { budget: Number(m![1]), waitRounds: Number(m![2]), runFile, summary: summarize(header.runId, runFile, records, Math.max(header.planned ?? 0, records.length)), header };
    }),
  );
  const budgets = [...new Set(rows.map((r) => r.budget))].sort((a, b) => a - b);
  const waits = [...new Set(rows.map((r) => r.waitRounds))].sort((a, b) => a - b);
  const first = rows[0]!.header;
  return {
    rows,
    view: {
      kind: 'sweep',
      title: basename(dir),
      subtitle: `${basename(first.benchFile)} · ${first.settings.model} · budgets ${budgets.join(', ')} · Wait rounds ${waits.join(', ')} · ${rows[0]!.summary.total} items`,
      budgets,
      blocks: waits.map((w) => {
        const series = sweepSeries(rows, w);
        return {
          waitRounds: w,
          chart: sweepChart(series, { title: `accuracy against thinking budget, ${w} Wait round${w === 1 ? '' : 's'}` }),
          sources: series.map((s) => {
            const best = bestPoint(s.points);
            return { name: s.name, accuracies: budgets.map((b) => s.points.find((p) => p.budget === b)?.accuracy ?? null), best: best ? { budget: best.budget, accuracy: best.accuracy, ci95: best.ci95 } : null };
          }),
        };
      }),
    },
  };
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

/** One item's thoughts from several runs (read again with their rounds), side by side. */
export async function loadSideBySide(runs: Array<{ path: string; label: string }>, key: string): Promise<SideBySideView> {
  const records = await Promise.all(runs.map((r) => readRunRecord(r.path, key)));
  const first = records.find((r) => r);
  if (!first) throw new M1Error('bad-input', 'That item is in none of the runs.');
  const columns: ThoughtColumn[] = records.flatMap((r, i) => (r ? [columnOf(runs[i]!.label, r)] : []));
  const rows = Math.max(...columns.map((c) => c.rounds.length));
  return {
    kind: 'sideBySide',
    key,
    title: `${first.id ?? `${first.source} #${first.index + 1}`}: thoughts side by side`,
    subtitle: `${shorten(first.question, 200)} · gold ${first.answer_idx ?? '–'}`,
    columns: columns.map(({ label, choice, correct, cut, response }) => ({ label, choice, correct, cut, response })),
    rounds: Array.from({ length: rows }, (_, k) => columns.map((c) => c.rounds[k] ?? null)),
    divergence: firstDivergence(columns),
  };
}
