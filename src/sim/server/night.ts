/** Day/night split of derivatives data by wall-clock time, shared by the REST charts and the stream. */
import { type KstTime, minutesOfDay } from '../../time/kst.js';

/**
 * 17:00–07:00 is the night session (18:00–06:00, 19:00 on CSAT evenings), including the 06:00
 * closing-auction print, which forms its own candle; the day session (08:45–15:45, later on CSAT days)
 * lies well inside the rest.
 */
export const NIGHT_FROM_MINUTE = 17 * 60;
export const NIGHT_UNTIL_MINUTE = 7 * 60;

export const isNightTime = (t: KstTime): boolean => {
  const m = minutesOfDay(t);
  return m >= NIGHT_FROM_MINUTE || m < NIGHT_UNTIL_MINUTE;
};
