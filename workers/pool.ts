/**
 * A worker pool for one queue: validates each payload when dequeued, runs its catalog handler and maps
 * errors onto BullMQ outcomes (see jobs/errors.ts). Refuses to start when a job of its queue has no handler.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisClient } from '../src/redis/client.js';
import { type QueueName, isJobName, jobsOfQueue, parsePayload } from '../jobs/catalog.js';
import { classifyError, errorCode } from '../jobs/errors.js';
import type { DependencyPorts } from '../jobs/dependency.js';
import type { HandlerMap } from '../jobs/handlers/index.js';
import type { PipelineServices } from '../jobs/services.js';
import { KrtradeError, errorMessage } from '../src/errors.js';
import { once } from '../src/pipeline/lifecycle.js';
import { LogThrottle } from '../src/log-throttle.js';
import { exhaustedOnBrokenBody, quarantineEntry } from '../jobs/quarantine.js';
import { DependencyWait, sleep } from './dependency-wait.js';

export class MissingHandlerError extends KrtradeError {
  constructor(queue: string, jobs: string[]) {
    super(`cannot start the ${queue} worker: no handler for job(s) ${jobs.join(', ')}; add them to jobs/handlers/index.ts`);
  }
}

export interface PoolOptions {
  queue: QueueName;
  concurrency: number;
  connection: RedisClient;
  prefix: string;
  services: PipelineServices;
  handlers: Partial<HandlerMap>;
  /** Lock held by an active job; a killed worker's jobs are recovered as stalled after about this long. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Ports of PostgreSQL and Redis, to name which one a refused socket belongs to in logs. */
  dependencyPorts?: DependencyPorts;
}

export interface WorkerPool {
  readonly queue: QueueName;
  readonly worker: Worker;
  /** Stops taking jobs, lets active ones finish (or hand back at the process deadline), closes. Idempotent. */
  close(): Promise<void>;
}

export function createWorkerPool(opts: PoolOptions): WorkerPool {
  const names = jobsOfQueue(opts.queue);
  const missing = names.filter((n) => typeof opts.handlers[n] !== 'function');
  if (missing.length) throw new MissingHandlerError(opts.queue, missing);
  const s = opts.services;
  const log = s.log.child({ queue: opts.queue });
  // An outage fails every job and makes BullMQ report every blocked call: one line per kind per 10 s.
  const quiet = new LogThrottle(log);
  const waits = new DependencyWait();

  const processor = async (job: Job, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    const name = job.name;
    if (!isJobName(name) || !names.includes(name)) throw new UnrecoverableError(`job ${name} does not belong to queue ${opts.queue}`);
    let payload: unknown;
    try {
      payload = parsePayload(name, job.data);
    } catch (e) {
      throw new UnrecoverableError(errorMessage(e));
    }
    const handler = opts.handlers[name] as (p: unknown, c: { job: Job; signal?: AbortSignal; services: PipelineServices }) => Promise<unknown>;
    try {
      return await handler(payload, signal ? { job, signal, services: s } : { job, services: s });
    } catch (e) {
      const outcome = classifyError(e, opts.dependencyPorts);
      if (outcome.kind === 'dependency-down') {
        // The service is down, not the job: wait for it without spending an attempt (BullMQ's rate-limit path).
        const waitMs = waits.failed(outcome.dependency);
        quiet.warn(`down:${outcome.dependency}`, { dependency: outcome.dependency, job: name, err: outcome.reason, waitMs },
          `${outcome.dependency} is unreachable; the ${opts.queue} worker waits for it (the job keeps its attempts)`);
        await s.stats.inc('dependency_waits', [outcome.dependency]).catch(() => undefined);
        if (outcome.dependency === 'redis') await sleep(waitMs, signal);
        else await s.queues.queues[opts.queue].rateLimit(waitMs);
        throw Worker.RateLimitError();
      }
      if (name.startsWith('fetch') || name.startsWith('backfill')) await s.stats.inc('kis_errors', [errorCode(e)]);
      if (outcome.kind === 'retry' && exhaustedOnBrokenBody(e, job)) {
        const entry = quarantineEntry(e, job);
        try {
          await s.quarantine?.record(entry, e.message);
        } catch (qe) {
          quiet.warn('quarantine', { err: errorMessage(qe) }, 'could not quarantine a broken KIS body');
        }
        await s.stats.inc('quarantined', [name]);
        log.warn({ jobId: job.id, job: name, endpoint: entry.endpoint, attempts: entry.attempts }, 'KIS body still broken after the last attempt: quarantined (rejected_rows); the repair loop refetches the minute');
        throw new UnrecoverableError(`${e.message}; quarantined after ${entry.attempts} attempts`);
      }
      if (outcome.kind === 'rate-limit') {
        // The queue waits; the job goes back to waiting without using an attempt.
        await s.stats.inc('rate_limit_waits', [outcome.code]);
        await s.queues.queues[opts.queue].rateLimit(Math.max(1, Math.ceil(s.clock.toRealMs(outcome.waitMs))));
        throw Worker.RateLimitError();
      }
      if (outcome.kind === 'unrecoverable') throw new UnrecoverableError(outcome.reason);
      throw e;
    }
  };

  const lockDuration = opts.lockDurationMs ?? 15_000;
  const worker = new Worker(opts.queue, processor, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    lockDuration,
    stalledInterval: opts.stalledIntervalMs ?? Math.max(1_000, Math.floor(lockDuration / 2)),
    maxStalledCount: 3,
    // The worker that takes a scheduler's job adds its next firing (BullMQ), so it needs krtrade's repeat strategy.
    settings: { repeatStrategy: s.fireTimes.repeatStrategy },
  });
  worker.on('error', (e: Error) => quiet.error('worker', { err: errorMessage(e) }, 'worker error'));
  worker.on('completed', (job: Job) => {
    waits.succeeded();
    void s.stats.inc('jobs_completed', [opts.queue, job.name]);
  });
  worker.on('failed', (job: Job | undefined, e: Error) => {
    void s.stats.inc('jobs_failed', [opts.queue, job?.name ?? 'unknown']);
    quiet.warn(`failed:${job?.name ?? 'unknown'}`, { jobId: job?.id, job: job?.name, attempt: job?.attemptsMade, err: e.message }, 'job attempt failed');
  });
  worker.on('stalled', (jobId: string) => log.warn({ jobId }, 'stalled job recovered (its worker died or hung)'));

  return {
    queue: opts.queue,
    worker,
    close: once(async () => {
      await worker.close();
    }),
  };
}
