/**
 * `npm run demo`: the whole system on one machine without credentials. Starts the KIS simulator on an
 * accelerated clock, (re)creates and migrates a demo database, and runs scheduler + every worker pool +
 * the dashboard in this process, then prints where to look.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../src/config/schema.js';
import type { Logger } from '../src/log.js';
import { UserError, errorMessage } from '../src/errors.js';
import { DASHBOARD_LISTENER, assertPortFree } from '../src/net/listen.js';
import { CLOCK_ENV } from '../src/time/clock.js';
import { addMinutes, formatKst, formatKstIso, nowInstant, toKst } from '../src/time/kst.js';
import { createPool } from '../src/db/pool.js';
import { migrate } from '../src/db/migrate.js';
import { CloseStack } from '../src/pipeline/lifecycle.js';
import { checkRedis, deleteKeysUnder } from '../src/pipeline/redis.js';
import { startSimulator } from '../src/sim/index.js';
import { PostgresUnavailableError, createRuntime, loadCalendar } from './runtime.js';
import { POOL_KINDS, startPools, startScheduler } from './pools.js';
import { withSimulatorAccount } from './simulator-mode.js';
import { serveDashboard, untilStopped } from './serve.js';
import { startStreamService, streamsAnything } from './stream.js';

export interface DemoOptions {
  speed: number;
  database: string;
  /** Dashboard port; default `dashboard.port`. */
  port?: number;
  /** KST wall-clock `YYYY-MM-DDTHH:MM`; default: two minutes before the next derivatives open. */
  start?: string;
}

const withDatabase = (url: string, db: string): string => url.replace(/\/[^/?]*(\?|$)/, `/${db}$1`);

async function freshDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (e) {
    throw new PostgresUnavailableError(adminUrl, e);
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}


/** The demo's keys live apart from any pipeline's on the same Redis: it deletes them when it starts. */
export const demoPrefix = (configured: string): string => `${configured}-demo`;

/**
 * The demo shows the realtime stream beside the minute jobs: unless the configuration already streams
 * something, its futures and stocks also record trades (\`ticks\`) over the simulator's WebSocket.
 */
export function withDemoStream(config: Config): Config {
  if (streamsAnything(config)) return config;
  const subscriptions = config.pipeline.subscriptions.map((s) =>
    s.rule === 'front-future' || s.rule === 'stocks' ? { ...s, kinds: [...s.kinds, 'ticks' as const] } : s,
  );
  return { ...config, pipeline: { ...config.pipeline, subscriptions } };
}

export async function runDemo(base: Config, log: Logger, o: DemoOptions): Promise<void> {
  const port = o.port ?? base.dashboard.port;
  // Everything that can refuse is checked before the demo database is dropped.
  await assertPortFree(base.dashboard.host, port, DASHBOARD_LISTENER);
  await checkRedis(base.redis.url);
  const dbUrl = withDatabase(base.database.url, o.database);
  await freshDatabase(withDatabase(base.database.url, 'postgres'), o.database);
  const migratePool = createPool(dbUrl, { max: 1, applicationName: 'krtrade-demo-migrate' });
  try {
    await migrate(migratePool);
  } finally {
    await migratePool.end();
  }

  const calendar = loadCalendar(base);
  const start = o.start ?? formatKstIso(addMinutes(calendar.nextSession('derivatives', toKst(nowInstant())).open, -2)).slice(0, 16);
  const outer = new CloseStack(log);
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator({ seed: base.sim.seed, start, speed: o.speed, port: 0, wsPort: 0 });
  } catch (e) {
    throw new UserError(`demo: the simulator did not start (${errorMessage(e)}); check --start (KST YYYY-MM-DDTHH:MM)`);
  }
  outer.add('simulator', sim);
  // Child processes (e.g. `krtrade worker` started by hand next to the demo) read the same clock.
  process.env[CLOCK_ENV] = JSON.stringify(sim.clock.spec());

  const prefix = demoPrefix(base.redis.prefix);
  await deleteKeysUnder(base.redis.url, prefix);
  const password = randomBytes(9).toString('base64url');
  const withSim = withSimulatorAccount({ ...base, sim: { ...base.sim, mode: 'real' } }, sim);
  const config: Config = withDemoStream({
    ...withSim,
    database: { url: dbUrl },
    redis: { ...base.redis, prefix },
    dashboard: { ...base.dashboard, port, username: 'demo', password },
  });
  try {
    const rt = outer.add('pipeline', await createRuntime(config, sim.clock, log, 'krtrade-demo'));
    startPools(rt, POOL_KINDS, { concurrency: 4 });
    startScheduler(rt);
    rt.closers.add('stream', await startStreamService(rt));
    const dash = await serveDashboard(rt, { insecureLocal: false });
    const secondsPerCandle = Math.max(0.01, 60 / o.speed).toFixed(2);
    process.stdout.write(
      [
        '',
        `krtrade demo — simulated KRX from ${start.replace('T', ' ')} KST at ${o.speed}× (a new candle every ${secondsPerCandle} s)`,
        `  simulated now:  ${formatKst(toKst(sim.clock.now()))}`,
        `  bull-board:     ${dash.boardUrl}   user: demo   password: ${password}`,
        `  job schedulers: ${dash.boardUrl}/job-schedulers   (one per instrument and data kind, firing on the KRX calendar)`,
        `  health/metrics: ${dash.url}/health   ${dash.url}/metrics`,
        `  charts:         ${dash.chartsUrl}   (candles, option-matrix heatmaps, smiles)`,
        `  database:       ${dbUrl}`,
        `  watch candles:  psql ${dbUrl} -c 'SELECT symbol, "timestamp", open, high, low, close, volume FROM candles_1m ORDER BY "timestamp" DESC LIMIT 20'`,
        `  watch trades:   psql ${dbUrl} -c 'SELECT symbol, "timestamp", price, volume FROM ticks ORDER BY "timestamp" DESC LIMIT 20'   (realtime, over the simulator's WebSocket)`,
        `  queues:         KRTRADE_REDIS_PREFIX=${prefix} bin/krtrade queues status`,
        '  stop:           Ctrl-C (a second Ctrl-C forces)',
        '',
      ].join('\n'),
    );
  } catch (e) {
    await outer.close();
    throw e;
  }
  await untilStopped(outer, log);
}
