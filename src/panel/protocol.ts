// The side panel's message protocol: one module imported by the extension and by webview-ui.
// Messages from the webview are validated on receipt (./validate.ts); messages to it are typed.

export const BUDGET_MIN = 128;
export const BUDGET_MAX = 32_768; // = m1.thinkingBudget's maximum (test/unit/manifest.test.ts)
export const BUDGET_PRESETS = [512, 1024, 2048, 4096, 8192] as const;
export const COMPARE_BUDGETS = [1024, 2048, 4096, 8192] as const;
/** Longest question the panel sends (a pasted article fits; a pasted book does not). */
export const MAX_QUESTION_CHARS = 50_000;

/** `m1`: budget forcing; `chat` / `chat-cot`: the baseline protocol (core/chat/protocol.ts). */
export const PANEL_PROTOCOLS = ['m1', 'chat', 'chat-cot'] as const;
export type PanelProtocol = (typeof PANEL_PROTOCOLS)[number];

/** Whether settings ask under the chat protocol (no thinking budget, no Wait rounds). */
export const isChatProtocol = (s: Pick<PanelSettings, 'protocol'>) => s.protocol === 'chat' || s.protocol === 'chat-cot';

/** m1.panel.collapseThought: when a run's thought folds away. */
export const COLLAPSE_THOUGHT = ['never', 'always', 'whenAnswerStarts'] as const;
export type CollapseThought = (typeof COLLAPSE_THOUGHT)[number];

/** What a Copy button of a finished run copies. */
export const COPY_PARTS = ['answer', 'thought'] as const;
export type CopyPart = (typeof COPY_PARTS)[number];

export interface PanelSettings {
  budget: number;
  waitRounds: number;
  temperature: number;
  model: string;
  /** Absent: m1. */
  protocol?: PanelProtocol;
}

interface QuestionFields {
  question: string;
  /** Letter → option text. */
  options: Record<string, string>;
  /** Gold letter, when the user knows the answer. */
  answer?: string;
  settings: PanelSettings;
}

/** Messages from the webview; validated on receipt by ./validate.ts. */
export type ToExtension =
  | { type: 'ready' }
  | ({ type: 'ask' } & QuestionFields)
  | ({ type: 'compare'; budgets: number[] } & QuestionFields)
  | { type: 'stop' }
  | { type: 'settings'; settings: PanelSettings }
  | { type: 'refreshModels' }
  | { type: 'rerun'; historyId: string; budget: number }
  | { type: 'openTrace'; historyId: string }
  | { type: 'deleteHistory'; historyId: string }
  /** Copies a part of a past run (looked up in history, so no text comes from the page). */
  | { type: 'copy'; historyId: string; part: CopyPart }
  | { type: 'command'; name: PanelCommand };

/** Commands the panel may ask the extension to run (nothing else gets through). */
export const PANEL_COMMANDS = ['startServer', 'getModel', 'checkServer', 'selectModel', 'openSettings', 'getOllama'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

export interface RoundView {
  text: string;
  tokens: number;
  waitInjected?: string;
  finishReason?: string;
}

/** One asked question, as the panel shows it and history stores it. */
export interface HistoryEntry {
  id: string;
  at: string;
  question: string;
  options: Record<string, string>;
  answer?: string;
  settings: PanelSettings;
  status: 'done' | 'cancelled' | 'error';
  error?: string;
  rounds: RoundView[];
  budgetHit: boolean;
  answerMarker: string;
  answerText: string;
  extracted?: string;
  choice?: string;
  correct?: boolean;
  tokens: { think: number; answer: number };
  ms: number;
}

export type ServerState = { ok: true; host: string; version: string; models: string[] } | { ok: false; host: string; message: string };

export type PanelEvent =
  /** `tokens`: stream chunks merged into this event: a live estimate (a chunk holds one token or more), the final counts come with the result. */
  | { type: 'think'; round: number; text: string; tokens: number }
  | { type: 'wait'; round: number; text: string; tokensUsed: number }
  | { type: 'budget-hit'; tokensUsed: number; budget: number }
  | { type: 'answer-start'; marker: string }
  | { type: 'answer'; text: string; tokens: number };

/** Appends an event, merging text deltas into the previous event of the same kind (fewer, larger messages). */
export function appendEvent(list: PanelEvent[], ev: PanelEvent): void {
  const last = list[list.length - 1];
  if (last?.type === 'think' && ev.type === 'think' && last.round === ev.round) {
    list[list.length - 1] = { ...last, text: last.text + ev.text, tokens: last.tokens + ev.tokens };
  } else if (last?.type === 'answer' && ev.type === 'answer') {
    list[list.length - 1] = { ...last, text: last.text + ev.text, tokens: last.tokens + ev.tokens };
  } else {
    list.push(ev);
  }
}

export interface RunStart {
  runId: string;
  question: string;
  options: Record<string, string>;
  answer?: string;
  settings: PanelSettings;
}

export interface CompareRow {
  budget: number;
  choice?: string;
  correct?: boolean;
  thinkTokens: number;
  budgetHit: boolean;
  status: HistoryEntry['status'];
  error?: string;
  historyId: string;
}

export type ToWebview =
  /** `l10n`: the page's strings in the display language (vscode.l10n.bundle; absent in English). */
  | { type: 'init'; settings: PanelSettings; collapseThought: CollapseThought; history: HistoryEntry[]; server?: ServerState; running?: { start: RunStart; events: PanelEvent[] }; l10n?: Record<string, string> }
  | { type: 'server'; server: ServerState }
  | { type: 'run-start'; start: RunStart }
  | { type: 'events'; runId: string; events: PanelEvent[] }
  | { type: 'run-end'; runId: string; entry: HistoryEntry }
  | { type: 'history'; history: HistoryEntry[] }
  | { type: 'compare'; compareId: string; question: string; budgets: number[]; rows: CompareRow[]; done: boolean }
  | { type: 'prefill'; question: string; options: Record<string, string> }
  | { type: 'error'; message: string }
  /** A Copy button's text is on the clipboard (said once to a screen reader). */
  | { type: 'copied'; historyId: string; part: CopyPart }
  /** Something the user can fix with a command (a missing model…), shown with those commands as buttons. */
  | { type: 'notice'; message: string; actions: PanelCommand[] };
