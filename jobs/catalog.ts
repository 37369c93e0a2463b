/**
 * The job catalog: the one place that defines every job's name, payload schema, queue and default
 * options. Producers (scheduler, backfill CLI, handlers enqueuing the next stage) and workers both go
 * through it, so a payload is checked when it is added and again when it is dequeued.
 *
 * Stages: fetch (KIS REST) → aggregate (normalise, option matrices) → upsert (Postgres) → strategy.
 * Data moves between stages inside the next job's payload (bounded: one KIS page of bars, one board).
 */
import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import {
  accountNameSchema, boardKeySchema, boardSchema, candleSchema, codeSchema, familySchema, kstDateSchema, kstTimeSchema, matrixRowSchema, seriesSchema,
} from './payloads.js';
import { boardAnalyticsSchema } from './payloads-options.js';

export const QUEUE_NAMES = ['fetch', 'backfill', 'aggregate', 'upsert', 'strategy'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
/** Queues the scheduler pauses outside market hours; backfill and the downstream stages keep running. */
export const LIVE_QUEUES: readonly QueueName[] = ['fetch', 'strategy'];

const KEEP_COMPLETE = { age: 24 * 3600, count: 5_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 5_000 };
/** Payloads above this are refused when added (BullMQ `sizeLimit`): data between stages must stay small. */
export const PAYLOAD_SIZE_LIMIT = 512 * 1024;

const base: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.2 },
  removeOnComplete: KEEP_COMPLETE,
  removeOnFail: KEEP_FAILED,
  sizeLimit: PAYLOAD_SIZE_LIMIT,
};

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  queue: QueueName;
  schema: S;
  options: JobsOptions;
  description: string;
}

const define = <S extends z.ZodType>(d: JobDefinition<S>): JobDefinition<S> => d;

/**
 * The payload's times as a person reads them in bull-board (`2026-12-07 09:20 KST`): the numbers are
 * KST wall-clock milliseconds, which read as an instant would be 9 hours off. Filled by the queue set when
 * a job is added (`readableTimes`); never read by a handler.
 */
const readable = { kst: z.string().max(120).optional() };
const range = { from: kstTimeSchema, to: kstTimeSchema };
const candleTarget = { code: codeSchema, family: familySchema, account: accountNameSchema };
/** A live minute batch this work belongs to (the strategy barrier); absent for backfill. */
const batch = { batch: kstTimeSchema.optional() };
/**
 * The candle minute a live fetch is for. Absent in job-scheduler templates: a firing stands for the minute
 * whose close + buffer it was scheduled at (a job added by hand without it takes the newest closed minute).
 */
const liveMinute = { minute: kstTimeSchema.optional(), ...readable };
const boardTarget = { boardKey: boardKeySchema, underlying: z.string().min(1), series: seriesSchema, expiry: kstDateSchema, account: accountNameSchema };

const checkRange = <T extends { from: number; to: number }>(s: z.ZodType<T>) =>
  s.refine((p) => p.to > p.from, { message: '`to` must be after `from`', path: ['to'] });

export const catalog = {
  'fetch-candles': define({
    queue: 'fetch',
    schema: z.strictObject({ ...candleTarget, ...liveMinute }),
    options: { ...base, priority: 1 },
    description: 'the completed bar of one live minute of one instrument from KIS REST (fired by its job scheduler)',
  }),
  'fetch-board': define({
    queue: 'fetch',
    schema: z.strictObject({ ...boardTarget, ...liveMinute }),
    options: { ...base, priority: 2 },
    description: 'one option board (calls + puts with greeks) from KIS REST (fired by its job scheduler)',
  }),
  'backfill-candles': define({
    queue: 'backfill',
    schema: checkRange(z.strictObject({ ...candleTarget, ...range, ...readable })),
    options: { ...base, attempts: 8 },
    description: 'one page (≤ the KIS row cap) of past minute bars; the CLI and the scheduler split ranges into pages',
  }),
  'aggregate-candles': define({
    queue: 'aggregate',
    schema: checkRange(z.strictObject({ ...candleTarget, ...range, ...batch, ...readable, bars: z.array(candleSchema).max(500) })),
    options: base,
    description: 'validate and normalise fetched bars (drop the forming bar, one bar per minute)',
  }),
  'aggregate-board': define({
    queue: 'aggregate',
    schema: z.strictObject({ boardKey: boardKeySchema, board: boardSchema, ...readable }),
    options: base,
    description: 'option board → option_chain_raw rows and ATM-relative matrices per metric',
  }),
  'upsert-candles': define({
    queue: 'upsert',
    schema: checkRange(z.strictObject({ ...candleTarget, ...range, ...batch, ...readable, candles: z.array(candleSchema).max(500) })),
    options: base,
    description: 'idempotent write of minute candles; completes the instrument in its minute batch',
  }),
  'upsert-board': define({
    queue: 'upsert',
    schema: z.strictObject({ boardKey: boardKeySchema, board: boardSchema, matrices: z.array(matrixRowSchema).max(64), ...readable, analytics: boardAnalyticsSchema.optional() }),
    options: base,
    description: 'idempotent write of the raw chain and its matrices for one minute',
  }),
  'run-strategy': define({
    queue: 'strategy',
    schema: z.strictObject({ minute: kstTimeSchema, ...readable }),
    options: { ...base, attempts: 3 },
    description: 'run the strategies once for a minute batch (when every candle is stored, or at the deadline)',
  }),
  'run-strategy-late': define({
    queue: 'strategy',
    schema: z.strictObject({ minute: kstTimeSchema, codes: z.array(codeSchema).min(1).max(500), ...readable }),
    // Waits for the batch's on-time run when it is still recording (see src/strategy/late-batches.ts).
    options: { ...base, attempts: 8 },
    description: 're-run the strategies for a minute batch that ran without these instruments, now stored (signals it adds or changes are flagged late)',
  }),
} as const;

export type Catalog = typeof catalog;
export type JobName = keyof Catalog;
/** What a handler receives (after parsing: branded times). */
export type Payload<N extends JobName> = z.output<Catalog[N]['schema']>;
/** What a producer passes (plain numbers for times). */
export type PayloadInput<N extends JobName> = z.input<Catalog[N]['schema']>;

export const JOB_NAMES = Object.keys(catalog) as JobName[];
export const jobsOfQueue = (queue: QueueName): JobName[] => JOB_NAMES.filter((n) => catalog[n].queue === queue);

export class PayloadError extends Error {
  constructor(
    readonly jobName: string,
    readonly issues: string[],
  ) {
    super(`invalid ${jobName} payload: ${issues.join('; ')}`);
    this.name = 'PayloadError';
  }
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(catalog, name);
}

/** Parses a payload against its schema; throws PayloadError naming every bad field. */
export function parsePayload<N extends JobName>(name: N, data: unknown): Payload<N> {
  const r = catalog[name].schema.safeParse(data);
  if (!r.success) throw new PayloadError(name, r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  return r.data as Payload<N>;
}
