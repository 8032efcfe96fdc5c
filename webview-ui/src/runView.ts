// One question's reasoning as it streams: the budget meter with Wait and cut marks, the thought
// (one markdown block per round, a divider at each Wait), the answer, and the answer card.
import * as l10n from '@vscode/l10n';
import { isChatProtocol, type CollapseThought, type CopyPart, type HistoryEntry, type PanelEvent, type PanelSettings, type RunStart } from '../../src/panel/protocol';
import { formatTokens } from './budget';
import { h } from './dom';
import type { ToHtml } from './markdown';
import { StreamBlock } from './stream';

/** How a run view folds its thought, and what its Copy buttons do. */
export interface RunViewOptions {
  collapse: CollapseThought;
  onCopy(historyId: string, part: CopyPart): void;
}

/** The settings line of a run: a chat-protocol run has no budget or Wait rounds to show. */
export function settingsText(s: PanelSettings): string {
  return isChatProtocol(s) ? `${s.model} · ${chatProtocolText(s)} · T=${s.temperature}` : `${s.model} · ${l10n.t('budget {0}', formatTokens(s.budget))} · ${l10n.t('{0} Wait', s.waitRounds)} · T=${s.temperature}`;
}

const chatProtocolText = (s: PanelSettings) => (s.protocol === 'chat-cot' ? l10n.t('chat protocol, CoT') : l10n.t('chat protocol'));

function tokenCount(n: number): string {
  return n === 1 ? l10n.t('{0} token', n.toLocaleString('en-US')) : l10n.t('{0} tokens', n.toLocaleString('en-US'));
}

/** A history row's second line: the answer, then what applies to the run's protocol. */
export function historyMeta(entry: HistoryEntry): string {
  const verdict = entry.correct === undefined ? '' : entry.correct ? ' ✓' : ' ✗';
  const choice = entry.choice ? `${entry.choice}${verdict} · ` : '';
  const s = entry.settings;
  const run = isChatProtocol(s) ? `${chatProtocolText(s)} · ${tokenCount(entry.tokens.answer)}` : `${l10n.t('{0} budget', formatTokens(s.budget))} · ${tokenCount(entry.tokens.think)}`;
  return `${choice}${run} · ${entry.status}`;
}

export class RunView {
  readonly root: HTMLElement;
  private readonly think: HTMLDetailsElement;
  private readonly copyRow: HTMLElement;
  private readonly meterFill: HTMLElement;
  private readonly meter: HTMLElement;
  private readonly thinkSummary: HTMLElement;
  private readonly thinkBody: HTMLElement;
  private readonly answerSection: HTMLElement;
  private readonly card: HTMLElement;
  private readonly stats: HTMLElement;
  private rounds: StreamBlock[] = [];
  private answer: StreamBlock | undefined;
  private dirty = new Set<StreamBlock>();
  private frame = 0;
  private thinkTokens = 0;
  private answerTokens = 0;
  private readonly started = Date.now();

  constructor(
    readonly start: RunStart,
    private readonly toHtml: ToHtml,
    private readonly options: RunViewOptions,
  ) {
    const s = start.settings;
    this.meterFill = h('div.meter-fill');
    this.meter = h('div.meter', { role: 'progressbar', 'aria-label': l10n.t('Thinking budget used'), 'aria-valuemin': 0, 'aria-valuemax': s.budget, 'aria-valuenow': 0 }, this.meterFill);
    this.thinkSummary = h('summary', {}, l10n.t('Thinking…'));
    this.thinkBody = h('div.think-body');
    this.answerSection = h('div.answer-body');
    // The one live region of a run: the final choice, said once; the streaming thought is not
    // (a screen reader would read every token).
    this.card = h('div.answer-card', { hidden: true, role: 'status' });
    this.stats = h('div.stats');
    this.think = h('details.think', { open: options.collapse !== 'always' }, this.thinkSummary, this.thinkBody);
    this.copyRow = h('div.row.copy-row', { hidden: true });
    this.root = h(
      'section.run',
      {},
      h('div.run-question', {}, start.question),
      h('div.run-settings', {}, settingsText(s)),
      this.meter,
      this.think,
      h('div.answer-label', {}, l10n.t('Answer')),
      this.answerSection,
      this.card,
      this.copyRow,
      this.stats,
    );
    this.rounds.push(new StreamBlock(this.thinkBody.appendChild(h('div.round')), toHtml));
  }

