/**
 * Makes a liquid instrument's generated day of trades hit a daily bar fixed in advance (`day-bar.ts`), so the
 * daily bar is known without generating the day: the first print is the open, the last the close, every other
 * price is stretched in log space so the natural extremes land on the target high and low (then one trade
 * each is pinned to them), and quantities are rescaled to the target volume keeping their proportions.
 */
import { snapToTick, type PriceGrid } from './grid.js';

export interface DayTarget {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface TapeColumns {
  n: number;
  price: Float64Array;
  qty: Float64Array;
}

/** Maps (lo..hi] of `from` onto (lo..to], log-linearly; identity when nothing natural lies above. */
function stretch(p: number, edge: number, natural: number, target: number): number {
  if (natural === edge) return target;
  const k = (Math.log(target) - Math.log(edge)) / (Math.log(natural) - Math.log(edge));
  return Math.exp(Math.log(edge) + (Math.log(p) - Math.log(edge)) * k);
}

export class DayTargetError extends Error {
  constructor(message: string) {
    super(
      `simulator day target: ${message} (a model invariant failed; report it with the seed, code and date)`,
    );
    this.name = 'DayTargetError';
  }
}

export function enforceDayTarget(c: TapeColumns, t: DayTarget, grid: PriceGrid): void {
  const { n, price, qty } = c;
  if (n < 4) throw new DayTargetError(`needs at least 4 trades, got ${n}`);
  if (t.volume < n) throw new DayTargetError(`target volume ${t.volume} below the ${n} trades`);
  const top = Math.max(t.open, t.close);
  const bottom = Math.min(t.open, t.close);
  let natHigh = top;
  let natLow = bottom;
  for (let i = 1; i < n - 1; i++) {
    if (price[i]! > natHigh) natHigh = price[i]!;
    if (price[i]! < natLow) natLow = price[i]!;
  }
  price[0] = t.open;
  price[n - 1] = t.close;
  let iHigh = -1;
  let iLow = -1;
  for (let i = 1; i < n - 1; i++) {
    let p = price[i]!;
    if (p > top) p = stretch(p, top, natHigh, t.high);
    else if (p < bottom) p = stretch(p, bottom, natLow, t.low);
    p = Math.min(t.high, Math.max(t.low, snapToTick(grid, p, 'round')));
    price[i] = p;
    if (iHigh < 0 || p > price[iHigh]!) iHigh = i;
    if (iLow < 0 || p < price[iLow]!) iLow = i;
  }
  // Rounding may leave the extremes a tick short: pin one trade to each (distinct trades).
  if (price[iHigh]! < t.high && t.high > top) price[iHigh] = t.high;
  if (price[iLow]! > t.low && t.low < bottom) {
    if (iLow === iHigh) iLow = iHigh === 1 ? 2 : 1;
    price[iLow] = t.low;
  }
  rescaleQuantities(qty, n, t.volume);
}

/** Each trade keeps at least 1; the rest of `volume` is shared in proportion to (qty − 1), rounded cumulatively. */
function rescaleQuantities(qty: Float64Array, n: number, volume: number): void {
  let weight = 0;
  for (let i = 0; i < n; i++) weight += qty[i]! - 1;
  const extra = volume - n;
  let cum = 0;
  let given = 0;
  for (let i = 0; i < n; i++) {
    cum += weight > 0 ? qty[i]! - 1 : 1;
    const upTo = Math.round((extra * cum) / (weight > 0 ? weight : n));
    qty[i] = 1 + upTo - given;
    given = upTo;
  }
}
