/** "Is anything I asked for trading now?" for commands that wait on live data (`kis stream`). */
import type { TradingCalendar } from '../../market/calendar/index.js';
import type { SessionProduct } from '../../market/types.js';
import { formatKst, type KstTime } from '../../time/kst.js';

/** Stock codes trade in the stock session; futures and options in the derivatives day and night sessions. */
export function productsOf(code: string, tr?: string): SessionProduct[] {
  const derivative = tr ? /^H0(IF|IO|MF|EU|ZF|ZO|CF)/.test(tr) : code.length >= 8 || /^[A-D1-4]\d{2}[0-9A-Z]\d{2}$/.test(code) && !/^\d{6}$/.test(code);
  return derivative ? ['derivatives', 'night'] : ['stocks'];
}

/**
 * Undefined while one of `products` is in session at `now`; else a line saying the market is closed and
 * when the first of them opens next (KST).
 */
export function closedMarketNote(calendar: TradingCalendar, products: readonly SessionProduct[], now: KstTime): string | undefined {
  if (products.some((p) => calendar.isOpen(p, now))) return undefined;
  const next = products.map((p) => calendar.nextSession(p, now)).sort((a, b) => a.open - b.open)[0];
  if (!next) return 'the market is closed';
  const name = next.product === 'stocks' ? 'stock' : next.product === 'night' ? 'derivatives night' : 'derivatives day';
  return `the market is closed now (${formatKst(now).slice(0, 16)} KST); the next ${name} session opens ${formatKst(next.open).slice(0, 16)} KST`;
}
