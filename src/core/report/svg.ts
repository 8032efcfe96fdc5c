// Charts as plain SVG strings: accuracy against thinking budget per source (the paper's figure),
// and a histogram. Shapes carry classes so a webview themes them with VS Code's colours; a
// standalone chart (for a Markdown report) carries its own colours.
export interface SweepPoint {
  budget: number;
  accuracy: number;
  ci95: [number, number];
}

export interface SweepSeries {
  name: string;
  points: SweepPoint[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmtBudget = (b: number) => (b >= 1024 && b % 1024 === 0 ? `${b / 1024}K` : String(b));
const n = (x: number) => Math.round(x * 10) / 10;

/** Colours used when the SVG stands alone (VS Code's chart colours in a light theme). */
const STANDALONE_STYLE = `<style>
.axis{stroke:#616161;stroke-width:1}.grid{stroke:#e5e5e5;stroke-width:1}.label{fill:#424242;font:12px sans-serif}
.s0{stroke:#1a85ff;fill:#1a85ff}.s1{stroke:#d18616;fill:#d18616}.s2{stroke:#388a34;fill:#388a34}.s3{stroke:#e51400;fill:#e51400}.s4{stroke:#652d90;fill:#652d90}.s5{stroke:#bf8803;fill:#bf8803}
.line{fill:none;stroke-width:2}.ci{stroke-width:1.5;opacity:.6}.best{fill:none;stroke-width:2}.bar{stroke:none}
</style>`;

export interface ChartOptions {
  width?: number;
  height?: number;
  /** Include colours for use outside VS Code. */
  standalone?: boolean;
  title?: string;
  /** Horizontal reference lines: a baseline model's accuracy on the same items (no budget). */
  references?: ReferenceLine[];
}

export interface ReferenceLine {
  name: string;
  accuracy: number;
}

/** Marker shapes, one per series beside its colour, so that series differ without colour too. */
const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'cross'] as const;

/** Points of each shape around (0, 0), for a marker of radius r. */
function shapePoints(shape: (typeof SHAPES)[number], r: number): Array<[number, number]> {
  const q = r * 0.9;
  switch (shape) {
    case 'square': return [[-q, -q], [q, -q], [q, q], [-q, q]];
    case 'triangle': return [[0, -r * 1.2], [r * 1.1, r * 0.8], [-r * 1.1, r * 0.8]];
    case 'diamond': return [[0, -r * 1.3], [r * 1.1, 0], [0, r * 1.3], [-r * 1.1, 0]];
    case 'triangle-down': return [[0, r * 1.2], [r * 1.1, -r * 0.8], [-r * 1.1, -r * 0.8]];
    case 'cross': { const a = r * 0.4; return [[-a, -r], [a, -r], [a, -a], [r, -a], [r, a], [a, a], [a, r], [-a, r], [-a, a], [-r, a], [-r, -a], [-a, -a]]; }
    default: return [];
  }
}

/** A series' marker at (cx, cy), with its title for hover and screen readers. */
function marker(series: number, cx: number, cy: number, r: number, title: string): string {
  const shape = SHAPES[series % SHAPES.length]!;
  const cls = `marker m-${shape} s${series % 6}`;
  if (shape === 'circle') return `<circle class="${cls}" cx="${n(cx)}" cy="${n(cy)}" r="${r}">${title}</circle>`;
  return `<polygon class="${cls}" points="${shapePoints(shape, r).map(([x, y]) => `${n(cx + x)},${n(cy + y)}`).join(' ')}">${title}</polygon>`;
}

/**
 * Accuracy (0–100 %) against budget on a log2 axis, one line and marker shape per series with
 * 95% interval whiskers; the best budget of each series is ringed.
 */
export function sweepChart(series: SweepSeries[], o: ChartOptions = {}): string {
  const width = o.width ?? 640;
  const height = o.height ?? 360;
  const m = { left: 48, right: 160, top: o.title ? 32 : 16, bottom: 40 };
  const budgets = [...new Set(series.flatMap((s) => s.points.map((p) => p.budget)))].sort((a, b) => a - b);
  const lo = Math.log2(budgets[0] ?? 1);
  const hi = Math.log2(budgets.at(-1) ?? 2);
  const x = (b: number) => m.left + (hi === lo ? (width - m.left - m.right) / 2 : ((Math.log2(b) - lo) / (hi - lo)) * (width - m.left - m.right));
  const y = (acc: number) => m.top + (1 - acc) * (height - m.top - m.bottom);
  const parts: string[] = [];
  if (o.title) parts.push(`<text class="label" x="${m.left}" y="18">${esc(o.title)}</text>`);
  for (let t = 0; t <= 100; t += 20) {
    parts.push(`<line class="grid" x1="${m.left}" x2="${width - m.right}" y1="${n(y(t / 100))}" y2="${n(y(t / 100))}"/>`);
    parts.push(`<text class="label" x="${m.left - 8}" y="${n(y(t / 100)) + 4}" text-anchor="end">${t}%</text>`);
  }
  for (const b of budgets) parts.push(`<text class="label" x="${n(x(b))}" y="${height - m.bottom + 18}" text-anchor="middle">${fmtBudget(b)}</text>`);
  parts.push(`<line class="axis" x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}"/>`);
  parts.push(`<text class="label" x="${(m.left + width - m.right) / 2}" y="${height - 6}" text-anchor="middle">thinking budget (tokens)</text>`);
  (o.references ?? []).forEach((r, i) => {
    const ry = n(y(r.accuracy));
    const label = `${r.name.length > 18 ? `${r.name.slice(0, 17)}…` : r.name} ${(100 * r.accuracy).toFixed(1)}%`;
    parts.push(`<line class="axis ref" stroke-dasharray="6 4" x1="${m.left}" x2="${width - m.right}" y1="${ry}" y2="${ry}"><title>${esc(r.name)}: ${(100 * r.accuracy).toFixed(1)}%</title></line>`);
    parts.push(`<text class="label" x="${width - m.right + 12}" y="${n(height - m.bottom - 6 - i * 16)}">⋯ ${esc(label)}</text>`);
  });
  series.forEach((s, i) => {
    const cls = `s${i % 6}`;
    const pts = [...s.points].sort((a, b) => a.budget - b.budget);
    parts.push(`<polyline class="line ${cls}" points="${pts.map((p) => `${n(x(p.budget))},${n(y(p.accuracy))}`).join(' ')}"><title>${esc(s.name)}</title></polyline>`);
    for (const p of pts) {
      parts.push(`<line class="ci ${cls}" x1="${n(x(p.budget))}" x2="${n(x(p.budget))}" y1="${n(y(p.ci95[0]))}" y2="${n(y(p.ci95[1]))}"/>`);
      parts.push(marker(i, x(p.budget), y(p.accuracy), 3.5, `<title>${esc(s.name)} · ${fmtBudget(p.budget)}: ${(100 * p.accuracy).toFixed(1)}% (95% CI ${(100 * p.ci95[0]).toFixed(1)}–${(100 * p.ci95[1]).toFixed(1)}%)</title>`));
    }
    const best = bestPoint(pts);
    if (best) parts.push(`<circle class="best ${cls}" cx="${n(x(best.budget))}" cy="${n(y(best.accuracy))}" r="8"><title>best: ${fmtBudget(best.budget)}</title></circle>`);
    const ly = m.top + 14 + i * 18;
    parts.push(`<line class="line ${cls}" x1="${width - m.right + 12}" x2="${width - m.right + 32}" y1="${ly - 4}" y2="${ly - 4}"/>`, marker(i, width - m.right + 22, ly - 4, 3.5, ''));
    parts.push(`<text class="label" x="${width - m.right + 38}" y="${ly}">${esc(s.name.length > 18 ? `${s.name.slice(0, 17)}…` : s.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(o.title ?? 'accuracy against thinking budget')}">${o.standalone ? STANDALONE_STYLE : ''}${parts.join('')}</svg>`;
}

/** The highest accuracy; on a tie the smaller budget (cheaper for the same result). */
export function bestPoint(points: SweepPoint[]): SweepPoint | undefined {
  let best: SweepPoint | undefined;
  for (const p of [...points].sort((a, b) => a.budget - b.budget)) if (!best || p.accuracy > best.accuracy) best = p;
  return best;
}

/** Counts of values in equal-width bins, as bars. */
export function histogram(values: number[], o: ChartOptions & { bins?: number; label?: string } = {}): string {
  const width = o.width ?? 320;
  const height = o.height ?? 140;
  const bins = o.bins ?? 16;
  const m = { left: 36, right: 8, top: 8, bottom: 28 };
  // A loop, not Math.max(...values): spreading a million values overflows the call stack.
  const max = values.reduce((a, v) => (v > a ? v : a), 1);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v / max) * bins)))]!++;
  const top = counts.reduce((a, c) => (c > a ? c : a), 1);
  const bw = (width - m.left - m.right) / bins;
  const parts = counts.map((c, i) => {
    const h = (c / top) * (height - m.top - m.bottom);
    const from = Math.round((i * max) / bins);
    const to = Math.round(((i + 1) * max) / bins);
    return `<rect class="bar s0" x="${n(m.left + i * bw + 1)}" y="${n(height - m.bottom - h)}" width="${n(bw - 2)}" height="${n(h)}"><title>${from}–${to}: ${c}</title></rect>`;
  });
  parts.push(`<line class="axis" x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}"/>`);
  parts.push(`<text class="label" x="${m.left}" y="${height - m.bottom + 14}">0</text><text class="label" x="${width - m.right}" y="${height - m.bottom + 14}" text-anchor="end">${max}</text>`);
  parts.push(`<text class="label" x="${m.left - 6}" y="${m.top + 10}" text-anchor="end">${top}</text>`);
  if (o.label) parts.push(`<text class="label" x="${(m.left + width - m.right) / 2}" y="${height - 4}" text-anchor="middle">${esc(o.label)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(o.label ?? 'histogram')}">${o.standalone ? STANDALONE_STYLE : ''}${parts.join('')}</svg>`;
}
