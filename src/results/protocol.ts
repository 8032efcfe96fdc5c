// Messages between the results view and the extension: what the view shows (a run, a sweep or
// a comparison, computed by the extension) and what the user asks of it.
import type { Comparison } from '../core/bench/compare';
import type { RunSummary } from '../core/bench/runner';

export type ItemStatus = 'right' | 'wrong' | 'extraction-failed' | 'unscored';

export interface ItemRow {
  key: string;
  source: string;
  index: number;
  id?: string;
  /** The question, shortened. */
  question: string;
  gold: string | null;
  choice: string | null;
  status: ItemStatus;
  think: number;
  answer: number;
  cut: boolean;
  ms: number;
}

export interface RunView {
  kind: 'run';
  title: string;
  /** One line: benchmark, model, budget, Wait rounds, items. */
  subtitle: string;
  summary: RunSummary;
  rows: ItemRow[];
  charts: { think: string; answer: string };
  finish: { cut: number; stopped: number };
}

export interface SweepView {
  kind: 'sweep';
  title: string;
  subtitle: string;
  budgets: number[];
  /** One block per number of Wait rounds. */
  blocks: Array<{
    waitRounds: number;
    chart: string;
    sources: Array<{ name: string; accuracies: Array<number | null>; best: { budget: number; accuracy: number; ci95: [number, number] } | null }>;
  }>;
}

export interface CompareView {
  kind: 'compare';
  title: string;
  comparison: Comparison;
}

export type ResultsView = RunView | SweepView | CompareView;

export type ToResults = { type: 'show'; view: ResultsView };

export type FromResults =
  | { type: 'ready' }
  | { type: 'openItem'; key: string }
  /** `run`: which run of a comparison ('a' or 'b'); absent for a single run. */
  | { type: 'openTrace'; key: string; run?: 'a' | 'b' }
  | { type: 'openRun'; budget: number; waitRounds: number }
  | { type: 'export'; format: 'csv' | 'json' | 'md' };
