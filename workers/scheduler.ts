/**
 * The scheduler process. The per-minute firing itself is BullMQ's: one job scheduler per instrument and
 * data kind (jobs/schedulers.ts), whose next firing the KRX calendar decides on the pipeline clock
 * (src/pipeline/fire-times.ts), and which keeps firing while this process is down. This loop runs once a
 * clock minute and keeps the rest true:
 * - subscriptions re-resolved when the trading date changes (expiry rollover), the job schedulers synced
 *   to them, and the collection plan the strategy barrier reads published;
 * - the session's minutes before a new scheduler's first firing recovered (catch-up jobs or backfills),
 *   computed as calendar-expected minus stored in PostgreSQL (a Redis wipe forgets everything else);
 * - a scheduler whose chain of firings ended re-armed, its missed minutes (those not stored) recovered;
 * - the live queues paused outside every subscribed session and resumed before the next one (unless an
 *   operator paused them by hand).
 */
import { balanceAccounts, type AccountBudget, type AccountLoad } from '../src/pipeline/account-balance.js';
import { type KstTime, type KstDate, addMinutes, formatKstIso, nowInstant, toKst } from '../src/time/kst.js';
import type { TradingCalendar } from '../src/market/calendar/index.js';
import { errorMessage } from '../src/errors.js';
import { dueHorizon, effectiveDeadlineMs, fireTime } from '../src/pipeline/schedule.js';
import { type CandleTarget, type InstrumentRules, type ResolvedSubscriptions, type Subscription, resolveSubscriptions } from '../src/pipeline/subscriptions.js';
import { once } from '../src/pipeline/lifecycle.js';
import { LIVE_QUEUES } from '../jobs/catalog.js';
import { type SchedulerSpec, type SyncReport, boardScheduler, candleScheduler, syncSchedulers } from '../jobs/schedulers.js';
import { recoverMinutes } from '../jobs/recovery.js';
import { applyMarketHours } from '../jobs/pause-intent.js';
import type { StoredMinutes } from '../src/repair/stored.js';
import { missingCandleMinutes } from '../src/repair/missing.js';
import type { PipelineServices } from '../jobs/services.js';

const MINUTE = 60_000;
/** Queues resume this long before a session's first firing, and stay up this long after the last batch's deadline. */
const LIVE_MARGIN_MS = 2 * MINUTE;

export interface SchedulerOptions {
  services: PipelineServices;
  calendar: TradingCalendar;
  rules: InstrumentRules;
  subscriptions: readonly Subscription[];
  defaultAccount: string;
  /** With configured app keys: targets are spread over them by REST budget (src/pipeline/account-balance.ts). */
  accountBudgets?: AccountBudget[];
  bufferMs: number;
  /** Clock ms after the minute closed (see effectiveDeadlineMs for the real-time floor). */
  strategyDeadlineMs: number;
  /** Least real time between a minute's fetch firing and its strategy deadline (default 0: none). */
  strategyDeadlineMinRealMs?: number;
  /** What PostgreSQL has: recovery enqueues expected minus stored. */
  stored: StoredMinutes;
  /** A created scheduler also recovers this many minutes before its session (default 0: the session so far). */
  lookbackMinutes?: number;
}

export interface TickReport {
  at: KstTime;
  tradingDate?: KstDate;
  schedulers: number;
  created: number;
  updated: number;
  rearmed: number;
  /** Pending firings left by another clock or start, replaced. */
  replaced: number;
  removed: number;
  recovered: number;
  active: boolean;
  paused: boolean;
  /** REST budget and assigned load per app key (with configured keys): `krtrade queues status` shows it. */
  keys?: AccountLoad[];
}

export class Scheduler {
  private resolved?: ResolvedSubscriptions;
  private load?: AccountLoad[];
  private specs: SchedulerSpec[] = [];
  /** Compare every scheduler's pattern and template on the next sync (process start, new wanted set). */
  private fullSync = true;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  /** The strategy deadline actually used, in clock ms after the minute closed. */
  readonly deadlineMs: number;
  readonly close: () => Promise<void>;

  constructor(private readonly o: SchedulerOptions) {
    this.deadlineMs = effectiveDeadlineMs({
      strategyDeadlineMs: o.strategyDeadlineMs, bufferMs: o.bufferMs, minRealMs: o.strategyDeadlineMinRealMs ?? 0, speed: o.services.clock.speed,
    });
    this.close = once(async () => {
      this.abort.abort(new Error('scheduler closing'));
      await this.loop?.catch(() => undefined);
    });
  }

