/**
 * A day's trades of one instrument in columnar form (typed arrays: ~50 bytes a trade), with the queries
 * the market needs: trades in a window, minute bars, and running day statistics.
 */
import type { KstDate, KstTime } from '../../time/kst.js';
import type { SimBar, SimTrade } from './types.js';

export interface TradeTape {
  code: string;
  tradingDate: KstDate;
  /** Previous settlement / close: the day's base price. */
  prevClose: number;
  upperLimit: number;
  lowerLimit: number;
  length: number;
  time: Float64Array;
  price: Float64Array;
  qty: Float64Array;
  side: Uint8Array;
  /** The book's other side right after the trade (the bid after a buy at the ask, the ask after a sell). */
  other: Float64Array;
  cumVolume: Float64Array;
  cumValue: Float64Array;
}

export class TapeBuilder {
  private n = 0;
  private time: Float64Array;
  private price: Float64Array;
  private qty: Float64Array;
  private side: Uint8Array;
  private other: Float64Array;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.price = new Float64Array(capacity);
    this.qty = new Float64Array(capacity);
    this.side = new Uint8Array(capacity);
    this.other = new Float64Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  /** The live columns (valid up to `n`), for in-place adjustment before `build`. */
  columns(): {
    n: number;
    time: Float64Array;
    price: Float64Array;
    qty: Float64Array;
    side: Uint8Array;
    other: Float64Array;
  } {
    return {
      n: this.n,
      time: this.time,
      price: this.price,
      qty: this.qty,
      side: this.side,
      other: this.other,
    };
  }

  /** `other`: the book's opposite side after the trade, when already known (else set through `columns`). */
  push(time: number, price: number, qty: number, side: 1 | 5, other = NaN): void {
    if (this.n === this.time.length) this.grow();
    this.time[this.n] = time;
    this.price[this.n] = price;
    this.qty[this.n] = qty;
    this.side[this.n] = side;
    this.other[this.n] = other;
    this.n++;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap),
      p = new Float64Array(cap),
      q = new Float64Array(cap),
      s = new Uint8Array(cap),
      o = new Float64Array(cap);
    t.set(this.time);
    p.set(this.price);
    q.set(this.qty);
    s.set(this.side);
    o.set(this.other);
    [this.time, this.price, this.qty, this.side, this.other] = [t, p, q, s, o];
  }

  /** Finalises: trades must have been pushed in time order. `valuePerPoint` converts price×qty to KRW. */
  build(
    meta: Pick<TradeTape, 'code' | 'tradingDate' | 'prevClose' | 'upperLimit' | 'lowerLimit'>,
    valuePerPoint: number,
  ): TradeTape {
    const n = this.n;
    const cumVolume = new Float64Array(n);
    const cumValue = new Float64Array(n);
    let v = 0;
    let val = 0;
    for (let i = 0; i < n; i++) {
      v += this.qty[i]!;
      val += Math.round(this.price[i]! * this.qty[i]! * valuePerPoint);
      cumVolume[i] = v;
      cumValue[i] = val;
    }
    return {
      ...meta,
      length: n,
      time: this.time.slice(0, n),
      price: this.price.slice(0, n),
      qty: this.qty.slice(0, n),
      side: this.side.slice(0, n),
      other: this.other.slice(0, n),
      cumVolume,
      cumValue,
    };
  }
}

