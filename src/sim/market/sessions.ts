/**
 * Which sessions an instrument trades on a trading date, as the windows the trade generator fills:
 * an opening call print at `open`, continuous trading in [open, closeAuction.start), a closing call
 * print at `close` (its own candle). Everything comes from the project calendar.
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import type { Instrument, Session } from '../../market/types.js';
import type { KstDate, KstTime } from '../../time/kst.js';

export interface TradeWindow {
  session: Session;
  /** Opening call print time (= session.open). */
  open: KstTime;
  /** Continuous trading ends here (exclusive) — the closing call starts. */
  continuousEnd: KstTime;
  /** Closing call print time (= session.close). */
  close: KstTime;
  night: boolean;
}

function windowOf(session: Session, night: boolean): TradeWindow {
  return {
    session,
    open: session.open,
    continuousEnd: session.closeAuction?.start ?? session.close,
    close: session.close,
    night,
  };
}

/** Derivatives that KRX's night market carries (all our derivatives qualify). */
const tradesAtNight = (i: Instrument): boolean => i.kind !== 'stock';

/** Trading windows of `instrument` on `tradingDate`, in time order (night first). */
export function tradeWindows(
  cal: TradingCalendar,
  instrument: Instrument,
  tradingDate: KstDate,
): TradeWindow[] {
  if (!cal.covers(tradingDate) || !cal.isTradingDay(tradingDate)) return [];
  if (instrument.expiry !== undefined && tradingDate > instrument.expiry) return [];
  if (instrument.kind === 'stock') {
    const s = cal.session('stocks', tradingDate);
    return s ? [windowOf(s, false)] : [];
  }
  const out: TradeWindow[] = [];
  if (tradesAtNight(instrument)) {
    const n = cal.session('night', tradingDate);
    if (n) out.push(windowOf(n, true));
  }
  const d = cal.session('derivatives', tradingDate, { expiring: instrument.expiry === tradingDate });
  if (d) out.push(windowOf(d, false));
  return out;
}

/** The span of wall-clock time a trading date's factor path must cover (all products, all sessions). */
export function dateSpan(
  cal: TradingCalendar,
  tradingDate: KstDate,
): { start: KstTime; end: KstTime; stocksClose?: KstTime } | undefined {
  if (!cal.covers(tradingDate) || !cal.isTradingDay(tradingDate)) return undefined;
  const sessions = cal.sessionsOn(tradingDate);
  if (sessions.length === 0) return undefined;
  const start = Math.min(...sessions.map((s) => s.openAuction?.start ?? s.open)) as KstTime;
  const end = Math.max(...sessions.map((s) => s.close)) as KstTime;
  const stocks = sessions.find((s) => s.product === 'stocks');
  return stocks ? { start, end, stocksClose: stocks.close } : { start, end };
}
