/**
 * The data behind the interactive candle chart: bars of the chosen timeframe, the expected-but-missing
 * minutes inside each session as gaps (the chart leaves them empty instead of joining across them),
 * VWAP/ATR bands and the stored signals. Times go out as lightweight-charts' UTC seconds of the KST
 * wall-clock reading, so the chart's axis reads KST whatever the browser's zone.
 */
import type pg from 'pg';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import { resample, bucketOf, type Bar, type Timeframe } from '../../src/market/resample.js';
import { priceDecimals, tickSize } from '../../src/market/instruments/index.js';
import type { ProductFamily, SessionProduct } from '../../src/market/types.js';
import { candlesOfTradingDates, signalsOf, type ChartCandle } from '../../src/db/readers-chart.js';
import { vwapAtrSteps } from '../../src/strategy/vwap-atr.js';
import { addDays, dateOf, type KstDate, type KstTime } from '../../src/time/kst.js';
import { candleFamily } from './format.js';

export interface ChartData {
  symbol: string;
  family: ProductFamily | null;
  decimals: number;
  /** Smallest price step, for the price scale. */
  tick: number;
  tf: Timeframe;
  from: KstDate;
  to: KstDate;
  bars: { time: number; open: number; high: number; low: number; close: number; volume: number }[];
  /** Bar times (seconds) inside a session where no candle was stored. */
  gaps: number[];
  bands: { time: number; vwap: number; upper: number | null; lower: number | null }[];
  signals: { time: number; strategy: string; kind: string; value: number | null }[];
}

const sec = (t: KstTime): number => t / 1000;
const sessionsOf = (family: ProductFamily | undefined): SessionProduct[] =>
  family === 'stock' ? ['stocks'] : ['night', 'derivatives'];

/** Expected minutes missing between the first and last stored candle of each session (the ends are not gaps). */
function missingMinutes(candles: readonly ChartCandle[], products: SessionProduct[], calendar: TradingCalendar, dates: KstDate[]): { time: KstTime; tradingDate: KstDate }[] {
  const have = new Set(candles.map((c) => c.time));
  const out: { time: KstTime; tradingDate: KstDate }[] = [];
  for (const d of dates) {
    if (!calendar.covers(d) || !calendar.isTradingDay(d)) continue;
    for (const p of products) {
      const expected = calendar.candleMinutes(p, d);
      const stored = expected.filter((m) => have.has(m));
      if (stored.length === 0) continue;
      const [first, last] = [stored[0]!, stored.at(-1)!];
      for (const m of expected) if (m > first && m < last && !have.has(m)) out.push({ time: m, tradingDate: d });
    }
  }
  return out;
}

function bandsOf(candles: readonly ChartCandle[], products: SessionProduct[], calendar: TradingCalendar, dates: KstDate[]): Map<KstTime, { vwap: number; upper?: number; lower?: number }> {
  const out = new Map<KstTime, { vwap: number; upper?: number; lower?: number }>();
  for (const d of dates) {
    if (!calendar.covers(d)) continue;
    for (const p of products) {
      const s = calendar.session(p, d);
      if (!s) continue;
      const inSession = candles.filter((c) => c.time >= s.open && c.time <= s.close);
      for (const st of vwapAtrSteps(inSession, s, { k: 2, atrPeriod: 14 })) out.set(st.time, st);
    }
  }
  return out;
}

export async function chartData(pool: pg.Pool, calendar: TradingCalendar, q: { symbol: string; from: KstDate; to: KstDate; tf: Timeframe }): Promise<ChartData> {
  const candles = await candlesOfTradingDates(pool, q.symbol, q.from, q.to);
  const family = candles[0] ? candleFamily(q.symbol, candles[0].table) : undefined;
  const products = sessionsOf(family);
  const dates: KstDate[] = [];
  for (let d = q.from; d <= q.to && dates.length < 400; d = addDays(d, 1)) dates.push(d);
  const bars: Bar[] = resample(candles as (ChartCandle & Bar)[], q.tf);
  const barTimes = new Set(bars.map((b) => b.time));
  const gapTimes = new Set<KstTime>();
  for (const m of missingMinutes(candles, products, calendar, dates)) {
    const b = bucketOf(m.time, m.tradingDate, q.tf);
    if (!barTimes.has(b)) gapTimes.add(b);
  }
  // A bar's band is the band at its last minute.
  const bandByMinute = bandsOf(candles, products, calendar, dates);
  const bandByBar = new Map<KstTime, { vwap: number; upper?: number; lower?: number }>();
  for (const c of candles) {
    const b = bandByMinute.get(c.time);
    if (b) bandByBar.set(bucketOf(c.time, c.tradingDate, q.tf), b);
  }
  const signals = candles.length
    ? await signalsOf(pool, q.symbol, candles[0]!.time, (candles.at(-1)!.time + 60_000) as KstTime)
    : [];
  const tradingDateOf = new Map(candles.map((c) => [c.time, c.tradingDate]));
  const lastPrice = candles.at(-1)?.close ?? 0;
  return {
    symbol: q.symbol,
    family: family ?? null,
    decimals: priceDecimals(family),
    tick: family === 'stock' || family === undefined ? 1 : tickSize({ kind: 'future', family, code: q.symbol }, lastPrice),
    tf: q.tf,
    from: q.from,
    to: q.to,
    bars: bars.map((b) => ({ time: sec(b.time), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume })),
    gaps: [...gapTimes].sort((a, b) => a - b).map(sec),
    bands: [...bandByBar].map(([t, b]) => ({ time: sec(t), vwap: b.vwap, upper: b.upper ?? null, lower: b.lower ?? null })),
    signals: signals.map((s) => {
      const td = tradingDateOf.get(s.time) ?? products.map((p) => calendar.tradingDateAt(p, s.time)).find(Boolean) ?? dateOf(s.time);
      return { time: sec(bucketOf(s.time, td, q.tf)), strategy: s.strategy, kind: s.kind, value: s.value };
    }),
  };
}
