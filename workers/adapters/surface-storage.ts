/** Storage of a board's own analytics: own IV/greeks beside KIS's on the chain rows, and its vol_surface slice with the calendar-arbitrage flags of that minute. */
import type pg from 'pg';
import type { OptionChainRow } from '../../src/db/types.js';
import { readVolSurface, setCalendarArbitrage, writeVolSurface, type VolSurfaceRow } from '../../src/db/vol-surface.js';
import { flagCalendarArbitrage } from '../../src/options/surface.js';
import type { BoardAnalyticsPayload } from '../../jobs/payloads-options.js';
import type { BoardPayload } from '../../jobs/payloads.js';

type OwnValues = Pick<OptionChainRow, 'ownIv' | 'ownIvMissingReason' | 'ownDelta' | 'ownGamma' | 'ownTheta' | 'ownVega' | 'forward' | 'yearsToExpiry'>;

/** The own columns of the i-th quote's chain row (nothing without analytics). */
export function ownChainValues(analytics: BoardAnalyticsPayload | undefined, i: number): OwnValues {
  const o = analytics?.quotes[i];
  if (!analytics || !o) return {};
  return {
    ownIv: o.iv, ownIvMissingReason: o.ivMissing, ownDelta: o.delta, ownGamma: o.gamma, ownTheta: o.theta, ownVega: o.vega,
    forward: analytics.forward, yearsToExpiry: analytics.yearsToExpiry,
  };
}

/**
 * Upserts the slice, then re-flags calendar arbitrage across every expiry of that underlying and minute: the
 * slice is committed before the others are read, so of two boards written concurrently the later sees both.
 */
export async function writeSurfaceSlice(pool: pg.Pool, board: BoardPayload, sym: string, a: BoardAnalyticsPayload): Promise<number> {
  const s = a.surface;
  const row: VolSurfaceRow = {
    time: board.minute, underlyingSymbol: sym, underlying: board.underlying, expiry: board.expiry,
    forward: a.forward, forwardSource: a.forwardSource, forwardUncertainty: a.forwardUncertainty, underlyingPrice: board.spot ?? null,
    yearsToExpiry: a.yearsToExpiry, rate: a.rate, atmIv: s.atmIv, rr25: s.rr25, bf25: s.bf25, skewSlope: s.skewSlope, svi: s.svi,
    fitRmse: s.fitRmse, fitPoints: s.points, butterflyArbitrage: s.butterflyArbitrage, calendarArbitrage: null,
    ...(board.rebuilt ? { rebuilt: true } : {}),
  };
  const w = await writeVolSurface(pool, [row]);
  const slices = await readVolSurface(pool, { underlying: board.underlying, time: board.minute });
  await setCalendarArbitrage(pool, board.minute, flagCalendarArbitrage(slices));
  return w.inserted + w.updated;
}
