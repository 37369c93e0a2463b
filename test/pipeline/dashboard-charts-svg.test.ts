import { describe, expect, it } from 'vitest';
import { candlePanes, renderCandles } from '../../dashboard/charts/candles.js';
import { renderHeatmap } from '../../dashboard/charts/heatmap.js';
import { renderSmile } from '../../dashboard/charts/smile.js';
import { colourAt } from '../../dashboard/charts/svg.js';
import { attrs, candles, count, matrix } from './dashboard-charts.fixtures.js';

describe('chart renderers (pure)', () => {
  it('candles: one body per row, highest high at the pane top, lowest low at its bottom, KST labels', () => {
    const rows = candles(7);
    const layout = { width: 800, height: 400 };
    const svg = renderCandles(rows, 'A01612 <test> & co', 'kospi200', layout);
    expect(count(svg, '<rect class="body')).toBe(7);
    expect(count(svg, '<rect class="body up"')).toBe(3);
    expect(count(svg, '<rect class="vol"')).toBe(7);
    const wicks = attrs(svg, 'line class="wick"');
    const p = candlePanes(layout);
    expect(Math.min(...wicks.map((w) => Number(w.y1)))).toBeCloseTo(p.priceTop, 1);
    expect(Math.max(...wicks.map((w) => Number(w.y2)))).toBeCloseTo(p.priceBottom, 1);
    // The highest high is the last candle's, the lowest low the first's.
    expect(Number(wicks.at(-1)!.y1)).toBeCloseTo(p.priceTop, 1);
    expect(Number(wicks[0]!.y2)).toBeCloseTo(p.priceBottom, 1);
    expect(svg).toContain('>09:00<');
    expect(svg).toContain('A01612 &lt;test&gt; &amp; co');
    expect(svg).not.toContain('<test>');
    expect(count(renderCandles([], 'x', 'kospi200'), 'class="body')).toBe(0);
  });

  it('heatmap: one cell per non-null value, coloured from min (scale start) to max (scale end), legend', () => {
    const rows = [
      matrix(0, 'iv', [0.3, 0.25, 0.2, null, 0.22], [0.21, 0.2, 0.19, 0.2, 0.4]),
      matrix(1, 'iv', [0.1, null, null, null, 0.2], [null, 0.2, 0.2, 0.2, 0.2]),
    ];
    const svg = renderHeatmap(rows, 'iv "heat"', 'kospi200');
    const cells = attrs(svg, 'rect class="cell"');
    expect(cells).toHaveLength(9 + 6);
    expect(cells.filter((c) => c.fill === colourAt(0))).toHaveLength(1);
    expect(cells.filter((c) => c.fill === colourAt(1))).toHaveLength(1);
    expect(svg).toContain('class="legend-max">0.40<');
    expect(svg).toContain('class="legend-min">0.10<');
    expect(svg).toContain('iv &quot;heat&quot;');
    // Newest row on top: the 09:01 label comes before 09:00.
    expect(svg.indexOf('>09:01<')).toBeLessThan(svg.indexOf('>09:00<'));
    for (const l of ['ITM2', 'ATM', 'OTM2']) expect(count(svg, `>${l}<`)).toBe(2);
  });

  it('smile: points per non-null value, calls and puts on a shared strike axis, lines broken at nulls', () => {
    const row = matrix(0, 'iv', [0.3, 0.25, 0.2, null, 0.24], [0.26, 0.21, 0.2, 0.23, 0.28]);
    const svg = renderSmile(row, 'smile', 'kospi200');
    expect(count(svg, '<circle class="pt call"')).toBe(4);
    expect(count(svg, '<circle class="pt put"')).toBe(5);
    expect(count(svg, '<polyline class="call"')).toBe(1); // the lone OTM2 point after the null draws no line
    expect(count(svg, '<polyline class="put"')).toBe(1);
    const calls = attrs(svg, 'circle class="pt call"');
    const puts = attrs(svg, 'circle class="pt put"');
    // Call ITM2 (strike 345) and put OTM2 (strike 345) share an x; the put's ITM2 (355) sits at the right end.
    expect(calls[0]!.cx).toBe(puts[0]!.cx);
    expect(Number(puts.at(-1)!.cx)).toBeGreaterThan(Number(calls.at(-1)!.cx) - 0.01);
    expect(svg).toContain('>345.00<');
    expect(svg).toContain('>355.00<');
  });
});
