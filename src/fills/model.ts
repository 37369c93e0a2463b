/**
 * The KRX fill model (implements `FillModel` of ./types.ts), shared by the backtest and the paper broker.
 *
 * - Fill price: the next bar's open (`next_open`, default: the signal is only known once its bar has
 *   closed) or the signal bar's close (`signal_close`), moved `slippageTicks` ticks against the order on
 *   the instrument's KRX tick ladder, then clamped into the bar's [low, high]: a fill price is never
 *   outside the bar it fills in.
 * - With stored trades (backtest): the first trade after the signal instead of the next bar's open, same
 *   slippage, clamp and session rule (`fillAtTrade`).
 * - Session boundaries: in `next_open` mode the next bar must belong to the same session as the signal
 *   bar (night and day sessions are separate); an order whose next bar lies after a close never fills.
 * - Position limits: an entry trades `quantity` units, capped so |position| ≤ `maxPosition`; an entry
 *   against an open position reverses it; stocks are not shorted unless `allowShortStocks`.
 * - Costs: commission on every fill, stock transaction tax on stock sells (costs.ts).
 */
import { dateOf, formatKstIso, type KstTime } from '../time/kst.js';
import type { TradingCalendar } from '../market/calendar/index.js';
import type { SessionProduct } from '../market/types.js';
import { UserError } from '../errors.js';
import {
  NO_COMMISSION,
  STOCK_TAX_SCHEDULE,
  commissionFor,
  stockTaxRate,
  taxFor,
  type CommissionSchedule,
  type StockMarket,
  type TaxRate,
} from './costs.js';
import { describeInstrument, type FillInstrument } from './instrument.js';
import type { Fill, FillBar, FillModel, OrderRequest, TradePrint, TradingIntent } from './types.js';

export type FillAt = 'next_open' | 'signal_close';

export interface FillModelOptions {
  calendar: TradingCalendar;
  fillAt?: FillAt;
  /** Ticks against the order (≥ 0, integer). */
  slippageTicks?: number;
  /** Units per entry order (shares or contracts). */
  quantity?: number;
  /** Largest |position| per symbol. */
  maxPosition?: number;
  allowShortStocks?: boolean;
  /** Commission schedules; derivatives and stocks usually differ. */
  commission?: { stock?: Partial<CommissionSchedule>; derivative?: Partial<CommissionSchedule> };
  taxSchedule?: readonly TaxRate[];
  stockMarket?: (symbol: string) => StockMarket;
}

export interface KrxFillModel extends FillModel {
  readonly options: Readonly<
    Required<Pick<FillModelOptions, 'fillAt' | 'slippageTicks' | 'quantity' | 'maxPosition'>>
  >;
  instrument(symbol: string): FillInstrument;
  /**
   * Fills `order` at a stored trade (`trade`, inside the minute of `bar`) instead of a bar's open: the
   * trade's price, slipped and clamped into `bar`. Null when `bar` is in another session than the signal.
   */
  fillAtTrade(order: OrderRequest, signalBar: FillBar, trade: TradePrint, bar: FillBar): Fill | null;
}

const INTENTS: ReadonlySet<string> = new Set<TradingIntent>(['enter_long', 'enter_short', 'exit']);

