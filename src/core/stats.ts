// Statistics the m1 paper's numbers need: accuracy with a 95% Wilson score interval.

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** Wilson score interval for `correct` out of `total` ([0, 0] when total is 0). */
export function wilson(correct: number, total: number, z = Z95): [number, number] {
  if (total <= 0) return [0, 0];
  const p = correct / total;
  const z2 = z * z;
  const denom = 1 + z2 / total;
  const center = (p + z2 / (2 * total)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denom;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * Accuracy with its 95% interval when some questions are asked more than once (GPQA_Medical_test
 * asks each of its 78 questions 5×). Accuracy is over items, as the paper reports it; the
 * interval is over distinct questions (items with the same `key`), since the repeats of a
 * question are not independent draws: with greedy decoding they are the same answer.
 */
export function accuracyOverDistinct(outcomes: Array<{ key: string; correct: boolean }>, z = Z95): { correct: number; total: number; accuracy: number; ci95: [number, number]; distinct: number } {
  const total = outcomes.length;
  const correct = outcomes.filter((o) => o.correct).length;
  const distinct = new Set(outcomes.map((o) => o.key)).size;
  const accuracy = total ? correct / total : 0;
  return { correct, total, accuracy, ci95: wilson(accuracy * distinct, distinct, z), distinct };
}

/** Paired outcomes of two runs on the same items: both right, only A, only B, both wrong. */
export interface PairedCounts {
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
}

/**
 * Newcombe's square-and-add interval (1998, method 10) for the paired difference of accuracies,
 * B − A: Wilson intervals of each accuracy combined with a correction for their correlation.
 */
export function pairedDifferenceCI(t: PairedCounts, z = Z95): { difference: number; ci95: [number, number] } {
  const n = t.both + t.onlyA + t.onlyB + t.neither;
  if (n === 0) return { difference: 0, ci95: [0, 0] };
  const rightA = t.both + t.onlyA;
  const rightB = t.both + t.onlyB;
  const pA = rightA / n;
  const pB = rightB / n;
  const [lA, uA] = wilson(rightA, n, z);
  const [lB, uB] = wilson(rightB, n, z);
  // phi: the correlation of the two accuracies, with Newcombe's continuity correction.
  let phi = 0;
  const margins = rightA * (n - rightA) * rightB * (n - rightB);
  if (margins > 0) {
    const cross = t.both * t.neither - t.onlyA * t.onlyB;
    const corrected = cross > n / 2 ? cross - n / 2 : cross < 0 ? cross : 0;
    phi = corrected / Math.sqrt(margins);
  }
  const d = pB - pA;
  const lower = d - Math.sqrt((pB - lB) ** 2 + (uA - pA) ** 2 - 2 * phi * (pB - lB) * (uA - pA));
  const upper = d + Math.sqrt((uB - pB) ** 2 + (pA - lA) ** 2 - 2 * phi * (uB - pB) * (pA - lA));
  return { difference: d, ci95: [Math.max(-1, lower), Math.min(1, upper)] };
}

/** log of n choose k, summed so large runs do not overflow. */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/**
 * McNemar's exact test: two-sided p-value that the items only A got right and the items only B got
 * right are equally likely (a binomial test on the discordant pairs). 1 when there are none.
 */
export function mcnemarExact(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const k = Math.min(onlyA, onlyB);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}
