/**
 * No KIS account configured → the simulator stands in for KIS, so the quickstart needs no credentials and
 * the same commands later run against real keys unchanged.
 *
 * - `krtrade run` starts an embedded simulator from `sim.*` and publishes its clock in Redis;
 * - standalone `krtrade worker` / `krtrade dashboard` processes connect to the simulator at
 *   `sim.host:sim.port` (started by `krtrade sim` or `krtrade run`), with the simulator's default
 *   credentials for `sim.seed`, and read the clock from KRTRADE_CLOCK, else the one `krtrade run` published.
 */
import type { RedisClient } from '../src/redis/client.js';
import type { Config } from '../src/config/schema.js';
import type { Logger } from '../src/log.js';
import { UserError, errorMessage } from '../src/errors.js';
import { CLOCK_ENV, type Clock, type ClockSpec, clockFromEnv, clockFromSpec, clockSpecSchema } from '../src/time/clock.js';
import { formatKst, toKst } from '../src/time/kst.js';
import { pipelineKeys } from '../src/pipeline/ids.js';
import { SIMULATOR_ACCOUNT } from '../src/pipeline/subscriptions.js';
import { defaultAccount } from '../src/sim/credentials.js';
import type { SimulatorHandle } from '../src/sim/index.js';

/** The published clock lives this long without a refresh, so a killed `krtrade run` leaves no stale clock behind for long. */
const CLOCK_TTL_S = 120;
const CLOCK_REFRESH_MS = 30_000;

export const usesSimulator = (config: Config): boolean => config.kis.accounts.length === 0;

export function simulatorUrls(config: Config): { restUrl: string; wsUrl: string } {
  const host = config.sim.host.includes(':') ? `[${config.sim.host}]` : config.sim.host;
  return { restUrl: `http://${host}:${config.sim.port}`, wsUrl: `ws://${host}:${config.sim.wsPort}` };
}

/** `config` with the simulator as its only KIS account. */
export function withSimulatorAccount(config: Config, s: { restUrl: string; wsUrl: string; appKey: string; appSecret: string }): Config {
  const account = { name: SIMULATOR_ACCOUNT, env: config.sim.mode, appKey: s.appKey, appSecret: s.appSecret, restUrl: s.restUrl, wsUrl: s.wsUrl };
  return { ...config, kis: { ...config.kis, accounts: [account] } };
}

const describeClock = (clock: Clock): string => `simulated now ${formatKst(toKst(clock.now())).slice(0, 16)} KST at ${clock.speed}×`;

export interface EmbeddedSimulator {
  sim: SimulatorHandle;
  config: Config;
  clock: Clock;
  /** One line for the operator: where the simulator listens and how other processes join it. */
  banner: string;
}

/**
 * Starts the simulator inside `krtrade run`. Its clock is KRTRADE_CLOCK when given (tests, the demo's
 * children), else `sim.start`/`sim.speed`.
 */
export async function startEmbeddedSimulator(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<EmbeddedSimulator> {
  // Loaded on demand: processes with real accounts never load the simulator.
  const { startSimulator } = await import('../src/sim/index.js');
  const s = config.sim;
  const sim = await startSimulator({
    seed: s.seed, mode: s.mode, host: s.host, port: s.port, wsPort: s.wsPort, faults: s.faults, logger: log,
    ...(env[CLOCK_ENV] ? { clock: clockFromEnv(env) } : { speed: s.speed, ...(s.start ? { start: s.start } : {}) }),
  });
  // Child processes started from here read the same clock.
  env[CLOCK_ENV] = JSON.stringify(sim.clock.spec());
  const banner =
    `no KIS account configured (kis.accounts): started the embedded KIS simulator at ${sim.restUrl} (WebSocket ${sim.wsUrl}, seed ${s.seed}, ${describeClock(sim.clock)}). ` +
    'Other `krtrade worker`/`krtrade dashboard` processes without an account join it through sim.host/sim.port; add KIS keys (KIS_APP_KEY/KIS_APP_SECRET) to use the real KIS.';
  return { sim, config: withSimulatorAccount(config, sim), clock: sim.clock, banner };
}

/** Keeps the simulator's clock in Redis while `krtrade run` lives; returns the function that removes it. */
export function publishClock(redis: RedisClient, prefix: string, clock: Clock): () => Promise<void> {
  const key = pipelineKeys(prefix).clock;
  const value = JSON.stringify(clock.spec());
  const write = () => redis.set(key, value, 'EX', CLOCK_TTL_S).catch(() => undefined);
  void write();
  const timer = setInterval(() => void write(), CLOCK_REFRESH_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    // Only our own value: a newer `krtrade run` may have replaced it.
    await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, key, value).catch(() => undefined);
  };
}

export async function publishedClock(redis: RedisClient, prefix: string): Promise<ClockSpec | undefined> {
  const raw = await redis.get(pipelineKeys(prefix).clock);
  if (!raw) return undefined;
  try {
    const r = clockSpecSchema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

export interface SimulatorConnection {
  config: Config;
  clock: Clock;
  reachable: boolean;
  banner: string;
}

/**
 * A standalone process without an account: the simulator at `sim.host:sim.port`. `required` (workers)
 * refuses when nothing answers there; the dashboard starts anyway and shows KIS as unreachable.
 */
export async function connectToSimulator(config: Config, redis: RedisClient, o: { process: string; required: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<SimulatorConnection> {
  const env = o.env ?? process.env;
  const urls = simulatorUrls(config);
  const reachable = await answers(urls.restUrl, o.timeoutMs ?? 3_000);
  if (!reachable && o.required) {
    throw new UserError(
      `${o.process}: no KIS account configured (kis.accounts) and no KIS simulator answers at ${urls.restUrl} (sim.host/sim.port). ` +
        'Start one with `krtrade sim` or `krtrade run` (it embeds one), or add KIS keys (KIS_APP_KEY/KIS_APP_SECRET or kis.accounts).',
    );
  }
  let clock: Clock;
  let clockFrom: string;
  if (env[CLOCK_ENV]) {
    clock = clockFromEnv(env);
    clockFrom = CLOCK_ENV;
  } else {
    const spec = await publishedClock(redis, config.redis.prefix).catch((e: unknown) => {
      throw new UserError(`${o.process}: cannot read the simulator clock from Redis (${errorMessage(e)})`);
    });
    clock = spec ? clockFromSpec(spec) : clockFromEnv({});
    clockFrom = spec ? 'the clock published by `krtrade run`' : 'real time (set KRTRADE_CLOCK if the simulator runs accelerated)';
  }
  const creds = defaultAccount(config.sim.seed, config.sim.mode);
  const banner =
    `${o.process}: no KIS account configured (kis.accounts): using the KIS simulator at ${urls.restUrl} ` +
    `(seed ${config.sim.seed}${reachable ? '' : ', NOT answering yet'}; clock: ${clockFrom}, ${describeClock(clock)}). Add KIS keys to use the real KIS.`;
  return { config: withSimulatorAccount(config, { ...urls, appKey: creds.appKey, appSecret: creds.appSecret }), clock, reachable, banner };
}
