/**
 * The `alert-delivery` job on its own BullMQ queue (`alerts`): one job per (webhook, event), payload = the
 * webhook's *name* and the event, so no URL or token is ever stored in Redis. Retries with exponential
 * backoff until the receiver recovers (`alerts.attempts`); a 4xx answer other than 408/429 fails at once.
 * A job id derived from (webhook, event key) makes a re-emitted event — a retried batch — a no-op.
 */
import { createHash } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisClient } from '../src/redis/client.js';
import { z } from 'zod';
import type { Logger } from '../src/log.js';
import { errorMessage } from '../src/errors.js';
import type { AlertsConfig, WebhookConfig } from '../src/alerts/config.js';
import { alertEventSchema, atLeast, type AlertEvent, type AlertEventInput } from '../src/alerts/event.js';
import type { AlertSink } from '../src/alerts/emit.js';
import { webhookBody } from '../src/alerts/format.js';
import { postWebhook, redactWebhook, webhookLabel } from '../src/alerts/send.js';

export const ALERT_QUEUE = 'alerts';
export const ALERT_JOB = 'alert-delivery';

export const alertJobSchema = z.strictObject({ webhook: z.string().min(1), event: alertEventSchema });
export type AlertJob = z.output<typeof alertJobSchema>;

const matches = (w: WebhookConfig, e: AlertEventInput): boolean =>
  atLeast(e.severity, w.minSeverity) && (w.events === undefined || w.events.includes(e.kind));

const jobIdOf = (webhook: string, key: string): string =>
  `${webhook}-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

/** The producer side: `emit` queues one delivery per matching webhook. */
export class AlertQueue implements AlertSink {
  private readonly queue: Queue;
  private closing?: Promise<void>;

  constructor(connection: RedisClient, prefix: string, private readonly config: AlertsConfig, log?: Logger) {
    this.queue = new Queue(ALERT_QUEUE, { connection, prefix });
    this.queue.on('error', (e: Error) => log?.warn({ queue: ALERT_QUEUE, err: errorMessage(e) }, 'queue error'));
  }

  async emit(input: AlertEventInput): Promise<number> {
    const event = alertEventSchema.parse(input);
    const targets = this.config.webhooks.filter((w) => matches(w, event));
    if (targets.length === 0) return 0;
    await this.queue.addBulk(
      targets.map((w) => ({
        name: ALERT_JOB,
        data: { webhook: w.name, event } satisfies z.input<typeof alertJobSchema>,
        opts: {
          jobId: jobIdOf(w.name, event.key),
          attempts: this.config.attempts,
          backoff: { type: 'exponential', delay: this.config.backoffMs, jitter: 0.2 },
          removeOnComplete: { age: 24 * 3600, count: 5_000 },
          removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
        },
      })),
    );
    return targets.length;
  }

  close(): Promise<void> {
    return (this.closing ??= this.queue.close());
  }
}

/** The consumer side: posts each job's event to its webhook (looked up by name in this process's config). */
export class AlertDeliveryWorker {
  private readonly worker: Worker;
  private closing?: Promise<void>;

  constructor(connection: RedisClient, prefix: string, config: AlertsConfig, private readonly log: Logger, opts: { concurrency?: number } = {}) {
    const byName = new Map(config.webhooks.map((w) => [w.name, w]));
    this.worker = new Worker(
      ALERT_QUEUE,
      async (job: Job) => {
        const parsed = alertJobSchema.safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`invalid ${ALERT_JOB} payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        const w = byName.get(parsed.data.webhook);
        if (!w) throw new UnrecoverableError(`webhook ${JSON.stringify(parsed.data.webhook)} is not in alerts.webhooks of this worker's config`);
        await postWebhook(w, webhookBody(w, parsed.data.event as AlertEvent), config.timeoutMs);
        return { delivered: webhookLabel(w) };
      },
      { connection, prefix, concurrency: opts.concurrency ?? 4 },
    );
    this.worker.on('failed', (job, e) => {
      const w = job ? byName.get((job.data as AlertJob).webhook) : undefined;
      const err = w ? redactWebhook(errorMessage(e), w) : errorMessage(e);
      const attempt = job?.attemptsMade ?? 0;
      const final = !job || attempt >= (job.opts.attempts ?? 1) || e instanceof UnrecoverableError;
      this.log[final ? 'error' : 'warn']({ webhook: w?.name, kind: (job?.data as AlertJob | undefined)?.event.kind, attempt, err }, final ? 'alert not delivered; given up' : 'alert delivery failed; will retry');
    });
    this.worker.on('error', (e) => this.log.warn({ queue: ALERT_QUEUE, err: errorMessage(e) }, 'alert worker error'));
  }

  /** Resolves when the worker is connected and taking jobs. */
  waitUntilReady(): Promise<void> {
    return this.worker.waitUntilReady().then(() => undefined);
  }

  close(): Promise<void> {
    return (this.closing ??= this.worker.close());
  }
}
