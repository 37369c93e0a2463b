/** The pipeline's MarketData port over the KIS client: minute bars per market division, option boards. */
import { type KstTime, addDays, addMinutes, dateOf, toKst } from '../../src/time/kst.js';
import type { KstDate } from '../../src/time/kst.js';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import { frontFuture, weeklyExpiryFromLabel } from '../../src/market/instruments/index.js';
import type { KisAccounts } from '../../src/kis/accounts.js';
import type { KisMarket, OptionBoard, OptionBoardRow, UnderlyingBar } from '../../src/kis/types.js';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import { foMarketOf } from '../../src/kis/endpoints/futures-options.js';
import type { BoardQuotePayload, CandlePayload } from '../../jobs/payloads.js';
import type { MarketData } from '../../jobs/services.js';
import { BadDataError } from '../../jobs/errors.js';

/** KIS's board expiry parameter: monthly `YYYYMM`; weekly `YYMMWW` (the n-th Monday/Thursday of the month). */
export function boardExpiryParam(series: 'monthly' | 'weekly-thu' | 'weekly-mon', expiry: KstDate, cal: TradingCalendar): string {
  const y = Number(expiry.slice(0, 4));
  const m = Number(expiry.slice(5, 7));
  if (series === 'monthly') return expiry.slice(0, 4) + expiry.slice(5, 7);
  const kind = series === 'weekly-thu' ? 'thu' : 'mon';
  // A holiday can move the expiry into a neighbouring month: look at the label months around it.
  for (const [yy, mm] of [[y, m], m === 1 ? [y - 1, 12] : [y, m - 1], m === 12 ? [y + 1, 1] : [y, m + 1]] as const) {
    for (let w = 1; w <= 5; w++) {
      try {
        if (weeklyExpiryFromLabel(kind, yy, mm, w, cal) === expiry) return `${String(yy).slice(2)}${String(mm).padStart(2, '0')}${String(w).padStart(2, '0')}`;
      } catch {
        // No n-th weekday that month.
      }
    }
  }
  throw new BadDataError(`${expiry} is not a ${series} expiry by the calendar`);
}

/** KIS's "none" is undefined in the client (src/kis/not-computed.ts) and null in payloads, never 0. */
const orNull = (v: number | undefined): number | null => v ?? null;

function quotes(rows: OptionBoardRow[], right: 'call' | 'put'): BoardQuotePayload[] {
  return rows.map((r) => ({
    code: r.code, right, strike: r.strike, price: orNull(r.price), bid: orNull(r.bid), ask: orNull(r.ask), volume: orNull(r.volume), openInterest: orNull(r.openInterest),
    iv: orNull(r.iv), ivMissing: r.ivMissing ?? null,
    delta: orNull(r.greeks.delta), gamma: orNull(r.greeks.gamma), theta: orNull(r.greeks.theta), vega: orNull(r.greeks.vega),
  }));
}

/**
 * A KOSPI200 future listed today and still trading tonight, for the [0503] top bar that carries the index
 * level: the front contract of tomorrow (on an expiry day the next one, which is listed too).
 */
function liveKospi200Future(now: KstTime, calendar: TradingCalendar): string {
  return frontFuture('kospi200', addDays(dateOf(now), 1), calendar).code;
}

export function createMarketData(accounts: KisAccounts, calendar: TradingCalendar): MarketData {
  /** Derivative minutes split by session: the day session is division F (options O), the night session CM (options EU). */
  const foRuns = (code: string, from: KstTime, to: KstTime): { market: KisMarket; from: KstTime; to: KstTime }[] => {
    const runs: { market: KisMarket; from: KstTime; to: KstTime }[] = [];
    // Options have their own divisions: O by day, EU at night (per-strike candles for board rebuilds and backfills).
    const option = foMarketOf(code) === 'O';
    for (let m = from; m < to; m = addMinutes(m, 1)) {
      const night = calendar.covers(dateOf(m)) && calendar.isCandleMinute('night', m);
      const market: KisMarket = night ? (option ? 'EU' : 'CM') : option ? 'O' : 'F';
      const last = runs.at(-1);
      if (last && last.market === market) last.to = addMinutes(m, 1);
      else runs.push({ market, from: m, to: addMinutes(m, 1) });
    }
    return runs;
  };
  return {
    async minuteBars(account, target, from, to, signal) {
      const client = accounts.get(account);
      const runs = target.family === 'stock' ? [{ market: 'J' as KisMarket, from, to }] : foRuns(target.code, from, to);
      const out: CandlePayload[] = [];
      for (const r of runs) {
        // fetchMinuteBars takes an inclusive range of minute starts.
        const bars = await client.fetchMinuteBars({ code: target.code, market: r.market, from: r.from, to: addMinutes(r.to, -1), completedOnly: true }, signal ? { signal } : {});
        for (const b of bars) out.push({ code: b.code, time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
      }
      return out;
    },
    async optionBoard(account, target, signal) {
      const client = accounts.get(account);
      if (target.underlying !== 'KOSPI200') throw new BadDataError(`option boards are collected for KOSPI200 only, not ${target.underlying}`);
      const expiry = boardExpiryParam(target.series, target.expiry, calendar);
      const opts = signal ? { signal } : {};
      // The index level at the board's moment: both calls go out together (the board has no underlying field).
      const [b, top]: [OptionBoard, UnderlyingBar] = await Promise.all([
        client.optionBoard({ expiry, series: target.series, family: 'kospi200' }, opts),
        client.underlyingBar({ futureCode: liveKospi200Future(toKst(client.clock.now()), calendar) }, opts),
      ]);
      return {
        underlying: target.underlying, series: target.series, expiry: target.expiry,
        ...(top.index !== undefined ? { spot: top.index } : {}),
        quotes: [...quotes(b.calls, 'call'), ...quotes(b.puts, 'put')],
      };
    },
    minuteRowCap(family) {
      return (family === 'stock' ? ENDPOINTS.stockMinutesPast.rowCap : ENDPOINTS.foMinutes.rowCap) ?? 30;
    },
  };
}
