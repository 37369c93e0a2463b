/**
 * The stream worker in the pipeline: joins the deployment's stream workers in sharing the KIS app keys
 * (src/stream/worker.ts), registers what the subscriptions ask for (src/stream/registrations.ts),
 * stores every record through the recorder, hands gaps to REST backfill through the pipeline's recovery
 * path (jobs/recovery.ts), and publishes its status and counters for `krtrade stream status` and /metrics.
 */
import { recoverMinutes } from '../jobs/recovery.js';
import type { PipelineServices } from '../jobs/services.js';
import type { MinuteBatches } from '../jobs/barrier.js';
import { approvalKeyFrom } from '../src/kis/ws/index.js';
import { KIS_HOSTS } from '../src/kis/spec/index.js';
import { errorMessage } from '../src/errors.js';
import { defaultAccountName } from '../src/pipeline/subscriptions.js';
import { type KstDate, type KstTime, toKst } from '../src/time/kst.js';
import { GapRecorder, tradingDateAt, type Backfill } from '../src/stream/gaps.js';
import { TickBarBuilder, type TickBar } from '../src/stream/tick-bars.js';
import { TickBarSink } from '../src/stream/tick-bars-sink.js';
import { CandlePublisher } from '../src/live/candle-bus.js';
import { FormingBarPublisher } from '../src/stream/forming-bars.js';
import { assignmentKey } from '../src/stream/stream-view.js';
import { StreamRecorder } from '../src/stream/recorder.js';
import { StreamWorker } from '../src/stream/worker.js';
import { LAG_BUCKETS, publishWorkerStatus, statsKey } from '../src/stream/status.js';
import { assignToKeys, registrationsAt, streamTargets, type ListedOption, type Registration } from '../src/stream/registrations.js';
import type { StreamAccount } from '../src/stream/key-session.js';
import type { StreamGap } from '../src/stream/types.js';
import { instrumentRules } from './pools.js';
import type { Runtime } from './runtime.js';

/** Missed minutes of a stream gap → live catch-up jobs (a few) or a paged backfill (more), at once. */
export const gapBackfill =
  (services: Pick<PipelineServices, 'clock' | 'queues' | 'log'>, account: string): Backfill =>
  (code, family, minutes) =>
    // recoverMinutes reads only the clock, the queues and the logger.
    recoverMinutes({ code, family, account }, minutes, services as PipelineServices, 'stream gap');

/** Whether any subscription asks for realtime data (`kinds` ticks or quotes). */
export const streamsAnything = (config: Runtime['config']): boolean =>
  config.pipeline.subscriptions.some((s) => (s.kinds as readonly string[]).some((k) => k === 'ticks' || k === 'quotes'));

/**
 * `pipeline.strategyInput: ticks`: a stored tick bar completes its instrument in its minute's strategy
 * batch (opening the batch if no REST fetch has yet), so the batch runs without waiting for the REST poll.
 * The REST upsert still completes what has no full tick bar (a gap, a minute without trades).
 */
export async function completeBatches(batches: MinuteBatches, bars: readonly TickBar[]): Promise<void> {
  const byMinute = new Map<KstTime, string[]>();
  for (const b of bars) byMinute.set(b.time, [...(byMinute.get(b.time) ?? []), b.symbol]);
  for (const [minute, symbols] of byMinute) {
    if (!(await batches.open(minute))) continue;
    for (const symbol of symbols) await batches.complete(minute, symbol);
  }
}

export interface StreamService {
  worker: StreamWorker;
  recorder: StreamRecorder;
  gaps: GapRecorder;
  /** Where the bars built from trades go (stored, published, compared with REST). */
  tickBars: TickBarSink;
  /** Plans the registrations again now (session change, rollover, ATM move) and applies them. */
  replan(): Promise<void>;
  close(): Promise<void>;
}

