/** Builds pipeline services on the real local Redis for tests that exercise queues, pools and the scheduler. */
import { Redis } from 'ioredis';
import { createLogger } from '../../src/log.js';
import type { Clock } from '../../src/time/clock.js';
import { pipelineKeys } from '../../src/pipeline/ids.js';
import { PipelineStats } from '../../src/pipeline/stats.js';
import { createQueues } from '../../jobs/queues.js';
import type { PipelineServices } from '../../jobs/services.js';
import { REDIS_URL, deleteKeys } from '../helpers/redis.js';

/** A part a test does not exercise: any use is a test bug and fails loudly. */
function notUsed<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      throw new Error(`test bug: ${name}.${String(prop)} used but not provided`);
    },
  });
}

export interface QueueHarness {
  services: PipelineServices;
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

export function queueHarness(prefix: string, clock: Clock, parts: Partial<PipelineServices> = {}): QueueHarness {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const log = createLogger({ level: 'silent', stream: process.stderr });
  const queues = createQueues(redis, prefix, log);
  const services: PipelineServices = {
    clock, log, redis, queues,
    keys: pipelineKeys(prefix),
    stats: new PipelineStats(redis, prefix),
    market: notUsed('market'),
    aggregation: notUsed('aggregation'),
    storage: notUsed('storage'),
    strategy: notUsed('strategy'),
    ...parts,
  };
  return {
    services, redis, prefix,
    async close() {
      await queues.close();
      await redis.quit();
      await deleteKeys(prefix);
    },
  };
}
