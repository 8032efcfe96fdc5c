// Two runs on the same items side by side: the accuracy difference with Newcombe's paired
// interval, McNemar's exact test, and the items that flipped. Runs over different items or
// benchmarks are refused: a difference between them would not mean anything.
import { isChat, protocolLabel } from '../chat/protocol';
import { M1Error } from '../errors';
import { mcnemarExact, pairedDifferenceCI, type PairedCounts } from '../stats';
import { itemKey, type RunHeader, type RunRecord } from './runFile';

export interface RunData {
  path: string;
  header: RunHeader;
  records: RunRecord[];
}

export interface Flip {
  source: string;
  index: number;
  id?: string;
  question: string;
  gold: string | null;
  choiceA: string | null;
  choiceB: string | null;
}

export interface Comparison {
  a: { path: string; runId: string; label: string; accuracy: number };
  b: { path: string; runId: string; label: string; accuracy: number };
  /** Items scored in both runs. */
  items: number;
  counts: PairedCounts;
  /** Accuracy of B minus accuracy of A, with its 95% interval. */
  difference: number;
  ci95: [number, number];
  /** McNemar's exact test, two-sided. */
  pValue: number;
  rightToWrong: Flip[];
  wrongToRight: Flip[];
  /** Per source: accuracies and the paired difference. */
  sources: Record<string, { items: number; accuracyA: number; accuracyB: number; difference: number; ci95: [number, number] }>;
}

/** "budget 4096 · 0 Wait · m1-7b-23k", or "chat, CoT · 2048 tokens · qwen2.5:7b" for a baseline run. */
export function settingsLabel(h: RunHeader): string {
  if (isChat(h.settings)) return `${protocolLabel(h.settings)} · ${h.settings.budget} tokens · ${h.settings.model}${h.settings.temperature ? ` · T=${h.settings.temperature}` : ''}`;
  return `budget ${h.settings.budget} · ${h.settings.waitRounds} Wait · ${h.settings.model}${h.settings.temperature ? ` · T=${h.settings.temperature}` : ''}`;
}

function describeKeys(keys: string[]): string {
  const shown = keys.slice(0, 3).map((k) => k.replace('\u0000', '#'));
  return `${shown.join(', ')}${keys.length > 3 ? ` and ${keys.length - 3} more` : ''}`;
}

function paired(pairs: Array<[RunRecord, RunRecord]>) {
  const counts: PairedCounts = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (const [a, b] of pairs) {
    if (a.correct && b.correct) counts.both++;
    else if (a.correct) counts.onlyA++;
    else if (b.correct) counts.onlyB++;
    else counts.neither++;
  }
  const n = pairs.length;
  return { counts, n, accuracyA: n ? (counts.both + counts.onlyA) / n : 0, accuracyB: n ? (counts.both + counts.onlyB) / n : 0, ...pairedDifferenceCI(counts) };
}

export function compareRuns(a: RunData, b: RunData): Comparison {
  if (a.header.benchHash !== b.header.benchHash) {
    throw new M1Error('bad-input', `Cannot compare: ${a.path} ran ${a.header.benchFile} and ${b.path} ran ${b.header.benchFile} (different benchmark files, or the file changed between the runs).`);
  }
  const inA = new Map(a.records.map((r) => [itemKey(r), r]));
  const inB = new Map(b.records.map((r) => [itemKey(r), r]));
  const onlyInA = [...inA.keys()].filter((k) => !inB.has(k));
  const onlyInB = [...inB.keys()].filter((k) => !inA.has(k));
  if (onlyInA.length || onlyInB.length) {
    const parts = [onlyInA.length ? `${onlyInA.length} item${onlyInA.length === 1 ? '' : 's'} only in ${a.path} (${describeKeys(onlyInA)})` : '', onlyInB.length ? `${onlyInB.length} only in ${b.path} (${describeKeys(onlyInB)})` : ''].filter(Boolean);
    throw new M1Error('bad-input', `Cannot compare runs over different items: ${parts.join('; ')}. Resume the unfinished run or run both on the same subset.`);
  }
  const pairs: Array<[RunRecord, RunRecord]> = [...inA].filter(([k, ra]) => ra.correct !== null && inB.get(k)!.correct !== null).map(([k, ra]) => [ra, inB.get(k)!]);
  const all = paired(pairs);
  const flip = (ra: RunRecord, rb: RunRecord): Flip => ({ source: ra.source, index: ra.index, ...(ra.id ? { id: ra.id } : {}), question: ra.question, gold: ra.answer_idx, choiceA: ra.choice, choiceB: rb.choice });
  const bySource = new Map<string, Array<[RunRecord, RunRecord]>>();
  for (const p of pairs) {
    const list = bySource.get(p[0].source);
    if (list) list.push(p);
    else bySource.set(p[0].source, [p]);
  }
  return {
    a: { path: a.path, runId: a.header.runId, label: settingsLabel(a.header), accuracy: all.accuracyA },
    b: { path: b.path, runId: b.header.runId, label: settingsLabel(b.header), accuracy: all.accuracyB },
    items: all.n,
    counts: all.counts,
    difference: all.difference,
    ci95: all.ci95,
    pValue: mcnemarExact(all.counts.onlyA, all.counts.onlyB),
    rightToWrong: pairs.filter(([ra, rb]) => ra.correct && !rb.correct).map(([ra, rb]) => flip(ra, rb)),
    wrongToRight: pairs.filter(([ra, rb]) => !ra.correct && rb.correct).map(([ra, rb]) => flip(ra, rb)),
    sources: Object.fromEntries(
      [...bySource].map(([source, ps]) => {
        const s = paired(ps);
        return [source, { items: s.n, accuracyA: s.accuracyA, accuracyB: s.accuracyB, difference: s.difference, ci95: s.ci95 }];
      }),
    ),
  };
}
