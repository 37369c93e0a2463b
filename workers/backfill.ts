/**
 * `krtrade backfill`: one-off jobs paged to the KIS row cap over the expected candle minutes of a date range
 * that PostgreSQL does not have (all of them with `--force`). The plan is made on the pipeline's clock (an
 * accelerated simulator's too), so minutes that have not happened are never planned. Repair pages carry a
 * fresh id per run: a page completed before must not turn a repeat into a no-op while its rows are missing.
 * Storage writes are idempotent anyway.
 */
import { Job } from 'bullmq';
import { type KstDate, type KstTime, addDays, addMinutes, formatKstIso } from '../src/time/kst.js';
import type { TradingCalendar } from '../src/market/calendar/index.js';
import type { ProductFamily, SessionProduct } from '../src/market/types.js';
import { UserError } from '../src/errors.js';
import { jobIds } from '../src/pipeline/ids.js';
import { MinuteIndex } from '../src/pipeline/schedule.js';
import type { RedisClient } from '../src/redis/client.js';
import type { QueueSet } from '../jobs/queues.js';
import { type Clock, clockFromEnv, clockFromSpec, clockSpecSchema } from '../src/time/clock.js';
import { pipelineKeys } from '../src/pipeline/ids.js';
import { minuteRanges } from '../src/repair/missing.js';
import { pages as pageRange } from '../src/pipeline/schedule.js';

export interface BackfillPlan {
  code: string;
  family: ProductFamily;
  pages: { from: KstTime; to: KstTime }[];
  minutes: number;
  /** Every expected, closed candle minute of the range, ascending. */
  expected: KstTime[];
}

/**
 * Splits the expected candle minutes of trading dates [from, to] into pages of at most `rowCap` minutes.
 * Minutes whose bar has not closed by `now` are left to live collection.
 */
export function planBackfill(code: string, family: ProductFamily, from: KstDate, to: KstDate, calendar: TradingCalendar, rowCap: number, now: KstTime, expiry?: KstDate): BackfillPlan {
  if (to < from) throw new UserError(`backfill: --to ${to} is before --from ${from}`);
  const products: SessionProduct[] = family === 'stock' ? ['stocks'] : ['night', 'derivatives'];
  const index = new MinuteIndex(calendar);
  const pages: { from: KstTime; to: KstTime }[] = [];
  let minutes = 0;
  const expected: KstTime[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (!calendar.covers(d)) throw new UserError(`backfill: ${d} is outside the calendar's data; pick dates it covers`);
    if (expiry && d > expiry) break;
    const day = [...new Set(products.flatMap((p) => index.minutesOn(p, d, expiry)))].filter((m) => m + 60_000 <= now).sort((a, b) => a - b);
    minutes += day.length;
    expected.push(...day);
    for (let i = 0; i < day.length; i += rowCap) {
      const chunk = day.slice(i, i + rowCap);
      pages.push({ from: chunk[0]!, to: addMinutes(chunk.at(-1)!, 1) });
    }
  }
  return { code, family, pages, minutes, expected };
}

/** The plan narrowed to the minutes not in `stored`, paged over runs of consecutive missing minutes. */
export function missingPlan(plan: BackfillPlan, stored: ReadonlySet<number>, rowCap: number): BackfillPlan {
  const missing = plan.expected.filter((m) => !stored.has(m));
  const pages = minuteRanges(missing).flatMap((r) => pageRange(r.from, r.to, rowCap));
  return { ...plan, pages, minutes: missing.length };
}

/** The clock the running pipeline uses: an embedded simulator's (published in Redis by `krtrade run`), else the environment's. */
export async function pipelineClock(redis: RedisClient, prefix: string): Promise<Clock> {
  const raw = await redis.get(pipelineKeys(prefix).clock);
  if (raw) {
    try {
      const r = clockSpecSchema.safeParse(JSON.parse(raw));
      if (r.success) return clockFromSpec(r.data);
    } catch {
      // not a clock spec: fall back to the environment's clock
    }
  }
  return clockFromEnv();
}

export interface EnqueuedBackfill {
  /** Fetch job id and the id of its final (upsert) stage, per page. */
  pages: { fetchId: string; upsertId: string; from: KstTime; to: KstTime }[];
  retried: number;
}

/** `tag`: a fresh page id per run (see the module comment); without it, the page's plain id. */
export async function enqueueBackfill(q: QueueSet, plan: BackfillPlan, account: string, tag?: string): Promise<EnqueuedBackfill> {
  const pages: EnqueuedBackfill['pages'] = [];
  let retried = 0;
  for (const p of plan.pages) {
    const fetchId = tag ? jobIds.repairCandles(plan.code, p.from, p.to, tag) : jobIds.backfillCandles(plan.code, p.from, p.to);
    const job = await q.add('backfill-candles', { code: plan.code, family: plan.family, account, from: p.from, to: p.to }, { jobId: fetchId });
    if ((await job.getState()) === 'failed') {
      await job.retry('failed');
      retried++;
    }
    pages.push({ fetchId, upsertId: jobIds.stage('up', fetchId), from: p.from, to: p.to });
  }
  return { pages, retried };
}

export interface BackfillProgress {
  done: number;
  failed: { page: string; reason: string }[];
  total: number;
}

async function pageState(q: QueueSet, page: EnqueuedBackfill['pages'][number]): Promise<'done' | 'failed' | 'pending'> {
  const up = await Job.fromId(q.queues.upsert, page.upsertId);
  if (up && (await up.getState()) === 'completed') return 'done';
  for (const [queue, id] of [['backfill', page.fetchId], ['aggregate', jobIds.stage('agg', page.fetchId)], ['upsert', page.upsertId]] as const) {
    const job = await Job.fromId(q.queues[queue], id);
    if (job && (await job.getState()) === 'failed') return 'failed';
  }
  return 'pending';
}

/** Polls until every page is stored or failed for good; `onProgress` after each poll. */
export async function waitForBackfill(q: QueueSet, e: EnqueuedBackfill, onProgress: (p: BackfillProgress) => void, signal?: AbortSignal, pollMs = 500): Promise<BackfillProgress> {
  const open = new Set(e.pages);
  const progress: BackfillProgress = { done: 0, failed: [], total: e.pages.length };
  while (open.size && !signal?.aborted) {
    for (const page of [...open]) {
      const s = await pageState(q, page);
      if (s === 'pending') continue;
      open.delete(page);
      if (s === 'done') progress.done++;
      else {
        const job = (await Job.fromId(q.queues.backfill, page.fetchId)) ?? (await Job.fromId(q.queues.aggregate, jobIds.stage('agg', page.fetchId)));
        progress.failed.push({ page: `${formatKstIso(page.from)}..${formatKstIso(page.to)}`, reason: job?.failedReason ?? 'a later stage failed' });
      }
    }
    onProgress(progress);
    if (open.size) await new Promise((r) => setTimeout(r, pollMs));
  }
  return progress;
}
