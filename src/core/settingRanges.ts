// The declared ranges of the numeric settings (package.json says the same; a test keeps the two
// equal). VS Code does not enforce a setting's minimum or maximum on the value it returns, so a
// workspace's `"m1.thinkingBudget": 150000000` would otherwise reach the server as a context size.

export interface Range {
  min: number;
  max: number;
  integer: boolean;
}

export const SETTING_RANGES = {
  thinkingBudget: { min: 128, max: 32768, integer: true },
  waitRounds: { min: 0, max: 8, integer: true },
  answerMaxTokens: { min: 16, max: 8192, integer: true },
  temperature: { min: 0, max: 2, integer: false },
} as const satisfies Record<string, Range>;

/** A setting's value within its range; a value that is not a number gives the default. */
export function clampSetting(value: unknown, range: Range, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  const n = range.integer ? Math.round(value) : value;
  return Math.min(range.max, Math.max(range.min, n));
}
