/**
 * The realtime recorder end to end: the simulator's WebSocket → the KIS WebSocket client → StreamRecorder
 * → PostgreSQL (COPY, group commit), all in this process on this machine.
 *
 *   1. Full rate: the simulator as fast as it streams → records stored per second.
 *   2. At ~5,000 records/s (the simulator's speed chosen from its tape) → exchange-time → commit lag p50/p99.
 *      Exchange times are stamped to the second on the simulated clock; lag in real ms is the simulated
 *      difference divided by the speed, so its resolution is 1000/speed ms (printed).
 *   3. Baseline in the same run: raw COPY of the same rows (pre-encoded, one transaction) vs the recorder
 *      writing the same records (encoding, progress, group commit included).
 *
 *   npm run bench -- stream            (env: STREAM_SECONDS=8)
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createPool } from '../src/db/pool.js';
import { migrate } from '../src/db/migrate.js';
import { copyLines } from '../src/db/copy.js';
import { ensureDayPartition } from '../src/db/dynamic-tables.js';
import { createKisClient } from '../src/kis/client.js';
import { KisWsClient, approvalKeyFrom, type WsRecord } from '../src/kis/ws/index.js';
import { startSimulator, type SimulatorHandle } from '../src/sim/index.js';
import { STOCKS } from '../src/sim/market/index.js';
import { StreamRecorder } from '../src/stream/recorder.js';
import { QUOTE_COLUMNS, TICK_COLUMNS } from '../src/stream/copy-records.js';
import { encodeBatch } from '../src/stream/recorder-batch.js';
import { dateOf, instant, kstTime, toInstant, toKst, type Instant, type KstDate, type KstTime } from '../src/time/kst.js';
import { AcceleratedClock, type Clock, type ClockSpec } from '../src/time/clock.js';

/**
 * The simulated clock held at 09:30 until `release()`: building the day tapes takes seconds on a busy
 * machine, which at speed 2000 would be hours of the session gone before the measurement starts.
 */
class StartableClock implements Clock {
  private inner: AcceleratedClock;
  private held = true;
  constructor(private readonly simStart: number, readonly speed: number) {
    this.inner = new AcceleratedClock(simStart, speed);
  }
  release(): void {
    this.inner = new AcceleratedClock(this.simStart, this.speed, Date.now());
    this.held = false;
  }
  now(): Instant {
    return this.held ? instant(this.simStart) : this.inner.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.inner.sleep(ms, signal);
  }
  toRealMs(ms: number): number {
    return this.inner.toRealMs(ms);
  }
  at(realMs: number): Instant {
    return this.held ? instant(this.simStart) : this.inner.at(realMs);
  }
  realAt(t: Instant): number {
    return this.inner.realAt(t);
  }
  spec(): ClockSpec {
    return this.inner.spec();
  }
}

const SECONDS = Number(process.env.STREAM_SECONDS ?? 8);
/** The simulator's tape at 600× holds ~20k trades/s over these registrations; faster only starves this process. */
const FULL_SPEED = Number(process.env.STREAM_FULL_SPEED ?? 1000);
const ADMIN_URL = process.env.KRTRADE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.KRTRADE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const INTERVAL_MS = 50;
const GOAL_RATE = 20_000, GOAL_P99_MS = 250, LAG_RATE = 5_000, GOAL_VS_COPY = 0.5;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  stored: number;
  received: number;
  seconds: number;
  lagsMs: number[];
  maxBuffered: number;
  sample: WsRecord[];
}

/** The subscriptions of one session (≤ 41): 15 stocks (trades + book), futures trades for the rest. */
function registrations(sim: SimulatorHandle): [string, string][] {
  const date = dateOf(toKst(sim.clock.now()));
  const regs: [string, string][] = [];
  for (const s of STOCKS.slice(0, 15)) regs.push(['H0STCNT0', s.code], ['H0STASP0', s.code]);
  for (const f of sim.market.instruments(date).filter((i) => i.kind === 'future')) if (regs.length < 41) regs.push(['H0IFCNT0', f.code]);
  return regs;
}

