/**
 * The one definition of KIS's basis fields, used by the F/O price endpoint (`basis`, `mrkt_basis`), the F/O
 * chart summaries (`basis`) and the realtime trade records (`thpr_basis`, `mrkt_basis`), so that every
 * surface reports the same value at the same moment. KIS's own examples fix the definitions:
 *   시장 베이시스 `mrkt_basis` = futures price − underlying index (FHMIF10000000: 395.00 − 394.66 = 0.34);
 *   이론 베이시스 `basis` / `thpr_basis` = futures theoretical price − index (395.48 − 394.66 = 0.82; the
 *   chart examples' `basis` is the theoretical one too: 360.48 − 356.42 = 4.06).
 * An option has no basis of its own: its fields carry the basis of the front-month future of its underlying
 * (an assumption, see docs/simulator.md), never option price − index.
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import { frontFuture } from '../../market/instruments/index.js';
import type { Instrument } from '../../market/types.js';
import type { KstDate, KstTime } from '../../time/kst.js';
import type { SimMarket } from '../market/types.js';

/** What the basis of an instrument is measured on at one moment. */
export interface BasisReference {
  /** The future whose basis it is (the instrument itself, or an option's front-month future). */
  futureCode: string;
  /** Underlying index level. */
  index: number;
  /** The future's last price and theoretical price. */
  last: number;
  theoretical: number;
}

export interface Basis {
  /** `mrkt_basis`: futures price − index. */
  market: number;
  /** `basis` / `thpr_basis`: theoretical futures price − index. */
  theoretical: number;
}

/** The future an instrument's basis fields describe on `tradingDate`; undefined for stocks. */
export function basisFutureCode(
  inst: Instrument,
  tradingDate: KstDate,
  calendar: TradingCalendar,
): string | undefined {
  if (inst.kind === 'stock' || inst.family === 'stock') return undefined;
  if (inst.kind === 'future') return inst.code;
  return frontFuture(inst.family, tradingDate, calendar).code;
}

/** The reference of `inst`'s basis at `at`, or undefined for stocks. */
export function basisReference(
  market: SimMarket,
  calendar: TradingCalendar,
  inst: Instrument,
  at: KstTime,
): BasisReference | undefined {
  if (inst.kind === 'stock') return undefined;
  const tradingDate = market.snapshot(inst.code, at).tradingDate;
  const futureCode = basisFutureCode(inst, tradingDate, calendar);
  if (!futureCode) return undefined;
  const f = market.snapshot(futureCode, at);
  const index = market.indexLevel(inst.underlying ?? 'KOSPI200', at);
  return { futureCode, index, last: f.last, theoretical: f.theoretical ?? f.last };
}

/**
 * The basis values. `futurePrice` overrides the future's last price: a realtime record of a future carries
 * its own trade's price (the newest record equals the REST value at the same moment).
 */
export function basisOf(ref: BasisReference, futurePrice: number = ref.last): Basis {
  return { market: round2(futurePrice - ref.index), theoretical: round2(ref.theoretical - ref.index) };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
