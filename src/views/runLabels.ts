// What the Runs view says about a run: its accuracy label and its tooltip (Markdown). Every text
// in them comes from a run file or its name, which a repository chooses: escaped, so that a name
// cannot embolden, link or run a command. The words around the figures come in already translated
// (this module has no vscode, so the unit tests load it).
import { basename } from 'node:path';
import type { RunEntry } from '../core/bench/runCatalog';
import { pct } from '../core/format';
import { mdText } from '../core/markdown';

/** "66.7% (30.0–90.3%)": accuracy with its 95% interval, or a dash before any scored item. */
export function accuracyLabel(r: RunEntry): string {
  const t = r.totals;
  return t.accuracy === null || !t.ci95 ? '–' : `${pct(t.accuracy)} (${pct(t.ci95[0])}–${pct(t.ci95[1])})`;
}

/** The tooltip's words in the user's language: row names, and the texts around the figures. */
export interface TooltipWords {
  accuracy: string;
  items: string;
  model: string;
  budget: string;
  server: string;
  date: string;
  note: string;
  right(correct: number, scored: number): string;
  done(done: number, planned: number): string;
  budgetValue(budget: number, waitRounds: number): string;
  notRecorded: string;
  unfinished: string;
}

/** The tooltip's Markdown: the file name in bold, one paragraph per figure, then any left-out lines. */
export function runTooltip(r: RunEntry, words: TooltipWords, note?: string): string {
  const s = r.header.settings;
  const t = r.totals;
  const rows: Array<[string, string]> = [
    [words.accuracy, `${accuracyLabel(r)}, ${words.right(t.correct, t.scored)}`],
    [words.items, `${words.done(t.done, t.planned)}${r.header.subset ? ` (${r.header.subset})` : ''}`],
    [words.model, `${s.model}${r.header.modelDigest ? ` (${r.header.modelDigest.slice(0, 19)})` : ''}`],
    [words.budget, words.budgetValue(s.budget, s.waitRounds)],
    [words.server, t.hosts.join(', ') || words.notRecorded],
    [words.date, new Date(r.header.createdAt).toLocaleString()],
    ...(note ? [[words.note, note] as [string, string]] : []),
  ];
  return [
    `**${mdText(basename(r.path))}**${t.done < t.planned ? ` ${words.unfinished}` : ''}`,
    ...rows.map(([k, v]) => mdText(`${k}: ${v}`.replace(/\r?\n|\r/g, ' '))),
    ...(r.problems ?? []).map((p) => `⚠ ${mdText(p.replace(/\r?\n|\r/g, ' '))}`),
  ].join('\n\n');
}
