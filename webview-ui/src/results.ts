// The results view: a run (accuracy per source with intervals, token histograms, finish counts,
// a filterable item table), a budget sweep (the paper's figure per Wait count), or a comparison
// (difference, McNemar, flips). Everything shown comes from the extension; nothing from the page
// reaches the extension without being checked there.
import * as l10n from '@vscode/l10n';
import type { Comparison } from '../../src/core/bench/compare';
import type { SourceSummary } from '../../src/core/bench/runner';
import type { CompareView, FromResults, ItemPreview, ItemRow, ItemStatus, ResultsView, RunView, SideBySideView, SweepView, ToResults } from '../../src/results/protocol';
import { h } from './dom';

declare function acquireVsCodeApi(): { postMessage(m: FromResults): void; setState(state: unknown): void };
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

/** `reasoning`: a run's view also offers CSV and JSON with each item's thought and answer text. */
function toolbar(reasoning = false): HTMLElement {
  return h(
    'div.toolbar',
    {},
    h('span.label', {}, l10n.t('Export:')),
    ...(['csv', 'json', 'md'] as const).map((format) => h('button.secondary', { type: 'button', onclick: () => send({ type: 'export', format }) }, format === 'md' ? 'Markdown' : format.toUpperCase())),
    ...(reasoning ? (['csv', 'json'] as const).map((format) => h('button.secondary', { type: 'button', title: l10n.t('With each item’s question, thought and answer text'), onclick: () => send({ type: 'export', format, reasoning: true }) }, l10n.t('{0} with reasoning', format.toUpperCase()))) : []),
  );
}

function sourceTable(sources: Record<string, SourceSummary>, overall: SourceSummary, average: number): HTMLElement {
  const row = (name: string, s: SourceSummary, cls = '') =>
    h(
      `tr${cls}` as 'tr',
      {},
      h('th', { scope: 'row' }, name),
      h('td.num', {}, pct(s.accuracy)),
      // A source that asks questions more than once: the interval counts each question once.
      h('td', s.distinct ? { title: l10n.t('{0} items are {1} distinct questions asked more than once: the interval counts each question once', s.total, s.distinct) } : {}, s.distinct ? `${ci(s.ci95)} · ${l10n.t('over {0} distinct questions', s.distinct)}` : ci(s.ci95)),
      h('td.num', {}, `${s.correct} / ${s.total}`),
      h('td.num', {}, String(s.unscored)),
    );
  return h(
    'table.summary',
    {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, l10n.t('source')), h('th', { scope: 'col' }, l10n.t('accuracy')), h('th', { scope: 'col' }, l10n.t('95% CI (Wilson)')), h('th', { scope: 'col' }, l10n.t('right / scored')), h('th', { scope: 'col' }, l10n.t('unscored')))),
    h('tbody', {}, ...Object.entries(sources).map(([n, s]) => row(n, s)), row(l10n.t('overall'), overall, '.overall'), h('tr.average', {}, h('th', { scope: 'row' }, l10n.t('average over sources')), h('td.num', {}, pct(average)), h('td', {}), h('td', {}), h('td', {}))),
  );
}

// A function, not a table: the page's strings are configured (first show message) after this module loads.
const statusLabel = (s: ItemStatus): string => ({ right: l10n.t('right'), wrong: l10n.t('wrong'), 'extraction-failed': l10n.t('extraction failed'), unscored: l10n.t('unscored') })[s];

/** The table's filter and open previews, kept while a running benchmark's view is shown again as items finish. */
const tableState: { filter: ItemStatus | 'all'; text: string; open: Set<string> } = { filter: 'all', text: '', open: new Set() };
/** Previews read so far, by item key: a row opened again is not read again. */
const previews = new Map<string, ItemPreview>();
const COLUMNS = 9;

