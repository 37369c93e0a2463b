/**
 * One-pass VWAP/ATR backtest of one symbol's bars, streamed bar by bar: the strategy's `VwapAtrState`
 * and the KRX fill model (next-open fills), with nothing allocated per bar — a `FillBar` pair is built
 * only when an order fills. Trades, fills and costs equal running `vwapAtrSteps` session by session and
 * filling its events (tested); this is the path `bench/backtest` measures.
 */
import type { TradingCalendar } from '../market/calendar/index.js';
import type { KstTime } from '../time/kst.js';
import type { KrxFillModel } from '../fills/model.js';
import type { FillBar } from '../fills/types.js';
import { EVENT_KIND, VwapAtrState } from '../strategy/vwap-atr-state.js';
import type { Book } from './book.js';

export class FastVwapAtrRun {
  private readonly state: VwapAtrState;
  private sessionClose = -Infinity;
  /** The bar of an event waiting for the next bar (next-open fills), else undefined. */
  private pendingKind: (typeof EVENT_KIND)[number] | undefined;
  private readonly signalBar = { time: 0 as KstTime, open: 0, high: 0, low: 0, close: 0 };
  private lastClose = NaN;
  fills = 0;

  constructor(
    readonly symbol: string,
    private readonly calendar: TradingCalendar,
    private readonly model: KrxFillModel,
    private readonly book: Book,
    params: { k: number; atrPeriod: number },
    readonly strategy = 'vwap-atr',
  ) {
    this.state = new VwapAtrState(params.k, params.atrPeriod);
  }

  /** One bar of this symbol, in time order. */
  push(time: KstTime, open: number, high: number, low: number, close: number, volume: number): void {
    if (time > this.sessionClose) {
      // An order from the previous session's last bar has no next bar in its session: it never fills.
      this.pendingKind = undefined;
      const s =
        this.calendar.sessionForCandle('derivatives', time) ?? this.calendar.sessionForCandle('night', time);
      if (s) {
        this.state.beginSession(s.open, s.close);
        this.sessionClose = s.close;
      }
    }
    if (this.pendingKind !== undefined) this.fillPending(time, open, high, low, close);
    this.lastClose = close;
    if (!this.state.push(time, high, low, close, volume) || this.state.event === 0) return;
    this.pendingKind = EVENT_KIND[this.state.event];
    const b = this.signalBar;
    b.time = time;
    b.open = open;
    b.high = high;
    b.low = low;
    b.close = close;
  }

  /** Marks the book at the last close (call once at the end). */
  finish(): void {
    if (!Number.isNaN(this.lastClose)) this.book.mark(this.symbol, this.lastClose);
  }

  private fillPending(time: KstTime, open: number, high: number, low: number, close: number): void {
    const kind = this.pendingKind!;
    this.pendingKind = undefined;
    const signal = { strategy: this.strategy, symbol: this.symbol, time: this.signalBar.time, kind };
    const order = this.model.orderFor(signal, this.book.positions.get(this.symbol));
    if (!order) return;
    const next: FillBar = { time, open, high, low, close };
    const fill = this.model.fill(order, { ...this.signalBar }, next);
    if (!fill) return;
    this.book.apply(fill, this.model.multiplier(this.symbol));
    this.fills++;
  }
}
