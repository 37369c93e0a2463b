/**
 * Resampling 1-minute candles to coarser bars. Intraday bars are aligned to the clock (09:00, 09:05, …
 * for 5 minutes) and never span two sessions: a bar is keyed by its trading date too, so a night bar
 * and a day bar never merge. Day bars are one per trading date, labelled by the date's midnight.
 */
import { startOfDate, type KstDate, type KstTime } from '../time/kst.js';

export const TIMEFRAMES = ['1', '5', '15', '60', 'D'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export interface Bar {
  time: KstTime;
  tradingDate: KstDate;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export const isTimeframe = (s: string): s is Timeframe => (TIMEFRAMES as readonly string[]).includes(s);

/** The label (start) of the bar of timeframe `tf` that the minute `time` of `tradingDate` falls in. */
export function bucketOf(time: KstTime, tradingDate: KstDate, tf: Timeframe): KstTime {
  if (tf === 'D') return startOfDate(tradingDate);
  const step = Number(tf) * 60_000;
  return (Math.floor(time / step) * step) as KstTime;
}

/** `candles` (ascending 1-minute bars) as bars of `tf`, ascending. */
export function resample(candles: readonly Bar[], tf: Timeframe): Bar[] {
  if (tf === '1') return candles.map((c) => ({ ...c }));
  const out: Bar[] = [];
  let cur: Bar | undefined;
  for (const c of candles) {
    const t = bucketOf(c.time, c.tradingDate, tf);
    if (cur && cur.time === t && cur.tradingDate === c.tradingDate) {
      cur.high = Math.max(cur.high, c.high);
      cur.low = Math.min(cur.low, c.low);
      cur.close = c.close;
      cur.volume += c.volume;
    } else {
      cur = { time: t, tradingDate: c.tradingDate, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
      out.push(cur);
    }
  }
  return out;
}
