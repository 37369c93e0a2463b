/**
 * Runs several strategies over one minute batch, each isolated: one that throws, returns garbage or takes
 * longer than its timeout yields a failed outcome for itself only; the others run and store as usual.
 * Signals are stored only after the strategy finished in time, so a late result never lands after its
 * batch was reported as timed out.
 *
 * A timeout abandons an asynchronous strategy; a synchronous busy loop cannot be pre-empted inside one
 * process (the job's own BullMQ lock and retries are the backstop there).
 */
import type pg from 'pg';
import type { Signal } from '../db/types.js';
import { errorMessage } from '../errors.js';
import type { KstTime } from '../time/kst.js';
import { StrategyError } from './api.js';
import type { ConfiguredStrategy } from './configured.js';
import { runStrategyBatch, type RunBatchOptions } from './runner.js';
import { storeSignals } from './store.js';

export class StrategyTimeoutError extends StrategyError {}

export interface StrategyOutcome {
  strategy: string;
  ok: boolean;
  signals: Signal[];
  /** One line: what went wrong (absent when ok). */
  error?: string;
  timedOut?: boolean;
}

export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StrategyTimeoutError(`${what} took longer than ${ms} ms; abandoned`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function runOneIsolated(
  pool: pg.Pool,
  c: ConfiguredStrategy,
  minute: KstTime,
  opts: RunBatchOptions = {},
): Promise<StrategyOutcome> {
  const name = c.strategy.name;
  try {
    // write:false, then store: the timeout decides before anything is written.
    const r = await withTimeout(
      // A synchronous throw inside the strategy becomes a rejection here.
      Promise.resolve().then(() => runStrategyBatch(pool, c.strategy, minute, { ...opts, write: false })),
      c.timeoutMs,
      `strategy ${name}`,
    );
    if (opts.write !== false) await storeSignals(pool, name, [minute], r.signals);
    return { strategy: name, ok: true, signals: r.signals };
  } catch (e) {
    // Storage trouble is the batch's problem, not the strategy's: fail the job so BullMQ retries it.
    if (isInfrastructureError(e)) throw e;
    const out: StrategyOutcome = { strategy: name, ok: false, signals: [], error: errorMessage(e).split('\n')[0]! };
    if (e instanceof StrategyTimeoutError) out.timedOut = true;
    return out;
  }
}

/** A PostgreSQL error (it carries a severity) or a socket error (ECONNREFUSED, ETIMEDOUT, …). */
function isInfrastructureError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, severity } = e as { code?: unknown; severity?: unknown };
  return typeof severity === 'string' || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
}

/** All strategies concurrently; rejects only on a storage/network error. */
export function runStrategiesIsolated(
  pool: pg.Pool,
  list: readonly ConfiguredStrategy[],
  minute: KstTime,
  opts: RunBatchOptions = {},
): Promise<StrategyOutcome[]> {
  return Promise.all(list.map((c) => runOneIsolated(pool, c, minute, opts)));
}