function positiveInteger(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min)
    throw new UserError(`fill model: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

export function createFillModel(opts: FillModelOptions): KrxFillModel {
  const fillAt = opts.fillAt ?? 'next_open';
  if (fillAt !== 'next_open' && fillAt !== 'signal_close')
    throw new UserError(`fill model: fillAt must be next_open or signal_close, got ${String(fillAt)}`);
  const slippageTicks = positiveInteger('slippageTicks', opts.slippageTicks ?? 0, 0);
  const quantity = positiveInteger('quantity', opts.quantity ?? 1, 1);
  const maxPosition = positiveInteger('maxPosition', opts.maxPosition ?? quantity, 1);
  const stockFees = { ...NO_COMMISSION, ...opts.commission?.stock };
  const derivativeFees = { ...NO_COMMISSION, ...opts.commission?.derivative };
  const taxSchedule = opts.taxSchedule ?? STOCK_TAX_SCHEDULE;
  const cache = new Map<string, FillInstrument>();
  const instrument = (symbol: string): FillInstrument => {
    let i = cache.get(symbol);
    if (!i) {
      i = describeInstrument(symbol, opts.stockMarket ? { stockMarket: opts.stockMarket } : {});
      cache.set(symbol, i);
    }
    return i;
  };

  // The calendar lookup costs tens of µs; minutes repeat across symbols and orders, so remember them.
  const sessionCache = new Map<string, Map<number, string | null>>();
  const sessionOf = (product: SessionProduct, time: KstTime): string | null => {
    let byMinute = sessionCache.get(product);
    if (!byMinute) sessionCache.set(product, (byMinute = new Map()));
    let key = byMinute.get(time);
    if (key === undefined) {
      if (byMinute.size >= 200_000) byMinute.clear();
      const s = opts.calendar.sessionForCandle(product, time);
      key = s ? `${product}@${s.open}` : null;
      byMinute.set(time, key);
    }
    return key;
  };
  /** A key naming the session a candle minute belongs to, or undefined outside every session. */
  const sessionKey = (inst: FillInstrument, time: KstTime): string | undefined => {
    for (const product of inst.products) {
      const key = sessionOf(product, time);
      if (key !== null) return key;
    }
    return undefined;
  };

  const slip = (inst: FillInstrument, price: number, side: 'buy' | 'sell'): number => {
    let p = price;
    for (let i = 0; i < slippageTicks; i++) {
      // Going down, the step is the tick of the band just below (2,000 → 1,999, not 1,995).
      p = inst.round(side === 'buy' ? p + inst.tick(p) : p - inst.tick(p - 1e-9));
    }
    return p;
  };

  return {
    options: { fillAt, slippageTicks, quantity, maxPosition },
    instrument,
    multiplier: (symbol) => instrument(symbol).multiplier,

    orderFor(signal, position) {
      if (!INTENTS.has(signal.kind)) return undefined;
      const intent = signal.kind as TradingIntent;
      const held = position?.quantity ?? 0;
      let target: number;
      if (intent === 'exit') target = 0;
      else if (intent === 'enter_long') target = Math.min(held > 0 ? held + quantity : quantity, maxPosition);
      else {
        if (instrument(signal.symbol).instrument.kind === 'stock' && !opts.allowShortStocks) return undefined;
        target = -Math.min(held < 0 ? -held + quantity : quantity, maxPosition);
      }
      const delta = target - held;
      if (delta === 0) return undefined;
      return {
        id: `${signal.strategy}:${signal.symbol}:${formatKstIso(signal.time)}:${intent}`,
        strategy: signal.strategy,
        symbol: signal.symbol,
        side: delta > 0 ? 'buy' : 'sell',
        quantity: Math.abs(delta),
        signalTime: signal.time,
        intent,
      };
    },

    fill(order: OrderRequest, signalBar: FillBar, nextBar: FillBar | undefined): Fill | null | undefined {
      const inst = instrument(order.symbol);
      let bar: FillBar;
      if (fillAt === 'signal_close') {
        if (sessionKey(inst, signalBar.time) === undefined) return null;
        bar = signalBar;
      } else {
        if (!nextBar) return undefined;
        const here = sessionKey(inst, signalBar.time);
        if (here === undefined || sessionKey(inst, nextBar.time) !== here) return null;
        bar = nextBar;
      }
      return execute(order, bar, fillAt === 'signal_close' ? bar.close : bar.open);
    },

    fillAtTrade(order: OrderRequest, signalBar: FillBar, trade: TradePrint, bar: FillBar): Fill | null {
      const inst = instrument(order.symbol);
      const here = sessionKey(inst, signalBar.time);
      if (here === undefined || sessionKey(inst, bar.time) !== here) return null;
      return execute(order, bar, trade.price);
    },
  };

  /** The fill of `order` at `base` (before slippage) inside `bar`: slipped, clamped into the bar, costed. */
  function execute(order: OrderRequest, bar: FillBar, base: number): Fill {
    const inst = instrument(order.symbol);
    // Stored prices may carry float noise (399.95000000000005): snap to the instrument's decimals first.
    const slipped = slip(inst, inst.round(base), order.side);
    const price = Math.min(inst.round(bar.high), Math.max(inst.round(bar.low), slipped));
    const amount = price * order.quantity * inst.multiplier;
    const isStock = inst.instrument.kind === 'stock';
    const commission = commissionFor(isStock ? stockFees : derivativeFees, amount, order.quantity);
    const tax =
      isStock && order.side === 'sell' && !inst.taxExempt
        ? taxFor(stockTaxRate(inst.market!, dateOf(bar.time), taxSchedule), amount)
        : 0;
    return {
      orderId: order.id,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      price,
      time: bar.time,
      commission,
      tax,
    };
  }
}
