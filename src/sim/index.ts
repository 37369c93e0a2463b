/**
 * The KIS simulator: REST + WebSocket servers speaking KIS's protocol over the seeded market model.
 * `startSimulator()` is what tests, the demo and `krtrade sim` use; `close()` stops everything (idempotent).
 */
import { createLogger, type Logger } from '../log.js';
import { explainListenError } from '../net/listen.js';
import { defaultCalendar, type TradingCalendar } from '../market/calendar/index.js';
import { AcceleratedClock, type Clock } from '../time/clock.js';
import { nowInstant, parseKst, toInstant } from '../time/kst.js';
import { UserError } from '../errors.js';
import {
  ApprovalStore,
  TokenStore,
  completeAccount,
  defaultAccount,
  type SimAccount,
  type SimAccountInput,
  type SimMode,
} from './credentials.js';
import { FaultController, type FaultConfig } from './faults.js';
import { MAX_STOCKS, createSimMarket } from './market/index.js';
import type { SimMarket } from './market/types.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import type { ServerDeps } from './server/deps.js';
import { createRestServer } from './server/http.js';
import { NoticeEmitter, type FillSpec } from './server/notices.js';
import { BOARD_HANDLERS } from './server/rest-boards.js';
import { CALENDAR_HANDLERS } from './server/rest-calendar.js';
import { FO_HANDLERS } from './server/rest-fo.js';
import { STOCK_HANDLERS } from './server/rest-stock.js';
import { StreamHub, type NightHourEncoding } from './server/ws-stream.js';
import { SentLog } from './server/sent-log.js';
import { SimWsServer } from './server/ws-server.js';

export type { SimAccount, SimMode } from './credentials.js';
export { FaultController, FaultSpecError, parseFaults, type FaultConfig } from './faults.js';
export type { FillSpec } from './server/notices.js';

export interface SimulatorOptions {
  seed?: number;
  /** Stocks the market lists (default 32; more are generated from the seed, see `createSimMarket`). */
  stocks?: number;
  clock?: Clock;
  /** KST wall-clock start `YYYY-MM-DDTHH:MM` (default: now). Ignored when `clock` is given. */
  start?: string;
  speed?: number;
  /** Environment of the default account (and of accounts that do not say). */
  mode?: SimMode;
  host?: string;
  /** 0 = ephemeral. */
  port?: number;
  wsPort?: number;
  faults?: string | FaultConfig;
  accounts?: SimAccountInput[];
  tokenLifetimeMs?: number;
  sameTokenWindowMs?: number;
  /** Overrides the per-app-key REST limit for every account (e.g. lifted for benchmarks). */
  rateLimitPerSecond?: number;
  /** Monotonic ms for the per-second limit windows (default real time); tests pin it to be load-proof. */
  rateLimitClock?: () => number;
  /** Real ms between PINGPONG frames (KIS's period is unverified; ~100 s is reported). */
  pingIntervalMs?: number;
  /**
   * Strict PINGPONG: drop a connection that leaves this many heartbeats in a row unanswered (KIS reportedly
   * disconnects silent clients). 0 / absent = tolerate silence (default).
   */
  strictPingPeriods?: number;
  /** Real ms between stream-loop ticks. */
  streamIntervalMs?: number;
  maxRecordsPerFrame?: number;
  nightHourEncoding?: NightHourEncoding;
  /** Keep the ground truth of every market record sent (`SimulatorHandle.sent`; tests: it grows without bound). */
  recordSent?: boolean;
  /** Real ms between synthetic fill notices (0 = only on demand). */
  noticeEveryMs?: number;
  calendar?: TradingCalendar;
  logger?: Logger;
}

export interface SimulatorHandle {
  restUrl: string;
  wsUrl: string;
  /** Credentials of the first account. */
  appKey: string;
  appSecret: string;
  accounts: SimAccount[];
  clock: Clock;
  market: SimMarket;
  faults: FaultController;
  /** EGW00201 answers so far for an app key. */
  rateLimitRejections(appKey: string): number;
  /** Sends a synthetic execution notice to every session subscribed to a notice TR; returns frames sent. */
  emitFill(spec?: FillSpec): number;
  /** Every market record sent over a WebSocket, when started with `recordSent`. */
  sent?: SentLog;
  /** Runs one pass of the stream loop now (tests). */
  pumpStream(): void;
  /** Sends a PINGPONG to every session now (tests); in strict mode drops the ones that stopped answering. */
  ping(): void;
  /** Connections dropped so far for leaving PINGPONG unanswered (strict mode). */
  pingDrops(): number;
  close(): Promise<void>;
}

