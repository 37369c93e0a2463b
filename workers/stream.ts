/**
 * The stream worker in the pipeline: joins the deployment's stream workers in sharing the KIS app keys
 * (src/stream/worker.ts), stores every record through the recorder, and hands gaps to REST backfill
 * through the pipeline's recovery path (jobs/recovery.ts).
 */
import { recoverMinutes } from '../jobs/recovery.js';
import type { PipelineServices } from '../jobs/services.js';
import type { Backfill } from '../src/stream/gaps.js';

/** Missed minutes of a stream gap → live catch-up jobs (a few) or a paged backfill (more), at once. */
export const gapBackfill =
  (services: Pick<PipelineServices, 'clock' | 'queues' | 'log'>, account: string): Backfill =>
  (code, family, minutes) =>
    // recoverMinutes reads only the clock, the queues and the logger.
    recoverMinutes({ code, family, account }, minutes, services as PipelineServices, 'stream gap');
