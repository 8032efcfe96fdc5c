// Runs, sweeps and comparisons as CSV, JSON and Markdown (tables, and the sweep figure as SVG).
import { wilson } from '../stats';
import { pct } from '../format';
import type { Comparison } from '../bench/compare';
import type { RunHeader, RunRecord } from '../bench/runFile';
import type { RunSummary, SourceSummary } from '../bench/runner';
import { mdCell } from '../markdown';
import { bestPoint, sweepChart, type ReferenceLine, type SweepSeries } from './svg';

const ci = (c: [number, number]) => `${pct(c[0])}–${pct(c[1])}`;

/**
 * RFC 4180: quote a cell that holds a comma, a quote or a line break. Text that a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR first: OWASP "CSV injection") gets a leading
 * apostrophe; numbers are written as they are and stay numbers.
 */
const cell = (v: unknown) => {
  const raw = v === null || v === undefined ? '' : String(v);
  const s = typeof v !== 'number' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const csv = (rows: unknown[][]) => rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';

/** What went wrong with an item, in one word: right, wrong, extraction-failed or unscored. */
export function itemStatus(r: RunRecord): 'right' | 'wrong' | 'extraction-failed' | 'unscored' {
  if (r.correct === null) return 'unscored';
  if (r.correct) return 'right';
  return r.choice === null ? 'extraction-failed' : 'wrong';
}

/** The thought as generated: each round's text and the Wait string appended after it (a run record's or a trace's). */
export const thoughtOf = (r: { rounds: ReadonlyArray<{ think: string; waitInjected?: string | null }> }) => r.rounds.map((x) => x.think + (x.waitInjected ?? '')).join('');

/** `reasoning`: add the question, the thought and the answer text (records read with their rounds). */
export function runCsv(records: RunRecord[], o: { reasoning?: boolean } = {}): string {
  const extra = (r: RunRecord) => (o.reasoning ? [r.question, thoughtOf(r), r.response] : []);
  return csv([
    ['source', 'index', 'id', 'status', 'gold', 'choice', 'extracted', 'think_tokens', 'answer_tokens', 'think_finish', 'answer_finish', 'rounds', 'ms', ...(o.reasoning ? ['question', 'thought', 'answer_text'] : [])],
    ...records.map((r) => [r.source, r.index, r.id, itemStatus(r), r.answer_idx, r.choice, r.extracted, r.tokens.think, r.tokens.answer, r.finish.think, r.finish.answer, r.rounds.length, r.ms, ...extra(r)]),
  ]);
}

function sourceTable(sources: Record<string, SourceSummary>, overall: SourceSummary, average: number): string[] {
  return [
    '| source | accuracy | 95% CI | right / scored | unscored |',
    '|---|---|---|---|---|',
    ...Object.entries(sources).map(([name, s]) => `| ${mdCell(name)} | ${pct(s.accuracy)} | ${ci(s.ci95)} | ${s.correct} / ${s.total} | ${s.unscored} |`),
    `| **overall** | **${pct(overall.accuracy)}** | ${ci(overall.ci95)} | ${overall.correct} / ${overall.total} | ${overall.unscored} |`,
    `| average over sources | ${pct(average)} | | | |`,
  ];
}

export function runMarkdown(header: RunHeader, summary: RunSummary, records: RunRecord[]): string {
  const cut = records.filter((r) => r.finish.think === 'length').length;
  const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0);
  const status = (k: string) => records.filter((r) => itemStatus(r) === k).length;
  return [
    `# m1 run ${mdCell(header.runId)}`,
    '',
    `Benchmark ${mdCell(header.benchFile)} (${mdCell(header.benchHash.slice(0, 19))}…), ${mdCell(header.settings.model)}${header.modelDigest ? ` (${mdCell(header.modelDigest.slice(0, 12))})` : ''}, budget ${header.settings.budget}, ${header.settings.waitRounds} Wait rounds, temperature ${header.settings.temperature}, seed ${header.settings.seed}; ${summary.done} of ${summary.total} items${header.subset ? ` (${mdCell(header.subset)})` : ''}.`,
    '',
    ...sourceTable(summary.sources, summary.overall, summary.averageOverSources),
    '',
    `Thinking tokens: mean ${mean(records.map((r) => r.tokens.think))}, answer tokens: mean ${mean(records.map((r) => r.tokens.answer))}. Thoughts cut by the budget: ${cut}; stopped by themselves: ${records.length - cut}.`,
    `Right ${status('right')}, wrong ${status('wrong')}, extraction failed ${status('extraction-failed')}, unscored ${status('unscored')}.`,
    '',
  ].join('\n');
}

export interface SweepRow {
  budget: number;
  waitRounds: number;
  summary: RunSummary;
}

/** One series per source (and the average over sources) for one number of Wait rounds. */
export function sweepSeries(rows: SweepRow[], waitRounds: number): SweepSeries[] {
  const at = rows.filter((r) => r.waitRounds === waitRounds).sort((a, b) => a.budget - b.budget);
  const sources = [...new Set(at.flatMap((r) => Object.keys(r.summary.sources)))];
  const series: SweepSeries[] = sources.map((name) => ({
    name,
    points: at.filter((r) => r.summary.sources[name]).map((r) => ({ budget: r.budget, accuracy: r.summary.sources[name]!.accuracy, ci95: r.summary.sources[name]!.ci95 })),
  }));
  if (sources.length > 1) {
    series.push({ name: 'overall', points: at.map((r) => ({ budget: r.budget, accuracy: r.summary.overall.accuracy, ci95: wilson(r.summary.overall.correct, r.summary.overall.total) })) });
  }
  return series;
}

