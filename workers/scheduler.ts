/**
 * The scheduler: a clock-aware loop (not BullMQ's repeat timers, which run on real time and cannot follow an
 * accelerated clock or the KRX calendar's irregular sessions). Each simulated minute + buffer it:
 * - re-resolves subscriptions when the trading date changes (expiry rollover);
 * - enqueues each instrument's due minute with a deterministic job id, and the next minute as a DELAYED
 *   job, so what is scheduled is visible in bull-board and a restarted scheduler re-adds nothing new;
 * - opens the minute batch (expected instruments + the strategy job delayed to the deadline);
 * - recovers minutes missed while it was down or paused with ONE backfill job per instrument, never a pile
 *   of stale per-minute jobs;
 * - pauses the live queues outside every subscribed session and resumes them at the next one (unless an
 *   operator paused them by hand).
 */
import { type KstTime, addMinutes, formatKstIso, toKst } from '../src/time/kst.js';
import type { KstDate } from '../src/time/kst.js';
import type { TradingCalendar } from '../src/market/calendar/index.js';
import type { SessionProduct } from '../src/market/types.js';
import { errorMessage } from '../src/errors.js';
import { jobIds } from '../src/pipeline/ids.js';
import { MinuteIndex, dueHorizon, effectiveDeadlineMs, fireTime, pages } from '../src/pipeline/schedule.js';
import {
  type BoardTarget, type CandleTarget, type InstrumentRules, type ResolvedSubscriptions, type Subscription, resolveSubscriptions,
} from '../src/pipeline/subscriptions.js';
import { once } from '../src/pipeline/lifecycle.js';
import { LIVE_QUEUES } from '../jobs/catalog.js';
import { openBatch } from '../jobs/barrier.js';
import type { PipelineServices } from '../jobs/services.js';

const MINUTE = 60_000;
/**
 * More missed minutes than this go to one backfill job instead of per-minute jobs. A few seconds of real
 * lag (a busy event loop) is jitter, not an outage: on an accelerated clock it spans more simulated minutes.
 */
const MIN_CATCH_UP_MINUTES = 2;
const JITTER_REAL_MS = 5_000;
/** A backfill job of the scheduler covers at most this many minutes (the fetch pages KIS underneath). */
const RECOVERY_PAGE_MINUTES = 480;

export interface SchedulerOptions {
  services: PipelineServices;
  calendar: TradingCalendar;
  rules: InstrumentRules;
  subscriptions: readonly Subscription[];
  defaultAccount: string;
  bufferMs: number;
  /** Clock ms after the minute closed (see effectiveDeadlineMs for the real-time floor). */
  strategyDeadlineMs: number;
  /** Least real time between a minute's fetch firing and its strategy deadline (default 0: none). */
  strategyDeadlineMinRealMs?: number;
}

interface Target {
  kind: 'candles' | 'board';
  subject: string;
  products: SessionProduct[];
  expiry?: KstDate;
  candle?: CandleTarget;
  board?: BoardTarget;
}

export interface TickReport {
  at: KstTime;
  tradingDate?: KstDate;
  live: number;
  backfills: number;
  active: boolean;
  paused: boolean;
}

export class Scheduler {
  private readonly index: MinuteIndex;
  private resolved?: ResolvedSubscriptions;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private lastActiveUntil = 0;
  /** The strategy deadline actually used, in clock ms after the minute closed. */
  readonly deadlineMs: number;
  readonly close: () => Promise<void>;

  constructor(private readonly o: SchedulerOptions) {
    this.index = new MinuteIndex(o.calendar);
    this.deadlineMs = effectiveDeadlineMs({
      strategyDeadlineMs: o.strategyDeadlineMs, bufferMs: o.bufferMs, minRealMs: o.strategyDeadlineMinRealMs ?? 0, speed: o.services.clock.speed,
    });
    this.close = once(async () => {
      this.abort.abort(new Error('scheduler closing'));
      await this.loop?.catch(() => undefined);
    });
  }

