/**
 * What the day-bar and tape builders read from the market core. `MarketCore` implements it; the builders
 * depend on this interface only, so `market.ts` can import them without a cycle back to itself.
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import type { Instrument } from '../../market/types.js';
import type { KstDate } from '../../time/kst.js';
import type { DailySeries } from './daily.js';
import type { DayTarget } from './day-target.js';
import type { FactorAnchors, FactorPath, IndexName } from './factor-path.js';
import type { Registry } from './registry.js';

export interface MarketCoreView {
  readonly seed: number;
  readonly cal: TradingCalendar;
  readonly series: DailySeries;
  readonly registry: Registry;
  /** The KOSPI200 / KOSDAQ150 close of a date, from the daily series. */
  indexClose(name: IndexName, d: KstDate): number;
  /** The factor path's values at session opens and closes. */
  anchors(d: KstDate): FactorAnchors | undefined;
  /** The date's per-second factor paths (undefined when the date does not trade). */
  path(d: KstDate): Record<IndexName, FactorPath> | undefined;
  /** A liquid instrument's daily bar, fixed before its trades. */
  dayTarget(instrument: Instrument, d: KstDate): DayTarget | undefined;
  /** The previous trading date's close (stocks) or closing fair value (derivatives). */
  basePrice(instrument: Instrument, d: KstDate): number;
}
