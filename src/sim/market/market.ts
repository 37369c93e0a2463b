/**
 * The seeded synthetic KRX market behind the simulator's REST and WebSocket servers.
 * Everything is a pure function of (seed, calendar, instrument, date): tapes and paths are cached in
 * bounded LRUs and regenerated identically when evicted, so answers never depend on query order.
 */
import { defaultCalendar, type TradingCalendar } from '../../market/calendar/index.js';
import type { Instrument, OptionSeries } from '../../market/types.js';
import { addDays, dateOf, type KstDate, type KstTime } from '../../time/kst.js';
import { DailySeries } from './daily.js';
import {
  buildFactorPaths,
  dailyIndexX,
  pathX,
  previousDate,
  type FactorPath,
  type IndexName,
} from './factor-path.js';
import { generateTape, snapToTick } from './generator.js';
import { Lru } from './lru.js';
import {
  futureFair,
  futureGrid,
  indexLevelFromX,
  indexOf,
  optionFair,
  optionGrid,
  stockGrid,
  stockIdioPath,
  stockLogPrice,
  type OptionContext,
} from './prices.js';
import { Registry } from './registry.js';
import { Rng } from './rng.js';
import { tradeWindows } from './sessions.js';
import { statsUpTo, tapeBars, tapeBytes, tapeTrades, type TradeTape } from './tape.js';
import type { SimBar, SimTrade } from './types.js';
import { STOCKS, type StockSpec } from './universe.js';

export interface SimMarketOptions {
  seed: number;
  calendar?: TradingCalendar;
  /** How many stocks of the basket to list (default all 32). */
  stocks?: number;
  /** Strikes per side around ATM for the 6 nearest monthlies (default 16 = ±40 pt) and weeklies (8 = ±20 pt). */
  strikesPerSide?: number;
  weeklyStrikesPerSide?: number;
  /** Bound on cached trade tapes, in bytes (default 256 MB). */
  cacheBytes?: number;
}

export class UnknownInstrumentError extends Error {
  constructor(readonly code: string) {
    super(
      `unknown instrument code ${JSON.stringify(code)}: not listed by the simulator (see instruments(date))`,
    );
    this.name = 'UnknownInstrumentError';
  }
}

export class MarketCore {
  readonly seed: number;
  readonly cal: TradingCalendar;
  readonly series: DailySeries;
  readonly registry: Registry;
  private readonly paths = new Lru<KstDate, Record<IndexName, FactorPath> | null>(48);
  private readonly tapes: Lru<string, TradeTape>;

  constructor(opts: SimMarketOptions) {
    if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
    this.seed = opts.seed;
    this.cal = opts.calendar ?? defaultCalendar();
    this.series = new DailySeries(opts.seed);
    const stocks: readonly StockSpec[] = STOCKS.slice(
      0,
      Math.max(0, Math.min(STOCKS.length, opts.stocks ?? STOCKS.length)),
    );
    this.registry = new Registry(
      this.cal,
      stocks,
      { strikesPerSide: opts.strikesPerSide ?? 16, weeklyStrikesPerSide: opts.weeklyStrikesPerSide ?? 8 },
      (d) => this.indexClose('KOSPI200', previousDate(this.cal, d)),
    );
    this.tapes = new Lru(20_000, opts.cacheBytes ?? 256 * 1024 * 1024);
  }

  resolve(code: string): Instrument {
    const i = this.registry.instrument(code);
    if (!i) throw new UnknownInstrumentError(code);
    return i;
  }

  indexClose(name: IndexName, d: KstDate): number {
    return indexLevelFromX(name, dailyIndexX(this.series, name, d));
  }

  path(d: KstDate): Record<IndexName, FactorPath> | undefined {
    let p = this.paths.get(d);
    if (p === undefined) {
      p = buildFactorPaths(this.seed, this.cal, this.series, d) ?? null;
      this.paths.set(d, p);
    }
    return p ?? undefined;
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
    const paths = this.cal.covers(prev) ? this.path(prev) : undefined;
    const name = indexOf(instrument);
    const ctx = paths && { series: this.series, tradingDate: prev, path: paths[name] };
    const closeAt = ctx
      ? ((this.cal.session('derivatives', prev)?.close ?? ctx.path.start) as KstTime)
      : undefined;
    if (instrument.kind === 'future') {
      const f =
        ctx && closeAt !== undefined
          ? futureFair(ctx, name, instrument.expiry!, closeAt)
          : this.fallbackLevel(instrument, prev);
      return snapToTick(futureGrid(instrument, f), f, 'round');
    }
    if (!ctx || closeAt === undefined || prev >= instrument.expiry!) return 0.01;
    return snapToTick(optionGrid(instrument, Infinity), optionFair(ctx, instrument, closeAt).price, 'round');
  }

