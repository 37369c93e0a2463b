/** `SimMarket` over `MarketCore`: snapshots, order books, the option board and index levels. */
import type { Instrument, OptionSeries } from '../../market/types.js';
import type { KstDate, KstTime } from '../../time/kst.js';
import { dateOf } from '../../time/kst.js';
import { depth, fairTouch, tickDown, tickUp, touchOf, type Touch } from './book.js';
import { pathX, type IndexName } from './factor-path.js';
import type { PriceGrid } from './generator.js';
import { Lru } from './lru.js';
import { MarketCore, type SimMarketOptions } from './market.js';
import { boardGreeks, optionForward, optionValuation, smileVol } from './option-fair.js';
import { cd91 } from './pricing.js';
import { futureFair, futureGrid, indexLevelFromX, indexOf, optionGrid, stockGrid } from './prices.js';
import { previousDayVolume } from './prev-day.js';
import { Rng } from './rng.js';
import { tradeWindows } from './sessions.js';
import type { TradeTape } from './tape.js';
import type {
  PreviousDayVolume,
  SimMarket,
  SimOptionBoard,
  SimOptionRow,
  SimQuote,
  SimSnapshot,
  SimTrade,
  SimBar,
  SimDailyBar,
} from './types.js';

export class SimMarketModel implements SimMarket {
  readonly core: MarketCore;

  constructor(opts: SimMarketOptions) {
    this.core = new MarketCore(opts);
  }

  get seed(): number {
    return this.core.seed;
  }

  instruments(date: KstDate): Instrument[] {
    return this.core.registry.instruments(date);
  }

  instrument(code: string): Instrument | undefined {
    return this.core.registry.instrument(code);
  }

  trades(code: string, from: KstTime, to: KstTime): SimTrade[] {
    return this.core.trades(code, from, to);
  }

  minuteBars(code: string, from: KstTime, to: KstTime): SimBar[] {
    return this.core.minuteBars(code, from, to);
  }

  dailyBar(code: string, date: KstDate): SimDailyBar | undefined {
    return this.core.dailyBar(code, date);
  }

  private grid(instrument: Instrument, base: number): PriceGrid {
    if (instrument.kind === 'stock') return stockGrid(instrument, base);
    if (instrument.kind === 'future') return futureGrid(instrument, base);
    return optionGrid(instrument, Infinity);
  }

  /** Fair value at `at`, clamped into the date's trading windows (outside them: the last trade). */
  private fairAt(instrument: Instrument, d: KstDate, at: KstTime, last: number): number {
    // Options: the smile's value, held at the last close between windows (see option-fair.ts).
    if (instrument.kind === 'call' || instrument.kind === 'put')
      return optionValuation(this.core, instrument, d, at)?.price ?? last;
    const windows = tradeWindows(this.core.cal, instrument, d);
    const live = windows.find((w) => at >= w.open && at <= w.close);
    const paths = live && this.core.path(d);
    if (!live || !paths) return last;
    const t = (at - (at % 1000)) as KstTime;
    if (instrument.kind === 'stock') return last;
    const name = indexOf(instrument);
    const ctx = { series: this.core.series, tradingDate: d, path: paths[name] };
    return futureFair(ctx, name, instrument.expiry!, t);
  }

  snapshot(code: string, at: KstTime): SimSnapshot {
    const instrument = this.core.resolve(code);
    const { tape, d, stats } = this.core.stats(instrument, at);
    const snap: SimSnapshot = {
      code,
      time: at,
      tradingDate: d,
      last: stats.last,
      open: stats.open,
      high: stats.high,
      low: stats.low,
      prevClose: tape.prevClose,
      basePrice: tape.prevClose,
      upperLimit: tape.upperLimit,
      lowerLimit: tape.lowerLimit,
      cumVolume: stats.cumVolume,
      cumValue: stats.cumValue,
    };
    if (stats.count > 0) {
      snap.openTime = stats.openTime as KstTime;
      snap.highTime = stats.highTime as KstTime;
      snap.lowTime = stats.lowTime as KstTime;
    }
    if (instrument.kind !== 'stock') {
      snap.openInterest = this.openInterest(instrument, d, stats.cumVolume);
      const fair = this.fairAt(instrument, d, at, stats.last);
      snap.theoretical = Math.round(fair * 100) / 100;
    }
    return snap;
  }

