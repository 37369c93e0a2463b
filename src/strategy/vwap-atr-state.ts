/**
 * The VWAP/ATR computation of `vwapAtrSteps` (vwap-atr.ts) one candle at a time, without allocating:
 * session sums and a ring of the last `atrPeriod` true ranges. Fed the same candles, it yields bit for
 * bit the same numbers, events and positions as `vwapAtrSteps` (tested): the ATR is re-summed over the
 * ring oldest first each candle, in the reference's order, rather than kept as a running sum whose
 * float rounding would drift from it.
 *
 * Usage: `beginSession(open, close)`, then `push(...)` for every candle in time order (candles outside
 * the session only feed the true ranges, as in the reference's warm-up). After a `push` that returns
 * true the public fields describe that candle's step.
 */
import type { KstTime } from '../time/kst.js';

/** Event codes of a step (numbers, so the hot loop allocates nothing). */
export const NO_EVENT = 0;
export const ENTER_LONG = 1;
export const ENTER_SHORT = 2;
export const EXIT_VWAP = 3;
export const EXIT_SESSION_CLOSE = 4;
export type VwapAtrEvent = 0 | 1 | 2 | 3 | 4;

export const EVENT_KIND = ['', 'enter_long', 'enter_short', 'exit', 'exit'] as const;
export const EVENT_REASON = ['', 'lower_band_cross', 'upper_band_cross', 'vwap', 'session_close'] as const;
export const POSITION_NAME: Record<-1 | 0 | 1, 'flat' | 'long' | 'short'> = {
  [-1]: 'short',
  0: 'flat',
  1: 'long',
};

export class VwapAtrState {
  // Outputs of the last step (valid after push() returned true). NaN = undefined in the reference.
  time = 0 as KstTime;
  close = NaN;
  vwap = NaN;
  atr = NaN;
  upper = NaN;
  lower = NaN;
  event: VwapAtrEvent = NO_EVENT;
  /** Position after the last step: 1 long, −1 short, 0 flat. */
  position: -1 | 0 | 1 = 0;

  private readonly ranges: Float64Array;
  /** Candles pushed since construction (the reference's index i). */
  private seen = 0;
  private prevClose = NaN;
  private sessionOpen = 0;
  private sessionClose = 0;
  private pv = 0;
  private vol = 0;
  private typicalSum = 0;
  private n = 0;
  private hasPrev = false;
  private prevStepClose = NaN;
  private prevStepLower = NaN;
  private prevStepUpper = NaN;

  constructor(
    readonly k: number,
    readonly atrPeriod: number,
  ) {
    this.ranges = new Float64Array(atrPeriod);
  }

  /** Starts a session: VWAP sums and position restart; the true ranges carry over (opening gap). */
  beginSession(open: KstTime, close: KstTime): void {
    this.sessionOpen = open;
    this.sessionClose = close;
    this.pv = this.vol = this.typicalSum = this.n = 0;
    this.position = 0;
    this.hasPrev = false;
  }

  get sessionStart(): number {
    return this.sessionOpen;
  }

  /** Feeds one candle; true when it lies in the session and the step fields now describe it. */
  push(time: KstTime, high: number, low: number, close: number, volume: number): boolean {
    const i = this.seen++;
    if (i > 0) {
      const p = this.prevClose;
      this.ranges[(i - 1) % this.atrPeriod] = Math.max(high - low, Math.abs(high - p), Math.abs(low - p));
    }
    this.prevClose = close;
    if (time < this.sessionOpen || time > this.sessionClose) return false;
    const typical = (high + low + close) / 3;
    this.pv += typical * volume;
    this.vol += volume;
    this.typicalSum += typical;
    this.n++;
    const vwap = this.vol > 0 ? this.pv / this.vol : this.typicalSum / this.n;
    this.time = time;
    this.close = close;
    this.vwap = vwap;
    if (i >= this.atrPeriod) {
      // Ranges of candles i−period+1 … i sit at slots (i−period) … (i−1) mod period, oldest first.
      let sum = 0;
      for (let j = i - this.atrPeriod; j < i; j++) sum += this.ranges[j % this.atrPeriod]!;
      this.atr = sum / this.atrPeriod;
      this.upper = vwap + this.k * this.atr;
      this.lower = vwap - this.k * this.atr;
    } else {
      this.atr = this.upper = this.lower = NaN;
    }
    const closing = time === this.sessionClose;
    let event: VwapAtrEvent = NO_EVENT;
    if (this.position === 1 && (close >= vwap || closing)) event = closing ? EXIT_SESSION_CLOSE : EXIT_VWAP;
    else if (this.position === -1 && (close <= vwap || closing))
      event = closing ? EXIT_SESSION_CLOSE : EXIT_VWAP;
    else if (
      this.position === 0 &&
      !closing &&
      !Number.isNaN(this.lower) &&
      this.hasPrev &&
      !Number.isNaN(this.prevStepLower)
    ) {
      if (this.prevStepClose >= this.prevStepLower && close < this.lower) event = ENTER_LONG;
      else if (this.prevStepClose <= this.prevStepUpper && close > this.upper) event = ENTER_SHORT;
    }
    this.event = event;
    if (event === ENTER_LONG) this.position = 1;
    else if (event === ENTER_SHORT) this.position = -1;
    else if (event !== NO_EVENT) this.position = 0;
    this.hasPrev = true;
    this.prevStepClose = close;
    this.prevStepLower = this.lower;
    this.prevStepUpper = this.upper;
    return true;
  }
}
