/**
 * Builds everything a pipeline process needs from the config — Redis, queues, Postgres, KIS accounts,
 * calendar and the handler services — and closes it in reverse order. One runtime per process.
 */
import { CandlePublisher } from '../src/live/candle-bus.js';
import type pg from 'pg';
import type { RedisClient } from '../src/redis/client.js';
import type { Config } from '../src/config/schema.js';
import type { Clock } from '../src/time/clock.js';
import type { Logger } from '../src/log.js';
import { KrtradeError, UserError, errorMessage } from '../src/errors.js';
import { createPool } from '../src/db/pool.js';
import { listMigrations } from '../src/db/migrate.js';
import { createCalendar, defaultCalendar, loadCalendarOverridesFile, type TradingCalendar } from '../src/market/calendar/index.js';
import { KisAccounts } from '../src/kis/accounts.js';
import { pipelineKeys } from '../src/pipeline/ids.js';
import { PipelineStats } from '../src/pipeline/stats.js';
import { FireTimes } from '../src/pipeline/fire-times.js';
import { CloseStack } from '../src/pipeline/lifecycle.js';
import { checkRedis, createRedis } from '../src/pipeline/redis.js';
import { createQueues, type QueueSet } from '../jobs/queues.js';
import { MinuteBatches } from '../jobs/barrier.js';
import type { PipelineServices } from '../jobs/services.js';
import { createStorage } from './adapters/storage.js';
import { createMarketData } from './adapters/market.js';
import { createAggregation } from './adapters/aggregation.js';
import { createStrategyRunner } from './adapters/strategy.js';
import { liveStrategies } from '../src/strategy/configured.js';
import { setupAlerts } from './alerts.js';
import { paperAfterBatch } from '../src/paper/index.js';
import { createQuarantine } from './adapters/quarantine.js';
import { LogThrottle } from '../src/log-throttle.js';

export class PostgresUnavailableError extends KrtradeError {
  constructor(url: string, cause: unknown) {
    super(
      `cannot reach PostgreSQL at ${url.replace(/:\/\/([^:@/]+):[^@/]+@/, '://$1:****@')} (${errorMessage(cause)}). Start one with ` +
        '`pg_ctlcluster 15 main start` / `brew services start postgresql`, or `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16`, ' +
        'or set database.url / KRTRADE_DATABASE_URL.',
      { cause },
    );
  }
}

/** Counters reach Redis (and /metrics) at most this late. */
const STATS_FLUSH_MS = 500;

export interface Runtime {
  config: Config;
  clock: Clock;
  log: Logger;
  redis: RedisClient;
  queues: QueueSet;
  pool: pg.Pool;
  calendar: TradingCalendar;
  accounts: KisAccounts;
  services: PipelineServices;
  /** Components added later (workers, scheduler, dashboard) go here too and close first. */
  closers: CloseStack;
  close(): Promise<void>;
}

export async function checkPostgres(pool: pg.Pool, url: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    throw new PostgresUnavailableError(url, e);
  }
}

/** Refuses a database that `krtrade db migrate` has not brought up to date (workers would fail every write). */
export async function checkMigrated(pool: pg.Pool): Promise<void> {
  const expected = listMigrations().map((m) => m.version);
  let applied = new Set<number>();
  try {
    applied = new Set((await pool.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
  } catch {
    // No schema_migrations table: nothing applied.
  }
  const missing = expected.filter((v) => !applied.has(v));
  if (missing.length) {
    throw new UserError(`the database is not migrated (${expected.length - missing.length} of ${expected.length} migrations applied): run \`krtrade db migrate\` first`);
  }
}

export function loadCalendar(config: Config): TradingCalendar {
  const file = config.calendar.overridesFile;
  return file ? createCalendar({ overrides: loadCalendarOverridesFile(file) }) : defaultCalendar();
}

export async function createRuntime(config: Config, clock: Clock, log: Logger, name = 'krtrade'): Promise<Runtime> {
  if (config.kis.accounts.length === 0) {
    // The CLI puts the simulator in when no account is configured (simulator-mode.ts); this is a wiring bug.
    throw new UserError('no KIS account configured (kis.accounts): add one (or set KIS_APP_KEY/KIS_APP_SECRET), or start through `krtrade run`, which uses the simulator');
  }
  await checkRedis(config.redis.url);
  const closers = new CloseStack(log);
  const pool = createPool(config.database.url, { max: 10, applicationName: name });
  // A dropped idle connection must be logged, not crash the process (pg emits 'error' on the pool).
  // One line per 10 s: a PostgreSQL restart drops every idle connection at once.
  const quiet = new LogThrottle(log);
  pool.on('error', (e: Error) => quiet.warn('postgres-pool', { err: errorMessage(e) }, 'postgres pool error (connection dropped; the pool reconnects)'));
  closers.add('postgres', () => pool.end());
  try {
    await checkPostgres(pool, config.database.url);
    await checkMigrated(pool);
    const redis = createRedis(config.redis.url, log, name);
    closers.add('redis', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    const prefix = config.redis.prefix;
    const calendar = loadCalendar(config);
    const fireTimes = new FireTimes(clock, calendar);
    const queues = closers.add('queues', createQueues(redis, prefix, { log, repeatStrategy: fireTimes.repeatStrategy }));
    const keys = pipelineKeys(prefix);
    const accounts = closers.add('kis', KisAccounts.fromConfig(config, { clock, logger: log, redis }));
    const n = config.pipeline.optionMatrixStrikesPerSide;
    // Buffered: one Redis round trip every STATS_FLUSH_MS for all counters, not one or two per job.
    const stats = closers.add('stats', new PipelineStats(redis, prefix, { flushMs: STATS_FLUSH_MS }));
    const services: PipelineServices = {
      clock, log, redis, queues, keys, stats, fireTimes,
      batches: new MinuteBatches({ redis, keys, queues, clock, index: fireTimes.index }),
      market: createMarketData(accounts, calendar),
      aggregation: createAggregation(n, { calendar, ...config.options }),
      storage: createStorage(pool, calendar, n, new CandlePublisher(redis, prefix)),
      strategy: createStrategyRunner(pool, calendar, clock, log, { live: await liveStrategies(config.strategies), barSource: config.pipeline.strategyInput, afterBatch: [...paperAfterBatch(pool, config.paper, calendar), ...setupAlerts(config, redis, log, closers)] }),
      quarantine: createQuarantine(pool),
    };
    return { config, clock, log, redis, queues, pool, calendar, accounts, services, closers, close: closers.close };
  } catch (e) {
    await closers.close();
    throw e;
  }
}
