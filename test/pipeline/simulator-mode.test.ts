/**
 * Without a KIS account the pipeline commands use the simulator: `krtrade run` embeds one, standalone
 * workers/dashboards join the one at sim.host:sim.port (with the clock `krtrade run` published), or refuse
 * with one line saying what to do. Real CLI processes, real Redis and Postgres.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { type KstTime, formatKst, parseKst } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { createSimMarket } from '../../src/sim/market/sim-market.js';
import { pipelineKeys } from '../../src/pipeline/ids.js';
import { BIN, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';

interface Proc {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

const procs: Proc[] = [];
let db: TestDb | undefined;
let prefix: string | undefined;
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await db?.drop();
  if (prefix) await deleteKeys(prefix);
  db = prefix = undefined;
});


/** Env of a krtrade process with NO KIS account (whatever the developer's shell holds). */
async function noAccountEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('KIS_') || k.startsWith('KRTRADE_')) delete env[k];
  return {
    ...env,
    KRTRADE_REDIS_URL: REDIS_URL,
    KRTRADE_REDIS_PREFIX: prefix!,
    KRTRADE_DATABASE_URL: db?.url ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    KRTRADE_LOG_LEVEL: 'warn',
    KRTRADE_PIPELINE__SUBSCRIPTIONS: JSON.stringify([{ rule: 'stocks', codes: ['005930'] }, { rule: 'front-future', family: 'kospi200' }]),
    ...extra,
  };
}