/** An item's thought round by round and its answer, with Copy and Trace; text only, never markup. */
function fillPreview(cell: HTMLElement, key: string, p: ItemPreview): void {
  const button = (label: string, title: string, m: FromResults) => h('button.secondary.small', { type: 'button', title, onclick: () => send(m) }, label);
  cell.replaceChildren(
    h('div.preview-actions', {}, button(l10n.t('Copy answer'), l10n.t('The answer text to the clipboard'), { type: 'copy', key, part: 'answer' }), ' ', button(l10n.t('Copy thought'), l10n.t('The whole thought, Wait strings included, to the clipboard'), { type: 'copy', key, part: 'thought' }), ' ', button(l10n.t('Open trace'), l10n.t('The readable trace (rounds, Wait points, labels)'), { type: 'openTrace', key })),
    ...p.rounds.map((x, i) => h('div.preview-round', {}, h('h3', {}, i === 0 ? l10n.t('Thought') : l10n.t('Wait round {0}', i)), h('pre.thought', {}, x.think), x.waitInjected ? h('p.wait', {}, `+ ${x.waitInjected.trim()}`) : undefined)),
    ...(p.cut ? [h('p.cut', {}, l10n.t('✂ Budget reached: the thought was cut here.'))] : []),
    h('h3', {}, l10n.t('Answer')),
    h('pre.thought.answer', {}, p.response),
  );
}

function previewRow(key: string): HTMLElement {
  const cell = h('td.preview', { colspan: COLUMNS });
  const known = previews.get(key);
  if (known) fillPreview(cell, key, known);
  else {
    cell.textContent = l10n.t('Reading the thought…');
    send({ type: 'preview', key });
  }
  return h('tr.preview-row', { 'data-preview': key }, cell);
}

/** A preview the extension read: shown under its row if that is still open. */
function showPreview(key: string, p: ItemPreview): void {
  previews.set(key, p);
  const row = [...root.querySelectorAll<HTMLElement>('tr.preview-row')].find((r) => r.dataset.preview === key);
  if (row?.firstElementChild) fillPreview(row.firstElementChild as HTMLElement, key, p);
}

function itemTable(rows: ItemRow[], traceButtons: (r: ItemRow) => HTMLElement[]): HTMLElement {
  let { filter, text } = tableState;
  let shown = PAGE;
  const counts = (s: ItemStatus) => rows.filter((r) => r.status === s).length;
  const body = h('tbody');
  const more = h('button.secondary.more', { type: 'button', onclick: () => ((shown += PAGE), render()) }, l10n.t('Show more'));
  const status = h('p.count', { role: 'status' });
  const matches = (r: ItemRow) => (filter === 'all' || r.status === filter) && (!text || `${r.id ?? ''} ${r.source} ${r.question}`.toLowerCase().includes(text));
  function render(): void {
    const list = rows.filter(matches);
    const toggle = (key: string) => {
      if (!tableState.open.delete(key)) tableState.open.add(key);
      render();
    };
    body.replaceChildren(
      ...list.slice(0, shown).flatMap((r) => [
        h(
          `tr.${r.status}` as 'tr',
          { 'data-key': r.key },
          h(
            'td.item',
            {},
            h('button.secondary.small.preview-toggle', { type: 'button', 'aria-expanded': tableState.open.has(r.key) ? 'true' : 'false', title: l10n.t('The thought and the answer, here'), 'aria-label': l10n.t('Preview the thought and answer of {0}', r.id ?? `#${r.index + 1}`), onclick: () => toggle(r.key) }, tableState.open.has(r.key) ? '▾' : '▸'),
            ' ',
            h('a', { href: '#', title: l10n.t('Open the item in its benchmark file'), onclick: (e: Event) => (e.preventDefault(), send({ type: 'openItem', key: r.key })) }, r.id ?? `#${r.index + 1}`),
          ),
          h('td', {}, r.source),
          h('td.question', { title: r.question }, r.question),
          h('td.num', {}, r.gold ?? '–'),
          h('td.num', {}, r.choice ?? '–'),
          h(`td.status.${r.status}` as 'td', {}, statusLabel(r.status)),
          h('td.num', { title: r.cut ? l10n.t('cut by the budget') : l10n.t('stopped by itself') }, `${r.think}${r.cut ? ' ✂' : ''}`),
          h('td.num', {}, String(r.answer)),
          h('td', {}, ...traceButtons(r)),
        ),
        ...(tableState.open.has(r.key) ? [previewRow(r.key)] : []),
      ]),
    );
    status.textContent = l10n.t('{0} of {1} items shown', Math.min(shown, list.length), list.length);
    more.hidden = list.length <= shown;
  }
  const chips = (['all', 'right', 'wrong', 'extraction-failed', 'unscored'] as const).map((s) =>
    h('button.chip', { type: 'button', 'aria-pressed': s === filter ? 'true' : 'false', 'data-filter': s, onclick: () => select(s) }, `${s === 'all' ? l10n.t('all') : statusLabel(s)} (${s === 'all' ? rows.length : counts(s)})`),
  );
  function select(s: ItemStatus | 'all'): void {
    filter = tableState.filter = s;
    shown = PAGE;
    for (const c of chips) c.setAttribute('aria-pressed', c.dataset.filter === s ? 'true' : 'false');
    render();
  }
  const search = h('input.search', { type: 'search', value: text, placeholder: l10n.t('Filter by id, source or question'), 'aria-label': l10n.t('Filter items'), oninput: (e: Event) => ((text = tableState.text = (e.target as HTMLInputElement).value.toLowerCase()), (shown = PAGE), render()) });
  render();
  return h(
    'section.items',
    {},
    h('h2', {}, l10n.t('Items')),
    h('div.filters', { role: 'group', 'aria-label': l10n.t('Show items') }, ...chips, search),
    h('table.items', {}, h('thead', {}, h('tr', {}, ...[l10n.t('item'), l10n.t('source'), l10n.t('question'), l10n.t('gold'), 'm1', l10n.t('result'), l10n.t('think'), l10n.t('answer'), ''].map((t) => h('th', { scope: 'col' }, t)))), body),
    status,
    more,
  );
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, val] of Object.entries(attrs)) el.setAttribute(k, String(val));
  el.append(...children);
  return el;
}

