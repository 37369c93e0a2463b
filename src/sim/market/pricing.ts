/**
 * Derivative pricing inside the simulator: a CD91-like rate, a seasonal discrete dividend schedule,
 * the cost-of-carry forward, a moving SVI smile and Black-76 fair values (the board's IV and greeks: option-fair.ts).
 */
import {
  black76Price,
  expiryClose,
  sviTotalVariance,
  type OptionRight,
  type SviParams,
} from '../../options/index.js';
import type { KstDate, KstTime } from '../../time/kst.js';
import type { DailySeries } from './daily.js';

/** Dividend points as a fraction of the index, by ex-date month-day: mostly late December, spring since 2024. */
const DIVIDENDS: { md: string; frac: number }[] = [
  { md: '03-28', frac: 0.0035 },
  { md: '04-11', frac: 0.0025 },
  { md: '06-27', frac: 0.0008 },
  { md: '09-26', frac: 0.0006 },
  { md: '12-26', frac: 0.0085 },
];

/** CD91-like annual rate for a date (constant through the day, as KRX uses the previous day's fixing). */
export function cd91(series: DailySeries, d: KstDate): number {
  return 0.03 + 0.012 * Math.tanh(series.noise('CD91', d) / 12);
}

/** Sum of dividend fractions with ex-date in (date(t), expiry]. */
export function dividendFraction(from: KstDate, expiry: KstDate): number {
  let sum = 0;
  const y0 = Number(from.slice(0, 4));
  const y1 = Number(expiry.slice(0, 4));
  for (let y = y0; y <= y1; y++) {
    for (const { md, frac } of DIVIDENDS) {
      const ex = `${y}-${md}`;
      if (ex > from && ex <= expiry) sum += frac;
    }
  }
  return sum;
}

/** Per (trading date, expiry) constants of the carry, memoised: they are needed for every trade. */
export interface ExpiryTerms {
  /** Expiry close (KST wall-clock ms). */
  close: number;
  rate: number;
  dividends: number;
  atmVol: number;
}

const MS_PER_YEAR = 365 * 86_400_000;
const termsMemo = new Map<string, ExpiryTerms>();

export function expiryTerms(series: DailySeries, tradingDate: KstDate, expiry: KstDate): ExpiryTerms {
  const key = `${series.seed}|${tradingDate}|${expiry}`;
  let t = termsMemo.get(key);
  if (!t) {
    t = {
      close: expiryClose(expiry),
      rate: cd91(series, tradingDate),
      dividends: dividendFraction(tradingDate, expiry),
      atmVol: dailyAtmVol(series, tradingDate),
    };
    if (termsMemo.size > 20_000) termsMemo.clear();
    termsMemo.set(key, t);
  }
  return t;
}

export const tauOf = (terms: ExpiryTerms, t: KstTime): number => Math.max(0, (terms.close - t) / MS_PER_YEAR);

/** KRX theoretical carry: F = S·(1 + r·t/365) − dividends (simple interest, calendar days). */
export function carryFactor(series: DailySeries, tradingDate: KstDate, t: KstTime, expiry: KstDate): number {
  const terms = expiryTerms(series, tradingDate, expiry);
  return 1 + terms.rate * tauOf(terms, t) - terms.dividends;
}

/** ATM vol level of a date: stationary around 17 %, between 9 % and 45 %. */
export function dailyAtmVol(series: DailySeries, d: KstDate): number {
  return Math.min(0.45, Math.max(0.09, 0.17 * Math.exp(0.03 * series.noise('VOL', d))));
}

export interface SmileInputs {
  /** ATM vol of the date before intraday moves. */
  atmVol: number;
  /** Log-return of the index since the previous close (vol rises when the market falls). */
  move: number;
}

/** Implied vol the model uses for a strike: SVI in log-moneyness, short expiries a touch richer. */
export function modelVol(inputs: SmileInputs, forward: number, strike: number, tau: number): number {
  const T = Math.max(tau, 1 / (365 * 24));
  const term = 1 + 0.08 * Math.exp(-T * 12);
  const atm = Math.min(0.9, Math.max(0.06, inputs.atmVol * term * Math.exp(-3 * inputs.move)));
  const sd = atm * Math.sqrt(T);
  // Raw SVI with its ATM total variance pinned to atm²T (sviFromAtm without the per-call validation:
  // a = 0.64·sd² > 0 and |ρ| < 1 hold by construction).
  const b = 0.6 * sd;
  const p: SviParams = { a: sd * sd - b * 0.6 * sd, b, rho: -0.55, m: 0, s: 0.6 * sd };
  return Math.sqrt(Math.max(sviTotalVariance(p, Math.log(strike / forward)), 1e-12) / T);
}

/** Black-76 value on the same-expiry forward. */
export function fairOptionPrice(
  forward: number,
  strike: number,
  tau: number,
  r: number,
  vol: number,
  right: OptionRight,
): number {
  return black76Price(forward, strike, tau, r, vol, right);
}
