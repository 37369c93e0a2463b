/**
 * Small pure helpers shared by the SVG chart renderers: escaping, linear scales, colours. Numbers shown to
 * people go through `src/market/format.ts` (see `./format.ts`), never through ad-hoc rounding here.
 */

/** Escapes text for XML/HTML element content and double-quoted attributes. */
export function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Coordinates rounded to 0.01 px keep the markup small and the output deterministic. */
export const px = (v: number): string => String(Math.round(v * 100) / 100);

export interface Extent {
  min: number;
  max: number;
}

/** Min and max of the finite values, or undefined when there are none. */
export function extent(values: Iterable<number | null | undefined>): Extent | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : undefined;
}

/**
 * Linear map from [d.min, d.max] onto [r0, r1]. A flat domain (min = max) maps to the middle of the range
 * so a constant series draws as a line instead of dividing by zero.
 */
export function linear(d: Extent, r0: number, r1: number): (v: number) => number {
  const span = d.max - d.min;
  if (span === 0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d.min) / span) * (r1 - r0);
}

// Perceptually ordered stops (dark blue → teal → yellow), so higher always reads as brighter.
const STOPS: readonly [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Colour for t in [0, 1] (clamped) on the shared sequential scale, as `#rrggbb`. */
export function colourAt(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const hex = (k: number) =>
    Math.round(a[k]! + (b[k]! - a[k]!) * f)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}

/** `<linearGradient>` stops of the same scale, for legends. */
export const gradientStops = (): string =>
  STOPS.map(
    (_, i) =>
      `<stop offset="${px((i / (STOPS.length - 1)) * 100)}%" stop-color="${colourAt(i / (STOPS.length - 1))}"/>`,
  ).join('');

export const svgOpen = (w: number, h: number, label: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" style="max-width:100%;height:auto" role="img" aria-label="${esc(label)}" font-family="sans-serif" font-size="11">`;

export const text = (x: number, y: number, s: string, attrs = ''): string =>
  `<text x="${px(x)}" y="${px(y)}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
