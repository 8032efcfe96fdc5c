// The results view: a run (accuracy per source with intervals, token histograms, finish counts,
// a filterable item table), a budget sweep (the paper's figure per Wait count), or a comparison
// (difference, McNemar, flips). Everything shown comes from the extension; nothing from the page
// reaches the extension without being checked there.
import type { Comparison } from '../../src/core/bench/compare';
import type { SourceSummary } from '../../src/core/bench/runner';
import type { CompareView, FromResults, ItemRow, ItemStatus, ResultsView, RunView, SweepView, ToResults } from '../../src/results/protocol';
import { h } from './dom';

declare function acquireVsCodeApi(): { postMessage(m: FromResults): void };
const vscode = acquireVsCodeApi();
const send = (m: FromResults) => vscode.postMessage(m);
const root = document.getElementById('root')!;

const PAGE = 200;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = (c: [number, number]) => `${pct(c[0])}–${pct(c[1])}`;
const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

/** Our own chart markup (escaped by the generator), parsed as SVG: no HTML, no script. */
function svg(markup: string): Node {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  return document.importNode(doc.documentElement, true);
}

function toolbar(): HTMLElement {
  return h(
    'div.toolbar',
    {},
    h('span.label', {}, 'Export:'),
    ...(['csv', 'json', 'md'] as const).map((format) => h('button.secondary', { type: 'button', onclick: () => send({ type: 'export', format }) }, format === 'md' ? 'Markdown' : format.toUpperCase())),
  );
}

function sourceTable(sources: Record<string, SourceSummary>, overall: SourceSummary, average: number): HTMLElement {
  const row = (name: string, s: SourceSummary, cls = '') =>
    h(
      `tr${cls}` as 'tr',
      {},
      h('th', { scope: 'row' }, name),
      h('td.num', {}, pct(s.accuracy)),
      h('td', {}, ci(s.ci95)),
      h('td.num', {}, `${s.correct} / ${s.total}`),
      h('td.num', {}, String(s.unscored)),
    );
  return h(
    'table.summary',
    {},
    h('thead', {}, h('tr', {}, h('th', {}, 'source'), h('th', {}, 'accuracy'), h('th', {}, '95% CI (Wilson)'), h('th', {}, 'right / scored'), h('th', {}, 'unscored'))),
    h('tbody', {}, ...Object.entries(sources).map(([n, s]) => row(n, s)), row('overall', overall, '.overall'), h('tr.average', {}, h('th', { scope: 'row' }, 'average over sources'), h('td.num', {}, pct(average)), h('td', {}), h('td', {}), h('td', {}))),
  );
}

const STATUS_LABEL: Record<ItemStatus, string> = { right: 'right', wrong: 'wrong', 'extraction-failed': 'extraction failed', unscored: 'unscored' };