/** Records per real second the simulator will send at `speed` (from its tape: trades + one book per code per interval). */
function tapeRate(sim: SimulatorHandle, regs: [string, string][], speed: number): number {
  const now = toKst(sim.clock.now());
  const span = 10 * 60_000;
  let trades = 0;
  for (const [tr, code] of regs) if (tr !== 'H0STASP0') trades += sim.market.trades(code, now, (now + span) as KstTime).length;
  const books = regs.filter(([tr]) => tr === 'H0STASP0').length;
  return (trades / span) * 1000 * speed + books * (1000 / INTERVAL_MS);
}

async function run(pool: pg.Pool, speed: number, seconds: number, keepSample: number): Promise<Run> {
  await pool.query('TRUNCATE ticks, quotes, stream_progress'); // each run replays the same simulated morning
  const clock = new StartableClock(toInstant(kstTime(2026, 11, 24, 9, 30)), speed);
  const sim = await startSimulator({ clock, seed: 7, rateLimitPerSecond: 1_000_000, noticeEveryMs: 0, streamIntervalMs: INTERVAL_MS });
  const prefix = `krt-bench-stream-${randomBytes(4).toString('hex')}`;
  const kis = createKisClient({
    account: { name: 'sim', env: 'real', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl },
    redisUrl: REDIS_URL, prefix, clock: sim.clock,
  });
  const regs = registrations(sim);
  const now = toKst(sim.clock.now());
  const tb = performance.now();
  for (const [, code] of regs) sim.market.trades(code, now, (now + 60_000) as KstTime); // builds each code's day tape
  if (process.env.STREAM_DEBUG) console.log(`tapes built in ${(performance.now() - tb).toFixed(0)} ms`);
  const lagsMs: number[] = [];
  let measuring = false;
  const recorder = new StreamRecorder({
    pool, highWater: 200_000, hardCap: 2_000_000,
    logger: process.env.STREAM_DEBUG ? ({ warn: (o: unknown, m: string) => console.log(m, o) } as never) : undefined,
    onCommit: (c) => {
      if (!measuring) return;
      const simNow = toKst(sim.clock.now());
      for (const r of c.records) lagsMs.push((simNow - r.time) / speed);
    },
  });
  const sample: WsRecord[] = [];
  let received = 0, maxBuffered = 0;
  const ws = new KisWsClient({ url: sim.wsUrl, appKey: sim.appKey, approvalKey: approvalKeyFrom(kis), clock: sim.clock, subscribeIntervalMs: 0 });
  ws.on('record', (r) => {
    received++;
    if (sample.length < keepSample) sample.push(r);
    recorder.write(r);
    if (recorder.buffered > maxBuffered) maxBuffered = recorder.buffered;
  });
  ws.start();
  await Promise.all(regs.map(([tr, code]) => ws.subscribe(tr, code)));
  clock.release();
  await sleep(1_000); // warm-up
  measuring = true;
  if (process.env.STREAM_DEBUG) console.log(`measuring from ${new Date(toKst(sim.clock.now())).toISOString()} (received ${received})`);
  const c0 = recorder.counters.committed, r0 = received, t0 = performance.now();
  await sleep(seconds * 1000);
  const stored = recorder.counters.committed - c0, got = received - r0, elapsed = (performance.now() - t0) / 1000;
  measuring = false;
  if (process.env.STREAM_DEBUG) console.log(JSON.stringify(recorder.counters), recorder.buffered);
  await ws.close();
  await recorder.close();
  await kis.close();
  await sim.close();
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(...keys);
  r.disconnect();
  return { stored, received: got, seconds: elapsed, lagsMs, maxBuffered, sample };
}

