// What the results view shows, computed from run files: a run, a sweep folder, or two runs.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { compareRuns, settingsLabel, type RunData } from '../core/bench/compare';
import { itemKey, readRunFile } from '../core/bench/runFile';
import { summarize } from '../core/bench/runner';
import { M1Error } from '../core/errors';
import { shorten } from '../core/format';
import { itemStatus, sweepSeries, type SweepRow } from '../core/report/export';
import { bestPoint, histogram, sweepChart } from '../core/report/svg';
import type { CompareView, RunView, SweepView } from './protocol';

export async function loadRun(path: string): Promise<{ data: RunData; view: RunView }> {
  const { header, records } = await readRunFile(path, { rounds: false });
  const summary = summarize(header.runId, path, records, Math.max(header.planned ?? 0, records.length));
  const cut = records.filter((r) => r.finish.think === 'length').length;
  const view: RunView = {
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
  };
  return { data: { path, header, records }, view };
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
