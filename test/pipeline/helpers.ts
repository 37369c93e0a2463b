/** Builds pipeline services on the real local Redis for tests that exercise queues, pools and the scheduler. */
import { Redis } from 'ioredis';
import { createLogger } from '../../src/log.js';
import type { Clock } from '../../src/time/clock.js';
import { pipelineKeys } from '../../src/pipeline/ids.js';
import { PipelineStats } from '../../src/pipeline/stats.js';
import { createQueues } from '../../jobs/queues.js';
import { MinuteBatches } from '../../jobs/barrier.js';
import { FireTimes } from '../../src/pipeline/fire-times.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
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
  const fireTimes = new FireTimes(clock, defaultCalendar());
  const queues = createQueues(redis, prefix, { log, repeatStrategy: fireTimes.repeatStrategy });
  const keys = pipelineKeys(prefix);
  const services: PipelineServices = {
    clock, log, redis, queues, keys, fireTimes,
    batches: new MinuteBatches({ redis, keys, queues, clock, index: fireTimes.index }),
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