  /** Open interest: a smooth level by maturity and moneyness, moved by a share of the day's volume. */
  private openInterest(instrument: Instrument, d: KstDate, cumVolume: number): number {
    const days = Math.max(0, (Date.parse(instrument.expiry!) - Date.parse(d)) / 86_400_000);
    const rng = Rng.of(this.seed, 'oi', instrument.code, d);
    let level: number;
    if (instrument.kind === 'future')
      level = (instrument.family === 'kospi200' ? 280_000 : 60_000) * Math.exp(-days / 150);
    else {
      const spot = this.core.indexClose('KOSPI200', d);
      level = 40_000 * Math.exp(-Math.abs(Math.log(instrument.strike! / spot)) / 0.04) * Math.exp(-days / 90);
    }
    return Math.max(0, Math.round(level * (0.95 + 0.1 * rng.next()) + cumVolume * 0.2 * (rng.next() - 0.4)));
  }

  quote(code: string, at: KstTime): SimQuote {
    const instrument = this.core.resolve(code);
    const { tape, d, stats } = this.core.stats(instrument, at);
    const grid = this.bookGrid(instrument, tape);
    if (instrument.kind === 'call' || instrument.kind === 'put') {
      // Options: the book follows fair value between their sparse trades, which hit it (see book.ts).
      const touch = fairTouch(grid, this.fairAt(instrument, d, at, stats.last));
      return this.book(instrument, grid, at, touch, Math.floor(at / 1000));
    }
    if (stats.count === 0) {
      const base = tape.prevClose;
      return this.book(instrument, grid, at, { bid: tickDown(grid, base), ask: tickUp(grid, base) }, 0);
    }
    const i = stats.count - 1;
    const touch = touchOf(tape.price[i]!, tape.side[i]!, tape.other[i]!);
    return this.book(instrument, grid, at, touch, stats.cumVolume);
  }

  quoteAfter(trade: SimTrade): SimQuote {
    const instrument = this.core.resolve(trade.code);
    const tape = this.core.tape(instrument, this.core.tradingDateAt(instrument, trade.time));
    const touch = { bid: trade.bid, ask: trade.ask };
    return this.book(instrument, this.bookGrid(instrument, tape), trade.time, touch, trade.cumVolume);
  }

  previousDayVolume(code: string, at: KstTime): PreviousDayVolume | undefined {
    return previousDayVolume(this.core, this.core.resolve(code), at);
  }

  /** The tape's own grid: its tick table and the day's limits. */
  private bookGrid(instrument: Instrument, tape: TradeTape): PriceGrid {
    return { ...this.grid(instrument, tape.prevClose), upper: tape.upperLimit, lower: tape.lowerLimit };
  }

  /** Depth around a touch; `key` names the book state (the same state always shows the same quantities). */
  private book(instrument: Instrument, grid: PriceGrid, at: KstTime, touch: Touch, key: number): SimQuote {
    const stock = instrument.kind === 'stock';
    const size = stock ? Math.max(1, Math.round(20_000_000 / Math.max(touch.bid, 1))) : 30;
    const levels = stock ? 10 : 5;
    const { asks, bids } = depth(touch, {
      grid,
      levels,
      size,
      key: [this.seed, 'book', instrument.code, key],
    });
    return { code: instrument.code, time: at, asks, bids };
  }

  optionExpiries(underlying: string, series: OptionSeries, date: KstDate): KstDate[] {
    return underlying === 'KOSPI200' ? this.core.registry.expiries(series, date) : [];
  }

  indexLevel(underlying: string, at: KstTime): number {
    if (underlying !== 'KOSPI200' && underlying !== 'KOSDAQ150')
      throw new RangeError(`unknown index ${JSON.stringify(underlying)}: KOSPI200 or KOSDAQ150`);
    const name = underlying as IndexName;
    const cal = this.core.cal;
    const d = dateOf(at);
    const stocks = cal.covers(d) ? cal.session('stocks', d) : undefined;
    if (stocks && at >= stocks.open) {
      if (at >= stocks.close) return this.core.indexClose(name, d);
      const p = this.core.path(d);
      if (p) return indexLevelFromX(name, pathX(p[name], at));
    }
    const prev = this.core.tradingDateAt(
      { code: '', kind: 'stock', family: 'stock', name: '', multiplier: 1 },
      at,
    );
    return this.core.indexClose(name, prev === d ? this.previous(d) : prev);
  }

  private previous(d: KstDate): KstDate {
    return this.core.cal.previousTradingDay(d);
  }

