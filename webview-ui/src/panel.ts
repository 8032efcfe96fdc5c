// The m1 side panel. Talks to the extension only through src/panel/protocol.ts. Loaded by ./main.ts
// once the strings are configured: its elements are built when this module loads.
import * as l10n from '@vscode/l10n';
import { BUDGET_PRESETS, COMPARE_BUDGETS, PANEL_PROTOCOLS, isChatProtocol, type CollapseThought, type PanelProtocol, type CompareRow, type HistoryEntry, type PanelCommand, type PanelSettings, type ServerState, type ToWebview } from '../../src/panel/protocol';
import { OPTION_LETTERS } from '../../src/core/prompt';
import { splitQuestion } from '../../src/core/questionText';
import { SLIDER_STEPS, budgetToSlider, formatTokens, sliderToBudget } from './budget';
import { h } from './dom';
import { markdownRenderer } from './markdown';
import { send, vscodeApi as vscode, type Draft } from './panelApi';
import { RunView, eventsOf, historyMeta, type RunViewOptions } from './runView';

const toHtml = markdownRenderer(window);

let settings: PanelSettings = { budget: 4096, waitRounds: 0, temperature: 0, model: 'm1-7b-23k' };
let server: ServerState | undefined;
let collapse: CollapseThought = 'whenAnswerStarts';
let history: HistoryEntry[] = [];
let run: RunView | undefined;
let running = false;
let runSeq = 0; // numbers each run view shown (data-seq), so a user or a test can tell runs apart
let comparing = false; // while a comparison runs, its table stays in view instead of each run
const draft: Draft = vscode.getState() ?? { question: '', options: [], answer: '' };

// ── elements ────────────────────────────────────────────────────────────────
const banner = h('div.banner', { hidden: true, role: 'alert' });
const questionBox = h('textarea.question', {
  rows: 4,
  placeholder: l10n.t('Ask a medical question. Paste a block with "A. … B. …" lines to fill the options. Ctrl+Enter sends.'),
  'aria-label': l10n.t('Question'),
}) as HTMLTextAreaElement;
const optionList = h('div.options', { role: 'list', 'aria-label': l10n.t('Answer options') });
const answerSelect = h('select.gold', { 'aria-label': l10n.t('Known answer') }) as HTMLSelectElement;
const slider = h('input.budget-slider', { type: 'range', min: 0, max: SLIDER_STEPS, 'aria-label': l10n.t('Thinking budget') }) as HTMLInputElement;
const budgetLabel = h('span.budget-value');
const waitInput = h('input.wait', { type: 'number', min: 0, max: 8, step: 1, 'aria-label': l10n.t('Wait rounds') }) as HTMLInputElement;
const tempInput = h('input.temperature', { type: 'number', min: 0, max: 2, step: 0.1, 'aria-label': l10n.t('Temperature') }) as HTMLInputElement;
const modelSelect = h('select.model', { 'aria-label': l10n.t('Model') }) as HTMLSelectElement;
// m1's budget forcing, or the m1 paper's baseline protocol for other models (the budget and Wait rounds then do not apply).
const PROTOCOL_LABELS: Record<PanelProtocol, string> = { m1: l10n.t('m1 (budget forcing)'), chat: l10n.t('Chat (baseline model)'), 'chat-cot': l10n.t('Chat, step by step (CoT)') };
const protocolSelect = h('select.protocol', { 'aria-label': l10n.t('Protocol') }, ...PANEL_PROTOCOLS.map((p) => h('option', { value: p }, PROTOCOL_LABELS[p]))) as HTMLSelectElement;
const askButton = h('button.primary', { type: 'button', onclick: () => ask() }, l10n.t('Ask'));
const stopButton = h('button.secondary', { type: 'button', disabled: true, onclick: () => send({ type: 'stop' }) }, l10n.t('Stop'));
const compareButton = h('button.secondary', { type: 'button', title: l10n.t('Ask again at {0} tokens', COMPARE_BUDGETS.map(formatTokens).join(', ')), onclick: () => ask(true) }, l10n.t('Compare budgets'));
const formError = h('div.form-error', { role: 'alert' });
const runArea = h('div.run-area');
const compareArea = h('div.compare-area');
const historyList = h('div.history', { role: 'list' });

const presets = h(
  'div.presets',
  {},
  ...BUDGET_PRESETS.map((b) => h('button.preset', { type: 'button', 'data-budget': b, onclick: () => setBudget(b) }, formatTokens(b))),
);

