/**
 * PostgreSQL and Redis instances of a fault scenario's own, on their own ports, so stopping them never touches
 * the shared services other tests and helpers use. PostgreSQL is a throwaway Debian cluster
 * (`pg_createcluster`, trust auth, fsync off); Redis a `redis-server` child without persistence.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { freePort } from '../helpers/ports.js';

const run = promisify(execFile);
const PG_VERSION = '15';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface OwnPostgres {
  port: number;
  /** URL of a fresh database `krtrade` in the cluster. */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes the cluster. Idempotent. */
  drop(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const port = await freePort();
  const name = `krtchaos${randomBytes(3).toString('hex')}`;
  try {
    await run('pg_createcluster', [PG_VERSION, name, '-p', String(port), '--start', '-o', 'fsync=off', '--', '-A', 'trust']);
  } catch (e) {
    await run('pg_dropcluster', [PG_VERSION, name, '--stop']).catch(() => undefined);
    throw e;
  }
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const ready = async (): Promise<boolean> => {
    const c = new pg.Client({ connectionString: admin });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } finally {
      await c.end().catch(() => undefined);
    }
  };
  await until('the own PostgreSQL cluster', ready);
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query('CREATE DATABASE krtrade');
  await c.end();
  let dropped = false;
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/krtrade`,
    async stop() {
      await run('pg_ctlcluster', [PG_VERSION, name, 'stop', '-m', 'immediate']);
    },
    async start() {
      await run('pg_ctlcluster', [PG_VERSION, name, 'start']);
      await until('PostgreSQL back', ready);
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await run('pg_dropcluster', [PG_VERSION, name, '--stop']).catch(() => undefined);
    },
  };
}

export interface OwnRedis {
  port: number;
  url: string;
  /** kill -9: everything in it is lost (no persistence). */
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const ping = async (): Promise<boolean> => {
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } finally {
      r.disconnect();
    }
  };
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await until('the own redis-server', ping);
  };
  const kill = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, kill, start, close: kill };
}
