/**
 * A small x/y plot as standalone SVG: several named series, each drawn as a line broken at missing values
 * and/or as markers with a hover title, axes with their units, a legend in view. Pure. Used by the
 * volatility-surface page (smile with its fit, term structure, skew over the day).
 */
import { esc, extent, linear, px, svgOpen, text, type Extent } from './svg.js';

export interface XyPoint {
  x: number;
  /** null = missing: breaks the line, draws nothing (never a point at 0). */
  y: number | null;
  /** Hover text of the marker. */
  tip?: string;
}

export interface XySeries {
  name: string;
  colour: string;
  points: readonly XyPoint[];
  line?: boolean;
  /** `dot` filled, `ring` hollow, none = line only. */
  marker?: 'dot' | 'ring';
  /** CSS class of the series' elements, for tests and styling. */
  cls: string;
}

export interface XyPlot {
  title: string;
  xTitle: string;
  yTitle: string;
  series: readonly XySeries[];
  formatX: (v: number) => string;
  formatY: (v: number) => string;
  /** Values of x to label (default: 6 evenly spaced over the data). */
  xTicks?: readonly number[];
  /** A vertical dashed marker, e.g. the forward. */
  xMark?: { at: number; label: string };
  width?: number;
  height?: number;
}

const M = { left: 64, right: 130, top: 30, bottom: 48 };

function evenTicks(d: Extent, n: number): number[] {
  if (d.max === d.min) return [d.min];
  return Array.from({ length: n }, (_, i) => d.min + ((d.max - d.min) * i) / (n - 1));
}

export function renderXyPlot(p: XyPlot): string {
  const w = p.width ?? 720;
  const h = p.height ?? 360;
  const out = [svgOpen(w, h, p.title), text(M.left, 18, p.title, 'class="title" font-size="13"')];
  const xs = extent(p.series.flatMap((s) => s.points.filter((q) => q.y !== null).map((q) => q.x)));
  const ys = extent(p.series.flatMap((s) => s.points.map((q) => q.y)));
  if (!xs || !ys) {
    out.push(text(w / 2, h / 2, 'no values', 'text-anchor="middle"'), '</svg>');
    return out.join('');
  }
  const x = linear(xs, M.left, w - M.right);
  const y = linear(ys, h - M.bottom, M.top);
  out.push('<g class="axes" stroke="#ccc">');
  for (const v of evenTicks(ys, 4)) out.push(`<line x1="${M.left}" x2="${w - M.right}" y1="${px(y(v))}" y2="${px(y(v))}"/>`);
  if (p.xMark && p.xMark.at >= xs.min && p.xMark.at <= xs.max) {
    out.push(`<line class="x-mark" x1="${px(x(p.xMark.at))}" x2="${px(x(p.xMark.at))}" y1="${M.top}" y2="${h - M.bottom}" stroke-dasharray="3 3"/>`);
  }
  out.push('</g><g class="labels" fill="#333">');
  for (const v of evenTicks(ys, 4)) out.push(text(M.left - 6, y(v) + 4, p.formatY(v), 'text-anchor="end"'));
  for (const v of p.xTicks ?? evenTicks(xs, 6)) out.push(text(x(v), h - M.bottom + 16, p.formatX(v), 'class="x-tick" text-anchor="middle"'));
  const xTitle = p.xMark ? `${p.xTitle}; dashed line: ${p.xMark.label}` : p.xTitle;
  out.push(
    text((M.left + w - M.right) / 2, h - 8, xTitle, 'class="axis-title" text-anchor="middle" fill="#555"'),
    text(14, (M.top + h - M.bottom) / 2, p.yTitle, `class="axis-title" text-anchor="middle" fill="#555" transform="rotate(-90 14 ${px((M.top + h - M.bottom) / 2)})"`),
    '</g>',
  );
  for (const s of p.series) {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    if (s.line !== false) {
      let seg: string[] = [];
      const flush = (): void => {
        if (seg.length > 1) out.push(`<polyline class="${esc(s.cls)}" fill="none" stroke="${s.colour}" stroke-width="1.5" points="${seg.join(' ')}"/>`);
        seg = [];
      };
      for (const q of pts) {
        if (q.y === null || !Number.isFinite(q.y)) flush();
        else seg.push(`${px(x(q.x))},${px(y(q.y))}`);
      }
      flush();
    }
    if (!s.marker) continue;
    const fill = s.marker === 'dot' ? s.colour : 'white';
    for (const q of pts) {
      if (q.y === null || !Number.isFinite(q.y)) continue;
      out.push(
        `<circle class="pt ${esc(s.cls)}" cx="${px(x(q.x))}" cy="${px(y(q.y))}" r="3" fill="${fill}" stroke="${s.colour}">` +
          `<title>${esc(q.tip ?? `${s.name} ${p.formatX(q.x)}: ${p.formatY(q.y)}`)}</title></circle>`,
      );
    }
  }
  p.series.forEach((s, i) => out.push(text(w - M.right + 10, M.top + 10 + 16 * i, s.name, `class="legend" fill="${s.colour}"`)));
  out.push('</svg>');
  return out.join('');
}