  /** Starts the loop in the background; errors of one tick are logged and the next tick runs. */
  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    const { clock, log } = this.o.services;
    while (!this.abort.signal.aborted) {
      try {
        await this.tick();
      } catch (e) {
        log.error({ err: errorMessage(e) }, 'scheduler tick failed; retrying next minute');
      }
      const now = toKst(clock.now());
      const nextFire = fireTime(dueHorizon(now, this.o.bufferMs), this.o.bufferMs) + MINUTE;
      try {
        await clock.sleep(Math.max(1, nextFire - now), this.abort.signal);
      } catch {
        return;
      }
    }
  }

  private tradingDateFor(now: KstTime): KstDate {
    const cal = this.o.calendar;
    return cal.tradingDateAt('night', now) ?? cal.tradingDateAt('derivatives', now) ?? cal.tradingDateAt('stocks', now) ?? cal.nextSession('derivatives', now).tradingDate;
  }

  private targets(now: KstTime): Target[] {
    const date = this.tradingDateFor(now);
    if (this.resolved?.tradingDate !== date) {
      this.resolved = resolveSubscriptions(this.o.subscriptions, date, this.o.rules, this.o.defaultAccount);
      this.o.services.log.info(
        { tradingDate: date, candles: this.resolved.candles.map((c) => c.code), boards: this.resolved.boards.map((b) => `${b.key}@${b.expiry}`) },
        'subscriptions resolved',
      );
    }
    const r = this.resolved;
    return [
      ...r.candles.map((c): Target => ({ kind: 'candles', subject: c.code, products: c.products, ...(c.expiry ? { expiry: c.expiry } : {}), candle: c })),
      ...r.boards.map((b): Target => ({ kind: 'board', subject: b.key, products: b.products, expiry: b.expiry, board: b })),
    ];
  }

  /** One scheduling pass at the clock's current time. Safe to call again at any time (idempotent). */
  async tick(): Promise<TickReport> {
    const s = this.o.services;
    const now = toKst(s.clock.now());
    const horizon = dueHorizon(now, this.o.bufferMs);
    const targets = this.targets(now);
    const fields = targets.map((t) => `${t.kind}:${t.subject}`);
    const lastRaw = fields.length ? await s.redis.hmget(s.keys.lastScheduled, ...fields) : [];

    const liveByMinute = new Map<KstTime, MinuteBatch>();
    const backfills: { target: CandleTarget; from: KstTime; to: KstTime }[] = [];
    const newLast: Record<string, string> = {};
    let anyNext = false;
    const maxCatchUp = Math.max(MIN_CATCH_UP_MINUTES, Math.ceil((JITTER_REAL_MS * s.clock.speed) / MINUTE));

    targets.forEach((t, i) => {
      const last = lastRaw[i] != null ? (Number(lastRaw[i]) as KstTime) : this.index.sessionBaseline(t.products, horizon, t.expiry);
      const due = this.index.between(t.products, last, horizon, t.expiry);
      // The next minute goes in now as a delayed job: visible in bull-board, and already there after a restart.
      const next = this.index.next(t.products, horizon, 1, t.expiry);
      if (next !== undefined) anyNext = true;
      let live = due;
      if (due.length > maxCatchUp) {
        live = due.slice(-1);
        // Boards have no history at KIS: missed board minutes stay missed; candles are recovered.
        if (t.candle) for (const p of pages(due[0]!, live[0]!, RECOVERY_PAGE_MINUTES)) backfills.push({ target: t.candle, ...p });
      }
      if (next !== undefined && next > last) live = [...live, next];
      for (const m of live) {
        const b = liveByMinute.get(m) ?? { candles: [], boards: [] };
        if (t.candle) b.candles.push(t.candle);
        if (t.board) b.boards.push(t.board);
        liveByMinute.set(m, b);
      }
      const newest = live.at(-1);
      if (newest !== undefined) newLast[fields[i]!] = String(newest);
    });

    for (const bf of backfills) {
      const p = bf.target;
      await s.queues.add('backfill-candles', { code: p.code, family: p.family, account: p.account, from: bf.from, to: bf.to }, { jobId: jobIds.backfillCandles(p.code, bf.from, bf.to) });
      s.log.info({ code: p.code, from: formatKstIso(bf.from), to: formatKstIso(bf.to) }, 'missed minutes: one backfill job instead of per-minute jobs');
    }
    for (const [m, batch] of [...liveByMinute].sort((a, b) => a[0] - b[0])) await enqueueMinuteBatch(this.o.services, m, batch, { now, bufferMs: this.o.bufferMs, strategyDeadlineMs: this.deadlineMs });
    if (Object.keys(newLast).length) await s.redis.hset(s.keys.lastScheduled, newLast);

    const liveCount = [...liveByMinute.values()].reduce((n, b) => n + b.candles.length + b.boards.length, 0);
    const { active, paused } = await this.pauseOrResume(now, targets, anyNext || liveCount > 0);
    const report: TickReport = { at: now, tradingDate: this.resolved?.tradingDate, live: liveCount, backfills: backfills.length, active, paused };
    await s.redis.set(s.keys.schedulerState, JSON.stringify({ ...report, at: formatKstIso(now), realAt: new Date().toISOString() }));
    return report;
  }

  /** Live queues run while any subscribed session is open or its last batch is still in flight. */
  private async pauseOrResume(now: KstTime, targets: Target[], scheduled: boolean): Promise<{ active: boolean; paused: boolean }> {
    const s = this.o.services;
    const open = targets.some((t) => t.products.some((p) => this.o.calendar.isOpen(p, now)));
    if (open || scheduled) this.lastActiveUntil = now + 2 * MINUTE + this.o.bufferMs + this.deadlineMs;
    const active = open || scheduled || now < this.lastActiveUntil;
    const manual = (await s.redis.exists(s.keys.manualPause)) === 1;
    const q = s.queues.queues;
    const paused = await q.fetch.isPaused();
    if (manual) return { active, paused };
    if (active && paused) {
      await Promise.all(LIVE_QUEUES.map((n) => q[n].resume()));
      s.log.info({ at: formatKstIso(now) }, 'session open: live queues resumed');
      return { active, paused: false };
    }
    if (!active && !paused) {
      await Promise.all(LIVE_QUEUES.map((n) => q[n].pause()));
      const nextOpen = Math.min(...targets.flatMap((t) => t.products.map((p) => this.o.calendar.nextSession(p, now).open)));
      s.log.info({ at: formatKstIso(now), nextOpen: Number.isFinite(nextOpen) ? formatKstIso(nextOpen as KstTime) : null }, 'outside market hours: live queues paused');
      return { active, paused: true };
    }
    return { active, paused };
  }
}

