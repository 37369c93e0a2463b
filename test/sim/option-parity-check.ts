/**
 * No-arbitrage checks of one strike of an option board, shared by the model-level and the REST tests:
 * put–call parity within the quoted spreads, and IVs that the quoted prices allow (both rights alike).
 */
import { impliedVol, type OptionRight } from '../../src/options/index.js';

/** One leg as the board shows it: best bid and ask, and the board's IV in percent (KIS `hts_ints_vltl`). */
export interface LegQuote {
  bid: number;
  ask: number;
  iv: number;
}

/** The discounting the board's prices assume. */
export interface Discounting {
  forward: number;
  rate: number;
  years: number;
}

/** KOSPI200 option tick: 0.01 below 10 points, 0.05 from 10. */
const optionTick = (price: number): number => (price < 10 ? 0.01 : 0.05);
/** The lowest price an option can be quoted at: a bid there says nothing about its value. */
const MIN_PRICE = 0.01;
/** Rounding of the board's printed IV (4 decimals of a percent) and float noise. */
const IV_TOLERANCE = 1e-5;

/** The vols (decimal) the leg's bid and ask imply by Black-76 on the forward: [0, ∞) where a side says nothing. */
export function ivBand(leg: LegQuote, k: number, right: OptionRight, disc: Discounting): [number, number] {
  const solve = (p: number): number | null => impliedVol(p, disc.forward, k, disc.years, disc.rate, right).iv;
  const lo = leg.bid > MIN_PRICE ? (solve(leg.bid) ?? 0) : 0;
  const hi = solve(leg.ask) ?? Infinity;
  return [lo, hi];
}

/** What is wrong with one strike (empty when nothing); `label` names it in the messages. */
export function strikeViolations(
  k: number,
  call: LegQuote,
  put: LegQuote,
  disc: Discounting,
  label: string,
): string[] {
  const out: string[] = [];
  const mid = (l: LegQuote): number => (l.bid + l.ask) / 2;
  const df = Math.exp(-disc.rate * disc.years);
  const residual = mid(call) - mid(put) - df * (disc.forward - k);
  const allowed =
    (call.ask - call.bid + put.ask - put.bid) / 2 + Math.max(optionTick(mid(call)), optionTick(mid(put)));
  if (!(Math.abs(residual) <= allowed + 1e-9))
    out.push(
      `${label} K=${k}: parity residual ${residual.toFixed(3)} > ${allowed.toFixed(3)} ` +
        `(C ${call.bid}/${call.ask}, P ${put.bid}/${put.ask}, F ${disc.forward.toFixed(2)})`,
    );
  if (disc.years <= 0) return out; // expired: no time value, no vol
  const bands = { call: ivBand(call, k, 'call', disc), put: ivBand(put, k, 'put', disc) };
  for (const [right, leg] of [
    ['call', call],
    ['put', put],
  ] as const) {
    const [lo, hi] = bands[right];
    const iv = leg.iv / 100;
    if (!(iv >= lo - IV_TOLERANCE && iv <= hi + IV_TOLERANCE))
      out.push(
        `${label} K=${k} ${right}: board IV ${leg.iv.toFixed(2)} % outside the quote's ` +
          `[${(lo * 100).toFixed(2)}, ${(hi * 100).toFixed(2)}] % (${leg.bid}/${leg.ask})`,
      );
  }
  const width = (b: [number, number]): number => b[1] - b[0];
  const gap = Math.abs(call.iv - put.iv) / 100;
  if (!(gap <= width(bands.call) + width(bands.put) + IV_TOLERANCE))
    out.push(
      `${label} K=${k}: call IV ${call.iv.toFixed(2)} % vs put IV ${put.iv.toFixed(2)} %, ` +
        `more than the spreads allow (${((width(bands.call) + width(bands.put)) * 100).toFixed(2)} points)`,
    );
  return out;
}
