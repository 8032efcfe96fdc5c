// The thinking-budget slider is logarithmic: equal steps double the budget.
import { BUDGET_MAX, BUDGET_MIN } from '../../src/panel/protocol';

const LOG_MIN = Math.log2(BUDGET_MIN);
const LOG_MAX = Math.log2(BUDGET_MAX);
export const SLIDER_STEPS = 1000;

export function sliderToBudget(position: number): number {
  const raw = 2 ** (LOG_MIN + ((LOG_MAX - LOG_MIN) * position) / SLIDER_STEPS);
  // Round to a multiple of 64 (or of 16 at the small end) so values read well.
  const step = raw < 1024 ? 16 : 64;
  return Math.min(BUDGET_MAX, Math.max(BUDGET_MIN, Math.round(raw / step) * step));
}

export function budgetToSlider(budget: number): number {
  const clamped = Math.min(BUDGET_MAX, Math.max(BUDGET_MIN, budget));
  return Math.round(((Math.log2(clamped) - LOG_MIN) / (LOG_MAX - LOG_MIN)) * SLIDER_STEPS);
}

export function formatTokens(n: number): string {
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024}K` : n.toLocaleString('en-US');
}
