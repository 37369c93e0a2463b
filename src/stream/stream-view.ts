/**
 * The realtime stream as seen per instrument for one trading date (the data-quality page): which app key
 * it is registered on and with which kinds, that key's holder and connection state (the workers' own
 * reports, which expire with them), the newest committed record (`stream_progress`) and the recorded gaps.
 * Read-only; every part degrades to "none" on its own (no worker, no Redis, no rows).
 */
import type { RedisClient } from '../redis/client.js';
import type pg from 'pg';
import { errorMessage } from '../errors.js';
import type { KstDate, KstTime } from '../time/kst.js';
import { gapsKey } from './gaps.js';
import type { Registration } from './registrations.js';
import { readWorkerStatuses, type WorkerStatus } from './status.js';
import type { StreamGap } from './types.js';

/** Redis hash (app key name → JSON `Registration[]`): the registrations the stream workers share. */
export const assignmentKey = (prefix: string): string => `${prefix}:stream:assignment`;

export interface InstrumentStream {
  /** App key (account name) the instrument is registered on, or null when the plan does not stream it. */
  account: string | null;
  kinds: string[];
  /** Worker holding that key now; null when no live worker reports it. */
  holder: string | null;
  /** WebSocket state of that key's session (`open` = connected), or `not held`. */
  state: string;
  /** Registrations of that key's session. */
  registrations: number;
  /** Exchange→commit lag (ms) of the holder's newest commit; null before one. */
  commitLagMs: number | null;
  /** Newest committed record of the instrument on this trading date (KST), and records committed. */
  lastTime: KstTime | null;
  records: number | null;
  gaps: StreamGap[];
}

export interface StreamView {
  /** Null when the Redis part could be read; else why not (one line). */
  redisProblem: string | null;
  workers: WorkerStatus[];
  /** Instruments with anything to show (registered, records stored or a gap). */
  instruments: Map<string, InstrumentStream>;
}

async function readProgress(pool: pg.Pool, date: KstDate): Promise<Map<string, { lastTime: KstTime; records: number }>> {
  const r = await pool.query<{ symbol: string; last_time: KstTime; records: string }>(
    'SELECT symbol, last_time, records FROM stream_progress WHERE trading_date = $1',
    [date],
  );
  return new Map(r.rows.map((x) => [x.symbol, { lastTime: x.last_time, records: Number(x.records) }]));
}

const REDIS_TIMEOUT_MS = 2_000;

export async function readStreamView(pool: pg.Pool, redis: RedisClient | undefined, prefix: string | undefined, date: KstDate): Promise<StreamView> {
  const progress = await readProgress(pool, date);
  let workers: WorkerStatus[] = [];
  let assignment: Record<string, string> = {};
  let gaps: StreamGap[] = [];
  let redisProblem: string | null = null;
  if (!redis || !prefix) redisProblem = 'this dashboard has no Redis prefix configured';
  else {
    try {
      const read = Promise.all([
        readWorkerStatuses(redis, prefix),
        redis.hgetall(assignmentKey(prefix)),
        redis.lrange(gapsKey(prefix, date), 0, -1).then((l) => l.map((x) => JSON.parse(x) as StreamGap)),
      ]);
      // A page must not hang on a Redis outage (ioredis queues commands while it reconnects).
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS)));
      read.catch(() => undefined);
      try {
        [workers, assignment, gaps] = await Promise.race([read, late]);
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      redisProblem = `Redis: ${errorMessage(e).split('\n')[0]}`;
    }
  }
  const instruments = new Map<string, InstrumentStream>();
  const entry = (code: string): InstrumentStream => {
    let e = instruments.get(code);
    if (!e) {
      const p = progress.get(code);
      e = { account: null, kinds: [], holder: null, state: 'not streamed', registrations: 0, commitLagMs: null, lastTime: p?.lastTime ?? null, records: p?.records ?? null, gaps: [] };
      instruments.set(code, e);
    }
    return e;
  };
  for (const [account, json] of Object.entries(assignment)) {
    const worker = workers.find((w) => w.keys.some((k) => k.account === account));
    const key = worker?.keys.find((k) => k.account === account);
    for (const reg of JSON.parse(json) as Registration[]) {
      const e = entry(reg.trKey);
      e.account = account;
      if (!e.kinds.includes(reg.kind)) e.kinds.push(reg.kind);
      Object.assign(e, { holder: worker?.holder ?? null, state: key?.state ?? 'not held', registrations: key?.registrations ?? 0, commitLagMs: worker?.lagMs ?? null });
    }
  }
  for (const code of progress.keys()) entry(code);
  for (const g of gaps) for (const code of g.codes) entry(code).gaps.push(g);
  return { redisProblem, workers, instruments };
}
