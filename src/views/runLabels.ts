// What the Runs view says about a run: its accuracy label and its tooltip (Markdown). Every text
// in them comes from a run file or its name, which a repository chooses: escaped, so that a name
// cannot embolden, link or run a command.
import { basename } from 'node:path';
import type { RunEntry } from '../core/bench/runCatalog';
import { pct } from '../core/format';
import { mdText } from '../core/markdown';

/** "66.7% (30.0–90.3%)": accuracy with its 95% interval, or a dash before any scored item. */
export function accuracyLabel(r: RunEntry): string {
  const t = r.totals;
  return t.accuracy === null || !t.ci95 ? '–' : `${pct(t.accuracy)} (${pct(t.ci95[0])}–${pct(t.ci95[1])})`;
}

/** The tooltip's Markdown: the file name in bold, one paragraph per figure, then any left-out lines. */
export function runTooltip(r: RunEntry, note?: string): string {
  const s = r.header.settings;
  const t = r.totals;
  const rows: Array<[string, string]> = [
    ['accuracy (95% CI)', `${accuracyLabel(r)}, ${t.correct} of ${t.scored} right`],
    ['items', `${t.done} of ${t.planned}${r.header.subset ? ` (${r.header.subset})` : ''}`],
    ['model', `${s.model}${r.header.modelDigest ? ` (${r.header.modelDigest.slice(0, 19)})` : ''}`],
    ['budget', `${s.budget} thinking tokens, ${s.waitRounds} Wait round${s.waitRounds === 1 ? '' : 's'}`],
    ['server', t.hosts.join(', ') || 'not recorded'],
    ['date', new Date(r.header.createdAt).toLocaleString()],
    ...(note ? [['note', note] as [string, string]] : []),
  ];
  return [
    `**${mdText(basename(r.path))}**${t.done < t.planned ? ' (unfinished)' : ''}`,
    ...rows.map(([k, v]) => mdText(`${k}: ${v}`.replace(/\r?\n|\r/g, ' '))),
    ...(r.problems ?? []).map((p) => `⚠ ${mdText(p.replace(/\r?\n|\r/g, ' '))}`),
  ].join('\n\n');
}
