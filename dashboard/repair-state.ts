/**
 * The repair loop's last round as the scheduler left it in Redis (jobs/repair.ts): read by `/metrics` and
 * `/health`. Absent until the first round (and after a Redis wipe, until the next one): then undefined.
 */
import type { RedisClient } from '../src/redis/client.js';
import { pipelineKeys } from '../src/pipeline/ids.js';
import { parseKst, type KstTime } from '../src/time/kst.js';

export interface RepairState {
  /** When the round ran (KST wall-clock ISO, as stored). */
  at: string;
  upTo: string;
  missing: Record<string, number>;
  totalMissing: number;
  enqueued: string[];
  /** Board minutes missing per board (cannot be refetched; reported only). */
  boardsMissing?: Record<string, number>;
}

export async function readRepairState(redis: RedisClient, prefix: string): Promise<RepairState | undefined> {
  const raw = await redis.get(pipelineKeys(prefix).repairState);
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as Partial<RepairState>;
    if (typeof s.at !== 'string' || typeof s.totalMissing !== 'number' || typeof s.missing !== 'object' || !s.missing) return undefined;
    return { at: s.at, upTo: String(s.upTo ?? ''), missing: s.missing, totalMissing: s.totalMissing, enqueued: s.enqueued ?? [], ...(s.boardsMissing ? { boardsMissing: s.boardsMissing } : {}) };
  } catch {
    return undefined;
  }
}

/** `at` as epoch-ms-of-KST-wall-clock (the codebase's KstTime), or undefined when unreadable. */
export function repairRoundTime(s: RepairState): KstTime | undefined {
  try {
    return parseKst(s.at);
  } catch {
    return undefined;
  }
}
