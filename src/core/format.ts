// Human-readable sizes, percentages and short labels for messages and views; time stamps for file names.

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** 0.8333 → "83.3%". */
export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** One line, at most `n` characters: for labels and tables. */
export function shorten(text: string, n: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** The current time as a file-name part: 2026-11-26T07-24-23-123Z. */
export const fileStamp = (now = new Date()) => now.toISOString().replace(/[:.]/g, '-');
