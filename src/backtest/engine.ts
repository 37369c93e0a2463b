/**
 * The event-driven backtest: the strategy's own code over stored minute bars, minute by minute, with the
 * KRX fill model (src/fills) turning its trading signals into orders and fills.
 *
 * Data is loaded and cut exactly as `replay` does it (one preload per trading date, the history window =
 * the last `lookback` candles at or before the minute, the same input builder and signal checks), so a
 * backtest's signals are replay's signals (tested). Per batch minute, in this order:
 *   1. orders waiting for this bar (next-open mode) fill, or never fill if it is across a session close;
 *   2. each symbol is marked at its close;
 *   3. the strategy runs; its trading signals become orders, filled now (signal-close mode) or queued;
 *   4. an equity point is recorded.
 * Positions carry across minutes and days: the strategy, not the engine, decides when to go flat.
 *
 * Where trades (`ticks`) are stored for a symbol and trading date, next-open orders fill at the first
 * stored trade at or after the signal bar's close (+ `latencyMs`) instead of the next bar's open, inside
 * the bar of that trade's minute; a minute with a bar but no stored trade (the stream missed it) falls
 * back to that bar's open. The strategy still sees the stored minute bars, as it does live.
 */
import { windowAt } from '../strategy/replay.js';
import type pg from 'pg';
import { latestCandles, readCandles } from '../db/readers.js';
import type { Candle, Signal } from '../db/types.js';
import { defaultCalendar, type TradingCalendar } from '../market/calendar/index.js';
import { addDays, addMinutes, type KstDate, type KstTime } from '../time/kst.js';
import { UserError } from '../errors.js';
import type { Strategy, StrategyContext } from '../strategy/api.js';
import { batchMinutes, buildInput, checkStrategy, finalizeSignals } from '../strategy/inputs.js';
import { loadMatrices, tradesOf } from '../strategy/runner.js';
import { createFillModel, type FillModelOptions, type KrxFillModel } from '../fills/model.js';
import type { Fill, FillBar, OrderRequest, Position } from '../fills/types.js';
import { Book } from './book.js';
import { firstTradeIn, readTradeTape, type TradeTape } from './trade-tape.js';
import { summarize } from './metrics.js';
import type { BacktestDay, BacktestResult, EquityPoint, OrderRecord } from './types.js';

export interface BacktestOptions {
  from: KstDate;
  to: KstDate;
  calendar?: TradingCalendar;
  fills?: Omit<FillModelOptions, 'calendar'>;
  /** Won; the base of drawdown % and daily returns (default 100,000,000). */
  capital?: number;
  /** Keep the traded instruments' bars in the result (for the HTML report). */
  keepBars?: boolean;
  /** Fill next-open orders at stored trades where the day has them (default true). */
  ticks?: boolean;
  /** With trades: ms after the signal bar's close before an order can fill (default 0). */
  latencyMs?: number;
  onDay?: (day: BacktestDay) => void;
}

const MAX_DAYS = 3660;
export const DEFAULT_CAPITAL = 100_000_000;

interface Pending {
  order: OrderRequest;
  signalBar: FillBar;
  record: OrderRecord;
}

class Run {
  readonly book: Book;
  readonly model: KrxFillModel;
  readonly signals: Signal[] = [];
  readonly orders: OrderRecord[] = [];
  readonly fills: BacktestResult['fills'] = [];
  readonly equity: EquityPoint[] = [];
  readonly days: BacktestDay[] = [];
  readonly bars = new Map<string, Candle[]>();
  pending: Pending[] = [];
  /** The current trading date's stored trades per symbol (only symbols that have some). */
  tapes = new Map<string, TradeTape>();
  readonly latencyMs: number;
  peak: number;
  exposed = 0;
  minutes = 0;

