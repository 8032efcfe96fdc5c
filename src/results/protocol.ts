// Messages between the results view and the extension: what the view shows (a run, a sweep or
// a comparison, computed by the extension) and what the user asks of it.
import type { Comparison } from '../core/bench/compare';
import type { RunSummary } from '../core/bench/runner';
import type { Divergence } from '../core/traces/sideBySide';
import type { TrendPoint } from '../core/bench/trend';

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
  /** Fewer items done than planned: a run going on (the view follows it) or one stopped early. */
  unfinished?: boolean;
  /** The benchmark's runs over time (two or more), this one among them. */
  trend?: TrendPoint[];
  /** Lines of the run file left out, file:line and why (a torn or malformed line). */
  problems?: string[];
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
    /** Items whose result changes with the budget (the first MAX_CHANGED), each budget's result; null where a budget lacks it. */
    changed: Array<{ key: string; label: string; source: string; question: string; gold: string | null; results: Array<ItemStatus | null> }>;
    /** How many items change in all (more than `changed` lists when it is cut). */
    changedCount: number;
  }>;
}

export interface CompareView {
  kind: 'compare';
  title: string;
  comparison: Comparison;
}

/** Thoughts for one item next to each other, Wait round k of each in row k, the first divergence marked. */
export interface SideBySideView {
  kind: 'sideBySide';
  /** The item's key in the run files. */
  key: string;
  title: string;
  /** The question (shortened) and the gold answer. */
  subtitle: string;
  columns: Array<{ label: string; choice: string | null; correct: boolean | null; cut: boolean; response: string }>;
  /** Row k: Wait round k of each thought; null where a thought has fewer rounds. */
  rounds: Array<Array<{ think: string; waitInjected: string | null } | null>>;
  divergence: Divergence | null;
  /** A sweep's item: the Wait rounds its columns (one per budget) share. */
  waitRounds?: number;
}

export type ResultsView = RunView | SweepView | CompareView | SideBySideView;

/** An item's thought (round by round) and answer, read for a preview in the table; nothing is written. */
export interface ItemPreview {
  rounds: Array<{ think: string; waitInjected: string | null }>;
  response: string;
  /** The budget cut the thought. */
  cut: boolean;
}

/** What a results tab is made from, kept by the page so that the tab comes back after a reload. */
export type ResultsState =
  | { kind: 'run'; path: string }
  | { kind: 'sweep'; dir: string }
  | { kind: 'compare'; a: string; b: string }
  | { kind: 'sideBySide'; a: string; b: string; key: string }
  | { kind: 'sweepSideBySide'; dir: string; waitRounds: number; key: string };

/** `l10n`: the page's strings in the display language (vscode.l10n.bundle), on the first show; absent in English. */
export type ToResults = { type: 'show'; view: ResultsView; state: ResultsState; l10n?: Record<string, string> } | { type: 'preview'; key: string; preview: ItemPreview };

export type FromResults =
  | { type: 'ready' }
  | { type: 'openItem'; key: string }
  /** `run`: which run of a comparison ('a' or 'b'); absent for a single run. */
  | { type: 'openTrace'; key: string; run?: 'a' | 'b' }
  | { type: 'openRun'; budget: number; waitRounds: number }
  /** A run of the trend (one of the view's points). */
  | { type: 'openTrendRun'; path: string }
  /** An item's thoughts next to each other: a compared item's two, or (`waitRounds`, a sweep) one per budget. */
  | { type: 'sideBySide'; key: string; waitRounds?: number }
  /** A run item's thought and answer inline, under its row. */
  | { type: 'preview'; key: string }
  /** A run item's answer or whole thought to the clipboard. */
  | { type: 'copy'; key: string; part: 'answer' | 'thought' }
  /** `reasoning`: CSV or JSON of a run with each item's thought and answer text. */
  | { type: 'export'; format: 'csv' | 'json' | 'md'; reasoning?: boolean };
