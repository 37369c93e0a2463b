/**
 * When krtrade's per-minute BullMQ job schedulers fire, and which candle minute a firing stands for.
 *
 * BullMQ schedules in real epoch milliseconds; the pipeline lives on its `Clock` (accelerated in the demo
 * and the tests) and the KRX calendar. `repeatStrategy` is BullMQ's hook for the next firing: for a
 * `krx-minutes` pattern it is the next candle minute of the pattern's sessions, closed + buffer, mapped to
 * real time through the clock; every process that adds or runs scheduler jobs passes it to BullMQ.
 */
import type { RepeatOptions, RepeatStrategy } from 'bullmq';
import type { Clock } from '../time/clock.js';
import { type KstTime, toInstant, toKst } from '../time/kst.js';
import type { TradingCalendar } from '../market/calendar/index.js';
import { MinuteIndex, dueHorizon, fireTime } from './schedule.js';
import { type MinutePattern, MinutePatternError, parseMinutePattern } from './minute-pattern.js';

export class FireTimes {
  readonly index: MinuteIndex;
  private readonly parsed = new Map<string, MinutePattern>();

  constructor(
    readonly clock: Clock,
    calendar: TradingCalendar,
  ) {
    this.index = new MinuteIndex(calendar);
  }

  /** Parsed once per distinct pattern text (a few dozen at most): this runs for every scheduled job. */
  pattern(text: string): MinutePattern {
    let p = this.parsed.get(text);
    if (!p) {
      p = parseMinutePattern(text);
      if (this.parsed.size > 1_000) this.parsed.clear();
      this.parsed.set(text, p);
    }
    return p;
  }

  /** The first candle minute of `p` that fires strictly after real time `afterRealMs`, and its real fire time. */
  next(p: MinutePattern, afterRealMs: number): { minute: KstTime; realMs: number } | undefined {
    const horizon = dueHorizon(toKst(this.clock.at(afterRealMs)), p.bufferMs);
    const minute = this.index.nextAfter(p.products, horizon, p.expiry);
    if (minute === undefined) return undefined;
    // Rounded up: the firing is never before the minute closed + buffer, whatever the clock's speed. The
    // clock's float arithmetic can map the rounded ms back a hair before the fire time (then `minuteOf`
    // would name the minute before); step on until it does not.
    const fire = fireTime(minute, p.bufferMs);
    let realMs = Math.ceil(this.clock.realAt(toInstant(fire)));
    while (toKst(this.clock.at(realMs)) < fire) realMs++;
    return { minute, realMs };
  }

  /** The candle minute a job scheduled (by `next`) for real time `firedAtRealMs` stands for. */
  minuteOf(p: MinutePattern, firedAtRealMs: number): KstTime {
    return dueHorizon(toKst(this.clock.at(firedAtRealMs)), p.bufferMs);
  }

  /** BullMQ's `settings.repeatStrategy`: krtrade's schedulers use `krx-minutes` patterns only. */
  readonly repeatStrategy: RepeatStrategy = (millis: number, opts: RepeatOptions): number | undefined => {
    if (!opts.pattern) throw new MinutePatternError('', 'a krtrade job scheduler needs a pattern');
    return this.next(this.pattern(opts.pattern), millis)?.realMs;
  };
}
