/**
 * Option fair values as the board, the book, the tape and the REST/WS greeks all see them: one smile per
 * expiry. Every KOSPI200 option of an expiry is Black-76 on the same-expiry forward (the futures' carry fair
 * value, `futureFair`) at the smile's vol for its strike, whatever the right, so C − P = DF·(F − K) holds
 * exactly before rounding; the board's IV and greeks are the same model's, identical for both rights.
 *
 * Between trading windows (after the close, before the night session, …) the values stay where the last
 * window closed: the book and board must not mix live forwards with hours-old prices.
 */
import type { Instrument } from '../../market/types.js';
import { black76Greeks, type OptionRight } from '../../options/index.js';
import type { KstDate, KstTime } from '../../time/kst.js';
import type { MarketCoreView } from './core-view.js';
import { futureFair, optionFair, type OptionFair } from './prices.js';
import { tradeWindows, type TradeWindow } from './sessions.js';
import type { SimGreeks } from './types.js';

/**
 * The time whose fair value applies at `at`: that second inside a window; between windows the latest close
 * before `at`; before the first window its open. Undefined when the instrument has no window that date.
 */
export function pricingTime(windows: readonly TradeWindow[], at: KstTime): KstTime | undefined {
  if (windows.length === 0) return undefined;
  let t = windows[0]!.open;
  for (const w of windows) {
    if (at >= w.open && at <= w.close) return (at - (at % 1000)) as KstTime;
    if (at > w.close) t = w.close;
  }
  return t;
}

export interface OptionValuation extends OptionFair {
  /** The time the value was taken at (see `pricingTime`). */
  time: KstTime;
}

const windowMemo = new WeakMap<object, Map<string, TradeWindow[]>>();

/** An option's trading windows on `d` (they depend only on the date and on whether it expires that day). */
function optionWindows(core: MarketCoreView, instrument: Instrument, d: KstDate): TradeWindow[] {
  let memo = windowMemo.get(core.cal);
  if (!memo) windowMemo.set(core.cal, (memo = new Map()));
  const key = `${d}|${instrument.expiry === d ? 'expiring' : instrument.expiry! < d ? 'expired' : ''}`;
  let w = memo.get(key);
  if (!w) {
    w = tradeWindows(core.cal, instrument, d);
    if (memo.size > 4096) memo.clear();
    memo.set(key, w);
  }
  return w;
}

/** A KOSPI200 option's model value at `at` on trading date `d`; undefined when it does not trade that date. */
export function optionValuation(
  core: MarketCoreView,
  instrument: Instrument,
  d: KstDate,
  at: KstTime,
): OptionValuation | undefined {
  const t = pricingTime(optionWindows(core, instrument, d), at);
  const path = t === undefined ? undefined : core.path(d)?.KOSPI200;
  if (t === undefined || !path) return undefined;
  return { ...optionFair({ series: core.series, tradingDate: d, path }, instrument, t), time: t };
}

/** The same-expiry forward the options of `expiry` are priced on at `at` (undefined: not trading that date). */
export function optionForward(
  core: MarketCoreView,
  expiry: KstDate,
  d: KstDate,
  at: KstTime,
): number | undefined {
  const t = pricingTime(optionWindows(core, probe(expiry), d), at);
  const path = t === undefined ? undefined : core.path(d)?.KOSPI200;
  if (t === undefined || !path) return undefined;
  return futureFair({ series: core.series, tradingDate: d, path }, 'KOSPI200', expiry, t);
}

/** The smile's vol (annual decimal) for a strike of `expiry` at `at`. */
export function smileVol(
  core: MarketCoreView,
  expiry: KstDate,
  strike: number,
  d: KstDate,
  at: KstTime,
): number | undefined {
  return optionValuation(core, { ...probe(expiry), strike }, d, at)?.vol;
}

const probe = (expiry: KstDate): Instrument => ({
  code: '',
  kind: 'call',
  family: 'kospi200',
  name: '',
  multiplier: 250_000,
  expiry,
  strike: 1,
});

export interface BoardGreeks extends SimGreeks {
  /** The unrounded model value (KIS `hts_thpr`). */
  theoretical: number;
}

/**
 * IV (percent) and greeks shown on the board for one option: the smile's vol and Black-76 sensitivities
 * with respect to the same-expiry forward (theta per calendar day, vega per vol point, rho per rate point).
 * KIS computes its own from an undisclosed HTS model; see docs/simulator.md, "Assumptions: option prices".
 */
export function boardGreeks(v: OptionFair, strike: number, right: OptionRight): BoardGreeks {
  const g = black76Greeks(v.forward, strike, v.tau, v.rate, v.vol, right);
  return {
    iv: v.vol * 100,
    delta: g.delta,
    gamma: g.gamma,
    theta: g.theta,
    vega: g.vega,
    rho: g.rho,
    theoretical: v.price,
  };
}
