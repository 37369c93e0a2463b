/** The previous trading date's volume, in total and up to the same time of day (KIS's 전일 동시간 누적 거래량). */
import type { Instrument } from '../../market/types.js';
import { dateOf, startOfDate, type KstTime } from '../../time/kst.js';
import { previousDate } from './factor-path.js';
import type { MarketCore } from './market.js';
import type { PreviousDayVolume } from './types.js';
import { tradeWindows } from './sessions.js';
import { cumVolumeUpTo } from './tape.js';

export function previousDayVolume(
  core: MarketCore,
  instrument: Instrument,
  at: KstTime,
): PreviousDayVolume | undefined {
  const d = core.tradingDateAt(instrument, at);
  const prev = previousDate(core.cal, d);
  const windows = tradeWindows(core.cal, instrument, d);
  const before = tradeWindows(core.cal, instrument, prev);
  if (windows.length === 0 || before.length === 0) return undefined;
  // The session `at` falls in (the last one opened by then), and the same kind of session the day before:
  // the same wall-clock time there (a night session's evening is the evening before its trading date).
  const w = [...windows].reverse().find((x) => x.open <= at) ?? windows[0]!;
  const pw = before.find((x) => x.night === w.night);
  if (!pw) return undefined;
  const tape = core.tape(instrument, prev);
  if (tape.length === 0) return undefined;
  const shift = startOfDate(dateOf(w.open)) - startOfDate(dateOf(pw.open));
  return { total: tape.cumVolume[tape.length - 1]!, sameTime: (t) => cumVolumeUpTo(tape, t - shift) };
}
