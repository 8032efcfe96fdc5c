// Which items of a benchmark a run covers: some sources, the first N, or N drawn at random with a
// seed (the same seed draws the same items on every machine, so a subset run can be repeated).
import { createHash } from 'node:crypto';
import type { BenchItem } from './format';
import { itemKey } from './runFile';

export interface Subset {
  /** Only these sources; empty or absent: all. */
  sources?: string[];
  /** The first N items (after the source filter). */
  first?: number;
  /** N items drawn at random with `seed` (after the source filter), kept in file order. */
  random?: number;
  seed?: number;
  /** Shard k of n (1-based) for runs spread over machines: an item's shard is a hash of its key. */
  shard?: { k: number; n: number };
}

/** Which of n shards an item falls in (0-based); stable across machines and file edits elsewhere. */
export function shardOf(item: { source: string; index: number }, n: number): number {
  return createHash('sha1').update(itemKey(item)).digest().readUInt32BE(0) % n;
}

/** mulberry32: a small, well-known 32-bit PRNG; enough to draw a reproducible sample. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function selectItems(items: BenchItem[], subset: Subset = {}): BenchItem[] {
  const wanted = subset.sources?.length ? new Set(subset.sources) : undefined;
  let out = wanted ? items.filter((it) => wanted.has(it.source)) : items;
  const shard = subset.shard;
  if (shard) out = out.filter((it) => shardOf(it, shard.n) === shard.k - 1);
  if (subset.random !== undefined && subset.random < out.length) {
    const next = mulberry32(subset.seed ?? 0);
    const idx = out.map((_, i) => i);
    // Partial Fisher–Yates: the first `random` slots become the sample.
    for (let i = 0; i < subset.random; i++) {
      const j = i + Math.floor(next() * (idx.length - i));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const chosen = new Set(idx.slice(0, subset.random));
    out = out.filter((_, i) => chosen.has(i));
  }
  if (subset.first !== undefined) out = out.slice(0, subset.first);
  return out;
}

/** A short description for titles and run headers, e.g. "MedQA · random 50 (seed 1)". */
export function describeSubset(subset: Subset = {}): string {
  const parts = [];
  if (subset.sources?.length) parts.push(subset.sources.join(', '));
  if (subset.random !== undefined) parts.push(`random ${subset.random} (seed ${subset.seed ?? 0})`);
  if (subset.first !== undefined) parts.push(`first ${subset.first}`);
  if (subset.shard) parts.push(`shard ${subset.shard.k}/${subset.shard.n}`);
  return parts.length ? parts.join(' · ') : 'all items';
}
