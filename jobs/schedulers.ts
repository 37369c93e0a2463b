/**
 * krtrade's BullMQ job schedulers: one per instrument and data kind (`candles:<code>`, `board:<key>`) on the
 * fetch queue, firing the catalog's fetch job at every candle minute of the instrument's sessions, `buffer`
 * after the minute closes (the pattern: src/pipeline/minute-pattern.ts). They are visible and editable in
 * bull-board. `syncSchedulers` makes the queue's schedulers what the subscriptions want: it upserts what is
 * new or changed (unchanged ones are left alone, so a restart changes nothing), re-arms a scheduler whose
 * chain of firings ended, and removes the rest (contracts rolled at expiry).
 */
import { isDeepStrictEqual } from 'node:util';
import type { RedisClient } from '../src/redis/client.js';
import type { KstDate } from '../src/time/kst.js';
import type { SessionProduct } from '../src/market/types.js';
import type { BoardTarget, CandleTarget } from '../src/pipeline/subscriptions.js';
import { formatMinutePattern } from '../src/pipeline/minute-pattern.js';
import { schedulerIds } from '../src/pipeline/ids.js';
import { type PayloadInput, catalog, parsePayload } from './catalog.js';
import type { QueueSet } from './queues.js';

export interface SchedulerSpec {
  id: string;
  pattern: string;
  job: 'fetch-candles' | 'fetch-board';
  data: PayloadInput<'fetch-candles'> | PayloadInput<'fetch-board'>;
  products: SessionProduct[];
  expiry?: KstDate;
  /** Candle schedulers: the instrument, for recovering minutes no firing will fetch. */
  candle?: CandleTarget;
}

export function candleScheduler(t: CandleTarget, bufferMs: number): SchedulerSpec {
  const data: PayloadInput<'fetch-candles'> = { code: t.code, family: t.family, account: t.account };
  const expiry = t.expiry ? { expiry: t.expiry } : {};
  return { id: schedulerIds.candles(t.code), pattern: formatMinutePattern({ products: t.products, ...expiry, bufferMs }), job: 'fetch-candles', data, products: t.products, ...expiry, candle: t };
}

export function boardScheduler(t: BoardTarget, bufferMs: number): SchedulerSpec {
  const data: PayloadInput<'fetch-board'> = { boardKey: t.key, underlying: t.underlying, series: t.series, expiry: t.expiry, account: t.account };
  return { id: schedulerIds.board(t.key), pattern: formatMinutePattern({ products: t.products, expiry: t.expiry, bufferMs }), job: 'fetch-board', data, products: t.products, expiry: t.expiry };
}

export interface SyncReport {
  /** Schedulers that did not exist (their instruments' earlier minutes of the session need recovery). */
  created: SchedulerSpec[];
  /**
   * Pattern, data or options changed: upserted. A pending firing not yet due keeps its minute; one already
   * due but not taken is replaced by BullMQ's upsert (`dropped`: its real ms and the pattern it was counted
   * with), so its minute needs recovery.
   */
  updated: { spec: SchedulerSpec; dropped?: { firedAt: number; pattern: string } }[];
  /** Their chain of firings had ended (the firing at `lastFired` ran, no next was added): upserted again. */
  rearmed: { spec: SchedulerSpec; lastFired: number }[];
  /**
   * Their pending firing lay further ahead than the clock's next firing (left by a process on another clock
   * or simulated start under the same prefix): removed and created again, like `created` for recovery.
   */
  replaced: SchedulerSpec[];
  removed: string[];
  /**
   * Scheduler id → real ms of the first firing of each scheduler upserted here (created, updated, re-armed):
   * minutes before the one it stands for are for recovery, whatever the clock read when the sync began.
   */
  firstFiring: Map<string, number>;
}

/** BullMQ's job id of a scheduler firing is `repeat:<scheduler id>:<fire ms>`. */
function firingMs(job: { id?: string } | undefined): number | undefined {
  const ms = Number(job?.id?.split(':').at(-1));
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

const templateOf = (s: SchedulerSpec) => ({ name: s.job, data: s.data, opts: catalog[s.job].options });

/** States of a scheduler's pending job in which its chain is intact (it will run and add the next firing). */
const PENDING = new Set<string>(['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'paused']);

/**
 * `full`: also compare every existing scheduler's pattern and template (once per process start and after
 * the wanted set changed); otherwise only presence and the chain are checked (one Redis call + one per
 * long-overdue scheduler). `overdueBeforeMs`: real time before which a pending firing must have run.
 * `staleAfterMs(spec)`: real time after which a pending firing cannot be this clock's (its next firing plus
 * a tolerance); one further ahead was left by another clock and is replaced.
 */
export async function syncSchedulers(
  q: QueueSet,
  redis: RedisClient,
  wanted: readonly SchedulerSpec[],
  o: { full: boolean; overdueBeforeMs: number; nowMs: number; staleAfterMs?: (spec: SchedulerSpec) => number | undefined },
): Promise<SyncReport> {
  const fetch = q.queues.fetch;
  for (const s of wanted) parsePayload(s.job, s.data);
  // BullMQ's sorted set of schedulers → next firing: every scheduler and its next firing in one call.
  const raw = await redis.zrange(fetch.keys.repeat!, 0, -1, 'WITHSCORES');
  const existing = new Map<string, number>();
  for (let i = 0; i < raw.length; i += 2) existing.set(raw[i]!, Number(raw[i + 1]));
  const report: SyncReport = { created: [], updated: [], rearmed: [], replaced: [], removed: [], firstFiring: new Map() };
  const upsert = async (spec: SchedulerSpec, template = templateOf(spec)) => {
    const ms = firingMs(await fetch.upsertJobScheduler(spec.id, { pattern: spec.pattern }, template));
    if (ms !== undefined) report.firstFiring.set(spec.id, ms);
  };
  const wantedIds = new Set(wanted.map((s) => s.id));
  for (const id of existing.keys()) {
    if (wantedIds.has(id)) continue;
    await fetch.removeJobScheduler(id);
    report.removed.push(id);
  }
  for (const spec of wanted) {
    const next = existing.get(spec.id);
    if (next === undefined) {
      await upsert(spec);
      report.created.push(spec);
      continue;
    }
    const staleAfter = o.staleAfterMs?.(spec);
    if (staleAfter !== undefined && next > staleAfter) {
      // BullMQ's upsert keeps a pending firing that is not due yet: remove the scheduler (and it) first.
      await fetch.removeJobScheduler(spec.id);
      await upsert(spec);
      report.replaced.push(spec);
      continue;
    }
    if (next < o.overdueBeforeMs && !PENDING.has(await fetch.getJobState(`repeat:${spec.id}:${next}`))) {
      await upsert(spec);
      report.rearmed.push({ spec, lastFired: next });
      continue;
    }
    if (!o.full) continue;
    const cur = await fetch.getJobScheduler(spec.id);
    const want = templateOf(spec);
    if (cur && cur.pattern === spec.pattern && cur.name === want.name && isDeepStrictEqual(cur.template?.data, want.data) && isDeepStrictEqual(cur.template?.opts, want.opts)) continue;
    await upsert(spec, want);
    report.updated.push({ spec, ...(next <= o.nowMs ? { dropped: { firedAt: next, pattern: cur?.pattern ?? spec.pattern } } : {}) });
  }
  return report;
}