/** The benchmark's runs over time: accuracy with its interval per run, labelled with what changed; a point opens its run. */
function trendSection(v: RunView): HTMLElement | undefined {
  const points = v.trend;
  if (!points || points.length < 2) return undefined;
  const W = 760;
  const H = 240;
  const left = 44;
  const top = 16;
  const plotH = 150;
  const step = (W - left - 30) / Math.max(1, points.length - 1);
  const x = (i: number) => left + 10 + i * step;
  const y = (a: number) => top + plotH * (1 - a);
  const open = (path: string) => send({ type: 'openTrendRun', path });
  const chart = svgEl(
    'svg',
    { class: 'chart trend-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': l10n.t('accuracy of this benchmark’s runs over time') },
    ...[0, 0.25, 0.5, 0.75, 1].map((t) => svgEl('g', {}, svgEl('line', { class: 'grid', x1: left, x2: W - 10, y1: y(t), y2: y(t) }), svgEl('text', { class: 'tick', x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }, `${t * 100}%`))),
    svgEl('polyline', { class: 'line s0', points: points.flatMap((p, i) => (p.accuracy === null ? [] : [`${x(i)},${y(p.accuracy)}`])).join(' ') }),
    ...points.map((p, i) => {
      const current = p.path === v.summary.runFile;
      const g = svgEl(
        'g',
        { class: `trend-point${current ? ' current' : ''}`, tabindex: 0, role: 'link', 'data-path': p.path },
        svgEl('title', {}, `${p.name}: ${p.accuracy === null ? l10n.t('no scored item') : pct(p.accuracy)}${p.ci95 ? ` (95% CI ${ci(p.ci95)})` : ''}, ${l10n.t('{0} of {1} items', p.done, p.planned)} · ${p.label} · ${new Date(p.createdAt).toLocaleString()}`),
        ...(p.ci95 ? [svgEl('line', { class: 'ci', x1: x(i), x2: x(i), y1: y(p.ci95[0]), y2: y(p.ci95[1]) })] : []),
        ...(p.accuracy === null ? [] : [svgEl('circle', { class: 'dot s0', cx: x(i), cy: y(p.accuracy), r: current ? 6 : 4 })]),
        svgEl('text', { class: 'trend-label', x: x(i), y: top + plotH + 18, 'text-anchor': 'middle' }, p.name.length > 18 ? `${p.name.slice(0, 17)}…` : p.name),
        svgEl('text', { class: 'trend-change', x: x(i), y: top + plotH + 34, 'text-anchor': 'middle' }, p.label.length > 24 ? `${p.label.slice(0, 23)}…` : p.label),
      );
      g.addEventListener('click', () => open(p.path));
      g.addEventListener('keydown', (e: Event) => (e as KeyboardEvent).key === 'Enter' && open(p.path));
      return g;
    }),
  );
  return h(
    'section.trend',
    {},
    h('h2', {}, l10n.t('Trend: this benchmark’s runs')),
    h('figure', {}, chart as unknown as HTMLElement),
    h(
      'table.summary.trend-table',
      {},
      h('thead', {}, h('tr', {}, ...[l10n.t('run'), l10n.t('date'), l10n.t('what changed'), l10n.t('accuracy'), '95% CI', l10n.t('items')].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...points.map((p) =>
          h(
            `tr${p.path === v.summary.runFile ? '.current' : ''}` as 'tr',
            {},
            h('td', {}, h('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), open(p.path)) }, p.name)),
            h('td', {}, new Date(p.createdAt).toLocaleString()),
            h('td', {}, p.label),
            h('td.num', {}, p.accuracy === null ? '–' : pct(p.accuracy)),
            h('td', {}, p.ci95 ? ci(p.ci95) : '–'),
            h('td.num', {}, `${p.done} / ${p.planned}`),
          ),
        ),
      ),
    ),
  );
}

function runView(v: RunView): HTMLElement[] {
  const s = v.summary;
  return [
    h('header', {}, h('h1', {}, v.title), h('p.subtitle', {}, v.subtitle), ...(v.unfinished ? [h('p.live', {}, l10n.t('Unfinished: {0} of {1} items so far; this view updates as items finish.', s.done, s.total))] : []), ...(v.problems ? [h('ul.problems', { 'aria-label': l10n.t('lines of the run file left out') }, ...v.problems.map((p) => h('li', {}, `⚠ ${p}`)))] : []), toolbar(true)),
    h('section', {}, h('h2', {}, l10n.t('Accuracy')), sourceTable(s.sources, s.overall, s.averageOverSources)),
    ...[trendSection(v)].filter((x): x is HTMLElement => !!x),
    h(
      'section.charts',
      {},
      h('h2', {}, l10n.t('Tokens')),
      h('div.chart-row', {}, h('figure', {}, svg(v.charts.think)), h('figure', {}, svg(v.charts.answer))),
      h('p', {}, l10n.t('Thoughts cut by the budget: {0} · stopped by themselves: {1}', v.finish.cut, v.finish.stopped)),
    ),
    itemTable(v.rows, (r) => [h('button.secondary.small', { type: 'button', title: l10n.t('The readable trace (rounds, Wait points, labels)'), onclick: () => send({ type: 'openTrace', key: r.key }) }, l10n.t('Trace'))]),
  ];
}

function sweepView(v: SweepView): HTMLElement[] {
  return [
    h('header', {}, h('h1', {}, v.title), h('p.subtitle', {}, v.subtitle), toolbar()),
    ...v.blocks.map((b) =>
      h(
        'section.sweep',
        {},
        h('h2', {}, b.waitRounds === 1 ? l10n.t('{0} Wait round', b.waitRounds) : l10n.t('{0} Wait rounds', b.waitRounds)),
        h('figure.sweep-chart', {}, svg(b.chart)),
        h(
          'table.summary',
          {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, l10n.t('source')), ...v.budgets.map((budget) => h('th', { scope: 'col' }, h('a', { href: '#', title: l10n.t('Open this run'), onclick: (e: Event) => (e.preventDefault(), send({ type: 'openRun', budget, waitRounds: b.waitRounds })) }, String(budget)))), h('th', { scope: 'col' }, l10n.t('best budget')))),
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
        changedItems(v, b),
      ),
    ),
  ];
}

const RESULT_MARK: Record<ItemStatus, string> = { right: '✓', wrong: '✗', 'extraction-failed': '?', unscored: '·' };

/** The items whose result changes with the budget, each with its thoughts across the budgets a click away. */
function changedItems(v: SweepView, b: SweepView['blocks'][number]): HTMLElement {
  const title =
    b.changedCount > b.changed.length
      ? l10n.t('Items whose result changes with the budget ({0}, the first {1} listed)', b.changedCount, b.changed.length)
      : l10n.t('Items whose result changes with the budget ({0})', b.changedCount);
  if (!b.changed.length) return h('p.changed-none', {}, l10n.t('Every item has the same result at every budget.'));
  return h(
    'details.changed',
    { open: b.changed.length <= 20 },
    h('summary', {}, title),
    h(
      'table.items',
      {},
      h('thead', {}, h('tr', {}, ...[l10n.t('item'), l10n.t('source'), l10n.t('question'), l10n.t('gold'), ...v.budgets.map(String), ''].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...b.changed.map((it) =>
          h(
            'tr',
            { 'data-key': it.key },
            h('td', {}, it.label),
            h('td', {}, it.source),
            h('td.question', { title: it.question }, it.question),
            h('td.num', {}, it.gold ?? '–'),
            ...it.results.map((x) => h(`td.num.status${x ? `.${x}` : ''}` as 'td', { title: x ? statusLabel(x) : l10n.t('not run at this budget'), 'aria-label': x ? statusLabel(x) : l10n.t('not run') }, x ? RESULT_MARK[x] : '–')),
            h('td', {}, h('button.secondary.small.side-by-side', { type: 'button', title: l10n.t('This item’s thought at each budget, Wait rounds aligned, the first divergence marked'), onclick: () => send({ type: 'sideBySide', key: it.key, waitRounds: b.waitRounds }) }, l10n.t('Side by side'))),
          ),
        ),
      ),
    ),
  );
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
          h('thead', {}, h('tr', {}, ...[l10n.t('item'), l10n.t('source'), l10n.t('question'), l10n.t('gold'), 'A', 'B', ''].map((t) => h('th', { scope: 'col' }, t)))),
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
                h(
                  'td',
                  {},
                  h('button.secondary.small', { type: 'button', onclick: () => send({ type: 'openTrace', key, run: 'a' }) }, l10n.t('Trace A')),
                  ' ',
                  h('button.secondary.small', { type: 'button', onclick: () => send({ type: 'openTrace', key, run: 'b' }) }, l10n.t('Trace B')),
                  ' ',
                  h('button.secondary.small.side-by-side', { type: 'button', title: l10n.t('Both thoughts next to each other, Wait rounds aligned, the first divergence marked'), onclick: () => send({ type: 'sideBySide', key }) }, l10n.t('Side by side')),
                ),
              );
            }),
          ),
        )
      : h('p', {}, l10n.t('None.')),
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
        l10n.t(
          'B − A: {0} points over {1} items (95% CI {2} to {3}, Newcombe) · McNemar exact p = {4} · both right {5}, only A {6}, only B {7}, both wrong {8}',
          points(c.difference),
          c.items,
          points(c.ci95[0]),
          points(c.ci95[1]),
          c.pValue.toPrecision(3),
          c.counts.both,
          c.counts.onlyA,
          c.counts.onlyB,
          c.counts.neither,
        ),
      ),
      h(
        'table.summary',
        {},
        h('thead', {}, h('tr', {}, ...[l10n.t('source'), l10n.t('items'), 'A', 'B', 'B − A', '95% CI'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...Object.entries(c.sources).map(([name, s]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td.num', {}, String(s.items)), h('td.num', {}, pct(s.accuracyA)), h('td.num', {}, pct(s.accuracyB)), h('td.num', {}, points(s.difference)), h('td', {}, l10n.t('{0} to {1}', points(s.ci95[0]), points(s.ci95[1])))))),
      ),
    ),
    flipList(l10n.t('Right in A, wrong in B'), c.rightToWrong, 'worse'),
    flipList(l10n.t('Wrong in A, right in B'), c.wrongToRight, 'better'),
  ];
}

/** A round's text, split at the divergence when it is in this round: same | marker | different. */
function thoughtText(text: string, at: number | undefined): HTMLElement {
  if (at === undefined) return h('pre.thought', {}, text);
  return h('pre.thought', {}, text.slice(0, at), h('mark.diverge', { title: l10n.t('The thoughts differ from here'), 'aria-label': l10n.t('first divergence') }, '▶'), h('span.after', {}, text.slice(at)));
}

function sideBySideView(v: SideBySideView): HTMLElement[] {
  const d = v.divergence;
  const verdict = !d
    ? l10n.t('The thoughts are the same, word for word.')
    : d.round === 0
      ? l10n.t('The thoughts first differ in the first thought (marked ▶).')
      : l10n.t('The thoughts first differ in Wait round {0} (marked ▶).', d.round);
  const status = (c: SideBySideView['columns'][number]) => `${c.choice ?? l10n.t('no choice')} · ${c.correct === null ? l10n.t('unscored') : c.correct ? l10n.t('right') : l10n.t('wrong')}${c.cut ? ` · ${l10n.t('cut by the budget')}` : ''}`;
  // Set through the CSSOM: the page's CSP allows no inline style attributes.
  const grid = (cls: string, ...cells: HTMLElement[]) => {
    const el = h(`div.sbs-row${cls}` as 'div', {}, ...cells);
    el.style.gridTemplateColumns = `repeat(${v.columns.length}, minmax(0, 1fr))`;
    return el;
  };
  return [
    h('header', {}, h('h1', {}, v.title), h('p.subtitle', {}, v.subtitle), h('p.verdict', {}, verdict)),
    grid('.sbs-head', ...v.columns.map((c) => h('div.sbs-cell', {}, h('strong', {}, c.label), h('p', {}, status(c))))),
    ...v.rounds.map((row, k) =>
      h(
        `section.sbs-round${d?.round === k ? '.diverges' : ''}` as 'section',
        {},
        h('h2', {}, k === 0 ? l10n.t('Thought') : l10n.t('Wait round {0}', k)),
        grid('', ...row.map((cell, c) => h('div.sbs-cell', {}, cell ? thoughtText(cell.think, d?.round === k ? d.offsets[c] : undefined) : h('p.none', {}, l10n.t('no such round')), cell?.waitInjected ? h('p.wait', {}, `+ ${cell.waitInjected.trim()}`) : undefined))),
      ),
    ),
    h('section', {}, h('h2', {}, l10n.t('Answer')), grid('', ...v.columns.map((c) => h('div.sbs-cell', {}, h('pre.thought', {}, c.response))))),
  ];
}

function show(view: ResultsView): void {
  const started = performance.now();
  root.replaceChildren(...(view.kind === 'run' ? runView(view) : view.kind === 'sweep' ? sweepView(view) : view.kind === 'compare' ? compareView(view) : sideBySideView(view)));
  root.dataset.kind = view.kind;
  root.dataset.renderMs = (performance.now() - started).toFixed(1);
}

let configured = false;
window.addEventListener('message', (e: MessageEvent<ToResults>) => {
  if (e.data?.type === 'preview') return showPreview(e.data.key, e.data.preview);
  if (e.data?.type !== 'show') return;
  if (e.data.l10n && !configured) l10n.config({ contents: e.data.l10n });
  configured = true; // the first show's strings hold for the page's life (later ones carry none)
  show(e.data.view);
  vscode.setState(e.data.state); // what VS Code hands back to the extension to rebuild this tab after a reload
});
send({ type: 'ready' });