/** First index with time >= t. */
export function lowerBound(tape: TradeTape, t: number): number {
  let lo = 0;
  let hi = tape.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tape.time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function tradeAt(tape: TradeTape, i: number): SimTrade {
  const buy = tape.side[i] === 1;
  const price = tape.price[i]!;
  const other = tape.other[i]!;
  return {
    code: tape.code,
    time: tape.time[i]! as KstTime,
    price,
    qty: tape.qty[i]!,
    side: buy ? 1 : 5,
    bid: buy ? other : price,
    ask: buy ? price : other,
    cumVolume: tape.cumVolume[i]!,
    cumValue: tape.cumValue[i]!,
  };
}

export function tapeTrades(tape: TradeTape, from: number, to: number, out: SimTrade[]): void {
  for (let i = lowerBound(tape, from); i < tape.length && tape.time[i]! < to; i++) out.push(tradeAt(tape, i));
}

/** Minute bars whose minute start is in [from, to): OHLCV of exactly the trades inside each minute. */
export function tapeBars(tape: TradeTape, from: number, to: number, out: SimBar[]): void {
  const rem = ((from % 60_000) + 60_000) % 60_000;
  let i = lowerBound(tape, rem === 0 ? from : from - rem + 60_000);
  while (i < tape.length) {
    const t0 = tape.time[i]!;
    const minute = t0 - (((t0 % 60_000) + 60_000) % 60_000);
    if (minute >= to) break;
    const end = minute + 60_000;
    const open = tape.price[i]!;
    let high = open;
    let low = open;
    let volume = 0;
    let j = i;
    for (; j < tape.length && tape.time[j]! < end; j++) {
      const p = tape.price[j]!;
      if (p > high) high = p;
      if (p < low) low = p;
      volume += tape.qty[j]!;
    }
    out.push({
      code: tape.code,
      time: minute as KstTime,
      open,
      high,
      low,
      close: tape.price[j - 1]!,
      volume,
      cumValue: tape.cumValue[j - 1]!,
    });
    i = j;
  }
}

interface Extremes {
  high: Float64Array;
  low: Float64Array;
  /** Index of the trade that first made the running high / low. */
  highAt: Uint32Array;
  lowAt: Uint32Array;
}

const extremes = new WeakMap<TradeTape, Extremes>();

/** Running high/low per trade and where each was made: built once per tape on first use (snapshots are frequent). */
function runningExtremes(tape: TradeTape): Extremes {
  let e = extremes.get(tape);
  if (!e) {
    const high = new Float64Array(tape.length);
    const low = new Float64Array(tape.length);
    const highAt = new Uint32Array(tape.length);
    const lowAt = new Uint32Array(tape.length);
    let h = -Infinity;
    let l = Infinity;
    let hi = 0;
    let li = 0;
    for (let i = 0; i < tape.length; i++) {
      const p = tape.price[i]!;
      if (p > h) [h, hi] = [p, i];
      if (p < l) [l, li] = [p, i];
      high[i] = h;
      low[i] = l;
      highAt[i] = hi;
      lowAt[i] = li;
    }
    e = { high, low, highAt, lowAt };
    extremes.set(tape, e);
  }
  return e;
}

export interface DayStats {
  count: number;
  open: number;
  high: number;
  low: number;
  last: number;
  cumVolume: number;
  cumValue: number;
  /** When the open, high and low printed (first time for the extremes); undefined before the first trade. */
  openTime?: number;
  highTime?: number;
  lowTime?: number;
}

/** Statistics of the trades with time <= at. */
export function statsUpTo(tape: TradeTape, at: number): DayStats {
  const n = lowerBound(tape, at + 1);
  if (n === 0) return { count: 0, open: 0, high: 0, low: 0, last: tape.prevClose, cumVolume: 0, cumValue: 0 };
  const { high, low, highAt, lowAt } = runningExtremes(tape);
  return {
    count: n,
    open: tape.price[0]!,
    high: high[n - 1]!,
    low: low[n - 1]!,
    last: tape.price[n - 1]!,
    cumVolume: tape.cumVolume[n - 1]!,
    cumValue: tape.cumValue[n - 1]!,
    openTime: tape.time[0]!,
    highTime: tape.time[highAt[n - 1]!]!,
    lowTime: tape.time[lowAt[n - 1]!]!,
  };
}

/** Cumulative volume of the trades with time <= at (cheap: no running extremes). */
export function cumVolumeUpTo(tape: TradeTape, at: number): number {
  const n = lowerBound(tape, at + 1);
  return n === 0 ? 0 : tape.cumVolume[n - 1]!;
}

export const tapeBytes = (tape: TradeTape): number => tape.length * 49;
