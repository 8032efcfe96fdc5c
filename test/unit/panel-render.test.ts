import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import type { HistoryEntry, PanelEvent } from '../../src/panel/protocol';
import { budgetToSlider, sliderToBudget } from '../../webview-ui/src/budget';
import { markdownRenderer } from '../../webview-ui/src/markdown';
import { RunView, historyMeta, settingsText, type RunViewOptions } from '../../webview-ui/src/runView';
import { StreamBlock, lastBlockBoundary } from '../../webview-ui/src/stream';

const dom = new JSDOM('<!DOCTYPE html><body></body>', { pretendToBeVisual: true });
const win = dom.window as unknown as Window & typeof globalThis;
Object.assign(globalThis, { document: win.document, requestAnimationFrame: win.requestAnimationFrame.bind(win), cancelAnimationFrame: win.cancelAnimationFrame.bind(win) });
const toHtml = markdownRenderer(win);
const copies: Array<[string, string]> = [];
const opts = (collapse: RunViewOptions['collapse'] = 'never'): RunViewOptions => ({ collapse, onCopy: (id, part) => copies.push([id, part]) });

function html(markdown: string): HTMLElement {
  const div = win.document.createElement('div');
  div.append(toHtml(markdown));
  return div;
}

describe('panel renderer: model text is untrusted', () => {
  it('shows raw HTML as text, never as elements', () => {
    const el = html('Before <script>alert(1)</script> <img src=x onerror="alert(2)"> <b onclick="x()">bold</b> after');
    assert.equal(el.querySelector('script, img, b'), null);
    assert.match(el.textContent!, /<script>alert\(1\)<\/script>/);
    assert.match(el.textContent!, /<img src=x onerror="alert\(2\)">/);
  });
  it('loads no remote images and keeps only safe links', () => {
    const el = html('![scan](https://evil.example/pixel.png) [ok](https://pubmed.ncbi.nlm.nih.gov/) [bad](javascript:alert(1))');
    assert.equal(el.querySelector('img'), null);
    assert.match(el.textContent!, /\[image: scan https:\/\/evil\.example\/pixel\.png\]/);
    const links = [...el.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    assert.deepEqual(links, ['https://pubmed.ncbi.nlm.nih.gov/', null]);
  });
  it('renders markdown (emphasis, lists, code)', () => {
    const el = html('**ST elevation** in:\n\n- II\n- III\n\n```\ncode <b>\n```');
    assert.equal(el.querySelector('strong')?.textContent, 'ST elevation');
    assert.equal(el.querySelectorAll('li').length, 2);
    assert.equal(el.querySelector('pre code')?.textContent, 'code <b>\n');
  });
});

describe('panel renderer: incremental streaming', () => {
  it('finds block boundaries outside code fences only', () => {
    assert.equal(lastBlockBoundary('a\n\nb', 0), 3);
    assert.equal(lastBlockBoundary('a\n\n```\nx\n\ny\n', 0), 3, 'a blank line inside an open fence is no boundary');
    assert.equal(lastBlockBoundary('```\nx\n\n```\n\nz', 0), 12);
    assert.equal(lastBlockBoundary('no boundary yet', 0), 0);
  });
  it('renders the same text whatever the chunking, and only re-renders the open block', () => {
    const text = 'First paragraph with *emphasis*.\n\nSecond one, with a list:\n\n- a\n- b\n\n```\nfenced\n\ncode\n```\n\nLast words';
    const whole = html(text);
    for (const size of [1, 3, 7, 50]) {
      const root = win.document.createElement('div');
      let calls = 0;
      const block = new StreamBlock(root, (md) => {
        calls++;
        return toHtml(md);
      });
      for (let i = 0; i < text.length; i += size) {
        block.append(text.slice(i, i + size));
        block.render();
      }
      assert.equal(root.textContent!.replace(/\s+/g, ' ').trim(), whole.textContent!.replace(/\s+/g, ' ').trim(), `chunk size ${size}`);
      assert.equal(block.source, text);
      assert.ok(calls <= Math.ceil(text.length / size) + 6, 'each render converts the open block, plus each finished block once');
    }
  });
  it('maps the log-scale slider to budgets between 128 and 32,768', () => {
    assert.equal(sliderToBudget(0), 128);
    assert.equal(sliderToBudget(1000), 32768);
    assert.equal(sliderToBudget(budgetToSlider(4096)), 4096);
    assert.equal(sliderToBudget(budgetToSlider(1024)), 1024);
    const step = (a: number, b: number) => budgetToSlider(b) - budgetToSlider(a);
    assert.ok(Math.abs(step(512, 1024) - step(1024, 2048)) <= 1, 'equal steps double the budget');
  });
});

describe('panel run view', () => {
  it('shows Wait dividers, the budget meter marks, the cut and the answer card', () => {
    const settings = { budget: 100, waitRounds: 2, temperature: 0, model: 'm1-7b-23k' };
    const view = new RunView({ runId: 'r', question: 'Which artery?', options: { A: 'LAD', C: 'RCA' }, answer: 'C', settings }, toHtml, opts());
    const events: PanelEvent[] = [
      { type: 'think', round: 0, text: 'Inferior leads. ', tokens: 3 },
      { type: 'wait', round: 1, text: ' Wait', tokensUsed: 4 },
      { type: 'think', round: 1, text: ', RCA. <script>x()</script>', tokens: 4 },
      { type: 'wait', round: 2, text: ' Wait', tokensUsed: 9 },
      { type: 'think', round: 2, text: ' still RCA', tokens: 91 },
      { type: 'budget-hit', tokensUsed: 100, budget: 100 },
      { type: 'answer-start', marker: '<|im_start|>answer\nFinal Answer:' },
      { type: 'answer', text: ' \\boxed{C}', tokens: 5 },
    ];
    view.apply(events);
    view.flush();
    const root = view.root;
    assert.equal(root.querySelectorAll('.wait-divider').length, 2);
    assert.match(root.querySelectorAll('.wait-divider')[1]!.textContent!, /Wait · round 2 · 9 tokens so far/);
    assert.equal(root.querySelectorAll('.meter-mark.wait').length, 2);
    assert.equal((root.querySelector('.meter-mark.wait') as HTMLElement).style.left, '4%');
    assert.equal(root.querySelectorAll('.meter-mark.cut').length, 1);
    assert.equal(root.querySelector('.cut-divider')?.textContent, 'Budget of 100 tokens reached: thought cut here');
    assert.equal(root.querySelector('script'), null);
    assert.deepEqual(
      [...root.querySelectorAll('.round')].map((r) => r.textContent!.trim()),
      ['Inferior leads.', 'Wait, RCA. <script>x()</script>', 'Wait still RCA'],
    );
    assert.equal(root.querySelector('.forced')?.textContent, 'Final Answer: (forced after the cut)');
    assert.equal((root.querySelector('.meter-fill') as HTMLElement).style.width, '100%');
    const entry: HistoryEntry = {
      id: 'r', at: '2026-01-01T00:00:00Z', question: 'Which artery?', options: { A: 'LAD', C: 'RCA' }, answer: 'C', settings, status: 'done',
      rounds: [], budgetHit: true, answerMarker: '', answerText: '', extracted: 'C', choice: 'C', correct: true, tokens: { think: 100, answer: 5 }, ms: 1234,
    };
    view.finish(entry);
    const card = root.querySelector('.answer-card')!;
    assert.equal(card.hasAttribute('hidden'), false);
    assert.match(card.textContent!, /CRCA✓ rightcut by budget/);
    assert.match(root.querySelector('.stats')!.textContent!, /100 thinking \+ 5 answer tokens · 1\.2 s/);
    // A screen reader hears the final choice once, not every token of the thought (and a copy's confirmation).
    const live = [root, ...root.querySelectorAll('*')].filter((el) => el.hasAttribute('aria-live') || ['status', 'alert', 'log'].includes(el.getAttribute('role') ?? ''));
    assert.deepEqual(live, [card, root.querySelector('.copied')]);
  });

  it('keeps the streamed count of a stopped run, which has no final count for its last round', () => {
    const settings = { budget: 8192, waitRounds: 0, temperature: 0, model: 'm1' };
    const view = new RunView({ runId: 's', question: 'Q', options: {}, settings }, toHtml, opts());
    view.apply([{ type: 'think', round: 0, text: 'Fourteen tokens of thought', tokens: 14 }]);
    const entry: HistoryEntry = {
      id: 's', at: '2026-01-01T00:00:00Z', question: 'Q', options: {}, settings, status: 'cancelled',
      rounds: [{ text: 'Fourteen tokens of thought', tokens: 0 }], budgetHit: false, answerMarker: '', answerText: '', tokens: { think: 0, answer: 0 }, ms: 500,
    };
    view.finish(entry);
    assert.equal(view.root.querySelector('details.think summary')!.textContent, 'Thinking · 14 / 8,192 tokens');
    assert.match(view.root.querySelector('.stats')!.textContent!, /^14 thinking \+ 0 answer tokens/);
    // A finished run shows the server's exact count, even below the streamed estimate.
    const done = new RunView({ runId: 'd', question: 'Q', options: {}, settings }, toHtml, opts());
    done.apply([{ type: 'think', round: 0, text: 'x', tokens: 14 }]);
    done.finish({ ...entry, id: 'd', status: 'done', tokens: { think: 12, answer: 3 } });
    assert.match(done.root.querySelector('.stats')!.textContent!, /^12 thinking \+ 3 answer tokens/);
  });

  it('folds the thought as m1.panel.collapseThought says', () => {
    const settings = { budget: 100, waitRounds: 0, temperature: 0, model: 'm1' };
    const open = (collapse: RunViewOptions['collapse'], events: PanelEvent[]) => {
      const view = new RunView({ runId: 'c', question: 'Q', options: {}, settings }, toHtml, opts(collapse));
      view.apply(events);
      return (view.root.querySelector('details.think') as HTMLDetailsElement).open;
    };
    const thinking: PanelEvent[] = [{ type: 'think', round: 0, text: 'Reasoning', tokens: 1 }];
    const answered: PanelEvent[] = [...thinking, { type: 'answer-start', marker: '<|im_start|>answer' }, { type: 'answer', text: 'B', tokens: 1 }];
    assert.deepEqual(
      (['never', 'always', 'whenAnswerStarts'] as const).map((c) => [open(c, thinking), open(c, answered)]),
      [
        [true, true],
        [false, false],
        [true, false],
      ],
    );
  });

  it('offers Copy answer and Copy thought once the run ends, as labelled buttons', () => {
    const settings = { budget: 100, waitRounds: 0, temperature: 0, model: 'm1' };
    const view = new RunView({ runId: 'k', question: 'Q', options: {}, settings }, toHtml, opts());
    const row = view.root.querySelector('.copy-row') as HTMLElement;
    assert.equal(row.hidden, true, 'nothing to copy while the run streams');
    const entry: HistoryEntry = {
      id: 'k', at: '2026-01-01T00:00:00Z', question: 'Q', options: {}, settings, status: 'done',
      rounds: [{ text: 'Reasoning', tokens: 1 }], budgetHit: false, answerMarker: '<|im_start|>answer', answerText: 'B', tokens: { think: 1, answer: 1 }, ms: 1,
    };
    view.finish(entry);
    assert.equal(row.hidden, false);
    const buttons = [...row.querySelectorAll('button')];
    assert.deepEqual(buttons.map((b) => [b.textContent, b.getAttribute('aria-label'), b.disabled]), [
      ['Copy answer', 'Copy answer to the clipboard', false],
      ['Copy thought', 'Copy thought to the clipboard', false],
    ]);
    copies.length = 0;
    buttons[1]!.click();
    assert.deepEqual(copies, [['k', 'thought']]);
    view.copied('other', 'thought');
    assert.equal(row.querySelector('.copied')!.textContent, '', 'a copy of another run is not confirmed here');
    view.copied('k', 'thought');
    assert.equal(row.querySelector('.copied')!.textContent, 'Thought copied');
    // A chat answer without a reasoning section has no thought to copy.
    const chat = new RunView({ runId: 'n', question: 'Q', options: {}, settings: { ...settings, protocol: 'chat' } }, toHtml, opts());
    chat.finish({ ...entry, id: 'n', rounds: [], settings: { ...settings, protocol: 'chat' } });
    assert.deepEqual([...chat.root.querySelectorAll<HTMLButtonElement>('.copy-row button')].map((b) => b.disabled), [false, true]);
    assert.equal(chat.root.querySelector('.stats')!.textContent, '1 token · 0.0 s', 'one output, counted once');
  });

  it('describes a run by what applies to its protocol: budget and Wait for m1, neither for chat', () => {
    const m1 = { budget: 1024, waitRounds: 2, temperature: 0, model: 'm1-7b-23k' };
    const chat = { ...m1, model: 'r1-distill:7b', protocol: 'chat-cot' as const };
    const entry: HistoryEntry = {
      id: 'h', at: '2026-01-01T00:00:00Z', question: 'Q', options: { A: 'x' }, answer: 'A', settings: m1, status: 'done',
      rounds: [], budgetHit: false, answerMarker: '', answerText: '', choice: 'A', correct: true, tokens: { think: 170, answer: 28 }, ms: 1,
    };
    assert.equal(historyMeta(entry), 'A ✓ · 1K budget · 170 tokens · done');
    assert.equal(historyMeta({ ...entry, settings: chat, correct: false }), 'A ✗ · chat protocol, CoT · 28 tokens · done');
    assert.equal(settingsText(m1), 'm1-7b-23k · budget 1K · 2 Wait · T=0');
    assert.equal(settingsText(chat), 'r1-distill:7b · chat protocol, CoT · T=0');
  });
});

describe('panel run view: faults', () => {
  it('keeps the partial thought and marks an error', () => {
    const settings = { budget: 100, waitRounds: 0, temperature: 0, model: 'm1' };
    const view = new RunView({ runId: 'e', question: 'Q', options: {}, settings }, toHtml, opts());
    view.apply([{ type: 'think', round: 0, text: 'Partial reasoning', tokens: 2 }]);
    view.finish({
      id: 'e', at: '2026-01-01T00:00:00Z', question: 'Q', options: {}, settings, status: 'error', error: 'Ollama at http://x reported an error while generating: boom',
      rounds: [{ text: 'Partial reasoning', tokens: 0 }], budgetHit: false, answerMarker: '', answerText: '', tokens: { think: 2, answer: 0 }, ms: 10,
    });
    assert.match(view.root.querySelector('.think-body')!.textContent!, /Partial reasoning/);
    const card = view.root.querySelector('.answer-card')!;
    assert.ok(card.classList.contains('error'));
    assert.match(card.textContent!, /^Error: Ollama at http:\/\/x reported an error while generating: boom \(the partial trace is kept above\)$/);
  });
});