export interface MinuteBatch {
  candles: CandleTarget[];
  boards: BoardTarget[];
}

/**
 * Hands out minute `m`: its strategy job (delayed to the deadline) and expected set first, then every
 * fetch job (delayed to the minute's fire time), in bulk: one Redis round trip per job kind, not per instrument.
 */
export async function enqueueMinuteBatch(s: PipelineServices, m: KstTime, batch: MinuteBatch, o: { now: KstTime; bufferMs: number; strategyDeadlineMs: number }): Promise<void> {
  const delay = Math.max(0, Math.ceil(s.clock.toRealMs(fireTime(m, o.bufferMs) - o.now)));
  if (batch.candles.length) {
    // Order matters: the strategy job and the expected set exist before any candle of the batch can complete it.
    const deadline = Math.max(0, Math.ceil(s.clock.toRealMs(m + MINUTE + o.strategyDeadlineMs - o.now)));
    await s.queues.add('run-strategy', { minute: m }, { jobId: jobIds.strategy(m), delay: deadline });
    await openBatch(s, m, batch.candles.map((c) => c.code));
  }
  await s.queues.addBulk(
    'fetch-candles',
    batch.candles.map((c) => ({
      payload: { code: c.code, family: c.family, account: c.account, from: m, to: addMinutes(m, 1), batch: m },
      opts: { jobId: jobIds.fetchCandles(c.code, m), delay },
    })),
  );
  await s.queues.addBulk(
    'fetch-board',
    batch.boards.map((b) => ({
      payload: { boardKey: b.key, underlying: b.underlying, series: b.series, expiry: b.expiry, account: b.account, minute: m },
      opts: { jobId: jobIds.fetchBoard(b.key, m), delay },
    })),
  );
}
