/**
 * Turns a fair-price function into a day's trades for one instrument: a single opening call print at
 * the open, random continuous trades at 1-second resolution with U-shaped intensity and random bursts,
 * and a single closing call print at the close (its own candle). Liquid instruments get at least one
 * trade in every continuous minute, so their candle set is complete.
 */
import type { KstDate, KstTime } from '../../time/kst.js';
import { fairTouch, settleTouches } from './book.js';
import { enforceDayTarget, type DayTarget } from './day-target.js';
import { snapToTick, type PriceGrid } from './grid.js';
import type { Rng } from './rng.js';
import type { TradeWindow } from './sessions.js';
import { TapeBuilder, type TradeTape } from './tape.js';

export { snapToTick, type PriceGrid } from './grid.js';

export interface GenerateSpec {
  code: string;
  tradingDate: KstDate;
  prevClose: number;
  windows: TradeWindow[];
  fair: (t: KstTime) => number;
  grid: PriceGrid;
  /** Mean trades/second in the quiet middle of a day session. */
  rate: number;
  /** Every continuous minute gets a trade, and auctions always print. */
  liquid: boolean;
  /**
   * Options: the book follows the fair value (`fairTouch`) and trades hit its bid or ask. Others trade at
   * the tick above/below fair by aggressor, the day target reshapes prices, and the book is then anchored
   * on the final tape (`settleTouches`).
   */
  bookAtFair: boolean;
  /** Median size of a continuous trade (shares or contracts) at price p. */
  size: (p: number) => number;
  /** KRW per price point per unit (1 for stocks, the multiplier for derivatives). */
  valuePerPoint: number;
  /** Liquid instruments: the day's bar, fixed in advance, that the trades must aggregate to. */
  target?: DayTarget;
}

/** Relative intensity over a session, u ∈ [0, 1): bursts at the open and into the close. */
function uShape(u: number, night: boolean): number {
  const s = 1 + 5 * Math.exp(-u / 0.03) + 3 * Math.exp(-(1 - u) / 0.04);
  return night ? 0.3 * s : s;
}

const shapeTables = new Map<string, Float32Array>();

/** `uShape` per second of a session of `seconds` length (few distinct lengths, so cached for all instruments). */
function shapeTable(seconds: number, night: boolean): Float32Array {
  const key = `${seconds}|${night}`;
  let t = shapeTables.get(key);
  if (!t) {
    t = new Float32Array(seconds);
    for (let i = 0; i < seconds; i++) t[i] = uShape(i / seconds, night);
    if (shapeTables.size > 64) shapeTables.clear();
    shapeTables.set(key, t);
  }
  return t;
}

/** Median-size multiples of the opening and closing call prints. */
export const AUCTION_SIZES = { open: 30, close: 60 } as const;

/**
 * Expected number of trades of a liquid instrument over its windows (U-shape, no bursts), counting the
 * one-trade fill of minutes that would otherwise stay empty and the two call prints of each window.
 */
export function expectedLiquidTrades(windows: readonly TradeWindow[], rate: number): number {
  let total = 0;
  for (const w of windows) {
    const seconds = (w.continuousEnd - w.open) / 1000;
    const shape = shapeTable(seconds, w.night);
    for (let m = 0; m < seconds; m += 60) {
      let lambda = 0;
      for (let s = m; s < Math.min(seconds, m + 60); s++) lambda += rate * shape[s]!;
      total += lambda + Math.exp(-lambda);
    }
    total += 2;
  }
  return total;
}

function poisson(rng: Rng, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > l && k < 50) {
    k++;
    p *= rng.next();
  }
  return k;
}