  apply(events: PanelEvent[]): void {
    for (const ev of events) this.applyOne(ev);
    this.schedule();
  }

  private applyOne(ev: PanelEvent): void {
    const budget = this.start.settings.budget;
    switch (ev.type) {
      case 'think': {
        while (this.rounds.length <= ev.round) this.rounds.push(new StreamBlock(this.thinkBody.appendChild(h('div.round')), this.toHtml));
        const block = this.rounds[ev.round]!;
        block.append(ev.text);
        this.dirty.add(block);
        this.thinkTokens += ev.tokens; // a live estimate (a chunk holds one token or more); the exact count arrives at the end
        break;
      }
      case 'wait': {
        this.thinkTokens = ev.tokensUsed;
        this.thinkBody.append(h('div.wait-divider', { role: 'separator' }, l10n.t('Wait · round {0} · {1} tokens so far', ev.round, ev.tokensUsed.toLocaleString('en-US'))));
        this.mark('wait', (100 * ev.tokensUsed) / budget, l10n.t('Wait {0}', ev.round));
        const block = new StreamBlock(this.thinkBody.appendChild(h('div.round')), this.toHtml);
        block.append(ev.text);
        this.dirty.add(block);
        this.rounds[ev.round] = block;
        break;
      }
      case 'budget-hit':
        this.thinkTokens = ev.tokensUsed;
        this.thinkBody.append(h('div.cut-divider', { role: 'separator' }, l10n.t('Budget of {0} tokens reached: thought cut here', ev.budget.toLocaleString('en-US'))));
        this.meter.classList.add('cut');
        this.mark('cut', 100, l10n.t('Cut by the budget'));
        break;
      case 'answer-start':
        this.answer = new StreamBlock(this.answerSection, this.toHtml);
        if (this.options.collapse === 'whenAnswerStarts') this.think.open = false;
        if (ev.marker.endsWith('Final Answer:')) this.answerSection.before(h('div.forced', {}, l10n.t('Final Answer: (forced after the cut)')));
        break;
      case 'answer':
        this.answer?.append(ev.text);
        if (this.answer) this.dirty.add(this.answer);
        this.answerTokens += ev.tokens;
        break;
    }
  }

