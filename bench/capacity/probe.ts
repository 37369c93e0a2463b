/**
 * What bench/capacity.ts measures besides latency: CPU seconds of this process, of a Redis server started
 * for the bench alone, and of the PostgreSQL backends serving the bench's database (read from /proc, so
 * other users of the shared PostgreSQL are not counted); and the backlog in the queues, sampled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type pg from 'pg';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../jobs/catalog.js';
import type { Runtime } from '../../workers/runtime.js';

const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
export function procCpuSeconds(pid: number): number {
  try {
    // Fields after the `(comm)`: state is 3rd, utime 14th, stime 15th of the whole line.
    const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  url: string;
  pid: number;
  close(): Promise<void>;
}

/** A redis-server of the bench's own (nothing on disk), so its CPU is the bench's alone. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const until = Date.now() + 10_000;
  for (;;) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      break;
    } catch {
      r.disconnect();
      if (Date.now() > until) throw new Error(`bench: redis-server on port ${port} did not start`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  return {
    url, pid: child.pid!,
    close: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** CPU seconds of every PostgreSQL backend now connected to `db` (they are the bench's pool). */
export async function pgBackendCpu(pool: pg.Pool, db: string): Promise<Map<number, number>> {
  const r = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db]);
  return new Map(r.rows.map((x) => [x.pid, procCpuSeconds(x.pid)]));
}

export interface Backlog {
  /** Most jobs waiting or active in the collection queues (fetch, aggregate, upsert) at any sample. */
  maxQueued: number;
  samples: number;
}

/** Samples the queues every `everyMs` until stopped. */
export function sampleBacklog(rt: Runtime, everyMs: number): { stop(): Promise<Backlog> } {
  const b: Backlog = { maxQueued: 0, samples: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const counts = await Promise.all(
        QUEUE_NAMES.filter((n) => n === 'fetch' || n === 'aggregate' || n === 'upsert').map((n) => rt.queues.queues[n].getJobCountByTypes('waiting', 'prioritized', 'active')),
      );
      const queued = counts.reduce((s, n) => s + n, 0);
      b.maxQueued = Math.max(b.maxQueued, queued);
      b.samples++;
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return b;
    },
  };
}
