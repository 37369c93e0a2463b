/** Candlestick chart (price pane + volume pane) of 1-minute candles as a standalone SVG string. Pure. */
import type { Candle } from '../../src/db/types.js';
import { formatKst } from '../../src/time/kst.js';
import { formatPrice, formatQuantity } from '../../src/market/format.js';
import { priceDecimals } from '../../src/market/instruments/index.js';
import type { ProductFamily } from '../../src/market/types.js';
import { esc, extent, linear, px, svgOpen, text } from './svg.js';

export interface CandleChartLayout {
  width: number;
  height: number;
}

const M = { left: 64, right: 16, top: 28, bottom: 24 };
const VOLUME_SHARE = 0.22;
const GAP = 6;

/** Price pane geometry, exported so tests can check the scaling against it. */
export function candlePanes(l: CandleChartLayout) {
  const plotH = l.height - M.top - M.bottom;
  const volH = Math.round(plotH * VOLUME_SHARE);
  return {
    left: M.left,
    right: l.width - M.right,
    priceTop: M.top,
    priceBottom: M.top + plotH - volH - GAP,
    volTop: M.top + plotH - volH,
    volBottom: M.top + plotH,
  };
}

/**
 * One `<rect class="body up|down">` per candle (up: close ≥ open), a `<line class="wick">` from high to
 * low, and a `<rect class="vol">` per candle with volume > 0. Highest high touches the top of the price
 * pane, lowest low its bottom. Time labels are KST wall-clock (`HH:MM`); prices are shown at the tick
 * precision of `family` (undefined: every decimal any product has).
 */
export function renderCandles(
  candles: readonly Candle[],
  title: string,
  family: ProductFamily | undefined,
  l: CandleChartLayout = { width: 960, height: 440 },
): string {
  const p = candlePanes(l);
  const price = (v: number) => formatPrice(v, family);
  const count = (v: number) => formatQuantity(v, 'count');
  const out: string[] = [
    svgOpen(l.width, l.height, title),
    text(M.left, 16, title, 'class="title" font-size="13"'),
  ];
  const prices = extent(candles.flatMap((c) => [c.high, c.low]));
  if (!prices || candles.length === 0) {
    out.push(text(l.width / 2, l.height / 2, 'no candles', 'text-anchor="middle"'), '</svg>');
    return out.join('');
  }
  const y = linear(prices, p.priceBottom, p.priceTop);
  const vmax = Math.max(0, ...candles.map((c) => c.volume));
  const vy = linear({ min: 0, max: vmax || 1 }, p.volBottom, p.volTop);
  const slot = (p.right - p.left) / candles.length;
  const bodyW = Math.max(1, slot * 0.7);

  // The middle gridline is rounded to the shown precision, so its label names exactly where it is drawn.
  const unit = 10 ** priceDecimals(family);
  const grid = [prices.min, Math.round(((prices.min + prices.max) / 2) * unit) / unit, prices.max];
  out.push('<g class="axes" stroke="#ccc">');
  for (const v of grid) {
    out.push(`<line x1="${px(p.left)}" x2="${px(p.right)}" y1="${px(y(v))}" y2="${px(y(v))}"/>`);
  }
  out.push('</g><g class="labels" fill="#333">');
  for (const v of grid) {
    out.push(text(p.left - 6, y(v) + 4, price(v), 'text-anchor="end"'));
  }
  out.push(text(p.left - 6, p.volTop + 10, `vol ${count(vmax)}`, 'text-anchor="end"'));
  const every = Math.max(1, Math.ceil(candles.length / 10));
  candles.forEach((c, i) => {
    if (i % every === 0)
      out.push(
        text(
          p.left + slot * (i + 0.5),
          l.height - 8,
          formatKst(c.time).slice(11, 16),
          'text-anchor="middle"',
        ),
      );
  });
  out.push('</g>');

  for (let i = 0; i < candles.length; i++) {
    const c = candles[i]!;
    const cx = p.left + slot * (i + 0.5);
    const up = c.close >= c.open;
    const colour = up ? '#d62728' : '#1f77b4'; // Korean convention: red up, blue down.
    const top = y(Math.max(c.open, c.close));
    const h = Math.max(1, y(Math.min(c.open, c.close)) - top);
    const tip = `${formatKst(c.time).slice(0, 16)} O ${price(c.open)} H ${price(c.high)} L ${price(c.low)} C ${price(c.close)} V ${count(c.volume)}`;
    out.push(
      `<g><title>${esc(tip)}</title>`,
      `<line class="wick" x1="${px(cx)}" x2="${px(cx)}" y1="${px(y(c.high))}" y2="${px(y(c.low))}" stroke="${colour}"/>`,
      `<rect class="body ${up ? 'up' : 'down'}" x="${px(cx - bodyW / 2)}" y="${px(top)}" width="${px(bodyW)}" height="${px(h)}" fill="${colour}"/>`,
      c.volume > 0
        ? `<rect class="vol" x="${px(cx - bodyW / 2)}" y="${px(vy(c.volume))}" width="${px(bodyW)}" height="${px(p.volBottom - vy(c.volume))}" fill="#999"/>`
        : '',
      '</g>',
    );
  }
  out.push('</svg>');
  return out.join('');
}
