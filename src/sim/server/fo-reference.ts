/**
 * Reference fields of the F/O endpoints, from the model's daily bars (`daily-ranges.ts`): the chart
 * summaries' previous-day volume and OHLC (FHKIF03020100/FHKIF03020200 `output1`: `prdy_vol`,
 * `futs_prdy_oprc/hgpr/lwpr`), the price endpoint's listing-period high/low of a future
 * (`futs_lstn_medm_hgpr/lwpr`), the deviation rate `dprt` the chart summaries share with it, and the
 * underlying's historical volatility `hist_vltl` (price endpoint and option board).
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import type { Instrument } from '../../market/types.js';
import { type KstDate, addDays } from '../../time/kst.js';
import type { SimMarket, SimSnapshot } from '../market/types.js';
import { listingRange, previousBar } from './daily-ranges.js';
import { fmt, int, type Values } from './layout.js';

/** 괴리율: (price − theoretical) ÷ theoretical, %. */
export const deviationRate = (s: SimSnapshot): string =>
  s.theoretical ? fmt(((s.last - s.theoretical) / s.theoretical) * 100, 2) : '0.00';

/** Previous trading date's volume and OHLC (the close is already `futs_prdy_clpr`). */
export function previousDayFields(market: SimMarket, calendar: TradingCalendar, s: SimSnapshot): Values {
  const prev = previousBar(market, calendar, s.code, s.tradingDate);
  if (!prev) return {};
  return {
    prdy_vol: int(prev.volume),
    futs_prdy_oprc: fmt(prev.open, 2),
    futs_prdy_hgpr: fmt(prev.high, 2),
    futs_prdy_lwpr: fmt(prev.low, 2),
  };
}

/** A future's high and low since listing (the running day included); nothing for options. */
export function listingPeriodFields(
  market: SimMarket,
  calendar: TradingCalendar,
  inst: Instrument,
  s: SimSnapshot,
): Values {
  const r = inst.kind === 'future' ? listingRange(market, calendar, inst, s) : undefined;
  return r ? { futs_lstn_medm_hgpr: fmt(r.high.price, 2), futs_lstn_medm_lwpr: fmt(r.low.price, 2) } : {};
}

/** Trading days in KIS's historical volatility window (assumed; see docs/simulator.md). */
export const HIST_VOL_DAYS = 90;
const histVolCache = new Map<string, number | null>();

/**
 * 역사적 변동성 `hist_vltl`: annualised standard deviation (%, √250) of the underlying index's daily log
 * returns over the `HIST_VOL_DAYS` finished trading days before `tradingDate` — one value per underlying and
 * date, as on KIS's option board where every row carries the same figure.
 */
export function historicalVolatility(
  market: SimMarket,
  calendar: TradingCalendar,
  underlying: string,
  tradingDate: KstDate,
): number | undefined {
  const key = `${market.seed}|${underlying}|${tradingDate}`;
  let v = histVolCache.get(key);
  if (v === undefined) {
    const closes: number[] = [];
    for (let d = addDays(tradingDate, -1); closes.length <= HIST_VOL_DAYS && calendar.covers(d); d = addDays(d, -1)) {
      const s = calendar.isTradingDay(d) ? calendar.session('stocks', d) : undefined;
      if (s) closes.push(market.indexLevel(underlying, s.close));
    }
    v = closes.length > HIST_VOL_DAYS ? annualisedVol(closes) : null;
    if (histVolCache.size > 1000) histVolCache.clear();
    histVolCache.set(key, v);
  }
  return v ?? undefined;
}

function annualisedVol(closes: readonly number[]): number {
  const r = closes.slice(1).map((c, i) => Math.log(closes[i]! / c));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1);
  return Math.sqrt(variance * 250) * 100;
}

/** `hist_vltl` of a derivative on its snapshot's trading date (nothing for stocks). */
export function histVolFields(market: SimMarket, calendar: TradingCalendar, inst: Instrument, s: SimSnapshot): Values {
  const hv = inst.kind === 'stock' ? undefined : historicalVolatility(market, calendar, inst.underlying ?? 'KOSPI200', s.tradingDate);
  return hv === undefined ? {} : { hist_vltl: fmt(hv, 4) };
}
