/**
 * What a stream gap leaves behind: the exact range per instrument (kept in Redis per trading date, for
 * status pages), the minutes it touches in `data_quality.missing_minutes`, and REST jobs for those minutes
 * through the pipeline's own recovery path, at once. A minute still open when the gap closes is enqueued
 * as soon as it closes (its REST bar does not exist before).
 */
import type pg from 'pg';
import type { RedisClient } from '../redis/client.js';
import type { TradingDayCalendar } from '../kis/ws/dating.js';
import type { Clock } from '../time/clock.js';
import type { Logger } from '../log.js';
import type { ProductFamily } from '../market/types.js';
import { errorMessage } from '../errors.js';
import { emitGapAlert } from './gap-alert.js';
import { type KstDate, type KstTime, addDays, addMinutes, dateOf, floorMinute, formatKst, minutesOfDay, toKst } from '../time/kst.js';
import type { StreamGap } from './types.js';

/** Exact gaps of one trading date, JSON lines, newest last; kept 8 days. */
export const gapsKey = (prefix: string, date: KstDate): string => `${prefix}:stream:gaps:${date}`;
const KEEP_S = 8 * 86_400;

/** The trading date a moment belongs to: the night session (18:00–06:00) counts to the next trading day. */
export function tradingDateAt(t: KstTime, calendar: TradingDayCalendar): KstDate {
  const m = minutesOfDay(t);
  if (m >= 18 * 60) return calendar.nextTradingDay(dateOf(t));
  if (m < 6 * 60) return calendar.nextTradingDay(addDays(dateOf(t), -1));
  return dateOf(t);
}

/** Minute starts a range touches, [floor(from), floor(to)]. */
export function minutesTouched(from: KstTime, to: KstTime): KstTime[] {
  const out: KstTime[] = [];
  for (let m = floorMinute(from); m <= to; m = addMinutes(m, 1)) out.push(m);
  return out;
}

/** Hands missed minutes of a code to REST (jobs/recovery.ts `recoverMinutes` in the product wiring). */
export type Backfill = (code: string, family: ProductFamily, minutes: KstTime[]) => Promise<unknown>;

export interface GapRecorderOptions {
  pool: pg.Pool;
  redis: RedisClient;
  prefix: string;
  clock: Clock;
  calendar: TradingDayCalendar;
  /** Family of a code with REST minute bars; null for codes without (options: KIS keeps no history we fetch). */
  familyOf(code: string): ProductFamily | null;
  backfill: Backfill;
  logger?: Logger;
}

export class GapRecorder {
  /** Open minutes of recorded gaps, enqueued once they close. */
  private pending: { code: string; family: ProductFamily; minute: KstTime }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly counters = { gaps: 0, gapSeconds: 0, backfillMinutes: 0, tickBarsDropped: 0 };

  constructor(private readonly o: GapRecorderOptions) {
    // Real-time poll: a simulated minute may be a second of real time.
    this.timer = setInterval(() => void this.releasePending(), 500);
    this.timer.unref();
  }

  /** Records one gap (never throws: a gap that cannot be stored is logged with its range). */
  async record(gap: StreamGap): Promise<void> {
    if (this.closed) return;
    const to = gap.to < gap.from ? gap.from : gap.to;
    this.counters.gaps++;
    this.counters.gapSeconds += ((to - gap.from) / 1000) * gap.codes.length;
    const date = tradingDateAt(gap.from, this.o.calendar);
    const minutes = minutesTouched(gap.from, to);
    try {
      const key = gapsKey(this.o.prefix, date);
      await this.o.redis.multi().rpush(key, JSON.stringify({ ...gap, to, fromText: formatKst(gap.from), toText: formatKst(to) })).expire(key, KEEP_S).exec();
      for (const code of gap.codes) await this.markMissing(code, date, minutes);
      await this.dropTickBars(gap.codes, minutes);
      await this.enqueue(gap.codes, minutes);
    } catch (e) {
      this.o.logger?.error({ err: errorMessage(e), gap: { ...gap, from: formatKst(gap.from), to: formatKst(to) } }, 'could not record a stream gap; backfill its range with `krtrade backfill`');
    }
    await emitGapAlert(this.o.prefix, { ...gap, to }, date);
  }

