/** Long-running pipeline processes: `krtrade run`, `krtrade worker <pool>`, `krtrade dashboard`. */
import type { Config } from '../src/config/schema.js';
import type { Clock } from '../src/time/clock.js';
import type { Logger } from '../src/log.js';
import { UserError } from '../src/errors.js';
import { CloseStack, closeOnSignals } from '../src/pipeline/lifecycle.js';
import { checkRedis, createRedis } from '../src/pipeline/redis.js';
import { startDashboard, type Dashboard } from '../dashboard/server.js';
import { createRuntime, type Runtime } from './runtime.js';
import { type PoolKind, POOL_KINDS, startPools, startScheduler } from './pools.js';
import { startStreamService, streamsAnything } from './stream.js';
import { connectToSimulator, publishClock, startEmbeddedSimulator, usesSimulator } from './simulator-mode.js';
import { defaultAccountName } from '../src/pipeline/subscriptions.js';

export interface ServeOptions {
  concurrency: number;
  lockDurationMs?: number;
  /** Shutdown deadline for active jobs after SIGINT/SIGTERM. */
  shutdownMs?: number;
}

export interface DashboardFlags {
  insecureLocal: boolean;
  readOnly?: boolean;
  port?: number;
  host?: string;
}

/** Resolves when the process has been stopped by a signal and everything is closed. */
export function untilStopped(rt: { close(): Promise<void> }, log: Logger, deadlineMs = 30_000): Promise<void> {
  return new Promise((resolve) => {
    closeOnSignals(rt, { log, deadlineMs, exit: (code) => {
      process.exitCode = code;
      resolve();
      // A forced exit (second signal, deadline) must not wait for anything else.
      if (code !== 0) process.exit(code);
    } });
  });
}

export async function serveDashboard(rt: Runtime, flags: DashboardFlags): Promise<Dashboard> {
  const d = rt.config.dashboard;
  const kisUrl = rt.config.kis.accounts[0]?.restUrl ?? (rt.accounts.names()[0] ? rt.accounts.get().baseUrl : undefined);
  const dash = await startDashboard({
    host: flags.host ?? d.host, port: flags.port ?? d.port, username: d.username, password: d.password, viewerUsername: d.viewerUsername, viewerPassword: d.viewerPassword,
    protectProbes: d.protectProbes,
    readOnly: flags.readOnly ?? d.readOnly, insecureLocal: flags.insecureLocal,
    queues: rt.queues.queues, redis: rt.redis, pool: rt.pool, prefix: rt.config.redis.prefix, calendar: rt.calendar, stats: rt.services.stats, clock: rt.clock, log: rt.log,
    strategies: rt.config.strategies,
    account: defaultAccountName(rt.config),
    ...(kisUrl ? { kisUrl } : {}),
  });
  rt.closers.add('dashboard', dash);
  return dash;
}

export function parsePoolKind(raw: string): PoolKind {
  if (!(POOL_KINDS as readonly string[]).includes(raw)) throw new UserError(`unknown worker pool ${JSON.stringify(raw)}; expected one of ${POOL_KINDS.join(', ')}`);
  return raw as PoolKind;
}

/** A standalone process without a KIS account: the simulator configured in `sim.*` (see simulator-mode.ts). */
export async function joinSimulatorIfNoAccount(config: Config, clock: Clock, log: Logger, name: string, required: boolean): Promise<{ config: Config; clock: Clock }> {
  if (!usesSimulator(config)) return { config, clock };
  await checkRedis(config.redis.url);
  const redis = createRedis(config.redis.url, log, name);
  try {
    const c = await connectToSimulator(config, redis, { process: name, required });
    process.stderr.write(`${c.banner}\n`);
    return c;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

export async function serveWorker(config: Config, clock: Clock, log: Logger, kind: PoolKind, o: ServeOptions): Promise<void> {
  const name = `krtrade worker ${kind}`;
  const target = await joinSimulatorIfNoAccount(config, clock, log, name, true);
  const rt = await createRuntime(target.config, target.clock, log, `krtrade-worker-${kind}`);
  startPools(rt, [kind], { concurrency: o.concurrency, ...(o.lockDurationMs ? { lockDurationMs: o.lockDurationMs } : {}) });
  log.info({ pool: kind, pid: process.pid }, 'worker ready');
  await untilStopped(rt, log, o.shutdownMs);
}

export interface RunOptions extends ServeOptions {
  dashboard?: DashboardFlags;
  /** Only the scheduler (no worker pools): the pools run as `krtrade worker <pool>` processes. */
  schedulerOnly?: boolean;
}

/** `krtrade run`: scheduler + every pool (or the scheduler alone), with an embedded simulator when no account is configured. */
export async function serveAll(config: Config, clock: Clock, log: Logger, o: RunOptions): Promise<void> {
  const outer = new CloseStack(log);
  try {
    let target = { config, clock };
    const embedded = usesSimulator(config) ? await startEmbeddedSimulator(config, log) : undefined;
    if (embedded) {
      outer.add('simulator', embedded.sim);
      target = embedded;
      process.stderr.write(`krtrade run: ${embedded.banner}\n`);
    }
    const rt = outer.add('pipeline', await createRuntime(target.config, target.clock, log, o.schedulerOnly ? 'krtrade-scheduler' : 'krtrade-run'));
    if (embedded) rt.closers.add('published clock', publishClock(rt.redis, rt.config.redis.prefix, rt.clock));
    if (o.schedulerOnly) {
      process.stderr.write(`krtrade run: scheduler only; start \`krtrade worker <pool>\` processes for ${POOL_KINDS.join(', ')} (same Redis, PostgreSQL and config)\n`);
    } else {
      startPools(rt, POOL_KINDS, { concurrency: o.concurrency, ...(o.lockDurationMs ? { lockDurationMs: o.lockDurationMs } : {}) });
    }
    startScheduler(rt);
    // The realtime stream, when a subscription asks for ticks or quotes (more stream workers: `krtrade worker stream`).
    if (!o.schedulerOnly && streamsAnything(rt.config)) rt.closers.add('stream', await startStreamService(rt));
    if (o.dashboard) {
      const dash = await serveDashboard(rt, o.dashboard);
      process.stderr.write(`krtrade run: dashboard ${dash.boardUrl}${dash.auth ? ' (basic auth)' : ' (no auth, loopback only)'}  charts: ${dash.chartsUrl}  health: ${dash.url}/health  metrics: ${dash.url}/metrics\n`);
    }
  } catch (e) {
    await outer.close();
    throw e;
  }
  await untilStopped(outer, log, o.shutdownMs);
}

export async function serveDashboardOnly(config: Config, clock: Clock, log: Logger, flags: DashboardFlags): Promise<void> {
  // Without the simulator running the dashboard still starts; /health then shows KIS unreachable.
  const target = await joinSimulatorIfNoAccount(config, clock, log, 'krtrade dashboard', false);
  const rt = await createRuntime(target.config, target.clock, log, 'krtrade-dashboard');
  let dash: Dashboard;
  try {
    dash = await serveDashboard(rt, flags);
  } catch (e) {
    await rt.close();
    throw e;
  }
  process.stderr.write(`dashboard: ${dash.boardUrl}${dash.auth ? ' (basic auth)' : ' (no auth, loopback only)'}  charts: ${dash.chartsUrl}  health: ${dash.url}/health  metrics: ${dash.url}/metrics\n`);
  await untilStopped(rt, log);
}
