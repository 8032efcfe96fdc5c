// A benchmark's accuracy over time: its runs (the same file contents) in the order they were made,
// each labelled with what changed from the run before it (model, quantization, budget, Wait).
import { basename } from 'node:path';
import type { RunEntry } from './runCatalog';
import type { RunHeader } from './runFile';

export interface TrendPoint {
  path: string;
  name: string;
  createdAt: string;
  accuracy: number | null;
  ci95: [number, number] | null;
  done: number;
  planned: number;
  /** What changed from the previous point ("budget 1024 → 2048"), or the settings for the first. */
  label: string;
}

/** What differs between two runs' settings, in words; "same settings" when nothing does. */
export function changeLabel(prev: RunHeader | undefined, h: RunHeader): string {
  const s = h.settings;
  if (!prev) return `${s.model} · budget ${s.budget} · ${s.waitRounds} Wait`;
  const p = prev.settings;
  const out: string[] = [];
  if (p.model !== s.model) out.push(`model ${p.model} → ${s.model}`);
  else if (prev.modelDigest && h.modelDigest && prev.modelDigest !== h.modelDigest) out.push('model rebuilt (new digest)');
  if (p.budget !== s.budget) out.push(`budget ${p.budget} → ${s.budget}`);
  if (p.waitRounds !== s.waitRounds) out.push(`Wait ${p.waitRounds} → ${s.waitRounds}`);
  if (p.temperature !== s.temperature) out.push(`T ${p.temperature} → ${s.temperature}`);
  if ((prev.subset ?? '') !== (h.subset ?? '')) out.push(h.subset ?? 'all items');
  return out.length ? out.join(', ') : 'same settings';
}

/** The runs of one benchmark (by hash), oldest first; a sweep's runs are left to the sweep view. */
export function trendOf(entries: RunEntry[], benchHash: string): TrendPoint[] {
  const runs = entries.filter((e) => e.header.benchHash === benchHash && !e.sweep).sort((a, b) => a.header.createdAt.localeCompare(b.header.createdAt));
  return runs.map((e, i) => ({
    path: e.path,
    name: basename(e.path, '.jsonl'),
    createdAt: e.header.createdAt,
    accuracy: e.totals.accuracy,
    ci95: e.totals.ci95,
    done: e.totals.done,
    planned: e.totals.planned,
    label: changeLabel(runs[i - 1]?.header, e.header),
  }));
}
