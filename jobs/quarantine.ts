/**
 * Quarantine of KIS answers that stayed broken through every attempt: the raw body (already scrubbed of this
 * account's secrets by the transport, and of anything secret-looking here) is kept in `rejected_rows` under
 * `table_name = 'kis_response'` for diagnosis. The job then fails; its minute is missing in PostgreSQL, so the
 * repair loop (calendar-expected minus stored) fetches it again later.
 */
import type { Job } from 'bullmq';
import { KisMalformedBodyError } from '../src/kis/errors.js';
import { scrubSecrets } from '../src/log.js';

export const QUARANTINE_TABLE = 'kis_response';

export interface QuarantineEntry {
  job: string;
  jobId: string;
  /** The job's payload without bulky data fields: which instrument, board and minute(s) it was for. */
  target: Record<string, unknown>;
  endpoint: string;
  status: number | undefined;
  attempts: number;
  body: string;
}

/** Where quarantined answers go (PostgreSQL in the pipeline; see workers/adapters/quarantine.ts). */
export interface Quarantine {
  record(entry: QuarantineEntry, reason: string): Promise<void>;
}

const BULKY = new Set(['bars', 'candles', 'board', 'matrices']);

/** True when `e` is a broken answer and this attempt was the job's last one. */
export function exhaustedOnBrokenBody(e: unknown, job: Job): e is KisMalformedBodyError {
  return e instanceof KisMalformedBodyError && job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

export function quarantineEntry(e: KisMalformedBodyError, job: Job): QuarantineEntry {
  const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as Record<string, unknown>;
  const target = Object.fromEntries(Object.entries(data).filter(([k]) => !BULKY.has(k)));
  return {
    job: job.name,
    jobId: job.id ?? '',
    target,
    endpoint: e.endpoint,
    status: e.status,
    attempts: job.attemptsMade + 1,
    // PostgreSQL JSONB refuses NUL characters; keep them visible instead.
    body: scrubSecrets(e.rawBody).split('\0').join('\\u0000'),
  };
}