function itemTable(rows: ItemRow[], traceButtons: (r: ItemRow) => HTMLElement[]): HTMLElement {
  let filter: ItemStatus | 'all' = 'all';
  let text = '';
  let shown = PAGE;
  const counts = (s: ItemStatus) => rows.filter((r) => r.status === s).length;
  const body = h('tbody');
  const more = h('button.secondary.more', { type: 'button', onclick: () => ((shown += PAGE), render()) }, 'Show more');
  const status = h('p.count', { role: 'status' });
  const matches = (r: ItemRow) => (filter === 'all' || r.status === filter) && (!text || `${r.id ?? ''} ${r.source} ${r.question}`.toLowerCase().includes(text));
  function render(): void {
    const list = rows.filter(matches);
    body.replaceChildren(
      ...list.slice(0, shown).map((r) =>
        h(
          `tr.${r.status}` as 'tr',
          { 'data-key': r.key },
          h('td', {}, h('a', { href: '#', title: 'Open the item in its benchmark file', onclick: (e: Event) => (e.preventDefault(), send({ type: 'openItem', key: r.key })) }, r.id ?? `#${r.index + 1}`)),
          h('td', {}, r.source),
          h('td.question', { title: r.question }, r.question),
          h('td.num', {}, r.gold ?? '–'),
          h('td.num', {}, r.choice ?? '–'),
          h(`td.status.${r.status}` as 'td', {}, STATUS_LABEL[r.status]),
          h('td.num', { title: r.cut ? 'cut by the budget' : 'stopped by itself' }, `${r.think}${r.cut ? ' ✂' : ''}`),
          h('td.num', {}, String(r.answer)),
          h('td', {}, ...traceButtons(r)),
        ),
      ),
    );
    status.textContent = `${Math.min(shown, list.length)} of ${list.length} items shown`;
    more.hidden = list.length <= shown;
  }
  const chips = (['all', 'right', 'wrong', 'extraction-failed', 'unscored'] as const).map((s) =>
    h('button.chip', { type: 'button', 'aria-pressed': s === filter ? 'true' : 'false', 'data-filter': s, onclick: () => select(s) }, `${s === 'all' ? 'all' : STATUS_LABEL[s]} (${s === 'all' ? rows.length : counts(s)})`),
  );
  function select(s: ItemStatus | 'all'): void {
    filter = s;
    shown = PAGE;
    for (const c of chips) c.setAttribute('aria-pressed', c.dataset.filter === s ? 'true' : 'false');
    render();
  }
  const search = h('input.search', { type: 'search', placeholder: 'Filter by id, source or question', 'aria-label': 'Filter items', oninput: (e: Event) => ((text = (e.target as HTMLInputElement).value.toLowerCase()), (shown = PAGE), render()) });
  render();
  return h(
    'section.items',
    {},
    h('h2', {}, 'Items'),
    h('div.filters', { role: 'group', 'aria-label': 'Show items' }, ...chips, search),
    h('table.items', {}, h('thead', {}, h('tr', {}, ...['item', 'source', 'question', 'gold', 'm1', 'result', 'think', 'answer', ''].map((t) => h('th', {}, t)))), body),
    status,
    more,
  );
}

function runView(v: RunView): HTMLElement[] {
  const s = v.summary;
  return [
    h('header', {}, h('h1', {}, v.title), h('p.subtitle', {}, v.subtitle), toolbar()),
    h('section', {}, h('h2', {}, 'Accuracy'), sourceTable(s.sources, s.overall, s.averageOverSources)),
    h(
      'section.charts',
      {},
      h('h2', {}, 'Tokens'),
      h('div.chart-row', {}, h('figure', {}, svg(v.charts.think)), h('figure', {}, svg(v.charts.answer))),
      h('p', {}, `Thoughts cut by the budget: ${v.finish.cut} · stopped by themselves: ${v.finish.stopped}`),
    ),
    itemTable(v.rows, (r) => [h('button.secondary.small', { type: 'button', onclick: () => send({ type: 'openTrace', key: r.key }) }, 'Trace')]),
  ];
}