  constructor(
    readonly strategy: Strategy,
    readonly opts: BacktestOptions,
    readonly calendar: TradingCalendar,
  ) {
    const capital = opts.capital ?? DEFAULT_CAPITAL;
    if (!(capital > 0))
      throw new UserError(`backtest: capital must be a positive number of won, got ${capital}`);
    this.book = new Book(capital);
    this.peak = capital;
    this.model = createFillModel({ ...opts.fills, calendar });
    this.latencyMs = opts.latencyMs ?? 0;
    if (!Number.isInteger(this.latencyMs) || this.latencyMs < 0)
      throw new UserError(
        `backtest: latency must be a whole number of ms ≥ 0, got ${String(opts.latencyMs)}`,
      );
  }

  fill(p: Pending, nextBar: FillBar | undefined): boolean {
    const f = this.model.fill(p.order, p.signalBar, nextBar);
    if (f === undefined) return false;
    if (f !== null) p.record.basis = 'bar';
    return this.settle(p, f);
  }

  settle(p: Pending, f: Fill | null): true {
    if (f === null) {
      p.record.status = 'unfilled';
      p.record.reason = 'session_closed';
      return true;
    }
    this.book.apply(f, this.model.multiplier(f.symbol));
    this.fills.push(f);
    p.record.status = 'filled';
    return true;
  }

  /** A queued order against the symbol's next bar: at the first stored trade after the signal when the day has a tape. */
  fillNext(p: Pending, bar: FillBar): boolean {
    const tape = this.tapes.get(p.order.symbol);
    if (!tape) return this.fill(p, bar);
    const target = p.signalBar.time + 60_000 + this.latencyMs;
    const end = bar.time + 60_000;
    if (end <= target) return false;
    const trade = firstTradeIn(tape, Math.max(target, bar.time) as KstTime, end as KstTime);
    if (!trade) return bar.time < target ? false : this.fill(p, bar);
    const f = this.model.fillAtTrade(p.order, p.signalBar, trade, bar);
    if (f !== null) Object.assign(p.record, { basis: 'trade', tradeTime: trade.time });
    return this.settle(p, f);
  }

  onSignals(time: KstTime, batch: Map<string, Candle>, signals: readonly Signal[]): void {
    for (const s of signals) {
      const order = this.model.orderFor(s, this.projected(s.symbol));
      if (!order) continue;
      const record: OrderRecord = { order, status: 'unfilled' };
      this.orders.push(record);
      const signalBar = batch.get(s.symbol);
      if (!signalBar || signalBar.time !== time) {
        record.reason = 'no_bar';
        continue;
      }
      // Signal-close fills now; next-open waits for the symbol's next bar.
      const p: Pending = { order, signalBar, record };
      if (!this.fill(p, undefined)) this.pending.push(p);
    }
  }

  /** The position once the queued orders of `symbol` fill (two signals of one minute see each other). */
  projected(symbol: string): Position | undefined {
    const held = this.book.positions.get(symbol);
    let quantity = held?.quantity ?? 0;
    for (const p of this.pending)
      if (p.order.symbol === symbol)
        quantity += p.order.side === 'buy' ? p.order.quantity : -p.order.quantity;
    return { symbol, quantity, averagePrice: held?.averagePrice ?? 0 };
  }

  step(batch: Map<string, Candle>): void {
    if (this.pending.length) {
      this.pending = this.pending.filter((p) => {
        const bar = batch.get(p.order.symbol);
        return !(bar && bar.time > p.signalBar.time && this.fillNext(p, bar));
      });
    }
    for (const [symbol, c] of batch) this.book.mark(symbol, c.close);
  }

  record(time: KstTime): void {
    const equity = this.book.equity();
    if (equity > this.peak) this.peak = equity;
    this.equity.push({ time, equity, drawdown: this.peak - equity });
    this.minutes++;
    if (this.book.hasPosition()) this.exposed++;
  }
}

