/** The previous trading date's volume, in total and up to the same time of day (KIS's 전일 동시간 누적 거래량). */
import type { Instrument } from '../../market/types.js';
import { dateOf, startOfDate, type KstTime } from '../../time/kst.js';
import { previousDate } from './factor-path.js';
import type { MarketCore } from './market.js';
import type { PreviousDayVolume } from './types.js';
import { tradeWindows } from './sessions.js';
import { cumVolumeUpTo, type TradeTape } from './tape.js';

export function previousDayVolume(
  core: MarketCore,
  instrument: Instrument,
  at: KstTime,
): PreviousDayVolume | undefined {
  const d = core.tradingDateAt(instrument, at);
  const prev = previousDate(core.cal, d);
  // The total is the cheap daily bar; the day's tape is built only if a same-time volume is asked for.
  const bar = core.cal.covers(prev) ? core.dailyBar(instrument.code, prev) : undefined;
  if (!bar) return undefined;
  // The session `at` falls in (the last one opened by then), and the same kind of session the day before:
  // the same wall-clock time there (a night session's evening is the evening before its trading date).
  const windows = tradeWindows(core.cal, instrument, d);
  const w = [...windows].reverse().find((x) => x.open <= at) ?? windows[0];
  const pw = w && tradeWindows(core.cal, instrument, prev).find((x) => x.night === w.night);
  if (!w || !pw) return { total: bar.volume, sameTime: () => 0 };
  const shift = startOfDate(dateOf(w.open)) - startOfDate(dateOf(pw.open));
  let tape: TradeTape | undefined;
  return {
    total: bar.volume,
    sameTime: (t) => cumVolumeUpTo((tape ??= core.tape(instrument, prev)), t - shift),
  };
}
