/**
 * Deterministic job ids and Redis key names. A job id names the work (`<kind>:<subject>:<minute>`), so
 * enqueuing the same work twice — a retried stage, a catch-up racing a scheduler firing, a backfill racing
 * live collection — is a no-op in BullMQ while the first job is still kept. Scheduler firings carry
 * BullMQ's own ids; their later stages take the id of the minute they stand for.
 * BullMQ accepts ':' in custom ids only when the id has exactly three parts.
 */
import { type KstTime, formatKst } from '../time/kst.js';

/** `YYYYMMDDHHMM`: a minute label without ':' (BullMQ id rule). */
export function minuteLabel(t: KstTime): string {
  return formatKst(t).slice(0, 16).replace(/[- :]/g, '');
}

function part(s: string): string {
  if (s.includes(':')) throw new Error(`job id part ${JSON.stringify(s)} must not contain ':'`);
  return s;
}

/** One BullMQ job scheduler per instrument and data kind; its jobs are BullMQ's `repeat:<scheduler id>:<fire ms>`. */
export const schedulerIds = {
  candles: (code: string) => `candles:${part(code)}`,
  board: (boardKey: string) => `board:${part(boardKey)}`,
};

export const jobIds = {
  /** A live candle minute (a scheduler firing's downstream stages, a catch-up or hand-added fetch). */
  fetchCandles: (code: string, minute: KstTime) => `candles:${part(code)}:${minuteLabel(minute)}`,
  fetchBoard: (boardKey: string, minute: KstTime) => `board:${part(boardKey)}:${minuteLabel(minute)}`,
  backfillCandles: (code: string, from: KstTime, to: KstTime) => `backfill-candles:${part(code)}:${minuteLabel(from)}-${minuteLabel(to)}`,
  /**
   * A repair page: unique per enqueue (`tag`), because a completed page kept 24 h under the plain id would turn
   * a repeat into a no-op while its rows are missing again (deleted, lost in an outage).
   */
  repairCandles: (code: string, from: KstTime, to: KstTime, tag: string) => `backfill-candles:${part(code)}:${minuteLabel(from)}-${minuteLabel(to)}-${part(tag)}`,
  /** A later stage of one unit of work (a live minute, a backfill page): the unit's id with a stage prefix. */
  stage: (stage: 'agg' | 'up', unitId: string) => {
    const [kind, subject, rest] = unitId.split(':');
    return `${stage}-${kind}:${subject}:${rest}`;
  },
  strategy: (minute: KstTime) => `strategy:batch:${minuteLabel(minute)}`,
  /** A late re-run of a batch for one instrument stored after it ran (a repeat is a no-op while kept; the claim in PostgreSQL decides anyway). */
  lateStrategy: (minute: KstTime, code: string) => `strategy-late:${minuteLabel(minute)}:${part(code)}`,
};

/** Our own Redis keys live under `<prefix>:pipe:` next to BullMQ's `<prefix>:<queue>:` keys. */
export function pipelineKeys(prefix: string) {
  const p = `${prefix}:pipe`;
  return {
    /** String: JSON of the collection plan (candle instruments and their sessions, strategy deadline) the scheduler published. */
    plan: `${p}:plan`,
    /** Set of `code`s expected in a minute batch, and of those stored. */
    batchExpected: (minute: KstTime) => `${p}:batch:${minuteLabel(minute)}:expected`,
    batchDone: (minute: KstTime) => `${p}:batch:${minuteLabel(minute)}:done`,
    /** Per date, hash minute label → how many times the strategy completed for that batch (must stay 1). */
    strategyRuns: (minute: KstTime) => `${p}:strategy-runs:${minuteLabel(minute).slice(0, 8)}`,
    /** Per date, hash minute label → when the batch's strategy run was recorded (the once-only marker). */
    strategyDone: (minute: KstTime) => `${p}:strategy-done:${minuteLabel(minute).slice(0, 8)}`,
    /** String: set while an operator paused the live queues by hand; the scheduler then leaves them alone. */
    manualPause: `${p}:manual-pause`,
    /** Hash queue → JSON {by, at}: who paused a queue and when (jobs/pause-intent.ts). */
    pauseIntent: `${p}:pause-intent`,
    /** String: JSON of the scheduler's current state (status command). */
    schedulerState: `${p}:scheduler-state`,
    /** String: clock spec (JSON) of the simulator embedded in `krtrade run`, for workers joining it; expires unless refreshed. */
    clock: `${p}:clock`,
    /** String: JSON of the repair loop's last round (missing minutes per instrument); rebuilt every round. */
    repairState: `${p}:repair-state`,
  };
}
export type PipelineKeys = ReturnType<typeof pipelineKeys>;