document.body.append(
  banner,
  h('label.field-label', { for: 'q' }, l10n.t('Question')),
  questionBox,
  optionList,
  h('div.row', {}, h('button.link', { type: 'button', onclick: () => addOption('') }, l10n.t('+ Add option')), h('label.inline', {}, l10n.t('Known answer'), ' ', answerSelect)),
  h('div.field-label', {}, l10n.t('Thinking budget'), ' ', budgetLabel),
  slider,
  presets,
  h('div.note', {}, l10n.t('About 4K tokens was the m1 paper’s optimum; more can degrade answers (overthinking).')),
  h(
    'div.row.controls',
    {},
    h('label.inline', {}, l10n.t('“Wait” rounds'), ' ', waitInput),
    h('label.inline', {}, l10n.t('Temperature'), ' ', tempInput),
  ),
  h('div.row.controls', {}, h('label.inline.grow', {}, l10n.t('Model'), ' ', modelSelect), h('button.icon', { type: 'button', title: l10n.t('Refresh models'), 'aria-label': l10n.t('Refresh models'), onclick: () => send({ type: 'refreshModels' }) }, '⟳')),
  h('div.row.controls', {}, h('label.inline.grow', {}, l10n.t('Protocol'), ' ', protocolSelect)),
  h('div.row.actions', {}, askButton, stopButton, compareButton),
  formError,
  compareArea,
  runArea,
  h('h3', {}, l10n.t('History')),
  historyList,
);
questionBox.id = 'q';

// ── form state ──────────────────────────────────────────────────────────────
function optionInputs(): HTMLInputElement[] {
  return [...optionList.querySelectorAll<HTMLInputElement>('input.option')];
}

function currentOptions(): Record<string, string> {
  const out: Record<string, string> = {};
  optionInputs().forEach((input, i) => {
    if (input.value.trim()) out[OPTION_LETTERS[i]!] = input.value.trim();
  });
  return out;
}

function renderOptions(values: string[]): void {
  optionList.replaceChildren(
    ...values.map((v, i) =>
      h(
        'div.option-row',
        { role: 'listitem' },
        h('span.option-letter', {}, `${OPTION_LETTERS[i]}.`),
        h('input.option', { type: 'text', value: v, 'aria-label': l10n.t('Option {0}', OPTION_LETTERS[i]!), oninput: saveDraft }),
        h('button.icon', { type: 'button', title: l10n.t('Remove option {0}', OPTION_LETTERS[i]!), 'aria-label': l10n.t('Remove option {0}', OPTION_LETTERS[i]!), onclick: () => removeOption(i) }, '×'),
      ),
    ),
  );
  const gold = answerSelect.value || draft.answer;
  answerSelect.replaceChildren(h('option', { value: '' }, '—'), ...values.map((_, i) => h('option', { value: OPTION_LETTERS[i] }, OPTION_LETTERS[i]!)));
  answerSelect.value = values[OPTION_LETTERS.indexOf(gold)] !== undefined ? gold : '';
  saveDraft();
}

function addOption(text: string): void {
  const values = optionInputs().map((i) => i.value);
  if (values.length >= OPTION_LETTERS.length) return;
  renderOptions([...values, text]);
  optionInputs().at(-1)?.focus();
}

function removeOption(index: number): void {
  renderOptions(optionInputs().map((i) => i.value).filter((_, i) => i !== index));
}

function saveDraft(): void {
  draft.question = questionBox.value;
  draft.options = optionInputs().map((i) => i.value);
  draft.answer = answerSelect.value;
  vscode.setState(draft);
}

function setBudget(budget: number): void {
  settings = { ...settings, budget };
  slider.value = String(budgetToSlider(budget));
  showSettings();
  send({ type: 'settings', settings });
}

function showSettings(): void {
  budgetLabel.textContent = l10n.t('{0} tokens', settings.budget.toLocaleString('en-US'));
  slider.setAttribute('aria-valuetext', l10n.t('{0} tokens', settings.budget));
  for (const b of presets.querySelectorAll<HTMLButtonElement>('button.preset')) b.classList.toggle('active', Number(b.dataset.budget) === settings.budget);
  waitInput.value = String(settings.waitRounds);
  tempInput.value = String(settings.temperature);
  protocolSelect.value = settings.protocol ?? 'm1';
  showModels();
}

function showModels(): void {
  const names = server?.ok ? server.models : [];
  const all = names.includes(settings.model) || names.includes(`${settings.model}:latest`) ? names : [settings.model, ...names];
  modelSelect.replaceChildren(...all.map((n) => h('option', { value: n }, n)));
  const match = all.find((n) => n === settings.model || n === `${settings.model}:latest`);
  modelSelect.value = match ?? settings.model;
}

function readControls(): PanelSettings {
  const wait = Math.round(Number(waitInput.value));
  const temperature = Number(tempInput.value);
  return {
    budget: settings.budget,
    waitRounds: Number.isFinite(wait) ? Math.min(8, Math.max(0, wait)) : 0,
    temperature: Number.isFinite(temperature) ? Math.min(2, Math.max(0, temperature)) : 0,
    model: modelSelect.value || settings.model,
    ...(protocolSelect.value !== 'm1' ? { protocol: protocolSelect.value as PanelProtocol } : {}),
  };
}

