// Table headers in the webviews say what they head (screen readers announce a cell with its
// column or row header only when the header has a scope); chart series differ by more than colour.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sweepChart } from '../../src/core/report/svg';

const dir = join(__dirname, '..', '..', 'webview-ui', 'src');

describe('webview accessibility', () => {
  it('gives every table header a scope', () => {
    const missing: string[] = [];
    let headers = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/h\('th(?:\.[\w-]+)*',\s*(\{[^}]*\})/g)) {
        headers++;
        if (!/\bscope:\s*'(col|row)'/.test(m[1]!)) missing.push(`${file}: ${m[0]}`);
      }
    }
    assert.ok(headers > 5, 'headers found');
    assert.deepEqual(missing, []);
  });

  it('tells sweep chart series apart by marker shape, in the plot and the legend', () => {
    const point = (budget: number, accuracy: number) => ({ budget, accuracy, ci95: [accuracy - 0.1, accuracy + 0.1] as [number, number] });
    const series = ['MedQA', 'MedMCQA', 'PubMedQA', 'GPQA'].map((name, i) => ({ name, points: [point(1024, 0.5 + i / 10), point(4096, 0.6 + i / 10)] }));
    const svg = sweepChart(series);
    const shapeOf = (s: number) => [...new Set([...svg.matchAll(new RegExp(`class="marker m-([\\w-]+) s${s}"`, 'g'))].map((m) => m[1]))];
    const shapes = series.map((_, i) => shapeOf(i));
    for (const [i, s] of shapes.entries()) assert.equal(s.length, 1, `series ${i} has one shape`);
    assert.equal(new Set(shapes.flat()).size, series.length, 'a different shape per series');
    for (let i = 0; i < series.length; i++) assert.equal(svg.match(new RegExp(`class="marker m-[\\w-]+ s${i}"`, 'g'))?.length, 3, 'two points and the legend');
  });
});
