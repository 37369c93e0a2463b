/**
 * Whether a code is listed at a moment. The model can price any contract its codes decode to, so the
 * servers must refuse what the exchange does not list: a derivative after its last trading day (KIS's
 * master no longer has it the next morning) and a future whose month is not yet listed. Such codes are
 * answered like an unknown code (see docs/simulator.md, "Assumptions: expired contracts").
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import { listedFutures } from '../../market/instruments/index.js';
import type { Instrument } from '../../market/types.js';
import { dateOf, type KstTime } from '../../time/kst.js';

export function isListedAt(inst: Instrument, now: KstTime, calendar: TradingCalendar): boolean {
  if (inst.kind === 'stock' || inst.family === 'stock') return true;
  const date = dateOf(now);
  // The contract stays listed through its last trading day (its closing data is still served that evening).
  if (inst.expiry !== undefined && date > inst.expiry) return false;
  if (inst.kind === 'future' && calendar.covers(date)) {
    const listed = listedFutures(inst.family, date, calendar);
    return listed.some((f) => f.expiry === inst.expiry);
  }
  return true;
}