export async function runBacktest(
  pool: pg.Pool,
  strategy: Strategy,
  opts: BacktestOptions,
): Promise<BacktestResult> {
  checkStrategy(strategy);
  if (opts.from > opts.to) throw new UserError(`backtest: --from ${opts.from} is after --to ${opts.to}`);
  const calendar = opts.calendar ?? defaultCalendar();
  const run = new Run(strategy, opts, calendar);
  let count = 0;
  for (let d = opts.from; d <= opts.to; d = addDays(d, 1)) {
    if (++count > MAX_DAYS) throw new UserError(`backtest: at most ${MAX_DAYS} days per run`);
    if (!calendar.isTradingDay(d)) continue;
    const day = await backtestDay(pool, run, { tradingDate: d, calendar });
    run.days.push(day);
    opts.onDay?.(day);
  }
  for (const p of run.pending) p.record.reason = 'no_next_bar';
  const book = run.book;
  const result: BacktestResult = {
    strategy: strategy.name,
    from: opts.from,
    to: opts.to,
    fillModel: run.model.options,
    signals: run.signals,
    orders: run.orders,
    fills: run.fills,
    trades: book.trades,
    equity: run.equity,
    days: run.days,
    open: book.openPositions(),
    summary: summarize({
      capital: book.capital,
      finalEquity: book.equity(),
      grossRealized: book.grossRealized,
      commission: book.commission,
      tax: book.tax,
      trades: book.trades,
      equity: run.equity,
      days: run.days,
      exposedMinutes: run.exposed,
      batchMinutes: run.minutes,
      unfilledOrders: run.orders.filter((o) => o.status === 'unfilled').length,
    }),
  };
  if (opts.keepBars) result.bars = Object.fromEntries(run.bars);
  return result;
}

async function backtestDay(pool: pg.Pool, run: Run, ctx: StrategyContext): Promise<BacktestDay> {
  const { strategy } = run;
  const minutes = batchMinutes(strategy, ctx);
  const start = { equity: run.book.equity(), commission: run.book.commission, tax: run.book.tax };
  const counts = { signals: run.signals.length, fills: run.fills.length, trades: run.book.trades.length };
  const symbols = [...new Set(strategy.instruments(ctx))];
  const series = new Map<string, Candle[]>();
  run.tapes = new Map();
  if (minutes.length > 0) {
    for (const symbol of symbols) {
      const before = await latestCandles(pool, { symbol, before: minutes[0]!, limit: strategy.lookback });
      const during = await readCandles(pool, {
        symbol,
        from: minutes[0]!,
        to: addMinutes(minutes.at(-1)!, 1),
      });
      series.set(symbol, [...before, ...during]);
      if (run.opts.keepBars) run.bars.set(symbol, [...(run.bars.get(symbol) ?? []), ...during]);
      const tape = run.opts.ticks === false ? undefined : await readTradeTape(pool, symbol, ctx.tradingDate);
      if (tape) run.tapes.set(symbol, tape);
    }
  }
  const cursor = new Map<string, number>(symbols.map((s) => [s, 0]));
  for (const time of minutes) {
    const windows = new Map<string, Candle[]>();
    for (const symbol of symbols)
      windows.set(symbol, windowAt(series.get(symbol)!, cursor, symbol, time, strategy.lookback));
    const input = buildInput(strategy, time, ctx, symbols, {
      windows,
      matrices: await loadMatrices(pool, strategy, ctx, time),
      ...(await tradesOf(pool, strategy, ctx, time)),
    });
    run.step(input.batch);
    const signals = finalizeSignals(strategy, time, await strategy.onBatch(input));
    run.signals.push(...signals);
    run.onSignals(time, input.batch, signals);
    run.record(time);
  }
  const equity = run.book.equity();
  return {
    tradingDate: ctx.tradingDate,
    batches: minutes.length,
    signals: run.signals.length - counts.signals,
    fills: run.fills.length - counts.fills,
    trades: run.book.trades.length - counts.trades,
    pnl: equity - start.equity,
    commission: run.book.commission - start.commission,
    tax: run.book.tax - start.tax,
    equity,
    tickSymbols: [...run.tapes.keys()],
  };
}