function clockFrom(opts: SimulatorOptions): Clock {
  if (opts.clock) return opts.clock;
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw new UserError(`sim speed must be positive, got ${speed}`);
  let simStart: number = nowInstant();
  if (opts.start) {
    try {
      simStart = toInstant(parseKst(opts.start));
    } catch (e) {
      throw new UserError(`sim start: ${(e as Error).message}`);
    }
  }
  return new AcceleratedClock(simStart, speed);
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const seed = opts.seed ?? 7;
  if (
    opts.stocks !== undefined &&
    !(Number.isInteger(opts.stocks) && opts.stocks >= 1 && opts.stocks <= MAX_STOCKS)
  )
    throw new UserError(`sim stocks: expected an integer from 1 to ${MAX_STOCKS}, got ${opts.stocks}`);
  const strictPingPeriods = opts.strictPingPeriods ?? 0;
  if (!(Number.isInteger(strictPingPeriods) && strictPingPeriods >= 0))
    throw new UserError(`sim strictPingPeriods: expected a whole number ≥ 0, got ${strictPingPeriods}`);
  const mode = opts.mode ?? 'real';
  const clock = clockFrom(opts);
  const calendar = opts.calendar ?? defaultCalendar();
  const logger = opts.logger ?? createLogger({ level: 'silent', stream: process.stderr });
  const accounts = opts.accounts?.length
    ? opts.accounts.map((a, i) => completeAccount(a, mode, i))
    : [defaultAccount(seed, mode)];
  const faults = new FaultController(opts.faults ?? {}, seed);
  const deps: ServerDeps = {
    clock,
    market: createSimMarket({ seed, calendar, stocks: opts.stocks }),
    calendar,
    accounts: new Map(accounts.map((a) => [a.appKey, a])),
    tokens: new TokenStore(clock, {
      lifetimeMs: opts.tokenLifetimeMs ?? 86_400_000,
      sameTokenWindowMs: opts.sameTokenWindowMs ?? 6 * 3_600_000,
      issueIntervalMs: 60_000,
    }),
    approvals: new ApprovalStore(clock),
    limiter: new SlidingWindowLimiter(1000, opts.rateLimitClock),
    limits: {
      realPerSecond: opts.rateLimitPerSecond ?? 20,
      paperPerSecond: opts.rateLimitPerSecond ?? 2,
      optionBoardPerSecond: opts.rateLimitPerSecond !== undefined ? Math.max(1, opts.rateLimitPerSecond) : 1,
    },
    faults,
    logger,
  };
  const host = opts.host ?? '127.0.0.1';
  const rest = createRestServer(deps, {
    ...STOCK_HANDLERS,
    ...FO_HANDLERS,
    ...BOARD_HANDLERS,
    ...CALENDAR_HANDLERS,
  });
  const ws = new SimWsServer(deps, { pingIntervalMs: opts.pingIntervalMs ?? 100_000, strictPingPeriods });
  const sent = opts.recordSent ? new SentLog() : undefined;
  const hub = new StreamHub(deps.market, clock, logger, {
    ...(sent ? { sentLog: sent } : {}),
    intervalMs: opts.streamIntervalMs ?? 100,
    maxRecordsPerFrame: opts.maxRecordsPerFrame ?? 30,
    nightHourEncoding: opts.nightHourEncoding ?? 'wall',
    calendar: deps.calendar,
  });
  ws.sink = hub;
  const notices = new NoticeEmitter(() => ws.sessions, deps.market, clock, opts.noticeEveryMs ?? 60_000);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      faults.close();
      notices.close();
      hub.close();
      await Promise.all([rest.close(), ws.close()]);
    })());

  try {
    const restPort = await new Promise<number>((resolve, reject) => {
      rest.server.once('error', (e) => reject(explainListenError(e, host, opts.port ?? 0, { what: 'simulator REST', fix: 'sim.port (KRTRADE_SIM__PORT) or pass --port' })));
      rest.server.listen(opts.port ?? 0, host, () => {
        const a = rest.server.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
    const wsPort = await ws.listen(opts.wsPort ?? 0, host).catch((e: unknown) => {
      throw explainListenError(e, host, opts.wsPort ?? 0, { what: 'simulator WebSocket', fix: 'sim.wsPort (KRTRADE_SIM__WS_PORT) or pass --ws-port' });
    });
    faults.attach({ dropAllConnections: () => ws.dropAll(), expireAllTokens: () => deps.tokens.expireAll(), toRealMs: (ms) => clock.toRealMs(ms) });
    const urlHost = host.includes(':') ? `[${host}]` : host;
    // debug: `krtrade sim` prints its own banner; a log line inside it would only repeat it as JSON.
    logger.debug({ restPort, wsPort, seed, mode }, 'sim: listening');
    return {
      restUrl: `http://${urlHost}:${restPort}`,
      wsUrl: `ws://${urlHost}:${wsPort}`,
      appKey: accounts[0]!.appKey,
      appSecret: accounts[0]!.appSecret,
      accounts,
      clock,
      market: deps.market,
      faults,
      ...(sent ? { sent } : {}),
      rateLimitRejections: (k) => deps.limiter.rejectionsOf(k),
      emitFill: (spec) => notices.emitFill(spec),
      pumpStream: () => hub.tick(),
      ping: () => ws.pingAll(),
      pingDrops: () => ws.pingDrops,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