/** Raw COPY of `records` (encoded beforehand) vs the recorder writing them; median of 3 rounds. */
async function writerVsCopy(pool: pg.Pool, records: WsRecord[]): Promise<{ copy: number; ours: number; ratio: number }> {
  const rounds: { copy: number; ours: number }[] = [];
  for (let i = 0; i < 3; i++) {
    await pool.query('TRUNCATE ticks, quotes, stream_progress');
    const batch = encodeBatch(records, new Map());
    const targets: [string, readonly string[], string[]][] = [];
    for (const [key, lines] of batch.groups) {
      const [parent, date] = key.split('|') as ['ticks' | 'quotes', KstDate];
      targets.push([await ensureDayPartition(pool, parent, date), parent === 'ticks' ? TICK_COLUMNS : QUOTE_COLUMNS, lines]);
    }
    const c = await pool.connect();
    let t = performance.now();
    await c.query('BEGIN');
    for (const [table, cols, lines] of targets) await copyLines(c, table, cols, lines);
    await c.query('COMMIT');
    const copy = records.length / ((performance.now() - t) / 1000);
    c.release();
    await pool.query('TRUNCATE ticks, quotes, stream_progress');
    const rec = new StreamRecorder({ pool, highWater: records.length + 1, hardCap: records.length + 2 });
    await rec.flush(); // its start-up read is not part of writing
    t = performance.now();
    for (const r of records) rec.write(r);
    await rec.flush();
    const ours = records.length / ((performance.now() - t) / 1000);
    await rec.close();
    rounds.push({ copy, ours });
  }
  const ratios = rounds.map((r) => r.ours / r.copy).sort((a, b) => a - b);
  const mid = rounds.find((r) => r.ours / r.copy === ratios[1])!;
  return { ...mid, ratio: ratios[1]! };
}

async function main(): Promise<void> {
  const name = `krt_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const pool = createPool(ADMIN_URL.replace(/\/[^/]*$/, `/${name}`), { max: 10, applicationName: 'krtrade-bench' });
  try {
    await migrate(pool);
    const full = await run(pool, FULL_SPEED, SECONDS, 100_000);
    const probe = await startSimulator({ start: '2026-11-24T09:30', speed: 1, seed: 7, noticeEveryMs: 0, streamIntervalMs: INTERVAL_MS });
    const regs = registrations(probe);
    const perSpeed = tapeRate(probe, regs, 1) - regs.filter(([tr]) => tr === 'H0STASP0').length * (1000 / INTERVAL_MS);
    await probe.close();
    const books = regs.filter(([tr]) => tr === 'H0STASP0').length * (1000 / INTERVAL_MS);
    const speed = Math.max(1, Math.round((LAG_RATE - books) / perSpeed));
    const paced = await run(pool, speed, SECONDS, 0);
    const cmp = await writerVsCopy(pool, full.sample);

    const rate = full.stored / full.seconds;
    const p50 = pct(paced.lagsMs, 50), p99 = pct(paced.lagsMs, 99);
    console.log(`stream: ${regs.length} registrations (15 stocks trades + book, futures trades), ${SECONDS}s per phase`);
    console.log(`  full rate   ${fmt(rate)} records/s stored (${fmt(full.received / full.seconds)}/s received; simulator at speed ${FULL_SPEED}; most buffered ${fmt(full.maxBuffered)})`);
    console.log(`  paced       ${fmt(paced.stored / paced.seconds)} records/s at speed ${speed}: exchange time → commit lag p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (resolution ${(1000 / speed).toFixed(1)} ms; includes the simulator's ${INTERVAL_MS} ms frame interval)`);
    console.log(`  baseline    raw COPY of the same ${fmt(full.sample.length)} rows ${fmt(cmp.copy)} rows/s; recorder ${fmt(cmp.ours)} records/s; ratio ${cmp.ratio.toFixed(2)}`);
    const goals: [string, boolean][] = [
      [`≥ ${fmt(GOAL_RATE)} records/s stored`, rate >= GOAL_RATE],
      [`p99 lag ≤ ${GOAL_P99_MS} ms at ~${fmt(LAG_RATE)} records/s`, p99 <= GOAL_P99_MS],
      [`writer ≥ ${GOAL_VS_COPY}× raw COPY`, cmp.ratio >= GOAL_VS_COPY],
    ];
    for (const [g, ok] of goals) console.log(`  goal ${g}: ${ok ? 'met' : 'MISSED'}`);
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
