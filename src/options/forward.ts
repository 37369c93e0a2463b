/**
 * Forward implied by put–call parity: C − P = e^{-rT}·(F − K) ⇒ F = K + e^{rT}·(C − P).
 *
 * For serial months and weeklies there is no same-expiry future, so the forward comes from the
 * option board. Each strike with both prices gives an estimate; the estimates from the strikes
 * where |C − P| is smallest (nearest the money: tightest markets, least early-exercise-free noise)
 * are combined by their median, which shrugs off one stale quote.
 */
import { OptionInputError } from './types.js';

export interface ParityQuote {
  strike: number;
  call: number | null | undefined;
  put: number | null | undefined;
}

export interface ImpliedForward {
  forward: number;
  /** The strikes whose estimates were combined. */
  strikesUsed: number[];
}

/** `null` when no strike has a positive call and put price. `nearest` = how many strikes to combine. */
export function impliedForward(
  quotes: readonly ParityQuote[],
  r: number,
  T: number,
  nearest = 3,
): ImpliedForward | null {
  if (!Number.isFinite(r) || !Number.isFinite(T) || T < 0)
    throw new OptionInputError(`impliedForward needs finite r and T ≥ 0, got r=${r}, T=${T}`);
  if (!Number.isInteger(nearest) || nearest < 1)
    throw new OptionInputError(`nearest must be a positive integer, got ${nearest}`);
  const growth = Math.exp(r * T);
  const usable = quotes
    .filter(
      (q): q is ParityQuote & { call: number; put: number } =>
        Number.isFinite(q.strike) &&
        q.strike > 0 &&
        typeof q.call === 'number' &&
        typeof q.put === 'number' &&
        q.call > 0 &&
        q.put > 0,
    )
    .map((q) => ({
      strike: q.strike,
      gap: Math.abs(q.call - q.put),
      forward: q.strike + growth * (q.call - q.put),
    }))
    .sort((a, b) => a.gap - b.gap || a.strike - b.strike)
    .slice(0, nearest);
  if (usable.length === 0) return null;
  const fs = usable.map((u) => u.forward).sort((a, b) => a - b);
  const mid = fs.length >> 1;
  const forward = fs.length % 2 ? fs[mid]! : (fs[mid - 1]! + fs[mid]!) / 2;
  return { forward, strikesUsed: usable.map((u) => u.strike).sort((a, b) => a - b) };
}

/** One strike of a board for the forward: last trade and best bid/ask of each right (null = none). */
export interface BoardParityQuote {
  strike: number;
  call: SideQuote;
  put: SideQuote;
}

export interface SideQuote {
  last: number | null | undefined;
  bid: number | null | undefined;
  ask: number | null | undefined;
}

/** Where a board's forward came from: put–call parity, the futures price carried to the expiry, or the index carried. */
export type ForwardSource = 'parity' | 'futures' | 'spot_carry';

export interface BoardForward {
  forward: number;
  source: ForwardSource;
  /** Parity only: the strikes whose estimates were kept, and those discarded as inconsistent. */
  strikesUsed: number[];
  strikesDiscarded: number[];
  /** Parity only: ± uncertainty of the forward from the bid/ask spreads of the kept strikes (index points); null otherwise. */
  uncertainty: number | null;
}

export interface BoardForwardOptions {
  /** How many strikes nearest the money (smallest |C − P|) to consider (default 6). */
  nearest?: number;
  /** Futures price and its years to expiry; carried to the option expiry at the rate (basis = carry). */
  futures?: { price: number; yearsToExpiry: number } | null;
  /** Index level; last fallback, carried at the rate to the expiry. */
  spot?: number | null;
}

/** The price of one side: mid when both sides of the book exist, otherwise the last trade; half-spread as its uncertainty. */
export function sidePrice(q: SideQuote): { price: number; halfSpread: number } | null {
  if (isPrice(q.bid) && isPrice(q.ask) && q.ask >= q.bid) return { price: (q.bid + q.ask) / 2, halfSpread: (q.ask - q.bid) / 2 };
  if (isPrice(q.last)) return { price: q.last, halfSpread: NaN };
  return null;
}

const isPrice = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * The forward of one expiry at one minute. Parity over the `nearest` strikes where |C − P| is smallest;
 * an estimate further from the median than its own uncertainty (spread-implied, or 3 MADs, at least 0.02 %
 * of the forward) is a stale or crossed quote and is discarded; the kept ones are averaged, tighter
 * markets weighing more. Without any call/put pair: the futures carried to the expiry, then the index.
 */
export function boardForward(
  quotes: readonly BoardParityQuote[],
  r: number,
  T: number,
  opts: BoardForwardOptions = {},
): BoardForward | null {
  if (!Number.isFinite(r) || !Number.isFinite(T) || T < 0)
    throw new OptionInputError(`boardForward needs finite r and T ≥ 0, got r=${r}, T=${T}`);
  const growth = Math.exp(r * T);
  const estimates: { strike: number; gap: number; forward: number; halfWidth: number }[] = [];
  for (const q of quotes) {
    if (!(Number.isFinite(q.strike) && q.strike > 0)) continue;
    const c = sidePrice(q.call);
    const p = sidePrice(q.put);
    if (!c || !p) continue;
    estimates.push({
      strike: q.strike,
      gap: Math.abs(c.price - p.price),
      forward: q.strike + growth * (c.price - p.price),
      halfWidth: growth * (c.halfSpread + p.halfSpread),
    });
  }
  const near = estimates.sort((a, b) => a.gap - b.gap || a.strike - b.strike).slice(0, opts.nearest ?? 6);
  if (near.length > 0) {
    const median = medianOf(near.map((e) => e.forward));
    const mad = medianOf(near.map((e) => Math.abs(e.forward - median)));
    const floor = 2e-4 * median;
    const kept = near.filter((e) => Math.abs(e.forward - median) <= Math.max(floor, 3 * mad, Number.isNaN(e.halfWidth) ? 0 : e.halfWidth));
    const discarded = near.filter((e) => !kept.includes(e)).map((e) => e.strike);
    // Weight 1/(half-width + floor)²: a last trade (unknown width) counts like a market a few ticks wide.
    let sw = 0;
    let swf = 0;
    let swu = 0;
    for (const e of kept) {
      const width = Number.isNaN(e.halfWidth) ? 10 * floor : e.halfWidth;
      const w = 1 / (width + floor) ** 2;
      sw += w;
      swf += w * e.forward;
      swu += w * width;
    }
    return {
      forward: swf / sw,
      source: 'parity',
      strikesUsed: kept.map((e) => e.strike).sort((a, b) => a - b),
      strikesDiscarded: discarded.sort((a, b) => a - b),
      uncertainty: swu / sw,
    };
  }
  const none = { strikesUsed: [], strikesDiscarded: [], uncertainty: null };
  const fut = opts.futures;
  if (fut && isPrice(fut.price) && Number.isFinite(fut.yearsToExpiry))
    return { forward: fut.price * Math.exp(r * (T - fut.yearsToExpiry)), source: 'futures', ...none };
  if (isPrice(opts.spot)) return { forward: opts.spot * growth, source: 'spot_carry', ...none };
  return null;
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
