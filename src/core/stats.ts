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
