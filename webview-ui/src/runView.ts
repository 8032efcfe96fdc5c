// One question's reasoning as it streams: the budget meter with Wait and cut marks, the thought
// (one markdown block per round, a divider at each Wait), the answer, and the answer card.
import type { HistoryEntry, PanelEvent, RunStart } from '../../src/panel/protocol';
import { formatTokens } from './budget';
import { h } from './dom';
import type { ToHtml } from './markdown';
import { StreamBlock } from './stream';

export class RunView {
  readonly root: HTMLElement;
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
  ) {
    const s = start.settings;
    this.meterFill = h('div.meter-fill');
    this.meter = h('div.meter', { role: 'progressbar', 'aria-label': 'Thinking budget used', 'aria-valuemin': 0, 'aria-valuemax': s.budget, 'aria-valuenow': 0 }, this.meterFill);
    this.thinkSummary = h('summary', {}, 'Thinking…');
    this.thinkBody = h('div.think-body');
    this.answerSection = h('div.answer-body');
    // The one live region of a run: the final choice, said once; the streaming thought is not
    // (a screen reader would read every token).
    this.card = h('div.answer-card', { hidden: true, role: 'status' });
    this.stats = h('div.stats');
    this.root = h(
      'section.run',
      {},
      h('div.run-question', {}, start.question),
      // A chat-protocol run has no thinking budget: its reasoning section is the model's own.
      h('div.run-settings', {}, s.protocol && s.protocol !== 'm1' ? `${s.model} · chat protocol${s.protocol === 'chat-cot' ? ', CoT' : ''} · T=${s.temperature}` : `${s.model} · budget ${formatTokens(s.budget)} · ${s.waitRounds} Wait · T=${s.temperature}`),
      this.meter,
      h('details.think', { open: true }, this.thinkSummary, this.thinkBody),
      h('div.answer-label', {}, 'Answer'),
      this.answerSection,
      this.card,
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
        this.thinkTokens += ev.tokens; // chunks ≈ tokens with Ollama; the exact count arrives at the end
        break;
      }
      case 'wait': {
        this.thinkTokens = ev.tokensUsed;
        this.thinkBody.append(h('div.wait-divider', { role: 'separator' }, `Wait · round ${ev.round} · ${ev.tokensUsed.toLocaleString('en-US')} tokens so far`));
        this.mark('wait', (100 * ev.tokensUsed) / budget, `Wait ${ev.round}`);
        const block = new StreamBlock(this.thinkBody.appendChild(h('div.round')), this.toHtml);
        block.append(ev.text);
        this.dirty.add(block);
        this.rounds[ev.round] = block;
        break;
      }
      case 'budget-hit':
        this.thinkTokens = ev.tokensUsed;
        this.thinkBody.append(h('div.cut-divider', { role: 'separator' }, `Budget of ${ev.budget.toLocaleString('en-US')} tokens reached: thought cut here`));
        this.meter.classList.add('cut');
        this.mark('cut', 100, 'Cut by the budget');
        break;
      case 'answer-start':
        this.answer = new StreamBlock(this.answerSection, this.toHtml);
        if (ev.marker.endsWith('Final Answer:')) this.answerSection.before(h('div.forced', {}, 'Final Answer: (forced after the cut)'));
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
    const chat = this.start.settings.protocol && this.start.settings.protocol !== 'm1';
    this.meter.hidden = !!chat;
    this.thinkSummary.textContent = chat ? "Thinking · the model's reasoning section" : `Thinking · ${this.thinkTokens.toLocaleString('en-US')} / ${budget.toLocaleString('en-US')} tokens`;
    this.stats.textContent = `${this.thinkTokens.toLocaleString('en-US')} thinking + ${this.answerTokens.toLocaleString('en-US')} answer tokens · ${((Date.now() - this.started) / 1000).toFixed(1)} s`;
  }

  finish(entry: HistoryEntry): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.thinkTokens = entry.tokens.think;
    this.answerTokens = entry.tokens.answer;
    this.flush();
    this.stats.textContent = `${entry.tokens.think.toLocaleString('en-US')} thinking + ${entry.tokens.answer.toLocaleString('en-US')} answer tokens · ${(entry.ms / 1000).toFixed(1)} s`;
    this.card.hidden = false;
    this.card.replaceChildren(...cardContent(entry));
    this.card.className = `answer-card ${entry.status}${entry.correct === true ? ' right' : entry.correct === false ? ' wrong' : ''}`;
  }
}

function cardContent(entry: HistoryEntry): Array<Node | string> {
  if (entry.status === 'cancelled') return [h('strong', {}, 'Stopped.'), ' What was generated is kept above.'];
  if (entry.status === 'error') {
    const partial = entry.rounds.some((r) => r.text) || entry.answerText ? ' (the partial trace is kept above)' : '';
    return [h('strong', {}, 'Error: '), entry.error ?? 'unknown error', partial];
  }
  const parts: Array<Node | string> = [];
  if (entry.choice) {
    parts.push(h('span.choice-letter', {}, entry.choice), h('span.choice-text', {}, entry.options[entry.choice] ?? ''));
  } else {
    parts.push(h('span.choice-text', {}, `Extracted: ${entry.extracted ?? '—'}`));
  }
  if (entry.correct !== undefined) parts.push(h(`span.verdict.${entry.correct ? 'right' : 'wrong'}`, {}, entry.correct ? '✓ right' : `✗ wrong (gold ${entry.answer})`));
  if (entry.budgetHit) parts.push(h('span.badge', {}, 'cut by budget'));
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
