/** The one config schema. Every section has defaults, so an empty config runs against the simulator. */
import { z } from 'zod';
import { subscriptionsSchema } from '../pipeline/subscriptions.js';
import { repairConfigSchema } from '../repair/config.js';
import { retentionSchema } from '../archive/config.js';
import { strategiesSchema } from '../strategy/config.js';
import { alertsSchema } from '../alerts/config.js';
import { paperSchema } from '../paper/config.js';
import { RedisUrlError, clusterUrl, effectivePrefix, parseRedisUrl, safeRedisUrl } from '../redis/target.js';

const url = z.string().min(1);

export const kisAccountSchema = z.object({
  /** Label used in logs and CLI (`--account NAME`). */
  name: z.string().min(1).default('default'),
  env: z.enum(['real', 'paper']).default('real'),
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  /** 10-digit account number (8 + 2); only needed for account/order APIs and notices. */
  account: z.string().optional(),
  /** HTS ID: the tr_key of execution-notice TRs (case-sensitive). */
  htsId: z.string().optional(),
  /** Override the REST/WS base URLs (the simulator, or a proxy). */
  restUrl: url.optional(),
  wsUrl: url.optional(),
});
export type KisAccountConfig = z.infer<typeof kisAccountSchema>;

export const configSchema = z.object({
  kis: z
    .object({
      /** No accounts = the embedded simulator is used. */
      accounts: z.array(kisAccountSchema).default([]),
      custtype: z.enum(['P', 'B']).default('P'),
      rateLimit: z
        .object({
          realPerSecond: z.number().positive().default(20),
          paperPerSecond: z.number().positive().default(2),
          /** Fraction of the KIS limit we allow ourselves (leave room for clock skew between hosts). */
          headroom: z.number().gt(0).max(1).default(0.9),
          /** KIS asks for at most 1 call/s on the option board. */
          optionBoardPerSecond: z.number().positive().default(1),
        })
        .prefault({}),
      requestTimeoutMs: z.number().int().positive().default(10_000),
      /** Refresh the token this long before it expires. */
      tokenRefreshBeforeMs: z.number().int().positive().default(30 * 60_000),
      /** Least time between two token issuances per app key: KIS says 1/min (EGW00133); an old FAQ said 5 min. */
      tokenIssueIntervalMs: z.number().int().positive().default(60_000),
      /** EGW errors arrive with HTTP 500 on the real server; some paths use 200. Parsed from the body either way. */
      ws: z
        .object({
          maxSubscriptionsPerSession: z.number().int().positive().max(41).default(41),
          reconnectMinMs: z.number().int().positive().default(2_000),
          reconnectMaxMs: z.number().int().positive().default(90_000),
          /** Reconnect when no frame (data or PINGPONG) arrives for this long. */
          silenceTimeoutMs: z.number().int().positive().default(150_000),
          /** Pause between subscribe messages (KIS may block floods; official samples wait 100–500 ms). */
          subscribeIntervalMs: z.number().int().min(0).default(100),
          /** How PINGPONG is answered; undocumented by KIS (reference §9.11): text echo is the common form. */
          pingReply: z.enum(['echo', 'pong', 'both']).default('echo'),
        })
        .prefault({}),
    })
    .prefault({}),
  sim: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(9443),
      wsPort: z.number().int().min(0).max(65535).default(21000),
      seed: z.number().int().default(7),
      speed: z.number().positive().default(1),
      /** KST wall-clock start, e.g. `2026-11-24T08:40`; default: now. */
      start: z.string().optional(),
      mode: z.enum(['real', 'paper']).default('real'),
      faults: z.string().default(''),
    })
    .prefault({}),
  database: z.object({ url: url.default('postgres://postgres@127.0.0.1:5432/krtrade') }).prefault({}),
  redis: z
    .object({
      /** One server, or a Redis Cluster: `redis+cluster://host:port,host:port` (any of its nodes). */
      url: url.default('redis://127.0.0.1:6379'),
      /** Treat `url` as a Redis Cluster (same as the `redis+cluster://` scheme). */
      cluster: z.boolean().default(false),
      /** BullMQ queue prefix and the namespace of every key krtrade writes; hash-tagged on a cluster. */
      prefix: z.string().min(1).default('krtrade'),
    })
    .superRefine((r, ctx) => {
      try {
        parseRedisUrl(r.url, r.cluster);
      } catch (e) {
        if (!(e instanceof RedisUrlError)) throw e;
        ctx.addIssue({ code: 'custom', path: ['url'], message: `${e.message} (got ${JSON.stringify(safeRedisUrl(r.url))})` });
      }
    })
    // Effective values: cluster mode spelt in the URL (it travels to child processes alone) and the prefix
    // in a hash tag on a cluster, so every key krtrade writes lands in one slot.
    .transform((r) => {
      const cluster = parseRedisUrl(r.url, r.cluster).cluster;
      return { url: cluster ? clusterUrl(r.url) : r.url, cluster, prefix: effectivePrefix(r.prefix, cluster) };
    })
    .prefault({}),
  pipeline: z
    .object({
      /** Fire this long after a minute closes, so the bar is complete at KIS. */
      scheduleBufferMs: z.number().int().min(0).default(2_000),
      /** The strategy runs for a minute batch at the latest this long after the minute closed. */
      strategyDeadlineMs: z.number().int().positive().default(20_000),
      /**
       * ...but never sooner than this much REAL time after the minute's fetch fires: on an accelerated
       * (simulated) clock a few simulated seconds are milliseconds of real work, too short on a busy machine.
       */
      strategyDeadlineMinRealMs: z.number().int().min(0).default(3_000),
      optionMatrixStrikesPerSide: z.number().int().positive().default(10),
      /**
       * Where the strategy batch's bars come from: `rest` (the minute poll) or `ticks` (bars the stream
       * builds from trades, published as each minute closes; the REST bar stands in where there is none).
       */
      strategyInput: z.enum(['rest', 'ticks']).default('rest'),
      /** What to collect; see src/pipeline/subscriptions.ts (default: futures, options boards, two stocks). */
      subscriptions: subscriptionsSchema,
    })
    .prefault({}),
  dashboard: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(3000),
      username: z.string().optional(),
      password: z.string().optional(),
      /** A second, read-only login: every page, no action. */
      viewerUsername: z.string().optional(),
      viewerPassword: z.string().optional(),
      readOnly: z.boolean().default(false),
      /** Put /health and /metrics behind the login too (default: open for probes and Prometheus). */
      protectProbes: z.boolean().default(false),
    })
    .prefault({}),
  calendar: z
    .object({
      /** Extra closures / session changes announced after release (same columns as the shipped data). */
      overridesFile: z.string().optional(),
    })
    .prefault({}),
  retention: retentionSchema,
  /** Option analytics (docs/options.md): whose IV and greeks the matrices carry, and the model's inputs. */
  options: z
    .object({
      /** `own`: krtrade's Black-76 on the board's forward; `kis`: KIS's values as sent. Both are stored. */
      greeksSource: z.enum(['own', 'kis']).default('own'),
      /**
       * Risk-free rate for discounting, continuously compounded annual decimal: the CD91 rate, set by the
       * operator (KRX uses the previous day's fixing; it moves a few basis points a week). Day count: ACT/365
       * in minutes of KST wall-clock to the expiring series' close on its last trading day (15:20).
       */
      riskFreeRate: z.number().min(-0.05).max(0.3).default(0.03),
    })
    .prefault({}),
  /** Strategies that run live, in replay and in backtests: see src/strategy/config.ts. */
  strategies: strategiesSchema,
  /** Webhooks for signals and operational events: see src/alerts/config.ts. */
  alerts: alertsSchema,
  /** The local paper broker fed by live signals: see src/paper/config.ts. */
  paper: paperSchema,
  repair: repairConfigSchema,
  /** The realtime stream (src/stream, workers/stream.ts): which app key each stream worker holds, and what it registers. */
  stream: z
    .object({
      /** A dead stream worker's app keys are held again by another within this many ms (lease, heartbeat, poll). */
      takeoverMs: z.number().int().min(1_000).default(10_000),
      /** "Options near the money": strikes on each side of the at-the-money strike (KOSPI200 monthly, calls and puts). */
      optionStrikesPerSide: z.number().int().min(0).max(20).default(2),
      /** Registrations are re-planned this often (real ms): session changes, rollover, the at-the-money strike moving. */
      replanMs: z.number().int().min(1_000).default(15_000),
    })
    .prefault({}),
  log: z
    .object({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      /** Human-readable output; default: when stdout is a terminal. */
      pretty: z.boolean().optional(),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
