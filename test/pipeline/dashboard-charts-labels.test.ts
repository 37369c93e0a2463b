/** Every number a chart shows, exactly: tick precision per family, no dropped zeros, null as missing. */
import { describe, expect, it } from 'vitest';
import { renderCandles } from '../../dashboard/charts/candles.js';
import { renderHeatmap } from '../../dashboard/charts/heatmap.js';
import { renderSmile } from '../../dashboard/charts/smile.js';
import { attrs, count, kospiMatrix, samsungCandles, texts } from './dashboard-charts.fixtures.js';

describe('chart labels', () => {
  it('stock candles: whole won with thousands separators on the axis and in hover text', () => {
    const svg = renderCandles(samsungCandles(), '005930', 'stock');
    // Axis min / middle / max, the volume scale, then the time labels.
    expect(texts(svg)).toEqual(['005930', '72,400', '72,700', '73,000', 'vol 72,400', '09:00', '09:01']);
    expect(texts(svg, 'title')).toEqual([
      '2026-11-24 09:00 O 72,500 H 73,000 L 72,400 C 72,900 V 1,000',
      '2026-11-24 09:01 O 72,900 H 73,000 L 72,600 C 72,700 V 72,400',
    ]);
  });

  it('candles of a KOSPI200 future: 2 decimals, and the middle gridline sits where its label says', () => {
    const rows = samsungCandles('A01612').map((c, i) => ({
      ...c,
      open: 1002.5 + i,
      high: 1007.5,
      low: 1000.05 + i,
      close: 1003 + i,
      volume: 1_000,
    }));
    const svg = renderCandles(rows, 'A01612', 'kospi200');
    // (1000.05 + 1007.5) / 2 = 1003.775 is drawn (and labelled) at 1003.78.
    expect(texts(svg).slice(1, 4)).toEqual(['1,000.05', '1,003.78', '1,007.50']);
    expect(texts(svg, 'title')[0]).toBe(
      '2026-11-24 09:00 O 1,002.50 H 1,007.50 L 1,000.05 C 1,003.00 V 1,000',
    );
  });

  it('smile: KOSPI200 strikes above 1000 keep their .50; IV to 2 decimals; a null is a gap, not 0', () => {
    const row = kospiMatrix('iv', [33.1, 31.5614, 30, null, 29.25], [28, 29.5, 30.5, 32, null]);
    const svg = renderSmile(row, 'smile', 'kospi200');
    expect(texts(svg)).toEqual([
      'smile',
      '28.00',
      '33.10',
      '992.50',
      '997.50',
      '1,002.50',
      '1,007.50',
      '1,012.50',
      'strike (points); dashed line: ATM',
      'IV, % per year',
      'calls',
      'puts',
    ]);
    expect(texts(svg, 'title')).toEqual([
      'call 992.50: 33.10',
      'call 997.50: 31.56',
      'call 1,002.50: 30.00',
      'call 1,012.50: 29.25',
      'put 997.50: 32.00',
      'put 1,002.50: 30.50',
      'put 1,007.50: 29.50',
      'put 1,012.50: 28.00',
    ]);
    // The call line breaks at the missing 1,007.50: one segment of three points, the last point alone.
    expect(count(svg, '<polyline class="call"')).toBe(1);
    expect(attrs(svg, 'polyline class="call"')[0]!.points!.split(' ')).toHaveLength(3);
  });

  it('heatmap of prices: strikes and premiums at tick precision, null cells blank with "—"', () => {
    const row = kospiMatrix('price', [12.5, 8.05, 5, 2.5, null], [13, 9.1, 5.6, 3, null]);
    const svg = renderHeatmap([row], 'price', 'kospi200');
    const at = '2026-11-24 09:00';
    expect(texts(svg, 'title')).toEqual([
      `${at} call 992.50 (ITM2): 12.50`,
      `${at} call 997.50 (ITM1): 8.05`,
      `${at} call 1,002.50 (ATM): 5.00`,
      `${at} call 1,007.50 (OTM1): 2.50`,
      `${at} call 1,012.50 (OTM2): —`,
      `${at} put 1,012.50 (ITM2): 13.00`,
      `${at} put 1,007.50 (ITM1): 9.10`,
      `${at} put 1,002.50 (ATM): 5.60`,
      `${at} put 997.50 (OTM1): 3.00`,
      `${at} put 992.50 (OTM2): —`,
    ]);
    expect(count(svg, '<rect class="cell"')).toBe(8);
    const missing = attrs(svg, 'rect class="cell missing"');
    expect(missing).toHaveLength(2);
    for (const m of missing) expect(m.fill).toBe('none');
    expect(svg).toContain('class="legend-max">13.00<');
    expect(svg).toContain('class="legend-min">2.50<');
  });

  it('heatmap of volumes and IVs: counts with separators, a real 0 is 0, a null is "—" and not in the scale', () => {
    const vol = renderHeatmap(
      [kospiMatrix('volume', [72_400, 1_000, 73_000, null, 0], [5, 10, 20, 40, 80])],
      'volume',
      'kospi200',
    );
    expect(texts(vol, 'title').map((t) => t.split(': ')[1])).toEqual([
      '72,400',
      '1,000',
      '73,000',
      '—',
      '0',
      '5',
      '10',
      '20',
      '40',
      '80',
    ]);
    expect(vol).toContain('class="legend-max">73,000<');
    expect(vol).toContain('class="legend-min">0<');
    const iv = renderHeatmap(
      [kospiMatrix('iv', [null, 31.5614, 30, 29, null], [null, null, 30.5, 31, 35.25], 1)],
      'iv',
      'kospi200',
    );
    expect(count(iv, 'class="cell missing"')).toBe(4);
    expect(iv).toContain('class="legend-min">29.00<');
    expect(iv).toContain('class="legend-max">35.25<');
    expect(texts(iv, 'title')[1]).toBe('2026-11-24 09:01 call 997.50 (ITM1): 31.56');
  });

  it('KOSDAQ150 strikes and prices at their own tick precision (0.1)', () => {
    const row = {
      ...kospiMatrix('price', [120.5, 80, 50.5, 30, 10.1], [9, 30, 50, 80, 120]),
      atmStrike: 1350,
      strikeStep: 25,
    };
    const svg = renderHeatmap([row], 'price', 'kosdaq150');
    expect(texts(svg, 'title')[0]).toBe('2026-11-24 09:00 call 1,300.0 (ITM2): 120.5');
  });
});