function sweepView(v: SweepView): HTMLElement[] {
  return [
    h('header', {}, h('h1', {}, v.title), h('p.subtitle', {}, v.subtitle), toolbar()),
    ...v.blocks.map((b) =>
      h(
        'section.sweep',
        {},
        h('h2', {}, `${b.waitRounds} Wait round${b.waitRounds === 1 ? '' : 's'}`),
        h('figure.sweep-chart', {}, svg(b.chart)),
        h(
          'table.summary',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'source'), ...v.budgets.map((budget) => h('th', {}, h('a', { href: '#', title: 'Open this run', onclick: (e: Event) => (e.preventDefault(), send({ type: 'openRun', budget, waitRounds: b.waitRounds })) }, String(budget)))), h('th', {}, 'best budget'))),
          h(
            'tbody',
            {},
            ...b.sources.map((src) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, src.name),
                ...src.accuracies.map((a, i) => h(`td.num${src.best && v.budgets[i] === src.best.budget ? '.best' : ''}` as 'td', {}, a === null ? '–' : pct(a))),
                h('td', {}, src.best ? `${src.best.budget} (${pct(src.best.accuracy)}, 95% CI ${ci(src.best.ci95)})` : '–'),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}

function flipList(title: string, list: Comparison['rightToWrong'], cls: string): HTMLElement {
  return h(
    `section.flips.${cls}` as 'section',
    {},
    h('h2', {}, `${title} (${list.length})`),
    list.length
      ? h(
          'table.items',
          {},
          h('thead', {}, h('tr', {}, ...['item', 'source', 'question', 'gold', 'A', 'B', ''].map((t) => h('th', {}, t)))),
          h(
            'tbody',
            {},
            ...list.map((f) => {
              const key = `${f.source}\u0000${f.index}`;
              return h(
                'tr',
                {},
                h('td', {}, h('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), send({ type: 'openItem', key })) }, f.id ?? `#${f.index + 1}`)),
                h('td', {}, f.source),
                h('td.question', { title: f.question }, f.question.length > 120 ? `${f.question.slice(0, 119)}…` : f.question),
                h('td.num', {}, f.gold ?? '–'),
                h('td.num', {}, f.choiceA ?? '–'),
                h('td.num', {}, f.choiceB ?? '–'),
                h('td', {}, h('button.secondary.small', { type: 'button', onclick: () => send({ type: 'openTrace', key, run: 'a' }) }, 'Trace A'), ' ', h('button.secondary.small', { type: 'button', onclick: () => send({ type: 'openTrace', key, run: 'b' }) }, 'Trace B')),
              );
            }),
          ),
        )
      : h('p', {}, 'None.'),
  );
}

function compareView(v: CompareView): HTMLElement[] {
  const c = v.comparison;
  return [
    h('header', {}, h('h1', {}, v.title), toolbar()),
    h(
      'section.compare',
      {},
      h('p', {}, h('strong', {}, 'A '), `${c.a.path}: ${pct(c.a.accuracy)} (${c.a.label})`),
      h('p', {}, h('strong', {}, 'B '), `${c.b.path}: ${pct(c.b.accuracy)} (${c.b.label})`),
      h(
        'p.verdict',
        {},
        `B − A: ${points(c.difference)} points over ${c.items} items (95% CI ${points(c.ci95[0])} to ${points(c.ci95[1])}, Newcombe) · McNemar exact p = ${c.pValue.toPrecision(3)} · both right ${c.counts.both}, only A ${c.counts.onlyA}, only B ${c.counts.onlyB}, both wrong ${c.counts.neither}`,
      ),
      h(
        'table.summary',
        {},
        h('thead', {}, h('tr', {}, ...['source', 'items', 'A', 'B', 'B − A', '95% CI'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...Object.entries(c.sources).map(([name, s]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td.num', {}, String(s.items)), h('td.num', {}, pct(s.accuracyA)), h('td.num', {}, pct(s.accuracyB)), h('td.num', {}, points(s.difference)), h('td', {}, `${points(s.ci95[0])} to ${points(s.ci95[1])}`)))),
      ),
    ),
    flipList('Right in A, wrong in B', c.rightToWrong, 'worse'),
    flipList('Wrong in A, right in B', c.wrongToRight, 'better'),
  ];
}

function show(view: ResultsView): void {
  const started = performance.now();
  root.replaceChildren(...(view.kind === 'run' ? runView(view) : view.kind === 'sweep' ? sweepView(view) : compareView(view)));
  root.dataset.kind = view.kind;
  root.dataset.renderMs = (performance.now() - started).toFixed(1);
}

window.addEventListener('message', (e: MessageEvent<ToResults>) => {
  if (e.data?.type === 'show') show(e.data.view);
});
send({ type: 'ready' });