function ask(compare = false): void {
  const question = questionBox.value.trim();
  if (!question) {
    formError.textContent = l10n.t('Type a question first.');
    questionBox.focus();
    return;
  }
  formError.textContent = '';
  settings = readControls();
  const options = currentOptions();
  const answer = answerSelect.value || undefined;
  const base = { question, options, ...(answer && options[answer] ? { answer } : {}), settings };
  send(compare ? { type: 'compare', ...base, budgets: [...COMPARE_BUDGETS] } : { type: 'ask', ...base });
}

// ── events ──────────────────────────────────────────────────────────────────
questionBox.addEventListener('input', saveDraft);
questionBox.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    if (!running) ask();
  }
});
questionBox.addEventListener('paste', (e) => {
  const text = e.clipboardData?.getData('text/plain') ?? '';
  const split = splitQuestion(text);
  if (!split.options) return; // plain text: let the textarea take it
  e.preventDefault();
  questionBox.value = split.question;
  renderOptions(Object.values(split.options));
});
slider.addEventListener('input', () => {
  settings = { ...settings, budget: sliderToBudget(Number(slider.value)) };
  showSettings();
});
slider.addEventListener('change', () => send({ type: 'settings', settings }));
// An arrow key moves half an octave (two presses double the budget): one of the slider's 1,000
// fine steps would leave the rounded budget unchanged.
slider.addEventListener('keydown', (e) => {
  const direction = ({ ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 } as Record<string, number>)[e.key];
  if (!direction) return;
  e.preventDefault();
  setBudget(sliderToBudget(budgetToSlider(settings.budget) + (direction * SLIDER_STEPS) / 16));
});
// Escape stops a running question wherever the focus is in the panel (Stop itself may be far away).
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && running) send({ type: 'stop' });
});
for (const el of [waitInput, tempInput, modelSelect, protocolSelect]) {
  el.addEventListener('change', () => {
    settings = readControls();
    showSettings();
    send({ type: 'settings', settings });
  });
}
answerSelect.addEventListener('change', saveDraft);

function setRunning(on: boolean): void {
  running = on;
  askButton.disabled = on;
  compareButton.disabled = on;
  stopButton.disabled = !on;
}

function showServer(): void {
  if (!server || server.ok) {
    banner.hidden = true;
    return;
  }
  showNotice(server.message, ['startServer', 'getOllama', 'openSettings']);
  banner.querySelector('.row')?.prepend(h('button.secondary', { type: 'button', onclick: () => send({ type: 'refreshModels' }) }, l10n.t('Retry')));
}

const ACTION_LABELS: Record<PanelCommand, string> = {
  startServer: l10n.t('Start Ollama'),
  getModel: l10n.t('Get Model'),
  selectModel: l10n.t('Select Model'),
  checkServer: l10n.t('Check Server'),
  openSettings: l10n.t('Settings'),
  getOllama: l10n.t('Get Ollama'),
};

