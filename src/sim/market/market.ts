/**
 * The seeded synthetic KRX market behind the simulator's REST and WebSocket servers.
 * Everything is a pure function of (seed, calendar, instrument, date): tapes and paths are cached in
 * bounded LRUs and regenerated identically when evicted, so answers never depend on query order.
 */
import { defaultCalendar, type TradingCalendar } from '../../market/calendar/index.js';
import type { Instrument, OptionSeries } from '../../market/types.js';
import { addDays, dateOf, type KstDate, type KstTime } from '../../time/kst.js';
import { DailySeries } from './daily.js';
import { liquidDayTarget } from './day-bar.js';
import { buildTape } from './tape-build.js';
import type { MarketCoreView } from './core-view.js';
import type { DayTarget } from './day-target.js';
import {
  anchorPath,
  buildFactorPaths,
  dailyIndexX,
  factorAnchors,
  previousDate,
  type FactorAnchors,
  type FactorPath,
  type IndexName,
} from './factor-path.js';
import { snapToTick } from './generator.js';
import { Lru } from './lru.js';
import {
  futureFair,
  futureGrid,
  indexLevelFromX,
  indexOf,
  optionFair,
  optionGrid,
  stockGrid,
  stockLogPrice,
  type OptionContext,
} from './prices.js';
import { Registry } from './registry.js';
import { tradeWindows } from './sessions.js';
import { statsUpTo, tapeBars, tapeBytes, tapeTrades, type TradeTape } from './tape.js';
import type { SimBar, SimDailyBar, SimTrade } from './types.js';
import { STOCKS, type StockSpec } from './universe.js';
import { extraStocks } from './universe-extra.js';

export interface SimMarketOptions {
  seed: number;
  calendar?: TradingCalendar;
  /**
   * How many stocks to list (default 32, the hand-made basket). Fewer = the first N of the basket; more =
   * the basket plus synthetic stocks generated from the seed (`universe-extra.ts`), up to 20,000.
   */
  stocks?: number;
  /** Strikes per side around ATM for the 6 nearest monthlies (default 16 = ±40 pt) and weeklies (8 = ±20 pt). */
  strikesPerSide?: number;
  weeklyStrikesPerSide?: number;
  /** Bound on cached trade tapes, in bytes (default 256 MB). */
  cacheBytes?: number;
}

export const MAX_STOCKS = 20_000;

function stockUniverse(seed: number, n: number): readonly StockSpec[] {
  if (!Number.isInteger(n) || n < 0 || n > MAX_STOCKS)
    throw new RangeError(`stocks must be an integer from 0 to ${MAX_STOCKS}, got ${n}`);
  if (n <= STOCKS.length) return STOCKS.slice(0, n);
  return [...STOCKS, ...extraStocks(seed, n - STOCKS.length, new Set(STOCKS.map((s) => s.code)))];
}

export class UnknownInstrumentError extends Error {
  constructor(readonly code: string) {
    super(
      `unknown instrument code ${JSON.stringify(code)}: not listed by the simulator (see instruments(date))`,
    );
    this.name = 'UnknownInstrumentError';
  }
}

export class MarketCore implements MarketCoreView {
  readonly seed: number;
  readonly cal: TradingCalendar;
  readonly series: DailySeries;
  readonly registry: Registry;
  private readonly paths = new Lru<KstDate, Record<IndexName, FactorPath> | null>(48);
  private readonly anchorMemo = new Lru<KstDate, FactorAnchors | null>(4096);
  private readonly targets = new Lru<string, DayTarget | null>(200_000);
  private readonly tapes: Lru<string, TradeTape>;
  /** Day tapes generated so far (evicted ones regenerate and count again) — for tests and benchmarks. */
  tapesBuilt = 0;