  /** The subscribed candle instruments as last resolved, and their trading date (the repair loop's targets). */
  candleTargets(): { tradingDate?: KstDate; candles: readonly CandleTarget[]; boards?: ResolvedSubscriptions['boards'] } {
    return this.resolved ? { tradingDate: this.resolved.tradingDate, candles: this.resolved.candles, boards: this.resolved.boards } : { candles: [] };
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
      const nextTick = fireTime(dueHorizon(now, this.o.bufferMs), this.o.bufferMs) + MINUTE;
      try {
        await clock.sleep(Math.max(1, nextTick - now), this.abort.signal);
      } catch {
        return;
      }
    }
  }

  private tradingDateFor(now: KstTime): KstDate {
    const cal = this.o.calendar;
    return cal.tradingDateAt('night', now) ?? cal.tradingDateAt('derivatives', now) ?? cal.tradingDateAt('stocks', now) ?? cal.nextSession('derivatives', now).tradingDate;
  }

  private resolve(now: KstTime): void {
    const date = this.tradingDateFor(now);
    if (this.resolved?.tradingDate === date) return;
    const resolved = resolveSubscriptions(this.o.subscriptions, date, this.o.rules, this.o.defaultAccount);
    let r: ResolvedSubscriptions = resolved;
    if (this.o.accountBudgets?.length) {
      const balanced = balanceAccounts(resolved, this.o.accountBudgets);
      this.o.services.log.info({ load: balanced.load.map((l) => `${l.name}: ${l.load}/${Math.floor(l.callsPerMinute)} calls/min, ${l.targets} targets`) }, 'app keys balanced');
      r = balanced;
      this.load = balanced.load;
    }
    this.resolved = r;
    this.specs = [...r.candles.map((c) => candleScheduler(c, this.o.bufferMs)), ...r.boards.map((b) => boardScheduler(b, this.o.bufferMs))];
    this.fullSync = true;
    this.o.services.log.info({ tradingDate: date, candles: r.candles.map((c) => c.code), boards: r.boards.map((b) => `${b.key}@${b.expiry}`) }, 'subscriptions resolved');
    for (const w of r.warnings) this.o.services.log.warn(w);
  }

  /** One pass at the clock's current time. Safe to call again at any time (idempotent). */
  async tick(): Promise<TickReport> {
    const s = this.o.services;
    const now = toKst(s.clock.now());
    this.resolve(now);
    const r = this.resolved!;
    await s.batches.publishPlan({ deadlineMs: this.deadlineMs, candles: r.candles.map((c) => ({ code: c.code, products: c.products, ...(c.expiry ? { expiry: c.expiry } : {}) })) });
    // A firing more than a minute (plus real-time jitter) past due that has not run belongs to a broken chain.
    const nowMs = Date.now();
    const overdueBeforeMs = nowMs - Math.max(5_000, s.clock.toRealMs(MINUTE));
    // A pending firing beyond this clock's next one (plus the same slack) was left by another clock or start.
    const slackMs = Math.max(5_000, s.clock.toRealMs(MINUTE));
    const staleAfterMs = (spec: SchedulerSpec) => {
      const next = s.fireTimes.next(s.fireTimes.pattern(spec.pattern), nowMs);
      return next === undefined ? undefined : next.realMs + slackMs;
    };
    const sync = await syncSchedulers(s.queues, s.redis, this.specs, { full: this.fullSync, overdueBeforeMs, nowMs, staleAfterMs });
    this.fullSync = false;
    // Read the clock again: the Redis calls above block through a Redis outage, and minutes that closed
    // meanwhile belong to the recovery (a stale "now" left them to nobody).
    const after = toKst(s.clock.now());
    const recovered = await this.recover(after, sync);
    const { active, paused } = await this.pauseOrResume(after);
    const report: TickReport = {
      at: now, tradingDate: r.tradingDate, schedulers: this.specs.length,
      created: sync.created.length, updated: sync.updated.length, rearmed: sync.rearmed.length, replaced: sync.replaced.length, removed: sync.removed.length, recovered, active, paused,
      ...(this.load ? { keys: this.load } : {}),
    };
    if (sync.created.length || sync.updated.length || sync.rearmed.length || sync.replaced.length || sync.removed.length) {
      s.log.info({ created: sync.created.map((x) => x.id), updated: sync.updated.map((x) => x.spec.id), rearmed: sync.rearmed.map((x) => x.spec.id), replaced: sync.replaced.map((x) => x.id), removed: sync.removed }, 'job schedulers synced');
    }
    await s.redis.set(s.keys.schedulerState, JSON.stringify({ ...report, at: formatKstIso(now), realAt: formatKstIso(toKst(nowInstant())) }));
    return report;
  }

  /**
   * Candle minutes that no firing will fetch and PostgreSQL does not have: for a new scheduler, the session
   * so far (plus the look-back); for a re-armed one, those after its last firing; for an updated one whose
   * due firing the upsert replaced, that firing's minute on. Boards have no history at KIS.
   */
  private async recover(now: KstTime, sync: SyncReport): Promise<number> {
    const s = this.o.services;
    const index = s.fireTimes.index;
    const horizon = dueHorizon(now, this.o.bufferMs);
    // Up to the minute before the scheduler's first firing: that firing and later ones fetch the rest.
    const upTo = (spec: SchedulerSpec): KstTime => {
      const first = sync.firstFiring.get(spec.id);
      return first === undefined ? horizon : addMinutes(s.fireTimes.minuteOf(s.fireTimes.pattern(spec.pattern), first), -1);
    };
    const lookback = this.o.lookbackMinutes ?? 0;
    const gaps: { spec: SchedulerSpec; after: KstTime }[] = [
      ...[...sync.created, ...sync.replaced].map((spec) => {
        const baseline = index.sessionBaseline(spec.products, horizon, spec.expiry);
        return { spec, after: Math.min(baseline, addMinutes(horizon, -lookback)) as KstTime };
      }),
      ...sync.rearmed.map(({ spec, lastFired }) => ({ spec, after: s.fireTimes.minuteOf(s.fireTimes.pattern(spec.pattern), lastFired) })),
      ...sync.updated.flatMap(({ spec, dropped }) => (dropped ? [{ spec, after: addMinutes(s.fireTimes.minuteOf(s.fireTimes.pattern(dropped.pattern), dropped.firedAt), -1) }] : [])),
    ];
    let n = 0;
    for (const { spec, after } of gaps) {
      if (!spec.candle) continue;
      const minutes = await missingCandleMinutes(index, this.o.stored, { code: spec.candle.code, products: spec.products, ...(spec.expiry ? { expiry: spec.expiry } : {}) }, after, upTo(spec));
      if ((await recoverMinutes(spec.candle, minutes, s, `scheduler ${spec.id} (re)created`)) !== 'none') n++;
    }
    return n;
  }

  /** Live queues run from shortly before a subscribed session's first firing until its last batch's deadline has passed. */
  private async pauseOrResume(now: KstTime): Promise<{ active: boolean; paused: boolean }> {
    const s = this.o.services;
    const index = s.fireTimes.index;
    const horizon = dueHorizon(now, this.o.bufferMs);
    const lookback = Math.ceil((this.deadlineMs + LIVE_MARGIN_MS) / MINUTE) + 1;
    // One calendar question per distinct sessions + expiry (a few), not per instrument (thousands).
    const sessions = new Map(this.specs.map((spec) => [`${spec.products.join(',')}|${spec.expiry ?? ''}`, spec]));
    const active = [...sessions.values()].some((spec) => {
      const next = index.nextAfter(spec.products, horizon, spec.expiry);
      if (next !== undefined && fireTime(next, this.o.bufferMs) - now <= LIVE_MARGIN_MS) return true;
      const prev = index.lastUpTo(spec.products, addMinutes(horizon, -lookback), horizon, spec.expiry);
      return prev !== undefined && now - fireTime(prev, this.o.bufferMs) <= this.deadlineMs + LIVE_MARGIN_MS;
    });
    const manual = (await s.redis.exists(s.keys.manualPause)) === 1;
    const q = s.queues.queues;
    if (manual) return { active, paused: await q.fetch.isPaused() };
    // Only the scheduler's own pauses are lifted; an operator's (CLI or bull-board) stick (jobs/pause-intent.ts).
    const was = await q.fetch.isPaused();
    const after = await applyMarketHours({ redis: s.redis, key: s.keys.pauseIntent, queues: q, live: LIVE_QUEUES, active, now, log: s.log });
    const paused = after.fetch ?? was;
    if (was && !paused) s.log.info({ at: formatKstIso(now) }, 'session open: live queues resumed');
    if (!was && paused && !active) {
      const nextOpen = Math.min(...this.specs.flatMap((spec) => spec.products.map((p) => this.o.calendar.nextSession(p, now).open)));
      s.log.info({ at: formatKstIso(now), nextOpen: Number.isFinite(nextOpen) ? formatKstIso(nextOpen as KstTime) : null }, 'outside market hours: live queues paused');
    }
    return { active, paused };
  }
}
