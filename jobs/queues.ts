/** The BullMQ queues of the catalog, and the one way to add a job (payload checked before it is stored). */
import { Queue, type Job, type JobsOptions, type RepeatStrategy } from 'bullmq';
import type { RedisClient } from '../src/redis/client.js';
import type { Logger } from '../src/log.js';
import { errorMessage } from '../src/errors.js';
import { withReadableTimes } from './readable-times.js';
import { type JobName, type PayloadInput, type QueueName, QUEUE_NAMES, catalog, parsePayload } from './catalog.js';

export type Queues = Record<QueueName, Queue>;

export interface QueueSet {
  queues: Queues;
  /** Adds a catalog job; the payload is validated first, defaults come from the catalog. */
  add<N extends JobName>(name: N, payload: PayloadInput<N>, opts: JobsOptions & { jobId: string }): Promise<Job>;
  /** Adds many jobs of one catalog job name in one Redis round trip (a minute batch of 2,000 instruments). */
  addBulk<N extends JobName>(name: N, jobs: { payload: PayloadInput<N>; opts: JobsOptions & { jobId: string } }[]): Promise<Job[]>;
  close(): Promise<void>;
}

export interface QueueSetOptions {
  log?: Logger;
  /** FireTimes.repeatStrategy: needed wherever job schedulers are upserted (the scheduler, bull-board edits). */
  repeatStrategy?: RepeatStrategy;
}

export function createQueues(connection: RedisClient, prefix: string, o: QueueSetOptions = {}): QueueSet {
  const { log } = o;
  const queues = {} as Queues;
  for (const name of QUEUE_NAMES) {
    const q = new Queue(name, { connection, prefix, ...(o.repeatStrategy ? { settings: { repeatStrategy: o.repeatStrategy } } : {}) });
    q.on('error', (e: Error) => log?.warn({ queue: name, err: errorMessage(e) }, 'queue error'));
    queues[name] = q;
  }
  let closing: Promise<void> | undefined;
  return {
    queues,
    async add(name, payload, opts) {
      const data = withReadableTimes(payload);
      parsePayload(name, data);
      const def = catalog[name];
      return queues[def.queue].add(name, data, { ...def.options, ...opts });
    },
    async addBulk(name, jobs) {
      if (jobs.length === 0) return [];
      const data = jobs.map((j) => withReadableTimes(j.payload));
      for (const d of data) parsePayload(name, d);
      const def = catalog[name];
      return queues[def.queue].addBulk(jobs.map((j, i) => ({ name, data: data[i], opts: { ...def.options, ...j.opts } })));
    },
    close() {
      return (closing ??= Promise.all(Object.values(queues).map((q) => q.close())).then(() => undefined));
    },
  };
}
