/** Volatility smile: one metric (IV) by strike offset from ATM for calls and puts, as a standalone SVG. Pure. */
import type { OptionMatrixRow } from '../../src/db/types.js';
import { formatPrice } from '../../src/market/format.js';
import type { ProductFamily } from '../../src/market/types.js';
import { metricFormatter, metricUnit } from './format.js';
import { esc, extent, linear, px, svgOpen, text } from './svg.js';
import { strikeOf, strikeOffset, strikesPerSide, type Side } from './strikes.js';

const M = { left: 64, right: 90, top: 30, bottom: 48 };
const COLOUR: Record<Side, string> = { call: '#d62728', put: '#1f77b4' };

/**
 * x = strike offset from ATM in steps (−N…+N, labelled with the strike), y = value. Each side is drawn as
 * `<polyline class="call|put">` segments broken at nulls, with one `<circle class="pt call|put">` per value:
 * a null is a gap, never a point at 0. Strikes are shown at `family`'s tick precision.
 */
export function renderSmile(
  row: OptionMatrixRow | undefined,
  title: string,
  family: ProductFamily | undefined,
  w = 720,
  h = 400,
): string {
  const value = metricFormatter(row?.metric ?? 'iv', family);
  const strike = (k: number) => formatPrice(k, family);
  const out = [svgOpen(w, h, title), text(M.left, 18, title, 'class="title" font-size="13"')];
  const range = row ? extent([...row.calls, ...row.puts]) : undefined;
  if (!row || !range) {
    out.push(text(w / 2, h / 2, 'no values', 'text-anchor="middle"'), '</svg>');
    return out.join('');
  }
  const n = strikesPerSide(row);
  const x = linear({ min: -n, max: n }, M.left, w - M.right);
  const y = linear(range, h - M.bottom, M.top);
  out.push('<g class="axes" stroke="#ccc">');
  for (const v of [range.min, range.max])
    out.push(`<line x1="${M.left}" x2="${w - M.right}" y1="${px(y(v))}" y2="${px(y(v))}"/>`);
  out.push(
    `<line x1="${px(x(0))}" x2="${px(x(0))}" y1="${M.top}" y2="${h - M.bottom}" stroke-dasharray="3 3"/></g><g class="labels" fill="#333">`,
  );
  for (const v of [range.min, range.max]) out.push(text(M.left - 6, y(v) + 4, value(v), 'text-anchor="end"'));
  const every = Math.max(1, Math.ceil((2 * n + 1) / 11));
  for (let k = -n; k <= n; k += every)
    out.push(
      text(x(k), h - M.bottom + 16, strike(row.atmStrike + k * row.strikeStep), 'text-anchor="middle"'),
    );
  // Axis titles with units: the smile is read in strike points against the metric's own unit.
  out.push(
    text((M.left + w - M.right) / 2, h - 8, `strike (${family === 'stock' ? 'won' : 'points'}); dashed line: ATM`, 'class="axis-title" text-anchor="middle" fill="#555"'),
    text(14, (M.top + h - M.bottom) / 2, metricUnit(row.metric, family), `class="axis-title" text-anchor="middle" fill="#555" transform="rotate(-90 14 ${px((M.top + h - M.bottom) / 2)})"`),
    '</g>',
  );
  for (const side of ['call', 'put'] as const) {
    const values = side === 'call' ? row.calls : row.puts;
    const pts = values.map((v, i) => ({ v, i, k: strikeOffset(side, i, n) })).sort((a, b) => a.k - b.k);
    let seg: string[] = [];
    const flush = () => {
      if (seg.length > 1)
        out.push(
          `<polyline class="${side}" fill="none" stroke="${COLOUR[side]}" stroke-width="1.5" points="${seg.join(' ')}"/>`,
        );
      seg = [];
    };
    for (const p of pts) {
      if (p.v === null || !Number.isFinite(p.v)) {
        flush();
        continue;
      }
      seg.push(`${px(x(p.k))},${px(y(p.v))}`);
      out.push(
        `<circle class="pt ${side}" cx="${px(x(p.k))}" cy="${px(y(p.v))}" r="3" fill="${COLOUR[side]}"><title>${esc(`${side} ${strike(strikeOf(row, side, p.i, n))}: ${value(p.v)}`)}</title></circle>`,
      );
    }
    flush();
  }
  out.push(
    text(w - M.right + 10, M.top + 10, 'calls', `fill="${COLOUR.call}"`),
    text(w - M.right + 10, M.top + 26, 'puts', `fill="${COLOUR.put}"`),
    '</svg>',
  );
  return out.join('');
}
