/** Heatmap of one metric of an option matrix over recent timestamps, as a standalone SVG string. Pure. */
import type { OptionMatrixRow } from '../../src/db/types.js';
import { formatKst } from '../../src/time/kst.js';
import { formatPrice, MISSING } from '../../src/market/format.js';
import type { ProductFamily } from '../../src/market/types.js';
import { metricFormatter, metricUnit } from './format.js';
import { colourAt, esc, extent, gradientStops, linear, px, svgOpen, text } from './svg.js';
import { relativeLabel, strikeOf, strikesPerSide, type Side } from './strikes.js';

const CELL_W = 34;
const CELL_H = 14;
const LEFT = 48;
const TOP = 86;
const LEGEND_W = 220;

/**
 * Rows = `rows` newest first (top); columns = call ITM(N)…ATM…OTM(N), then put ITM(N)…ATM…OTM(N).
 * Each non-null value is one `<rect class="cell">` coloured on a scale spanning the shown min…max; a null
 * value is missing, never 0: an unfilled `<rect class="cell missing">` whose hover text shows '—'. A legend
 * shows the colour scale with its min and max. Strikes (and prices) are shown at `family`'s tick precision.
 */
export function renderHeatmap(
  rows: readonly OptionMatrixRow[],
  title: string,
  family: ProductFamily | undefined,
): string {
  const n = rows.length ? strikesPerSide(rows[0]!) : 0;
  const value = metricFormatter(rows[0]?.metric ?? 'iv', family);
  const width = 2 * n + 1;
  const w = Math.max(LEFT + 2 * width * CELL_W + 12, LEFT + LEGEND_W + 200);
  const h = TOP + Math.max(1, rows.length) * CELL_H + 24;
  const out = [svgOpen(w, h, title), text(LEFT, 16, title, 'class="title" font-size="13"')];
  const range = extent(rows.flatMap((r) => [...r.calls, ...r.puts]));
  if (rows.length === 0 || !range) {
    out.push(text(LEFT, TOP, rows.length ? 'all values are null' : 'no matrices'), '</svg>');
    return out.join('');
  }
  const t = linear(range, 0, 1);
  const sides: [Side, number][] = [
    ['call', 0],
    ['put', width * CELL_W],
  ];
  for (const [side, x0] of sides) {
    out.push(
      text(
        LEFT + x0 + (width * CELL_W) / 2,
        50,
        side === 'call' ? 'calls' : 'puts',
        'text-anchor="middle" font-weight="bold"',
      ),
    );
    // Relative strike (ITM/ATM/OTM) and, under it, the absolute strike at the newest minute.
    for (let i = 0; i < width; i++) {
      const cx = LEFT + x0 + (i + 0.5) * CELL_W;
      out.push(
        text(cx, 64, relativeLabel(i, n), 'class="rel" text-anchor="middle" font-size="9"'),
        text(cx, 76, formatPrice(strikeOf(rows[0]!, side, i, n), family), 'class="strike" text-anchor="middle" font-size="8" fill="#555"'),
      );
    }
  }
  const ordered = [...rows].reverse();
  ordered.forEach((r, j) => {
    const y = TOP + j * CELL_H;
    out.push(
      text(LEFT - 4, y + CELL_H - 3, formatKst(r.time).slice(11, 16), 'text-anchor="end" font-size="9"'),
    );
    for (const [side, x0] of sides) {
      const values = side === 'call' ? r.calls : r.puts;
      values.forEach((v, i) => {
        const missing = v === null || !Number.isFinite(v);
        const tip = `${formatKst(r.time).slice(0, 16)} ${side} ${formatPrice(strikeOf(r, side, i, n), family)} (${relativeLabel(i, n)}): ${missing ? MISSING : value(v)}`;
        const paint = missing
          ? 'class="cell missing" fill="none" stroke="#ddd"'
          : `class="cell" fill="${colourAt(t(v))}"`;
        out.push(
          `<rect ${paint} x="${px(LEFT + x0 + i * CELL_W)}" y="${px(y)}" width="${CELL_W - 1}" height="${CELL_H - 1}"><title>${esc(tip)}</title></rect>`,
        );
      });
    }
  });
  // The legend sits under the title, in view however wide the grid is.
  const lx = LEFT;
  out.push(
    `<defs><linearGradient id="scale" x1="0" y1="0" x2="1" y2="0">${gradientStops()}</linearGradient></defs>`,
    `<g class="legend">`,
    text(lx, 33, value(range.min), 'text-anchor="end" dx="-4" class="legend-min"'),
    `<rect x="${lx}" y="24" width="${LEGEND_W - 60}" height="12" fill="url(#scale)"/>`,
    text(lx + LEGEND_W - 56, 33, value(range.max), 'class="legend-max"'),
    text(lx + LEGEND_W + 10, 33, metricUnit(rows[0]!.metric, family), 'class="legend-unit" fill="#555"'),
    '</g></svg>',
  );
  return out.join('');
}
