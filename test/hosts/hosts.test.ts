/**
 * Worker processes on two "hosts" (network namespaces with their own hostname and a clock skewed by a few
 * hundred ms) plus a scheduler share one Redis (queues, tokens, rate limits, stream leases) and one
 * PostgreSQL. Every process of host A is killed with SIGKILL mid-session: host B's workers finish the
 * minutes (stalled jobs recovered by BullMQ), B's stream worker takes over A's app key, and every candle
 * minute is stored exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { currentHolder } from '../../src/stream/lease.js';
import { CLOCK_ENV } from '../../src/time/clock.js';
import { type KstTime, addMinutes, formatKstIso, parseKst, toKst } from '../../src/time/kst.js';
import { BIN } from '../helpers/cli.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { type SimHost, createHost, destroyHost, hostPids, killHost, namespacesAvailable, relay, spawnOnHost } from './netns.js';

const canRun = namespacesAvailable();
const tag = randomBytes(3).toString('hex');
const net = [200 + (parseInt(tag, 16) % 50), parseInt(tag.slice(0, 2), 16) & 0xfc] as const;
const hosts: SimHost[] = [];
const children: ChildProcess[] = [];
const logs: string[] = [];
const closers: (() => Promise<unknown> | unknown)[] = [];
let db: TestDb | undefined;
let sim: SimulatorHandle | undefined;

afterAll(async () => {
  // What the processes said, when the test failed (or HOSTS_LOG is set).
  if (process.env.HOSTS_LOG) process.stderr.write(logs.join(''));
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const h of hosts) destroyHost(h);
  for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
  await sim?.close();
  await db?.drop();
});

const keys = ['A', 'B'].map((n) => ({ name: `key${n}`, appKey: `PShosts${n}`.padEnd(36, n), appSecret: `secret${n}`.padEnd(180, n) }));
const STOCKS = ['005930', '000660'];
const SUBS = [
  { rule: 'front-future', family: 'kospi200', kinds: ['candles', 'ticks'] },
  { rule: 'front-future', family: 'mini' },
  { rule: 'stocks', codes: STOCKS, kinds: ['candles', 'ticks'] },
];
const SPEED = 10;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  const port = (s.address() as { port: number }).port;
  await new Promise((res) => s.close(res));
  return port;
}

async function ownRedis(binds: string[]): Promise<{ url: (host: string) => string; close(): void }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', ...binds, '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => logs.push(`redis: ${d.toString()}`));
  const ping = async (): Promise<string> => {
    const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return await r.ping();
    } catch {
      return 'down';
    } finally {
      r.disconnect();
    }
  };
  // Killed here if it never answers: the caller registers its close only on success.
  await expect.poll(ping, { timeout: 20_000, interval: 200 }).toBe('PONG').catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  return { url: (host) => `redis://${host}:${port}`, close: () => child.kill('SIGKILL') };
}

describe.skipIf(!canRun)('workers on several hosts', () => {
  it('kill -9 of every process of one host mid-session: 0 missing or duplicate candles, its stream lease moves to the other host', async () => {
    db = await createTestDb();
    const a = createHost(`${tag}a`, 'krt-host-a', [net[0], net[1]]);
    hosts.push(a);
    const b = createHost(`${tag}b`, 'krt-host-b', [net[0], net[1] + 1]);
    hosts.push(b);
    const redis = await ownRedis(['127.0.0.1', a.gateway, b.gateway]);
    closers.push(redis.close);
    sim = await startSimulator({ seed: 7, start: '2026-11-24T09:01', speed: SPEED, host: '0.0.0.0', port: 0, wsPort: 0, accounts: keys, rateLimitPerSecond: 200, streamIntervalMs: 100 });
    const restPort = new URL(sim.restUrl).port;
    const wsPort = new URL(sim.wsUrl).port;
    const pgPort = Number(new URL(db.url).port || 5432);
    const prefix = `krt-test-hosts-${tag}`;
    const dir = mkdtempSync(join(tmpdir(), 'krt-hosts-'));
    const configFor = async (addr: string): Promise<string> => {
      const dbUrl = new URL(db!.url);
      if (addr !== '127.0.0.1') {
        const r = await relay(addr, { host: dbUrl.hostname, port: pgPort });
        closers.push(() => new Promise((res) => r.server.close(res)));
        dbUrl.hostname = addr;
        dbUrl.port = String(r.port);
      }
      const file = join(dir, `config-${addr}.json`);
      writeFileSync(file, JSON.stringify({
        kis: { accounts: keys.map((k) => ({ ...k, restUrl: `http://${addr}:${restPort}`, wsUrl: `ws://${addr}:${wsPort}` })), rateLimit: { realPerSecond: 200, optionBoardPerSecond: 50 } },
        database: { url: dbUrl.toString() },
        redis: { url: redis.url(addr), prefix },
        pipeline: { subscriptions: SUBS, strategyDeadlineMs: 50_000, strategyDeadlineMinRealMs: 5_000 },
        stream: { takeoverMs: 3_000 },
        log: { level: process.env.HOSTS_LOG ? 'info' : 'warn' },
      }));
      return file;
    };
    // Each host's clock is the simulator's with its own skew (the real-time anchor moved by a few hundred ms).
    const clockWithSkew = (ms: number) => JSON.stringify({ ...sim!.clock.spec(), realAnchor: (sim!.clock.spec() as { realAnchor: number }).realAnchor + ms });
    const env = (config: string, skewMs: number): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', KRTRADE_CONFIG: config, [CLOCK_ENV]: clockWithSkew(skewMs) });
    const track = (c: ChildProcess, label: string) => {
      children.push(c);
      c.stderr?.on('data', (d: Buffer) => logs.push(`${label}: ${d.toString()}`));
      c.stdout?.on('data', (d: Buffer) => logs.push(`${label}: ${d.toString()}`));
      c.on('exit', (code, signal) => logs.push(`${label}: exited ${code ?? signal}\n`));
      return c;
    };
    const onHost = async (h: SimHost, skewMs: number) => {
      const config = await configFor(h.gateway);
      return ['fetch', 'aggregate', 'upsert', 'strategy', 'stream'].map((pool) => {
        const args = pool === 'stream' ? ['worker', 'stream'] : ['worker', pool, '--lock-ms', '3000'];
        return track(spawnOnHost(h, [process.execPath, BIN, ...args], env(config, skewMs)), `${h.hostname} ${pool}`);
      });
    };
    const workersOfA = await onHost(a, 300);
    await onHost(b, -250);
    track(spawn(process.execPath, [BIN, 'run', '--scheduler-only'], { env: env(await configFor('127.0.0.1'), 0), stdio: ['ignore', 'pipe', 'pipe'] }), 'scheduler');

    const r = new Redis(redis.url('127.0.0.1'), { maxRetriesPerRequest: 2 });
    closers.push(() => r.quit());
    const holders = () => Promise.all(keys.map(async (k) => (await currentHolder(r, prefix, k.appKey))?.holder ?? ''));
    const stored = async (from: KstTime, to: KstTime) =>
      (await db!.pool.query<{ symbol: string; n: number; d: number }>(
        `SELECT symbol, count(*)::int AS n, count(DISTINCT "timestamp")::int AS d FROM candles_1m WHERE "timestamp" >= $1 AND "timestamp" < $2 GROUP BY symbol`,
        [formatKstIso(from), formatKstIso(to)],
      )).rows;
    const first = parseKst('2026-11-24 09:00');
    // Both hosts at work: each stream worker holds one key, and candles are arriving.
    await expect.poll(async () => (await holders()).map((h) => h.split(':')[0]).sort().join(','), { timeout: 120_000, interval: 500 }).toBe('krt-host-a,krt-host-b');
    await expect.poll(async () => (await stored(first, addMinutes(first, 2))).length, { timeout: 60_000, interval: 500 }).toBe(4);
    const keyOfA = keys[(await holders()).findIndex((h) => h.startsWith('krt-host-a:'))]!;
    const killedAt = toKst(sim.clock.now());
    // The namespace can hold more than the five workers (their tsx esbuild helpers when sources were not
    // in tsx's cache): what counts is that each worker died of the SIGKILL and nothing of A is left.
    expect(killHost(a)).toBeGreaterThanOrEqual(workersOfA.length);
    await expect.poll(() => workersOfA.map((c) => c.signalCode), { timeout: 10_000, interval: 100 }).toEqual(workersOfA.map(() => 'SIGKILL'));
    await expect.poll(() => hostPids(a), { timeout: 10_000, interval: 100 }).toEqual([]);

    // A's key is taken over by host B's stream worker.
    await expect.poll(async () => (await currentHolder(r, prefix, keyOfA.appKey))?.holder.split(':')[0], { timeout: 30_000, interval: 300 }).toBe('krt-host-b');
    // Four more minutes after the kill, every instrument has every minute, once.
    const end = addMinutes(killedAt - (killedAt % 60_000) as KstTime, 4);
    const want = (end - first) / 60_000;
    await expect.poll(async () => (await stored(first, end)).map((x) => [x.n, x.d]), { timeout: 90_000, interval: 1_000 }).toEqual(Array(4).fill([want, want]));
    expect(logs.filter((l) => /FATAL|Error:/.test(l) && !l.includes('krt-host-a'))).toEqual([]);
  }, 240_000);
});