  constructor(opts: SimMarketOptions) {
    if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
    this.seed = opts.seed;
    this.cal = opts.calendar ?? defaultCalendar();
    this.series = new DailySeries(opts.seed);
    const stocks = stockUniverse(opts.seed, opts.stocks ?? STOCKS.length);
    this.registry = new Registry(
      this.cal,
      stocks,
      { strikesPerSide: opts.strikesPerSide ?? 16, weeklyStrikesPerSide: opts.weeklyStrikesPerSide ?? 8 },
      (d) => this.indexClose('KOSPI200', previousDate(this.cal, d)),
    );
    // Room for a whole day of every stock (benchmarks cycle through all of them; a cyclic scan of an LRU
    // that is too small never hits).
    this.tapes = new Lru(
      Math.max(20_000, stocks.length * 4),
      opts.cacheBytes ?? Math.max(256 * 1024 * 1024, stocks.length * 400 * 1024),
    );
  }

  resolve(code: string): Instrument {
    const i = this.registry.instrument(code);
    if (!i) throw new UnknownInstrumentError(code);
    return i;
  }

  indexClose(name: IndexName, d: KstDate): number {
    return indexLevelFromX(name, dailyIndexX(this.series, name, d));
  }

  /** The factor path's values at session opens and closes (cheap; see `factorAnchors`). */
  anchors(d: KstDate): FactorAnchors | undefined {
    let a = this.anchorMemo.get(d);
    if (a === undefined) {
      a = (this.cal.covers(d) && factorAnchors(this.seed, this.cal, this.series, d)) || null;
      this.anchorMemo.set(d, a);
    }
    return a ?? undefined;
  }

  path(d: KstDate): Record<IndexName, FactorPath> | undefined {
    let p = this.paths.get(d);
    if (p === undefined) {
      const a = this.anchors(d);
      p = (a && buildFactorPaths(this.seed, this.cal, this.series, d, a)) ?? null;
      this.paths.set(d, p);
    }
    return p ?? undefined;
  }

  /** A liquid instrument's daily bar, fixed before (and without) its trades; undefined otherwise. */
  dayTarget(instrument: Instrument, d: KstDate): DayTarget | undefined {
    const key = instrument.code + '|' + d;
    let t = this.targets.get(key);
    if (t === undefined) {
      t = liquidDayTarget(this, instrument, d) ?? null;
      this.targets.set(key, t);
    }
    return t ?? undefined;
  }

  /** The OHLCV of a trading date's trades: without generating them for stocks and futures. */
  dailyBar(code: string, d: KstDate): SimDailyBar | undefined {
    const instrument = this.resolve(code);
    const target = this.dayTarget(instrument, d);
    if (target) return { code, date: d, ...target, prevClose: this.basePrice(instrument, d) };
    if (instrument.kind === 'stock' || instrument.kind === 'future') return undefined;
    if (tradeWindows(this.cal, instrument, d).length === 0) return undefined;
    // Options trade sparsely: their tapes are small, so the bar is the tape's aggregate.
    const tape = this.tape(instrument, d);
    if (tape.length === 0) return undefined;
    const s = statsUpTo(tape, Number.POSITIVE_INFINITY);
    return {
      code,
      date: d,
      open: s.open,
      high: s.high,
      low: s.low,
      close: s.last,
      volume: s.cumVolume,
      prevClose: tape.prevClose,
    };
  }

  /** The trading date a time belongs to for an instrument (night trading rolls into the next date). */
  tradingDateAt(instrument: Instrument, at: KstTime): KstDate {
    const d = dateOf(at);
    if (instrument.kind !== 'stock') {
      for (const e of [d, addDays(d, -1)]) {
        if (!this.cal.covers(e)) continue;
        const n = this.cal.nightOpeningOn(e);
        if (n && at >= (n.openAuction?.start ?? n.open) && at <= n.close) return n.tradingDate;
      }
    }
    if (this.cal.covers(d) && this.cal.isTradingDay(d)) return d;
    return previousDate(this.cal, d);
  }

  optionContext(d: KstDate): OptionContext | undefined {
    const p = this.path(d);
    return p && { series: this.series, tradingDate: d, path: p.KOSPI200 };
  }

