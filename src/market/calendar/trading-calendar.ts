/** The `TradingCalendar` implementation over `DayPlan`s. See `index.ts` for the contract. */
import {
  addDays,
  addMinutes,
  atMinutes,
  dateOf,
  floorMinute,
  toKst,
  type Instant,
  type KstDate,
  type KstTime,
} from '../../time/kst.js';
import type { Session, SessionProduct } from '../types.js';
import {
  buildDayPlan,
  coversDate,
  EXPIRING_CLOSE_EARLIER_BY,
  NIGHT_SESSION_FROM,
  type DayPlan,
  type SessionTimes,
} from './day-plan.js';
import type { CalendarOverride } from './overrides.js';
import type { DayInfo, SessionOptions, TradingCalendar } from './api.js';

function toSession(product: SessionProduct, tradingDate: KstDate, base: KstDate, t: SessionTimes): Session {
  const open = atMinutes(base, t.open);
  const close = atMinutes(base, t.close);
  const s: Session = {
    product,
    tradingDate,
    open,
    close,
    openAuction: { start: addMinutes(open, -t.openAuction), end: open },
    closeAuction: { start: addMinutes(close, -t.closeAuction), end: close },
  };
  if (t.note) s.note = t.note;
  return s;
}

/** Minute starts of a session's 1-minute candles: open … closing-auction start (exclusive), plus the close. */
export function sessionCandleMinutes(s: Session): KstTime[] {
  const end = s.closeAuction?.start ?? s.close;
  const out: KstTime[] = [];
  for (let t = s.open; t < end; t = addMinutes(t, 1)) out.push(t);
  out.push(s.close);
  return out;
}

const isCandleOf = (s: Session, t: KstTime): boolean =>
  floorMinute(t) === t && ((t >= s.open && t < (s.closeAuction?.start ?? s.close)) || t === s.close);

export class KrxTradingCalendar implements TradingCalendar {
  private readonly plans = new Map<string, DayPlan>();

  constructor(private readonly overrides: readonly CalendarOverride[] = []) {}

  private plan(d: KstDate): DayPlan {
    let p = this.plans.get(d);
    if (!p) {
      p = buildDayPlan(
        d,
        this.overrides.filter((o) => o.date === d),
      );
      this.plans.set(d, p);
    }
    return p;
  }

  covers(d: KstDate): boolean {
    return coversDate(d);
  }

  dayInfo(d: KstDate): DayInfo {
    const p = this.plan(d);
    const override = p.overrides.find(
      (o) => o.product === 'all' || o.product === 'stocks' || o.product === 'derivatives',
    );
    return {
      date: d,
      tradingDay: this.isTradingDay(d),
      name: override?.reason || p.record?.name,
      kind: p.record?.kind,
      confidence: p.record?.confidence,
      overrides: p.overrides,
    };
  }

  isTradingDay(d: KstDate): boolean {
    const p = this.plan(d);
    return p.stocks !== undefined || p.derivatives !== undefined;
  }

  nextTradingDay(d: KstDate): KstDate {
    let x = addDays(d, 1);
    while (!this.isTradingDay(x)) x = addDays(x, 1);
    return x;
  }

  previousTradingDay(d: KstDate): KstDate {
    let x = addDays(d, -1);
    while (!this.isTradingDay(x)) x = addDays(x, -1);
    return x;
  }

  /** The night session opening on `evening`, labelled with the trading date it belongs to. */
  nightOpeningOn(evening: KstDate): Session | undefined {
    if (evening < NIGHT_SESSION_FROM) return undefined;
    const times = this.plan(evening).night;
    return times && toSession('night', this.nextTradingDay(evening), evening, times);
  }

  session(product: SessionProduct, tradingDate: KstDate, opts: SessionOptions = {}): Session | undefined {
    if (product === 'night') {
      if (tradingDate <= NIGHT_SESSION_FROM || !this.isTradingDay(tradingDate)) return undefined;
      // Evenings from the previous trading day up to the day before all roll into this trading date.
      for (
        let e = addDays(tradingDate, -1), first = this.previousTradingDay(tradingDate);
        e >= first;
        e = addDays(e, -1)
      ) {
        const s = this.nightOpeningOn(e);
        if (s) return s;
      }
      return undefined;
    }
    const p = this.plan(tradingDate);
    const times = product === 'stocks' ? p.stocks : p.derivatives;
    if (!times) return undefined;
    if (product === 'derivatives' && opts.expiring) {
      const close = times.close - EXPIRING_CLOSE_EARLIER_BY;
      const note = [times.note, 'expiring series: last trading day'].filter(Boolean).join('; ');
      return toSession(product, tradingDate, tradingDate, { ...times, close, note });
    }
    return toSession(product, tradingDate, tradingDate, times);
  }

  sessionsOn(tradingDate: KstDate): Session[] {
    const out: Session[] = [];
    for (const product of ['night', 'derivatives', 'stocks'] as const) {
      const s = this.session(product, tradingDate);
      if (s) out.push(s);
    }
    return out.sort((a, b) => a.open - b.open);
  }

  /** Sessions of `product` whose span (open-auction start … close) could contain wall-clock `t`. */
  private candidates(product: SessionProduct, t: KstTime, opts: SessionOptions = {}): Session[] {
    const d = dateOf(t);
    if (product !== 'night') {
      const s = this.session(product, d, opts);
      return s ? [s] : [];
    }
    const out: Session[] = [];
    for (const e of [addDays(d, -1), d]) {
      const s = this.nightOpeningOn(e);
      if (s) out.push(s);
    }
    return out;
  }

  sessionAt(product: SessionProduct, t: KstTime): Session | undefined {
    return this.candidates(product, t).find((s) => t >= s.open && t < s.close);
  }

  nextSession(product: SessionProduct, t: KstTime): Session {
    const current = this.sessionAt(product, t);
    if (current) return current;
    // Walk forward by date; runs into CalendarRangeError at the end of the shipped data.
    for (let d = addDays(dateOf(t), product === 'night' ? -1 : 0); ; d = addDays(d, 1)) {
      const s = product === 'night' ? this.nightOpeningOn(d) : this.session(product, d);
      if (s && s.open > t) return s;
    }
  }

  isOpen(product: SessionProduct, t: KstTime): boolean {
    return this.sessionAt(product, t) !== undefined;
  }

  isOpenAt(product: SessionProduct, t: Instant): boolean {
    return this.isOpen(product, toKst(t));
  }

  candleMinutes(product: SessionProduct, tradingDate: KstDate, opts: SessionOptions = {}): KstTime[] {
    const s = this.session(product, tradingDate, opts);
    return s ? sessionCandleMinutes(s) : [];
  }

  expectedCandles(product: SessionProduct, tradingDate: KstDate, opts: SessionOptions = {}): number {
    return this.candleMinutes(product, tradingDate, opts).length;
  }

  sessionForCandle(product: SessionProduct, minute: KstTime, opts: SessionOptions = {}): Session | undefined {
    return this.candidates(product, minute, opts).find((s) => isCandleOf(s, minute));
  }

  isCandleMinute(product: SessionProduct, minute: KstTime, opts: SessionOptions = {}): boolean {
    return this.sessionForCandle(product, minute, opts) !== undefined;
  }

  tradingDateAt(product: SessionProduct, t: KstTime): KstDate | undefined {
    return (this.sessionAt(product, t) ?? this.sessionForCandle(product, floorMinute(t)))?.tradingDate;
  }
}