  /** The trading date an option time belongs to (night trading rolls into the next date). */
  private optionDate(at: KstTime): KstDate {
    return this.core.tradingDateAt(
      { code: '', kind: 'call', family: 'kospi200', name: '', multiplier: 1 },
      at,
    );
  }

  /** The smile the model prices with (Black-76 vol, annual decimal) — for tests and the IV charts' reference. */
  modelVol(expiry: KstDate, strike: number, at: KstTime): number {
    const vol = smileVol(this.core, expiry, strike, this.optionDate(at), at);
    if (vol === undefined) throw new RangeError(`no option on ${expiry} trades on the trading date of ${at}`);
    return vol;
  }

  /** The CD91-like rate the model discounts with on the trading date of `at`. */
  rate(at: KstTime): number {
    return cd91(this.core.series, this.optionDate(at));
  }

  /** Same-expiry forward the model prices KOSPI200 options with (held at the last close between windows). */
  forward(expiry: KstDate, at: KstTime): number {
    const f = optionForward(this.core, expiry, this.optionDate(at), at);
    if (f === undefined) throw new RangeError(`no option on ${expiry} trades on the trading date of ${at}`);
    return f;
  }

  private readonly chains = new Lru<string, Map<string, Instrument>>(256);

  /** A series' listed options on a date by `right|strike` (memoised: boards are asked for every minute). */
  private chain(series: OptionSeries, expiry: KstDate, d: KstDate): Map<string, Instrument> {
    const key = `${series}|${expiry}|${d}`;
    let chain = this.chains.get(key);
    if (!chain) {
      const options = this.core.registry.options(series, expiry, d);
      chain = new Map(options.map((o) => [`${o.kind}|${o.strike}`, o]));
      this.chains.set(key, chain);
    }
    return chain;
  }

  optionBoard(underlying: string, series: OptionSeries, expiry: KstDate, at: KstTime): SimOptionBoard {
    if (underlying !== 'KOSPI200')
      throw new RangeError(`the simulator lists options on KOSPI200 only, not ${JSON.stringify(underlying)}`);
    const probe: Instrument = { code: '', kind: 'call', family: 'kospi200', name: '', multiplier: 1, expiry };
    const d = this.core.tradingDateAt(probe, at);
    const spot = this.indexLevel('KOSPI200', at);
    // One smile per expiry: both rights valued on the same forward and vol (option-fair.ts).
    const forward = optionForward(this.core, expiry, d, at) ?? spot;
    const terms = optionValuation(this.core, { ...probe, strike: forward }, d, at);
    const strikes = this.core.registry.strikes(series, expiry, d);
    const byStrike = this.chain(series, expiry, d);
    const atmStrike = strikes.reduce(
      (best, k) => (Math.abs(k - spot) < Math.abs(best - spot) ? k : best),
      strikes[0] ?? 0,
    );
    const rows = (right: 'call' | 'put'): SimOptionRow[] =>
      [...strikes].reverse().map((k) => {
        const instrument = byStrike.get(`${right}|${k}`)!;
        const snapshot = this.snapshot(instrument.code, at);
        const book = this.quote(instrument.code, at);
        const value = optionValuation(this.core, instrument, d, at);
        // Not trading that date: nothing computed (KIS sends zeros for values it did not compute).
        const g = value ? boardGreeks(value, k, right) : undefined;
        const intrinsic = Math.max(0, right === 'call' ? spot - k : k - spot);
        const atm = k === atmStrike ? 'ATM' : (right === 'call' ? k < spot : k > spot) ? 'ITM' : 'OTM';
        if (g) snapshot.theoretical = Math.round(g.theoretical * 100) / 100;
        return {
          instrument,
          snapshot,
          bid: book.bids[0]!.price,
          ask: book.asks[0]!.price,
          greeks: {
            iv: g?.iv ?? 0,
            delta: g?.delta ?? 0,
            gamma: g?.gamma ?? 0,
            theta: g?.theta ?? 0,
            vega: g?.vega ?? 0,
            rho: g?.rho ?? 0,
          },
          intrinsic: Math.round(intrinsic * 100) / 100,
          timeValue: Math.round((snapshot.last - intrinsic) * 100) / 100,
          atm,
        };
      });
    return {
      underlying,
      series,
      expiry,
      calls: rows('call'),
      puts: rows('put'),
      spot,
      forward,
      rate: terms?.rate ?? cd91(this.core.series, d),
      yearsToExpiry: terms?.tau ?? 0,
    };
  }
}

export function createSimMarket(opts: SimMarketOptions): SimMarketModel {
  return new SimMarketModel(opts);
}