  /** Gaps of a trading date, oldest first. */
  async list(date: KstDate): Promise<(StreamGap & { fromText: string; toText: string })[]> {
    return (await this.o.redis.lrange(gapsKey(this.o.prefix, date), 0, -1)).map((l) => JSON.parse(l) as StreamGap & { fromText: string; toText: string });
  }

  private async markMissing(code: string, date: KstDate, minutes: KstTime[]): Promise<void> {
    const stamps = minutes.map(formatKst);
    // A new row says only that these minutes were missed by the stream (expected = them, actual = 0 of
    // them); an existing one (the completeness check's) keeps its counts and gains the minutes.
    await this.o.pool.query(
      `INSERT INTO data_quality (instrument, trading_date, expected, actual, missing_minutes, checked_at)
       VALUES ($1, $2, $3, 0, $4::timestamp[], $5::timestamp)
       ON CONFLICT (instrument, trading_date) DO UPDATE SET
         missing_minutes = ARRAY(SELECT DISTINCT m FROM unnest(data_quality.missing_minutes || EXCLUDED.missing_minutes) AS m ORDER BY m),
         checked_at = EXCLUDED.checked_at`,
      [code, date, minutes.length, stamps, formatKst(toKst(this.o.clock.now()))],
    );
  }

  /**
   * Safety net: a tick bar of a minute the gap touched was built from part of its trades (stored before the
   * gap was known). It goes, with its comparison, so the REST bar stands in; the minute is already listed
   * in `data_quality.missing_minutes`.
   */
  private async dropTickBars(codes: string[], minutes: KstTime[]): Promise<void> {
    const args = [codes, minutes.map(formatKst)];
    const r = await this.o.pool.query('DELETE FROM tick_bars_1m WHERE symbol = ANY($1) AND "timestamp" = ANY($2::timestamp[])', args);
    await this.o.pool.query('DELETE FROM data_quality_bars WHERE symbol = ANY($1) AND "timestamp" = ANY($2::timestamp[])', args);
    if (!r.rowCount) return;
    this.counters.tickBarsDropped += r.rowCount;
    this.o.logger?.warn({ codes: codes.length, minutes: minutes.length, dropped: r.rowCount }, 'tick bars of minutes a stream gap touched were deleted (partial); the REST bars stand in');
  }

  private async enqueue(codes: string[], minutes: KstTime[]): Promise<void> {
    const now = toKst(this.o.clock.now());
    for (const code of codes) {
      const family = this.o.familyOf(code);
      if (!family) continue;
      const closed = minutes.filter((m) => m + 60_000 <= now);
      for (const m of minutes) if (m + 60_000 > now) this.pending.push({ code, family, minute: m });
      if (closed.length) {
        this.counters.backfillMinutes += closed.length;
        await this.o.backfill(code, family, closed);
      }
    }
  }

  private async releasePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const now = toKst(this.o.clock.now());
    const due = this.pending.filter((p) => p.minute + 60_000 <= now);
    if (!due.length) return;
    this.pending = this.pending.filter((p) => p.minute + 60_000 > now);
    for (const p of due) {
      this.counters.backfillMinutes++;
      await this.o.backfill(p.code, p.family, [p.minute]).catch((e: unknown) =>
        this.o.logger?.error({ err: errorMessage(e), code: p.code, minute: formatKst(p.minute) }, 'could not enqueue the REST backfill of a stream gap; run `krtrade backfill`'),
      );
    }
  }

  /** Idempotent: enqueues what is due and stops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.releasePending();
  }
}