export function sweepMarkdown(rows: SweepRow[], title: string, references: ReferenceLine[] = []): string {
  const waits = [...new Set(rows.map((r) => r.waitRounds))].sort((a, b) => a - b);
  const out = [`# m1 budget sweep: ${mdCell(title)}`, ''];
  for (const w of waits) {
    const series = sweepSeries(rows, w);
    out.push(`## ${w} Wait round${w === 1 ? '' : 's'}`, '', sweepChart(series, { standalone: true, title: `accuracy against thinking budget, ${w} Wait`, references }), '');
    const budgets = [...new Set(rows.filter((r) => r.waitRounds === w).map((r) => r.budget))].sort((a, b) => a - b);
    out.push(`| source | ${budgets.join(' | ')} | best |`, `|---|${budgets.map(() => '---').join('|')}|---|`);
    for (const s of series) {
      const best = bestPoint(s.points);
      out.push(`| ${mdCell(s.name)} | ${budgets.map((b) => s.points.find((p) => p.budget === b)).map((p) => (p ? pct(p.accuracy) : '–')).join(' | ')} | ${best ? `${best.budget} (${pct(best.accuracy)}, ${ci(best.ci95)})` : '–'} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function sweepCsv(rows: SweepRow[]): string {
  return csv([
    ['budget', 'wait_rounds', 'source', 'accuracy', 'ci95_low', 'ci95_high', 'correct', 'scored'],
    ...rows.flatMap((r) => [
      ...Object.entries(r.summary.sources).map(([name, s]) => [r.budget, r.waitRounds, name, s.accuracy, s.ci95[0], s.ci95[1], s.correct, s.total]),
      [r.budget, r.waitRounds, 'overall', r.summary.overall.accuracy, r.summary.overall.ci95[0], r.summary.overall.ci95[1], r.summary.overall.correct, r.summary.overall.total],
    ]),
  ]);
}

export function compareMarkdown(c: Comparison): string {
  const flipRows = (list: Comparison['rightToWrong']) => (list.length ? ['| item | gold | A | B |', '|---|---|---|---|', ...list.map((f) => `| ${mdCell(f.id ?? `${f.source} #${f.index + 1}`)} | ${mdCell(f.gold)} | ${mdCell(f.choiceA ?? '–')} | ${mdCell(f.choiceB ?? '–')} |`)] : ['none']);
  return [
    '# m1 run comparison',
    '',
    `A: ${mdCell(c.a.path)} (${mdCell(c.a.label)}) — ${pct(c.a.accuracy)}`,
    `B: ${mdCell(c.b.path)} (${mdCell(c.b.label)}) — ${pct(c.b.accuracy)}`,
    '',
    `Over ${c.items} items scored in both: B − A = ${(100 * c.difference).toFixed(1)} points (95% CI ${(100 * c.ci95[0]).toFixed(1)} to ${(100 * c.ci95[1]).toFixed(1)}, Newcombe); McNemar exact p = ${c.pValue.toPrecision(3)}. Both right ${c.counts.both}, only A ${c.counts.onlyA}, only B ${c.counts.onlyB}, both wrong ${c.counts.neither}.`,
    '',
    '| source | items | A | B | B − A | 95% CI |',
    '|---|---|---|---|---|---|',
    ...Object.entries(c.sources).map(([name, s]) => `| ${mdCell(name)} | ${s.items} | ${pct(s.accuracyA)} | ${pct(s.accuracyB)} | ${(100 * s.difference).toFixed(1)} | ${(100 * s.ci95[0]).toFixed(1)} to ${(100 * s.ci95[1]).toFixed(1)} |`),
    '',
    `## Right in A, wrong in B (${c.rightToWrong.length})`,
    '',
    ...flipRows(c.rightToWrong),
    '',
    `## Wrong in A, right in B (${c.wrongToRight.length})`,
    '',
    ...flipRows(c.wrongToRight),
    '',
  ].join('\n');
}

export function compareCsv(c: Comparison): string {
  return csv([
    ['direction', 'source', 'index', 'id', 'gold', 'choice_a', 'choice_b'],
    ...c.rightToWrong.map((f) => ['right_to_wrong', f.source, f.index, f.id, f.gold, f.choiceA, f.choiceB]),
    ...c.wrongToRight.map((f) => ['wrong_to_right', f.source, f.index, f.id, f.gold, f.choiceA, f.choiceB]),
  ]);
}

export type ReportFormat = 'md' | 'csv' | 'json';

/** A run, a sweep or a comparison in each export format, built only when asked for. */
export interface Report {
  md(): string;
  csv(): string;
  json(): unknown;
}

export function reportText(format: ReportFormat, report: Report): string {
  return format === 'json' ? `${JSON.stringify(report.json(), null, 2)}\n` : report[format]();
}

/** `reasoning`: the records carry their rounds, and CSV and JSON add each thought and answer text. */
export const runReport = (header: RunHeader, summary: RunSummary, records: RunRecord[], o: { reasoning?: boolean } = {}): Report => ({
  md: () => runMarkdown(header, summary, records),
  csv: () => runCsv(records, o),
  json: () => ({ header, summary, records: o.reasoning ? records.map((r) => ({ ...r, thought: thoughtOf(r) })) : records }),
});

export const sweepReport = (rows: Array<SweepRow & { runFile: string }>, title: string, references: ReferenceLine[] = []): Report => ({
  md: () => sweepMarkdown(rows, title, references),
  csv: () => sweepCsv(rows),
  json: () => rows.map(({ budget, waitRounds, runFile, summary }) => ({ budget, waitRounds, runFile, summary })),
});

export const compareReport = (c: Comparison): Report => ({ md: () => compareMarkdown(c), csv: () => compareCsv(c), json: () => c });
