/**
 * What the simulated market lists: stocks, index futures (the instruments module's listing cycle) and
 * KOSPI200 options (`option-listing.ts`), and the reverse lookup from any code the model can issue.
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import {
  FUTURES_LISTED_FROM,
  listedFutures,
  parseInstrumentCode,
  type FuturesFamily,
} from '../../market/instruments/index.js';
import type { Instrument, OptionSeries } from '../../market/types.js';
import { addDays, type KstDate } from '../../time/kst.js';
import { decodeOptionCode, optionInstrument } from './option-codes.js';
import { addStrikes, ladderRule, listedExpiries, listedMonthlies, listingDate } from './option-listing.js';
import type { StockSpec } from './universe.js';

export const FUTURES_FAMILIES: FuturesFamily[] = ['kospi200', 'mini', 'kosdaq150'];
export const OPTION_SERIES: OptionSeries[] = ['monthly', 'weekly-thu', 'weekly-mon'];

export interface RegistryOptions {
  strikesPerSide: number;
  weeklyStrikesPerSide: number;
}

export class Registry {
  private readonly byCode = new Map<string, Instrument | null>();
  private readonly stockSpecs = new Map<string, StockSpec>();
  private readonly ladders = new Map<string, number[]>();
  private readonly monthlyMemo = new Map<string, KstDate[]>();

  constructor(
    private readonly cal: TradingCalendar,
    stocks: readonly StockSpec[],
    private readonly opts: RegistryOptions,
    /** At-the-money reference for a trading date: the previous KOSPI200 close. */
    private readonly atmOn: (d: KstDate) => number,
  ) {
    for (const s of stocks) {
      this.stockSpecs.set(s.code, s);
      this.byCode.set(s.code, {
        code: s.code,
        kind: 'stock',
        family: 'stock',
        name: s.name,
        market: s.market,
        multiplier: 1,
      });
    }
  }

  stockSpec(code: string): StockSpec | undefined {
    return this.stockSpecs.get(code);
  }

  stocks(): Instrument[] {
    return [...this.stockSpecs.keys()].map((c) => this.byCode.get(c)!);
  }

  futures(date: KstDate): Instrument[] {
    if (!this.cal.covers(date)) return [];
    return FUTURES_FAMILIES.filter((f) => date >= FUTURES_LISTED_FROM[f]).flatMap((f) =>
      listedFutures(f, date, this.cal),
    );
  }

  expiries(series: OptionSeries, date: KstDate): KstDate[] {
    return listedExpiries(this.cal, series, date);
  }

  private monthlyExpiriesOn(d: KstDate): KstDate[] {
    let e = this.monthlyMemo.get(d);
    if (!e) {
      e = listedMonthlies(this.cal, d).map((s) => s.expiry);
      this.monthlyMemo.set(d, e);
    }
    return e;
  }

  /** Strikes listed on `date` for a series, ascending (empty before listing or after expiry). */
  strikes(series: OptionSeries, expiry: KstDate, date: KstDate): number[] {
    if (!this.cal.covers(date) || date > expiry) return [];
    const key = `${series}|${expiry}|${date}`;
    const hit = this.ladders.get(key);
    if (hit) return hit;
    const from = listingDate(this.cal, series, expiry);
    if (from > date) return [];
    const set = new Set<number>();
    for (let d = from; ; d = addDays(d, 1)) {
      if (this.cal.covers(d) && this.cal.isTradingDay(d)) {
        const rank = series === 'monthly' ? this.monthlyExpiriesOn(d).indexOf(expiry) : 0;
        if (rank >= 0)
          addStrikes(
            set,
            this.atmOn(d),
            ladderRule(series, rank, this.opts.strikesPerSide, this.opts.weeklyStrikesPerSide),
          );
      }
      if (d >= date) break;
    }
    const out = [...set].sort((a, b) => a - b).map((k) => k / 100);
    if (this.ladders.size > 5000) this.ladders.clear();
    this.ladders.set(key, out);
    return out;
  }

  options(series: OptionSeries, expiry: KstDate, date: KstDate): Instrument[] {
    const contract =
      series === 'monthly' ? listedMonthlies(this.cal, date).find((s) => s.expiry === expiry) : undefined;
    return this.strikes(series, expiry, date).flatMap((k) => {
      const c = optionInstrument(series, expiry, k, 'call', contract);
      const p = optionInstrument(series, expiry, k, 'put', contract);
      this.byCode.set(c.code, c);
      this.byCode.set(p.code, p);
      return [c, p];
    });
  }

  instruments(date: KstDate): Instrument[] {
    const out = [...this.stocks(), ...this.futures(date)];
    for (const series of OPTION_SERIES)
      for (const e of this.expiries(series, date)) out.push(...this.options(series, e, date));
    return out;
  }

  instrument(code: string): Instrument | undefined {
    const hit = this.byCode.get(code);
    if (hit !== undefined) return hit ?? undefined;
    let found: Instrument | undefined;
    try {
      const d = parseInstrumentCode(code, { calendar: this.cal });
      if (d.kind === 'future' && d.code === code) found = d;
    } catch {
      found = undefined;
    }
    found ??= decodeOptionCode(code, this.cal);
    if (this.byCode.size > 100_000) this.byCode.clear();
    this.byCode.set(code, found ?? null);
    return found;
  }
}
