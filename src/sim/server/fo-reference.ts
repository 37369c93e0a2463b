/**
 * Reference fields of the F/O endpoints, from the model's daily bars (`daily-ranges.ts`): the chart
 * summaries' previous-day volume and OHLC (FHKIF03020100/FHKIF03020200 `output1`: `prdy_vol`,
 * `futs_prdy_oprc/hgpr/lwpr`), the price endpoint's listing-period high/low of a future
 * (`futs_lstn_medm_hgpr/lwpr`), and the deviation rate `dprt` the chart summaries share with it.
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import type { Instrument } from '../../market/types.js';
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