function showNotice(message: string, actions: PanelCommand[]): void {
  banner.hidden = false;
  banner.replaceChildren(
    h('div', {}, message),
    h(
      'div.row',
      {},
      ...actions.map((name, i) => h(`button.${i === 0 ? 'primary' : 'secondary'}`, { type: 'button', onclick: () => send({ type: 'command', name }) }, ACTION_LABELS[name])),
      h('button.secondary', { type: 'button', onclick: () => (banner.hidden = true) }, l10n.t('Dismiss')),
    ),
  );
  banner.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function showHistory(): void {
  historyList.replaceChildren(
    ...history.map((entry) => {
      const rerunBudget = h('select.rerun-budget', { 'aria-label': l10n.t('Budget for re-run') }, ...BUDGET_PRESETS.map((b) => h('option', { value: b }, formatTokens(b)))) as HTMLSelectElement;
      rerunBudget.value = String(entry.settings.budget === 4096 ? 8192 : 4096);
      // A chat-protocol run has no budget to change: it re-runs as it was.
      const rerun = isChatProtocol(entry.settings)
        ? h('button.link', { type: 'button', onclick: () => send({ type: 'rerun', historyId: entry.id, budget: entry.settings.budget }) }, l10n.t('Re-run'))
        : h('span.inline', {}, h('button.link', { type: 'button', onclick: () => send({ type: 'rerun', historyId: entry.id, budget: Number(rerunBudget.value) }) }, l10n.t('Re-run at')), ' ', rerunBudget);
      return h(
        'div.history-item',
        { role: 'listitem' },
        h('div.history-q', { title: entry.question }, entry.question.length > 90 ? `${entry.question.slice(0, 90)}…` : entry.question),
        h('div.history-meta', {}, historyMeta(entry)),
        h(
          'div.row',
          {},
          h('button.link', { type: 'button', onclick: () => showEntry(entry) }, l10n.t('Show')),
          h('button.link', { type: 'button', onclick: () => send({ type: 'openTrace', historyId: entry.id }) }, l10n.t('Open as trace file')),
          rerun,
          h('button.link', { type: 'button', title: l10n.t('Delete'), onclick: () => send({ type: 'deleteHistory', historyId: entry.id }) }, l10n.t('Delete')),
        ),
      );
    }),
  );
  if (history.length === 0) historyList.append(h('div.note', {}, l10n.t('Questions you ask appear here.')));
}

function viewOptions(): RunViewOptions {
  return { collapse, onCopy: (historyId, part) => send({ type: 'copy', historyId, part }) };
}

function showEntry(entry: HistoryEntry): void {
  run = new RunView({ runId: entry.id, question: entry.question, options: entry.options, ...(entry.answer ? { answer: entry.answer } : {}), settings: entry.settings }, toHtml, viewOptions());
  run.root.dataset.seq = String(++runSeq);
  run.apply(eventsOf(entry));
  run.finish(entry);
  runArea.replaceChildren(run.root);
  run.root.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function showCompare(m: Extract<ToWebview, { type: 'compare' }>): void {
  const choices = m.rows.map((r) => r.choice);
  const row = (r: CompareRow, i: number) =>
    h(
      `tr${i > 0 && r.choice !== choices[i - 1] ? '.changed' : ''}`,
      {},
      h('td', {}, formatTokens(r.budget)),
      h('td', {}, r.status === 'done' ? (r.choice ?? '—') : r.status),
      h('td', {}, r.correct === undefined ? '' : r.correct ? '✓' : '✗'),
      h('td', {}, r.budgetHit ? l10n.t('{0} (cut)', r.thinkTokens) : String(r.thinkTokens)),
    );
  compareArea.replaceChildren(
    h(
      'table.compare',
      { 'aria-label': l10n.t('Answers at each budget') },
      h('caption', {}, m.done ? l10n.t('Answers by thinking budget (a highlighted row changed its answer)') : l10n.t('Comparing budgets… {0}/{1}', m.rows.length, m.budgets.length)),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, l10n.t('Budget')), h('th', { scope: 'col' }, l10n.t('Answer')), h('th', { scope: 'col' }, l10n.t('Right')), h('th', { scope: 'col' }, l10n.t('Thinking tokens')))),
      h('tbody', {}, ...m.rows.map(row)),
    ),
  );
}

function onMessage(m: ToWebview): void {
  switch (m.type) {
    case 'init':
      settings = m.settings;
      collapse = m.collapseThought;
      server = m.server;
      history = m.history;
      slider.value = String(budgetToSlider(settings.budget));
      showSettings();
      showServer();
      showHistory();
      if (m.running) {
        run = new RunView(m.running.start, toHtml, viewOptions());
        runArea.replaceChildren(run.root);
        run.apply(m.running.events);
        setRunning(true);
      }
      break;
    case 'server':
      server = m.server;
      showServer();
      showModels();
      break;
    case 'run-start':
      run = new RunView(m.start, toHtml, viewOptions());
      run.root.dataset.seq = String(++runSeq);
      runArea.replaceChildren(run.root);
      if (!comparing) run.root.scrollIntoView({ block: 'start', behavior: 'smooth' });
      setRunning(true);
      break;
    case 'events':
      if (run?.start.runId === m.runId) run.apply(m.events);
      break;
    case 'run-end':
      if (run?.start.runId === m.runId) run.finish(m.entry);
      setRunning(false);
      break;
    case 'history':
      history = m.history;
      showHistory();
      break;
    case 'compare':
      comparing = !m.done;
      showCompare(m);
      if (m.rows.length === 0) compareArea.scrollIntoView({ block: 'start', behavior: 'smooth' });
      break;
    case 'prefill':
      questionBox.value = m.question;
      answerSelect.value = ''; // a new question: the previous known answer does not apply
      draft.answer = '';
      renderOptions(Object.values(m.options));
      break;
    case 'copied':
      run?.copied(m.historyId, m.part);
      break;
    case 'error':
      formError.textContent = m.message;
      setRunning(false);
      break;
    case 'notice':
      showNotice(m.message, m.actions);
      break;
  }
}

questionBox.value = draft.question;
renderOptions(draft.options);
showSettings();

/** Shows the first init message (the one ./main.ts waited for), then follows the extension's messages. */
export function start(init: Extract<ToWebview, { type: 'init' }>): void {
  onMessage(init);
  window.addEventListener('message', (e: MessageEvent<ToWebview>) => onMessage(e.data));
}
