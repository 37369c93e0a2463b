/**
 * The order book's best bid and ask ("touch") and its depth. Trades happen at the touch, as on the exchange:
 * a buyer-initiated trade takes the ask, a seller-initiated one hits the bid. Liquid instruments (stocks,
 * futures) trade every few seconds, so their book is anchored on the tape: right after a trade its price is
 * the ask (buy) or the bid (sell) and the other side is one to three ticks away. Options trade sparsely, so
 * their book follows the fair value (market makers requote continuously) and their trades hit that book.
 */
import type { PriceGrid } from './grid.js';
import { snapToTick } from './grid.js';
import { Rng } from './rng.js';
import type { SimBookLevel } from './types.js';

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** One tick up from a price on the grid. */
export const tickUp = (grid: PriceGrid, p: number): number => round6(p + grid.tick(p));
/** One tick down (the tick just below `p`, which differs from tick(p) at a band edge). */
export const tickDown = (grid: PriceGrid, p: number): number => round6(p - grid.tick(p - grid.tick(p) / 2));

export interface Touch {
  bid: number;
  ask: number;
}

/** A one-tick book around a fair value, inside the day's limits. */
export function fairTouch(grid: PriceGrid, fair: number): Touch {
  const bid = snapToTick(grid, fair, 'floor');
  const ask = tickUp(grid, bid);
  if (ask <= grid.upper) return { bid, ask };
  return { bid: tickDown(grid, grid.upper), ask: grid.upper };
}

/** Columns of a day's trades that the touch pass reads and writes. */
export interface TouchColumns {
  n: number;
  price: Float64Array;
  side: Uint8Array;
  other: Float64Array;
}

/** Spread in ticks: mostly one, sometimes two or three (a thin moment of the book). */
function spreadTicks(rng: Rng): number {
  const u = rng.next();
  return u < 0.85 ? 1 : u < 0.97 ? 2 : 3;
}

/**
 * Liquid instruments, once the day's prices are final: the opposite side of the book right after each trade.
 * A buy at the lowest printable price cannot leave a bid below it (and a sell at the upper limit an ask
 * above it), so such a trade is recorded as hitting the side that exists.
 */
export function settleTouches(c: TouchColumns, grid: PriceGrid, rng: Rng): void {
  const bottom = Math.max(grid.lower, grid.floor);
  for (let i = 0; i < c.n; i++) {
    const p = c.price[i]!;
    const k = spreadTicks(rng);
    let bid = p;
    let ask = p;
    for (let j = 0; j < k; j++) {
      bid = tickDown(grid, bid);
      ask = tickUp(grid, ask);
    }
    if (c.side[i] === 1 && bid < bottom) c.side[i] = 5;
    else if (c.side[i] === 5 && ask > grid.upper) c.side[i] = 1;
    c.other[i] = c.side[i] === 1 ? Math.max(bid, bottom) : Math.min(ask, grid.upper);
  }
}

/** Where the touch sits after trade `i`: the trade's price is the side its aggressor took. */
export const touchOf = (price: number, side: number, other: number): Touch =>
  side === 1 ? { bid: other, ask: price } : { bid: price, ask: other };

export interface DepthSpec {
  grid: PriceGrid;
  levels: number;
  /** Median resting quantity of a level. */
  size: number;
  /** Seeds the quantities: the same book state always shows the same depth. */
  key: (string | number)[];
}

/** Levels from the touch outwards; a level beyond the day's limits is empty (all zeros), as KIS sends it. */
export function depth(touch: Touch, spec: DepthSpec): { asks: SimBookLevel[]; bids: SimBookLevel[] } {
  const { grid, levels, size } = spec;
  const rng = Rng.of(...spec.key);
  const bottom = Math.max(grid.lower, grid.floor);
  const asks: SimBookLevel[] = [];
  const bids: SimBookLevel[] = [];
  const level = (price: number, ok: boolean): SimBookLevel =>
    ok
      ? { price, qty: Math.max(1, Math.round(rng.logNormal(size, 0.8))), count: 1 + rng.int(20) }
      : { price: 0, qty: 0, count: 0 };
  let a = touch.ask;
  let b = touch.bid;
  for (let i = 0; i < levels; i++) {
    if (i > 0) [a, b] = [tickUp(grid, a), tickDown(grid, b)];
    asks.push(level(a, a <= grid.upper));
    bids.push(level(b, b >= bottom));
  }
  return { asks, bids };
}
