/**
 * Realtime frames carry only `HHMMSS`. This attaches the KST wall-clock time and the trading date.
 *
 * The wall-clock date is the one that puts the reading closest to "now" (so 23:59:59 read just after
 * midnight belongs to yesterday). After midnight KIS may write 01:30 as `013000` or `253000`; both
 * give the same wall-clock time. A night-session reading belongs to the evening that started it (times
 * before noon belong to the previous evening) and its trading date is the next trading day after that
 * evening (KRX rule: Friday night → Monday, or later after holidays).
 */
import type { Clock } from '../../time/clock.js';
import { addDays, dateOf, type KstDate, type KstTime, toKst } from '../../time/kst.js';

/** The part of the calendar dating needs (`defaultCalendar()` from src/market/calendar satisfies it). */
export interface TradingDayCalendar {
  /** The first trading day strictly after `d`. */
  nextTradingDay(d: KstDate): KstDate;
}

export type SessionKind = 'day' | 'night';

export interface Dated {
  time: KstTime;
  tradingDate: KstDate;
}

const DAY = 86_400_000;
const NOON = 12 * 3_600_000;

/** Seconds after midnight of `HHMMSS` (hours up to 47), or -1 when malformed. Allocation-free. */
export function hhmmssSeconds(s: string): number {
  if (s.length !== 6) return -1;
  let v = 0;
  for (let i = 0; i < 6; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  const h = (v / 10_000) | 0, m = ((v / 100) | 0) % 100, sec = v % 100;
  if (h > 47 || m > 59 || sec > 59) return -1;
  return h * 3600 + m * 60 + sec;
}

/**
 * Pure form: dates `hhmmss` relative to `now` (KST wall-clock). Returns the reason instead when
 * `hhmmss` is malformed or the calendar cannot tell the trading date (it throws outside its data).
 */
export function dateKisTime(hhmmss: string, session: SessionKind, now: KstTime, calendar: TradingDayCalendar): Dated | string {
  const wall = wallClock(hhmmss, now);
  if (wall === null) return `time ${JSON.stringify(hhmmss)} is not HHMMSS`;
  try {
    return { time: wall, tradingDate: tradingDateOf(wall, session, calendar) };
  } catch (e) {
    return `no trading date for ${dateOf(wall)} ${hhmmss}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function wallClock(hhmmss: string, now: KstTime): KstTime | null {
  let secs = hhmmssSeconds(hhmmss);
  if (secs < 0) return null;
  if (secs >= 86_400) secs -= 86_400;
  const midnight = now - (((now % DAY) + DAY) % DAY);
  let best = midnight + secs * 1000;
  // Pick yesterday/today/tomorrow, whichever is nearest to now (at most 12 h away).
  if (best - now > DAY / 2) best -= DAY;
  else if (now - best > DAY / 2) best += DAY;
  return best as KstTime;
}

let lastMidnight = NaN;
let lastDate = '' as KstDate;
/** dateOf with a one-entry memo: records of a stream share their date. */
function dateOfCached(wall: KstTime): KstDate {
  const midnight = wall - (((wall % DAY) + DAY) % DAY);
  if (midnight !== lastMidnight) {
    lastDate = dateOf(wall);
    lastMidnight = midnight;
  }
  return lastDate;
}

function tradingDateOf(wall: KstTime, session: SessionKind, calendar: TradingDayCalendar): KstDate {
  const date = dateOfCached(wall);
  if (session === 'day') return date;
  const evening = wall - lastMidnight < NOON ? addDays(date, -1) : date;
  return calendar.nextTradingDay(evening);
}

/**
 * Stateful dater for the stream: reads the clock once per frame (`begin`) and memoises the last
 * reading and each evening's trading date, since consecutive records usually share a second.
 */
export class FrameDater {
  private now: KstTime;
  private lastKey = '';
  private last: Dated | string = '';
  private readonly nightDates = new Map<KstDate, KstDate>();
  private readonly memoCalendar: TradingDayCalendar;

  constructor(
    private readonly clock: Clock,
    calendar: TradingDayCalendar,
  ) {
    this.now = toKst(clock.now());
    this.memoCalendar = {
      nextTradingDay: (d) => {
        let t = this.nightDates.get(d);
        if (t === undefined) {
          t = calendar.nextTradingDay(d);
          if (this.nightDates.size > 64) this.nightDates.clear();
          this.nightDates.set(d, t);
        }
        return t;
      },
    };
  }

  /** Call once per frame: fixes "now" for the records of that frame. */
  begin(): void {
    const now = toKst(this.clock.now());
    // The memo is valid while "now" stays within the same second.
    if (Math.floor(now / 1000) !== Math.floor(this.now / 1000)) this.lastKey = '';
    this.now = now;
  }

  date(hhmmss: string, session: SessionKind): Dated | string {
    const key = session === 'day' ? hhmmss : `n${hhmmss}`;
    if (key === this.lastKey) return this.last;
    this.last = dateKisTime(hhmmss, session, this.now, this.memoCalendar);
    this.lastKey = key;
    return this.last;
  }
}
