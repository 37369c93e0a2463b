/** Long-running pipeline processes: `krtrade run`, `krtrade worker <pool>`, `krtrade dashboard`. */
import type { Config } from '../src/config/schema.js';
import type { Clock } from '../src/time/clock.js';
import type { Logger } from '../src/log.js';
import { UserError } from '../src/errors.js';
import { closeOnSignals } from '../src/pipeline/lifecycle.js';
import { startDashboard, type Dashboard } from '../dashboard/server.js';
import { createRuntime, type Runtime } from './runtime.js';
import { type PoolKind, POOL_KINDS, startPools, startScheduler } from './pools.js';

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
    host: flags.host ?? d.host, port: flags.port ?? d.port, username: d.username, password: d.password,
    readOnly: flags.readOnly ?? d.readOnly, insecureLocal: flags.insecureLocal,
    queues: rt.queues.queues, redis: rt.redis, pool: rt.pool, stats: rt.services.stats, clock: rt.clock, log: rt.log,
    ...(kisUrl ? { kisUrl } : {}),
  });
  rt.closers.add('dashboard', dash);
  return dash;
}

export function parsePoolKind(raw: string): PoolKind {
  if (!(POOL_KINDS as readonly string[]).includes(raw)) throw new UserError(`unknown worker pool ${JSON.stringify(raw)}; expected one of ${POOL_KINDS.join(', ')}`);
  return raw as PoolKind;
}

export async function serveWorker(config: Config, clock: Clock, log: Logger, kind: PoolKind, o: ServeOptions): Promise<void> {
  const rt = await createRuntime(config, clock, log, `krtrade-worker-${kind}`);
  startPools(rt, [kind], { concurrency: o.concurrency, ...(o.lockDurationMs ? { lockDurationMs: o.lockDurationMs } : {}) });
  log.info({ pool: kind, pid: process.pid }, 'worker ready');
  await untilStopped(rt, log, o.shutdownMs);
}

export async function serveAll(config: Config, clock: Clock, log: Logger, o: ServeOptions & { dashboard?: DashboardFlags }): Promise<void> {
  const rt = await createRuntime(config, clock, log, 'krtrade-run');
  startPools(rt, POOL_KINDS, { concurrency: o.concurrency });
  startScheduler(rt);
  if (o.dashboard) {
    const dash = await serveDashboard(rt, o.dashboard);
    log.info({ url: dash.boardUrl }, 'dashboard listening');
  }
  await untilStopped(rt, log, o.shutdownMs);
}

export async function serveDashboardOnly(config: Config, clock: Clock, log: Logger, flags: DashboardFlags): Promise<void> {
  const rt = await createRuntime(config, clock, log, 'krtrade-dashboard');
  const dash = await serveDashboard(rt, flags);
  process.stderr.write(`dashboard: ${dash.boardUrl}${dash.auth ? ' (basic auth)' : ' (no auth, loopback only)'}  health: ${dash.url}/health  metrics: ${dash.url}/metrics\n`);
  await untilStopped(rt, log);
}