  /** Base price of a date: the previous trading date's close (stocks) or closing fair value (derivatives). */
  basePrice(instrument: Instrument, d: KstDate): number {
    const prev = previousDate(this.cal, d);
    if (instrument.kind === 'stock') {
      const spec = this.registry.stockSpec(instrument.code)!;
      const close = Math.exp(stockLogPrice(this.series, spec, prev));
      return snapToTick(stockGrid(instrument, close), close, 'round');
    }
    // The previous close is an anchor of the factor path, so no path needs building.
    const a = this.cal.covers(prev) ? this.anchors(prev) : undefined;
    const name = indexOf(instrument);
    const closeAt =
      a && ((this.cal.session('derivatives', prev)?.close ?? a.times[a.times.length - 1]!) as KstTime);
    const ctx = a &&
      closeAt !== undefined && { series: this.series, tradingDate: prev, path: anchorPath(a, name, closeAt) };
    if (instrument.kind === 'future') {
      const f = ctx
        ? futureFair(ctx, name, instrument.expiry!, closeAt!)
        : this.fallbackLevel(instrument, prev);
      return snapToTick(futureGrid(instrument, f), f, 'round');
    }
    if (!ctx || prev >= instrument.expiry!) return 0.01;
    const kospi = { ...ctx, path: anchorPath(a, 'KOSPI200', closeAt!) };
    return snapToTick(
      optionGrid(instrument, Infinity),
      optionFair(kospi, instrument, closeAt!).price,
      'round',
    );
  }

  private fallbackLevel(instrument: Instrument, d: KstDate): number {
    return this.indexClose(indexOf(instrument), d);
  }

  tape(instrument: Instrument, d: KstDate): TradeTape {
    const key = instrument.code + '|' + d;
    const hit = this.tapes.get(key);
    if (hit) return hit;
    const tape = buildTape(this, instrument, d);
    this.tapesBuilt++;
    this.tapes.set(key, tape, tapeBytes(tape) + 200);
    return tape;
  }

  trades(code: string, from: KstTime, to: KstTime): SimTrade[] {
    const instrument = this.resolve(code);
    const out: SimTrade[] = [];
    for (const d of this.tradingDatesIn(instrument, from, to))
      tapeTrades(this.tape(instrument, d), from, to, out);
    return out;
  }

  minuteBars(code: string, from: KstTime, to: KstTime): SimBar[] {
    const instrument = this.resolve(code);
    const out: SimBar[] = [];
    for (const d of this.tradingDatesIn(instrument, from, to))
      tapeBars(this.tape(instrument, d), from, to, out);
    return out;
  }

  /** Trading dates whose sessions may overlap [from, to), oldest first. */
  private tradingDatesIn(instrument: Instrument, from: KstTime, to: KstTime): KstDate[] {
    if (!(to > from)) return [];
    const first = dateOf(from);
    // Night sessions belong to the NEXT trading date, which may be days later (weekends, holidays).
    let last = addDays(dateOf(to), 1);
    for (let i = 0; i < 10 && this.cal.covers(last) && !this.cal.isTradingDay(last); i++)
      last = addDays(last, 1);
    const out: KstDate[] = [];
    for (let d = first; d <= last; d = addDays(d, 1)) {
      if (!this.cal.covers(d) || !this.cal.isTradingDay(d)) continue;
      if (instrument.expiry !== undefined && d > instrument.expiry) break;
      const windows = tradeWindows(this.cal, instrument, d);
      if (windows.some((w) => (w.session.openAuction?.start ?? w.open) < to && w.close >= from)) out.push(d);
    }
    return out;
  }

  stats(
    instrument: Instrument,
    at: KstTime,
  ): { tape: TradeTape; d: KstDate; stats: ReturnType<typeof statsUpTo> } {
    const d = this.tradingDateAt(instrument, at);
    const tape = this.tape(instrument, d);
    return { tape, d, stats: statsUpTo(tape, at) };
  }
}

export type { OptionSeries };
