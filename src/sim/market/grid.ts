/** An instrument's price grid for a day (tick table and limits) and snapping onto it. */

export interface PriceGrid {
  tick(price: number): number;
  upper: number;
  lower: number;
  /** Lowest price the instrument can print (options: one tick). */
  floor: number;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function snapToTick(grid: PriceGrid, p: number, mode: 'floor' | 'ceil' | 'round'): number {
  const t = grid.tick(Math.max(p, grid.floor));
  const n = p / t;
  const k = mode === 'floor' ? Math.floor(n + 1e-9) : mode === 'ceil' ? Math.ceil(n - 1e-9) : Math.round(n);
  const v = round6(k * t);
  return Math.min(grid.upper, Math.max(grid.lower, grid.floor, v));
}