function start(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: mkdtempSync(join(tmpdir(), 'krt-simmode-')), stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const p = { child, stderr: () => err, exited };
  procs.push(p);
  return p;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, procsToShow: Proc[] = []): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr:\n${procsToShow.map((p) => p.stderr()).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const SIM_START = '2026-11-24T08:59:30';

describe('the simulator as the default when no KIS account is configured', () => {
  it('`krtrade run` embeds the simulator, says so, collects candles equal to the seeded market, and its dashboard sees the simulator', async () => {
    db = await createTestDb();
    prefix = testPrefix('simmode');
    const simPort = await freePort();
    const env = await noAccountEnv({
      KRTRADE_SIM__PORT: String(simPort), KRTRADE_SIM__WS_PORT: String(await freePort()), KRTRADE_SIM__START: SIM_START, KRTRADE_SIM__SPEED: '60',
      KRTRADE_DASHBOARD__PORT: '0',
    });
    const run = start(['run', '--concurrency', '2', '--dashboard', '--insecure-local'], env);
    const dashUrl = await until('the dashboard line', async () => /dashboard (http:\/\/127\.0\.0\.1:\d+)\/queues/.exec(run.stderr())?.[1], 30_000, [run]);
    expect(run.stderr()).toContain(`started the embedded KIS simulator at http://127.0.0.1:${simPort}`);

    // A few minutes of both instruments, stored from the embedded simulator.
    const rows = await until(
      'candles of both instruments',
      async () => {
        const r = await db!.pool.query<{ symbol: string; t: KstTime; open: number; high: number; low: number; close: number; volume: number }>(
          `SELECT symbol, "timestamp" AS t, open, high, low, close, volume FROM candles_1m WHERE "timestamp" >= '2026-11-24 09:00' ORDER BY 1, 2`,
        );
        const symbols = new Set(r.rows.map((x) => x.symbol));
        return r.rows.length >= 6 && symbols.size === 2 && r.rows;
      },
      60_000,
      [run],
    );
    // Same seed (sim.seed default 7) → the same market: every stored candle equals the model's bar.
    const market = createSimMarket({ seed: 7, calendar: defaultCalendar() });
    for (const r of rows) {
      const [bar] = market.minuteBars(r.symbol, r.t, (r.t + 60_000) as KstTime);
      expect({ symbol: r.symbol, t: formatKst(r.t), o: r.open, h: r.high, l: r.low, c: r.close, v: r.volume }).toEqual({
        symbol: r.symbol, t: formatKst(r.t), o: bar!.open, h: bar!.high, l: bar!.low, c: bar!.close, v: bar!.volume,
      });
    }
    const health = (await (await fetch(`${dashUrl}/health`)).json()) as { status: string; kis: { ok: boolean }; now: string };
    expect(health).toMatchObject({ status: 'ok', kis: { ok: true } });
    // The pipeline runs on the simulator's clock, not on today's date.
    expect(health.now.slice(0, 10)).toBe('2026-11-24');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    // It removed the clock it published, so no later process joins a simulator that is gone.
    const r = new Redis(REDIS_URL);
    expect(await r.exists(pipelineKeys(prefix).clock)).toBe(0);
    r.disconnect();
  }, 120_000);

  it('a worker without an account and without a simulator refuses with one line saying what to do', async () => {
    prefix = testPrefix('simmode');
    const port = await freePort();
    const r = await runCli(['worker', 'fetch'], { env: await noAccountEnv({ KRTRADE_SIM__PORT: String(port) }), cwd: mkdtempSync(join(tmpdir(), 'krt-simmode-')), timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`no KIS simulator answers at http://127.0.0.1:${port}`);
    expect(lines[0]).toMatch(/krtrade sim.*krtrade run.*KIS_APP_KEY/);
  }, 40_000);

  it('`krtrade run --scheduler-only` runs no pools; a standalone `krtrade worker fetch` joins its simulator and clock', async () => {
    db = await createTestDb();
    prefix = testPrefix('simmode');
    const env = await noAccountEnv({
      KRTRADE_SIM__PORT: String(await freePort()), KRTRADE_SIM__WS_PORT: String(await freePort()), KRTRADE_SIM__START: SIM_START, KRTRADE_SIM__SPEED: '60',
    });
    const scheduler = start(['run', '--scheduler-only'], env);
    await until('the scheduler-only banner', async () => scheduler.stderr().includes('scheduler only'), 30_000, [scheduler]);
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const fetchQ = new Queue('fetch', { connection, prefix });
    const aggregateQ = new Queue('aggregate', { connection, prefix });
    try {
      // The scheduler hands out work but nothing serves it.
      await until('scheduled fetch jobs', async () => (await fetchQ.getJobCountByTypes('waiting', 'prioritized', 'delayed')) > 0, 30_000, [scheduler]);
      expect(await fetchQ.getWorkersCount()).toBe(0);

      const worker = start(['worker', 'fetch', '--concurrency', '2'], env);
      await until('the fetch worker', async () => (await fetchQ.getWorkersCount()) === 1, 30_000, [scheduler, worker]);
      expect(worker.stderr()).toMatch(/krtrade worker fetch: no KIS account configured .*using the KIS simulator at http:\/\/127\.0\.0\.1:\d+ \(seed 7; clock: the clock published by `krtrade run`, simulated now 2026-11-24/);
      // Its fetches reached the simulator: aggregate jobs (no aggregate worker runs) carry the bars.
      const agg = await until(
        'fetched bars handed to the aggregate stage',
        async () => {
          const jobs = await aggregateQ.getJobs(['waiting', 'prioritized']);
          const withBars = jobs.filter((j) => (j.data as { bars: unknown[] }).bars.length > 0);
          return withBars.length >= 2 && withBars;
        },
        45_000,
        [scheduler, worker],
      );
      const market = createSimMarket({ seed: 7, calendar: defaultCalendar() });
      for (const j of agg) {
        const d = j.data as { code: string; from: KstTime; to: KstTime; bars: { time: KstTime; close: number }[] };
        const expected = market.minuteBars(d.code, d.from, d.to).map((b) => ({ time: b.time, close: b.close }));
        expect(d.bars.map((b) => ({ time: b.time, close: b.close }))).toEqual(expected);
        expect(d.from).toBeGreaterThanOrEqual(parseKst('2026-11-24 08:45'));
      }
      worker.child.kill('SIGTERM');
      scheduler.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(await scheduler.exited).toBe(0);
    } finally {
      await fetchQ.close();
      await aggregateQ.close();
      connection.disconnect();
    }
  }, 120_000);
});