  /** A mark on the meter (positioned through CSSOM: the CSP allows no inline style attributes). */
  private mark(kind: 'wait' | 'cut', percent: number, title: string): void {
    const el = this.meter.appendChild(h(`div.meter-mark.${kind}`, { title }));
    el.style.left = `${Math.min(100, percent)}%`;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.flush();
    });
  }

  /** Renders everything pending now (also used when the run ends). */
  flush(): void {
    for (const block of this.dirty) block.render();
    this.dirty.clear();
    const budget = this.start.settings.budget;
    this.meterFill.style.width = `${Math.min(100, (100 * this.thinkTokens) / budget)}%`;
    this.meter.setAttribute('aria-valuenow', String(this.thinkTokens));
    const chat = isChatProtocol(this.start.settings);
    this.meter.hidden = chat;
    this.thinkSummary.textContent = chat ? l10n.t("Thinking · the model's reasoning section") : l10n.t('Thinking · {0} / {1} tokens', this.thinkTokens.toLocaleString('en-US'), budget.toLocaleString('en-US'));
    this.stats.textContent = this.statsText(this.thinkTokens, this.answerTokens, Date.now() - this.started);
  }

  /** A chat run has one output (its reasoning section included), counted once. */
  private statsText(think: number, answer: number, ms: number): string {
    const n = (x: number) => x.toLocaleString('en-US');
    const tokens = isChatProtocol(this.start.settings) ? tokenCount(answer) : l10n.t('{0} thinking + {1} answer tokens', n(think), n(answer));
    return `${tokens} · ${(ms / 1000).toFixed(1)} s`;
  }

  finish(entry: HistoryEntry): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    // A stopped or failed run has no final count for its last round: keep the live estimate then.
    const exact = entry.status === 'done';
    this.thinkTokens = exact ? entry.tokens.think : Math.max(entry.tokens.think, this.thinkTokens);
    this.answerTokens = exact ? entry.tokens.answer : Math.max(entry.tokens.answer, this.answerTokens);
    this.flush();
    this.stats.textContent = this.statsText(this.thinkTokens, this.answerTokens, entry.ms);
    this.card.hidden = false;
    this.card.replaceChildren(...cardContent(entry));
    this.card.className = `answer-card ${entry.status}${entry.correct === true ? ' right' : entry.correct === false ? ' wrong' : ''}`;
    const copy = (part: CopyPart, label: string, has: boolean) =>
      h('button.secondary', { type: 'button', 'aria-label': l10n.t('{0} to the clipboard', label), 'data-copy': part, disabled: !has, onclick: () => this.options.onCopy(entry.id, part) }, label);
    this.copyRow.replaceChildren(
      copy('answer', l10n.t('Copy answer'), entry.answerText.trim() !== ''),
      copy('thought', l10n.t('Copy thought'), entry.rounds.some((r) => r.text.trim() !== '')),
      h('span.copied', { role: 'status' }),
    );
    this.copyRow.hidden = false;
  }

  /** Confirms a copy next to its button (the status region says it once). */
  copied(historyId: string, part: CopyPart): void {
    if (historyId !== this.start.runId) return;
    const note = this.copyRow.querySelector('.copied');
    if (note) note.textContent = part === 'answer' ? l10n.t('Answer copied') : l10n.t('Thought copied');
  }
}

function cardContent(entry: HistoryEntry): Array<Node | string> {
  if (entry.status === 'cancelled') return [h('strong', {}, l10n.t('Stopped.')), ' ', l10n.t('What was generated is kept above.')];
  if (entry.status === 'error') {
    const partial = entry.rounds.some((r) => r.text) || entry.answerText ? ` ${l10n.t('(the partial trace is kept above)')}` : '';
    return [h('strong', {}, l10n.t('Error:')), ' ', entry.error ?? l10n.t('unknown error'), partial];
  }
  const parts: Array<Node | string> = [];
  if (entry.choice) {
    parts.push(h('span.choice-letter', {}, entry.choice), h('span.choice-text', {}, entry.options[entry.choice] ?? ''));
  } else {
    parts.push(h('span.choice-text', {}, l10n.t('Extracted: {0}', entry.extracted ?? '—')));
  }
  if (entry.correct !== undefined) parts.push(h(`span.verdict.${entry.correct ? 'right' : 'wrong'}`, {}, entry.correct ? l10n.t('✓ right') : l10n.t('✗ wrong (gold {0})', entry.answer ?? '')));
  if (entry.budgetHit) parts.push(h('span.badge', {}, isChatProtocol(entry.settings) ? l10n.t('cut at the token cap') : l10n.t('cut by budget')));
  return parts;
}

/** The events that replay a finished entry (history → view). */
export function eventsOf(entry: HistoryEntry): PanelEvent[] {
  const events: PanelEvent[] = [];
  let used = 0;
  entry.rounds.forEach((r, i) => {
    events.push({ type: 'think', round: i, text: r.text, tokens: r.tokens });
    used += r.tokens;
    if (r.waitInjected) {
      used += 1;
      events.push({ type: 'wait', round: i + 1, text: r.waitInjected, tokensUsed: used });
    }
  });
  if (entry.budgetHit) events.push({ type: 'budget-hit', tokensUsed: entry.tokens.think, budget: entry.settings.budget });
  if (entry.answerMarker) events.push({ type: 'answer-start', marker: entry.answerMarker }, { type: 'answer', text: entry.answerText, tokens: entry.tokens.answer });
  return events;
}
