/** Minute candles: fetch (live or backfill page) → aggregate (normalise) → upsert (idempotent write + batch barrier). */
import { type KstTime, addMinutes, toKst, floorMinute, formatKstIso } from '../../src/time/kst.js';
import { jobIds } from '../../src/pipeline/ids.js';
import type { CandlePayload } from '../payloads.js';
import { BadDataError } from '../errors.js';
import type { Handler, HandlerContext } from './types.js';
import type { Payload } from '../catalog.js';
import { liveMinuteOf, skippedByLateFiring } from './live-minute.js';
import { recoverMinutes } from '../recovery.js';

const MINUTE = 60_000;

/** Waits (on the pipeline clock) until the bar of minute `to - 1` has closed: the forming bar is never fetched as if complete. */
async function untilClosed(to: KstTime, ctx: HandlerContext): Promise<KstTime> {
  const { clock } = ctx.services;
  const now = toKst(clock.now());
  if (now < to) await clock.sleep(to - now, ctx.signal);
  return toKst(clock.now());
}

/** Fetches [from, to) and hands the bars to aggregate under the unit's id (a live minute or a backfill page). */
async function fetchAndHandOn(p: Payload<'backfill-candles'>, unitId: string, ctx: HandlerContext, batch?: KstTime) {
  const s = ctx.services;
  // Live minutes wait for their bar to close; a backfill takes what has closed and never waits on the future.
  const now = batch !== undefined ? await untilClosed(p.to, ctx) : toKst(s.clock.now());
  // Only minutes that have closed by now: clamps a backfill that reaches into the present.
  const to = Math.min(p.to, floorMinute(now)) as KstTime;
  let bars: CandlePayload[] = [];
  if (to > p.from) {
    try {
      bars = await s.market.minuteBars(p.account, { code: p.code, family: p.family }, p.from, to, ctx.signal);
    } finally {
      await s.stats.inc('kis_calls', ['minute-bars']);
    }
  }
  const out = { code: p.code, family: p.family, account: p.account, from: p.from, to: p.to, bars, ...(batch !== undefined ? { batch } : {}) };
  await s.queues.add('aggregate-candles', out, { jobId: jobIds.stage('agg', unitId) });
  return { bars: bars.length };
}

export const fetchCandles: Handler<'fetch-candles'> = async (p, ctx) => {
  const s = ctx.services;
  const live = liveMinuteOf(ctx.job, p.minute, s);
  const { code, family, account } = p;
  await recoverMinutes({ code, family, account }, await skippedByLateFiring(ctx.job, live, s), s, 'late scheduler firing');
  await s.batches.open(live.minute);
  const page = { code, family, account, from: live.minute, to: addMinutes(live.minute, 1) };
  return { minute: formatKstIso(live.minute), ...(await fetchAndHandOn(page, jobIds.fetchCandles(code, live.minute), ctx, live.minute)) };
};
export const backfillCandles: Handler<'backfill-candles'> = (p, ctx) => fetchAndHandOn(p, ctx.job.id!, ctx);

/** Keeps one bar per minute inside [from, to), complete at `now`, with consistent OHLC; sorted oldest first. */
export function normaliseBars(bars: readonly CandlePayload[], code: string, from: KstTime, to: KstTime, now: KstTime): CandlePayload[] {
  const byMinute = new Map<number, CandlePayload>();
  for (const b of bars) {
    if (b.code !== code) throw new BadDataError(`bar for ${b.code} in a ${code} batch`);
    if (b.time < from || b.time >= to) continue;
    if (b.time + MINUTE > now) continue; // the forming bar
    // KIS's "none": a minute without trades sent with all-zero prices has no candle (missing, never 0).
    if (b.volume === 0 && b.open === 0 && b.high === 0 && b.low === 0 && b.close === 0) continue;
    const lo = Math.min(b.open, b.close), hi = Math.max(b.open, b.close);
    if (!(b.low <= lo && b.high >= hi && b.low > 0)) {
      throw new BadDataError(`${code} ${formatKstIso(b.time)}: inconsistent OHLC o=${b.open} h=${b.high} l=${b.low} c=${b.close}`);
    }
    byMinute.set(b.time, b);
  }
  return [...byMinute.values()].sort((a, b) => a.time - b.time);
}

export const aggregateCandles: Handler<'aggregate-candles'> = async (p, ctx) => {
  const candles = normaliseBars(p.bars, p.code, p.from, p.to, toKst(ctx.services.clock.now()));
  const { bars: _bars, ...rest } = p;
  await ctx.services.queues.add('upsert-candles', { ...rest, candles }, { jobId: jobIds.stage('up', stripStage(ctx.job.id!)) });
  return { candles: candles.length, dropped: p.bars.length - candles.length };
};

/** `agg-candles:X:Y` → `candles:X:Y`, so every stage id derives from the fetch id. */
function stripStage(id: string): string {
  return id.replace(/^agg-/, '');
}

export const upsertCandles: Handler<'upsert-candles'> = async (p, ctx) => {
  const s = ctx.services;
  const written = await s.storage.writeCandles(p.family, p.candles);
  await s.stats.inc('rows_written', [`candles-${p.family}`], written);
  const newest = p.candles.at(-1);
  if (newest) await s.stats.markData(p.code, newest.time);
  const released = p.batch !== undefined ? await s.batches.complete(p.batch, p.code) : false;
  // Checked whatever `written` says: a retry after a crash between the write and this enqueue writes nothing new.
  const late = await s.strategy.batchesMissing(p.code, p.candles.map((c) => c.time));
  for (const minute of late) await s.queues.add('run-strategy-late', { minute, codes: [p.code] }, { jobId: jobIds.lateStrategy(minute, p.code) });
  return { written, candles: p.candles.length, releasedStrategy: released, ...(late.length ? { lateBatches: late.length } : {}) };
};