export function generateTape(spec: GenerateSpec, rng: Rng): TradeTape {
  const out = new TapeBuilder(spec.liquid ? 16_384 : 256);
  const { grid } = spec;
  const trade = (t: number, side: 1 | 5, qty: number, auction: boolean): void => {
    const f = spec.fair(t as KstTime);
    const size = Math.max(1, Math.round(qty));
    if (spec.bookAtFair) {
      const { bid, ask } = fairTouch(grid, f);
      out.push(t, side === 1 ? ask : bid, size, side, side === 1 ? bid : ask);
      return;
    }
    out.push(t, snapToTick(grid, f, auction ? 'round' : side === 1 ? 'ceil' : 'floor'), size, side);
  };
  const side = (): 1 | 5 => (rng.next() < 0.5 ? 1 : 5);
  const continuousTrade = (t: number): void =>
    trade(t, side(), rng.logNormal(spec.size(spec.fair(t as KstTime)), 0.9), false);

  /** Per-second Poisson counts; a minute left empty gets one trade at a random second. */
  const continuousLiquid = (
    open: number,
    seconds: number,
    opened: boolean,
    lambdaAt: (s: number) => number,
  ): void => {
    for (let m = 0; m < seconds; m += 60) {
      const end = Math.min(seconds, m + 60);
      // The opening print owns second 0 and already fills the first minute.
      const lo = m === 0 && opened ? 1 : 0;
      let count = lo;
      for (let s = m + lo; s < end; s++) {
        const n = poisson(rng, lambdaAt(s));
        for (let k = 0; k < n; k++) continuousTrade(open + s * 1000);
        count += n;
      }
      if (count === 0 && end > m) continuousTrade(open + (m + rng.int(end - m)) * 1000);
    }
  };

  /** Sparse streams: arrivals by thinning a Poisson process at the peak rate (cheap when rates are tiny). */
  const continuousSparse = (
    open: number,
    seconds: number,
    opened: boolean,
    lambdaAt: (s: number) => number,
    peak: number,
  ): void => {
    for (let x = rng.exponential(peak); x < seconds; x += rng.exponential(peak)) {
      const s = Math.floor(x);
      if ((s === 0 && opened) || rng.next() * peak >= lambdaAt(s)) continue;
      continuousTrade(open + s * 1000);
    }
  };
  for (const w of spec.windows) {
    const printsAuction = spec.liquid || rng.next() < spec.rate * 40;
    if (printsAuction)
      trade(w.open, side(), rng.logNormal(spec.size(spec.fair(w.open)) * AUCTION_SIZES.open, 0.5), true);
    const seconds = (w.continuousEnd - w.open) / 1000;
    // A few bursts of activity (news, sweeps) per session.
    const bursts: [number, number][] = [];
    for (let b = 0, nb = 2 + rng.int(4); b < nb; b++) {
      const at = rng.int(seconds);
      bursts.push([at, at + 30 + rng.int(150)]);
    }
    const shape = shapeTable(seconds, w.night);
    const lambdaAt = (s: number): number => {
      let lambda = spec.rate * shape[s]!;
      for (const [a, b] of bursts) if (s >= a && s < b) lambda *= 2.5;
      return lambda;
    };
    // Peak rate for thinning: the shape's maximum times every burst overlapping.
    const overlap = Math.max(0, ...bursts.map(([a]) => bursts.filter(([x, y]) => a >= x && a < y).length));
    const peak = spec.rate * (w.night ? 0.3 : 1) * 6.01 * 2.5 ** overlap;
    if (spec.liquid) continuousLiquid(w.open, seconds, printsAuction, lambdaAt);
    else continuousSparse(w.open, seconds, printsAuction, lambdaAt, peak);
    if (printsAuction)
      trade(w.close, side(), rng.logNormal(spec.size(spec.fair(w.close)) * AUCTION_SIZES.close, 0.5), true);
  }
  if (spec.target && out.length > 0) enforceDayTarget(out.columns(), spec.target, grid);
  // Drawn after every trade, so the book's spreads leave the trades themselves unchanged.
  if (!spec.bookAtFair) settleTouches(out.columns(), grid, rng);
  return out.build(
    {
      code: spec.code,
      tradingDate: spec.tradingDate,
      prevClose: spec.prevClose,
      upperLimit: grid.upper,
      lowerLimit: grid.lower,
    },
    spec.valuePerPoint,
  );
}