/** The newest KOSPI200 board of an expiry stored by the minute jobs: its options and the underlying price. */
async function loadNearMoney(rt: Runtime, expiry: KstDate): Promise<{ options: ListedOption[]; forward: number } | null> {
  const r = await rt.pool.query<{ code: string; strike: number; underlying_price: number | null }>(
    `SELECT code, strike, underlying_price FROM option_chain_raw
     WHERE expiry = $1 AND "timestamp" = (SELECT max("timestamp") FROM option_chain_raw WHERE expiry = $1)`,
    [expiry],
  );
  const forward = r.rows.find((x) => x.underlying_price !== null)?.underlying_price;
  return forward ? { options: r.rows.map((x) => ({ code: x.code, strike: x.strike })), forward } : null;
}

export async function startStreamService(rt: Runtime, opts: { takeoverMs?: number; settings?: StreamSettings } = {}): Promise<StreamService> {
  const { config, clock, redis, log, calendar } = rt;
  const prefix = config.redis.prefix;
  const accounts: StreamAccount[] = config.kis.accounts.map((a) => ({
    name: a.name, appKey: a.appKey, approvalKey: approvalKeyFrom(rt.accounts.get(a.name)), url: a.wsUrl ?? KIS_HOSTS[a.env].ws,
  }));
  const names = accounts.map((a) => a.name);
  const paperKeys = new Set(config.kis.accounts.filter((a) => a.env === 'paper').map((a) => a.name));
  const rules = instrumentRules(calendar);
  let assignment = new Map<string, Registration[]>();
  const stats = new Map<string, number>();
  const bump = (k: string, n = 1): void => void stats.set(k, (stats.get(k) ?? 0) + n);
  let lastLagMs: number | null = null;

  // Bars from ticks: published on the live candle bus and compared with the REST bars as each minute closes.
  // One second of real time of grace for records stamped to the second (more simulated time when accelerated).
  const candles = new CandlePublisher(redis, prefix);
  const tickBars = new TickBarSink({
    pool: rt.pool, publisher: candles, logger: log,
    ...(config.pipeline.strategyInput === 'ticks' ? { onStored: (closed: readonly TickBar[]) => completeBatches(rt.services.batches, closed) } : {}),
  });
  // The minute still forming, pushed to open charts as its trades are committed (throttled).
  const forming = new FormingBarPublisher({ publisher: candles });
  const bars = new TickBarBuilder({ onClose: (closed) => tickBars.push(closed), graceMs: Math.max(1_000, 1_000 * clock.speed) });
  const recorder = new StreamRecorder({
    pool: rt.pool, logger: log, onRecord: (r) => bars.onRecord(r),
    onCommit: (c) => {
      forming.onCommit(c.records);
      const now = toKst(clock.now());
      for (const r of c.records) {
        bump(`records:${r.tr}`);
        const lag = clock.toRealMs(Math.max(0, now - r.time)) / 1000;
        bump('lag_count');
        bump('lag_sum_ms', Math.round(lag * 1000));
        for (const b of LAG_BUCKETS) if (lag <= b) bump(`lag_le_${b}`);
      }
      const newest = c.records.at(-1);
      if (newest) lastLagMs = Math.round(clock.toRealMs(Math.max(0, now - newest.time)));
    },
  });
  const codeFamily = new Map<string, Registration['family']>();
  const gaps = new GapRecorder({
    pool: rt.pool, redis, prefix, clock, calendar, logger: log,
    familyOf: (code) => {
      const f = codeFamily.get(code);
      if (f === 'stock') return 'stock';
      if (f === 'future') return rules.familyOfCode(code).family;
      return null;
    },
    backfill: gapBackfill(rt.services, defaultAccountName(config)),
  });

  async function plan(): Promise<void> {
    const now = toKst(clock.now());
    const date = tradingDateAt(now, calendar);
    const expiry = rules.nearestOptionExpiry('monthly', date);
    const near = config.pipeline.subscriptions.some((s) => s.rule === 'options' && s.kinds.some((k) => k === 'ticks' || k === 'quotes')) ? await loadNearMoney(rt, expiry) : null;
    const targets = streamTargets(config.pipeline.subscriptions, date, rules, () => near, config.stream.optionStrikesPerSide);
    for (const t of targets) codeFamily.set(t.code, t.family);
    const regs = registrationsAt(targets, now, calendar);
    const stored = await redis.hgetall(assignmentKey(prefix));
    const previous = new Map(Object.entries(stored).map(([k, v]) => [k, JSON.parse(v) as Registration[]]));
    assignment = assignToKeys(regs, names, previous, { perKey: config.kis.ws.maxSubscriptionsPerSession, paperKeys });
    // Replaced whole: a key removed from kis.accounts leaves no stale entry behind.
    if (names.length) await redis.multi().del(assignmentKey(prefix)).hset(assignmentKey(prefix), ...[...assignment].flatMap(([k, v]) => [k, JSON.stringify(v)])).exec();
  }

  // Too many registrations for the keys fails the start with the capacity error (it says how many keys).
  await plan();
  const onGap = (g: StreamGap): void => {
    if (g.reason === 'reconnect' || g.reason === 'server-close' || g.reason === 'pingpong-silence') bump('reconnects');
    if (g.reason === 'crash' || g.reason === 'takeover') bump('takeovers');
    bump('gap_seconds', Math.round(((g.to - g.from) / 1000) * g.codes.length));
    bars.gap(g.from, g.to, g.codes);
    void gaps.record(g);
  };
  const worker = new StreamWorker({
    accounts, registrations: (name) => assignment.get(name) ?? [], sink: recorder, redis, prefix, clock, calendar, logger: log,
    takeoverMs: opts.takeoverMs ?? config.stream.takeoverMs, settings: opts.settings ?? config.kis.ws, custtype: config.kis.custtype,
  });
  worker.on('gap', onGap);
  // Minutes closed between a drop and its gap (known only on re-registration) must not pass as whole.
  worker.on('drop', (d) => bars.suspend(d.from, d.codes));
  worker.start();

  let lastRecords = 0;
  let lastAt = Date.now();
  const report = setInterval(() => {
    void (async () => {
      const keys = worker.holding().map((name) => {
        const s = worker.session(name)!;
        return { account: name, state: s.client.state, fence: worker.fence(name) ?? 0, registrations: s.registrations().length, records: s.counters.records };
      });
      const total = keys.reduce((n, k) => n + k.records, 0);
      const rate = Math.max(0, (total - lastRecords) / ((Date.now() - lastAt) / 1000));
      [lastRecords, lastAt] = [total, Date.now()];
      const flush = [...stats];
      stats.clear();
      if (flush.length) {
        const m = redis.multi();
        for (const [k, v] of flush) m.hincrby(statsKey(prefix), k, v);
        await m.exec();
      }
      await publishWorkerStatus(redis, prefix, { holder: worker.holderId, keys, recordsPerSec: rate, lagMs: lastLagMs, at: new Date().toISOString() }, 5_000);
    })().catch((e: unknown) => log.warn({ err: errorMessage(e) }, 'could not publish the stream status (Redis)'));
  }, 1_000);
  // Quiet instruments' minutes close on the clock, not only on their next trade; 2 real seconds behind
  // it, so records delayed on their way (a busy host, a slow socket) still land in their minute's bar.
  const barClock = setInterval(() => bars.advance((toKst(clock.now()) - 2_000 * clock.speed) as KstTime), 500);
  const replanTimer = setInterval(() => {
    void plan()
      .then(() => worker.reassign())
      .catch((e: unknown) => log.error({ err: errorMessage(e) }, 'stream registrations not re-planned; keeping the current ones'));
  }, config.stream.replanMs);

  let closing: Promise<void> | undefined;
  return {
    worker, recorder, gaps, tickBars,
    async replan() {
      await plan();
      await worker.reassign();
    },
    close() {
      closing ??= (async () => {
        clearInterval(replanTimer);
        clearInterval(report);
        clearInterval(barClock);
        forming.close();
        await worker.close();
        await recorder.close();
        await tickBars.close();
        await gaps.close();
      })();
      return closing;
    },
  };
}

type StreamSettings = Partial<Runtime['config']['kis']['ws']>;
