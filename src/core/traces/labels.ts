// Labels on a trace: spans of a round's thought (or of the answer, round -1) by offset, found
// again by their text when the thought was edited, kept as detached when they cannot be; and the
// summary over many traces.
import { randomUUID } from 'node:crypto';
import type { TraceFile, TraceLabel } from '../trace';

export const ANSWER_ROUND = -1;

/** The text a label's offsets refer to. */
export function spanText(trace: TraceFile, round: number): string | undefined {
  return round === ANSWER_ROUND ? trace.answer : trace.rounds[round]?.think;
}

export interface Anchored {
  /** Labels whose text is where their offsets say, or was found nearby (moved: true). */
  anchored: Array<TraceLabel & { moved?: boolean }>;
  /** Labels whose text is no longer in their round: kept, shown apart. */
  detached: TraceLabel[];
}

export function anchorLabels(trace: TraceFile): Anchored {
  const out: Anchored = { anchored: [], detached: [] };
  for (const l of trace.labels) {
    const text = spanText(trace, l.round);
    if (text === undefined || !l.text) {
      out.detached.push(l);
      continue;
    }
    if (l.end <= text.length && text.slice(l.start, l.end) === l.text) {
      out.anchored.push(l);
      continue;
    }
    // The nearest occurrence of the same text, if the thought was edited around it.
    let best = -1;
    for (let i = text.indexOf(l.text); i >= 0; i = text.indexOf(l.text, i + 1)) if (best < 0 || Math.abs(i - l.start) < Math.abs(best - l.start)) best = i;
    if (best >= 0) out.anchored.push({ ...l, start: best, end: best + l.text.length, moved: true });
    else out.detached.push(l);
  }
  return out;
}

export function addLabel(trace: TraceFile, span: { round: number; start: number; end: number }, label: string, note?: string, now = new Date()): TraceFile {
  const text = spanText(trace, span.round)?.slice(span.start, span.end) ?? '';
  const entry: TraceLabel = { id: randomUUID(), label, ...(note ? { note } : {}), round: span.round, start: span.start, end: span.end, text, createdAt: now.toISOString() };
  return { ...trace, labels: [...trace.labels, entry] };
}

export function removeLabel(trace: TraceFile, id: string): TraceFile {
  return { ...trace, labels: trace.labels.filter((l) => l.id !== id) };
}

export interface LabelledItem {
  path: string;
  label: string;
  note?: string;
  text: string;
  source: string;
  budget: number;
  detached: boolean;
}

export interface LabelSummary {
  traces: number;
  labelled: number;
  items: LabelledItem[];
  byLabel: Record<string, number>;
  /** label → source → count */
  bySource: Record<string, Record<string, number>>;
  /** label → budget → count */
  byBudget: Record<string, Record<string, number>>;
}

const bump = (m: Record<string, Record<string, number>>, a: string, b: string) => {
  const row = (m[a] ??= {});
  row[b] = (row[b] ?? 0) + 1;
};

export function summarizeLabels(traces: Array<{ path: string; trace: TraceFile }>): LabelSummary {
  const items: LabelledItem[] = [];
  for (const { path, trace } of traces) {
    const { anchored, detached } = anchorLabels(trace);
    const source = trace.run?.source ?? '(asked in the panel)';
    for (const l of [...anchored, ...detached]) {
      items.push({ path, label: l.label, ...(l.note ? { note: l.note } : {}), text: l.text, source, budget: trace.settings.budget, detached: detached.includes(l) });
    }
  }
  const summary: LabelSummary = { traces: traces.length, labelled: new Set(items.map((i) => i.path)).size, items, byLabel: {}, bySource: {}, byBudget: {} };
  for (const i of items) {
    summary.byLabel[i.label] = (summary.byLabel[i.label] ?? 0) + 1;
    bump(summary.bySource, i.label, i.source);
    bump(summary.byBudget, i.label, String(i.budget));
  }
  return summary;
}