  private fallbackLevel(instrument: Instrument, d: KstDate): number {
    return this.indexClose(indexOf(instrument), d);
  }

  tape(instrument: Instrument, d: KstDate): TradeTape {
    const key = instrument.code + '|' + d;
    const hit = this.tapes.get(key);
    if (hit) return hit;
    const tape = this.buildTape(instrument, d);
    this.tapes.set(key, tape, tapeBytes(tape) + 200);
    return tape;
  }

  private buildTape(instrument: Instrument, d: KstDate): TradeTape {
    const base = this.basePrice(instrument, d);
    const windows = tradeWindows(this.cal, instrument, d);
    const paths = windows.length > 0 ? this.path(d) : undefined;
    const rng = Rng.of(this.seed, 'tape', instrument.code, d);
    const common = { code: instrument.code, tradingDate: d, prevClose: base, windows: paths ? windows : [] };
    if (instrument.kind === 'stock') {
      const spec = this.registry.stockSpec(instrument.code)!;
      const name = indexOf(instrument);
      const w = windows[0];
      const seconds = w ? (w.close - w.open) / 1000 : 0;
      const idio = stockIdioPath(
        this.seed,
        this.series,
        spec,
        d,
        previousDate(this.cal, d),
        Math.max(1, seconds),
      );
      const logBase = Math.log(spec.basePrice);
      return generateTape(
        {
          ...common,
          fair: (t) => {
            const i = w ? Math.min(seconds, Math.max(0, (t - w.open) / 1000)) : 0;
            return Math.exp(logBase + spec.beta * pathX(paths![name], t) + idio[i]!);
          },
          grid: stockGrid(instrument, base),
          rate: spec.tradeRate,
          liquid: true,
          atFair: false,
          size: (p) => Math.max(1, 2_500_000 / p),
          valuePerPoint: 1,
        },
        rng,
      );
    }
    const ctx: OptionContext | undefined = paths && {
      series: this.series,
      tradingDate: d,
      path: paths.KOSPI200,
    };
    const days = (Date.parse(instrument.expiry!) - Date.parse(d)) / 86_400_000;
    if (instrument.kind === 'future') {
      const name = indexOf(instrument);
      const fctx = paths && { series: this.series, tradingDate: d, path: paths[name] };
      const familyRate = instrument.family === 'kospi200' ? 2.2 : instrument.family === 'mini' ? 0.8 : 0.4;
      return generateTape(
        {
          ...common,
          fair: (t) => futureFair(fctx!, name, instrument.expiry!, t),
          grid: futureGrid(instrument, base),
          rate: familyRate * (days < 95 ? 1 : days < 200 ? 0.08 : 0.02),
          liquid: true,
          atFair: false,
          size: () => (instrument.family === 'kospi200' ? 2 : 4),
          valuePerPoint: instrument.multiplier,
        },
        rng,
      );
    }
    // Options: sparse streams, busiest at the money and in the nearest expiries.
    const spot = this.indexClose('KOSPI200', previousDate(this.cal, d));
    const k = Math.abs(Math.log(instrument.strike! / spot));
    const width = 0.2 * Math.sqrt(Math.max(days, 1) / 365) + 0.01;
    const rate = Math.max(0.0004, 0.05 * Math.exp(-k / width) * (days < 40 ? 1 : 0.25));
    const upper = ctx ? this.optionUpperLimit(instrument, d, base) : Infinity;
    return generateTape(
      {
        ...common,
        fair: (t) => optionFair(ctx!, instrument, t).price,
        grid: optionGrid(instrument, upper),
        rate,
        liquid: false,
        atFair: true,
        size: () => 6,
        valuePerPoint: instrument.multiplier,
      },
      rng,
    );
  }

  /** Upper limit: the option's value if the underlying moved 20 % its way, floored at base + a margin. */
  private optionUpperLimit(instrument: Instrument, d: KstDate, base: number): number {
    const level = this.indexClose('KOSPI200', previousDate(this.cal, d));
    const move = instrument.kind === 'call' ? 1.2 : 0.8;
    const intrinsic = Math.abs(level * move - instrument.strike!);
    const cap = Math.max(base * 3, intrinsic + level * 0.05, 1);
    return snapToTick(optionGrid(instrument, Infinity), cap, 'ceil');
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
