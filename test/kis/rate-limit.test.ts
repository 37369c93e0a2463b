/** The shared Redis rate limiter on the real local Redis: several independent limiters (as several processes would have). */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { KisRateLimiter, maxCallsIn, rateRules, ruleFor, type RateRules } from '../../src/kis/rate-limit.js';
import { AcceleratedClock, RealClock } from '../../src/time/clock.js';
import { deleteKeys, REDIS_URL, testPrefix } from '../helpers/redis.js';

const prefix = testPrefix('rl');
const conns: Redis[] = [];
const conn = (): Redis => {
  const r = new Redis(REDIS_URL);
  conns.push(r);
  return r;
};

afterAll(async () => {
  await deleteKeys(prefix);
  for (const r of conns) r.disconnect();
});

/** Largest number of timestamps inside any window of `windowMs`. */
function maxInWindow(ts: number[], windowMs: number): number {
  const s = [...ts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < s.length; j++) {
    while (s[j]! - s[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

describe('rate rules', () => {
  it('sustain limit × headroom and never allow more than the KIS limit in any second', () => {
    const settings = { realPerSecond: 20, paperPerSecond: 2, headroom: 0.9, optionBoardPerSecond: 1 };
    const real = rateRules('real', settings);
    const paper = rateRules('paper', settings);
    expect(1000 / real.appKey.intervalMs).toBeCloseTo(18, 6);
    expect(maxCallsIn(real.appKey, 1000)).toBe(20);
    expect(1000 / paper.appKey.intervalMs).toBeCloseTo(1.8, 6);
    expect(maxCallsIn(paper.appKey, 1000)).toBe(2);
    expect(maxCallsIn(real.endpoints.optionBoard!, 1000)).toBe(1);
    expect(ruleFor(20, 0.5)).toEqual({ intervalMs: 100, burst: 10 });
  });
});

describe('KisRateLimiter', () => {
  const rules: RateRules = { appKey: { intervalMs: 25, burst: 2 }, endpoints: { optionBoard: { intervalMs: 600, burst: 1 } } };

  it('never lets three limiters on one key exceed the limit in any window, and waits instead of failing', async () => {
    const key = `${prefix}:a`;
    const limiters = [0, 1, 2].map(() => new KisRateLimiter({ redis: conn(), keyPrefix: key, clock: new RealClock(), rules }));
    const stamps: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      limiters.flatMap((l) =>
        Array.from({ length: 20 }, async () => {
          await l.acquire('stockPrice');
          stamps.push(Date.now());
        }),
      ),
    );
    const elapsed = Date.now() - t0;
    expect(stamps).toHaveLength(60);
    // 15 ms of tolerance: the stamp is taken after the Redis round trip, the limiter runs on Redis's clock.
    expect(maxInWindow(stamps, 250 - 15)).toBeLessThanOrEqual(maxCallsIn(rules.appKey, 250));
    // 60 calls, 2 at once then one per 25 ms: 58 intervals; waiting, not failing. The upper bound leaves a
    // second for a loaded CI machine yet still catches a limiter that spaces calls twice as far (2,900 ms).
    expect(elapsed).toBeGreaterThanOrEqual(58 * 25 - 20);
    expect(elapsed).toBeLessThan(58 * 25 + 1_000);
  });

  it('applies per-endpoint limits on top of the app-key limit without holding app-key slots', async () => {
    const l = new KisRateLimiter({ redis: conn(), keyPrefix: `${prefix}:b`, clock: new RealClock(), rules });
    const boards: number[] = [];
    const quotes: number[] = [];
    const t0 = Date.now();
    await Promise.all([
      ...Array.from({ length: 3 }, async () => {
        await l.acquire('optionBoard');
        boards.push(Date.now() - t0);
      }),
      ...Array.from({ length: 5 }, async () => {
        await l.acquire('stockPrice');
        quotes.push(Date.now() - t0);
      }),
    ]);
    boards.sort((a, b) => a - b);
    expect(boards[1]! - boards[0]!).toBeGreaterThanOrEqual(600 - 15);
    expect(boards[2]! - boards[1]!).toBeGreaterThanOrEqual(600 - 15);
    // Quotes were not queued behind the slow board: all of them went out before the second board could.
    expect(Math.max(...quotes)).toBeLessThan(boards[1]!);
  });

  it('converts waits to clock time, so an accelerated clock still paces in real time', async () => {
    const clock = new AcceleratedClock(Date.now(), 50);
    const l = new KisRateLimiter({ redis: conn(), keyPrefix: `${prefix}:c`, clock, rules: { appKey: { intervalMs: 100, burst: 1 }, endpoints: {} } });
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) await l.acquire('stockPrice');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(5 * 100 - 20);
  });

  it('stops waiting when aborted', async () => {
    const l = new KisRateLimiter({ redis: conn(), keyPrefix: `${prefix}:d`, clock: new RealClock(), rules: { appKey: { intervalMs: 5_000, burst: 1 }, endpoints: {} } });
    await l.acquire('stockPrice');
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(new Error('stop')), 100);
    await expect(l.acquire('stockPrice', ac.signal)).rejects.toThrow('stop');
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe('KisRateLimiter batching', () => {
  it('grants waiting callers in few Redis round trips, but never more than the burst at once', async () => {
    const redis = conn();
    let roundTrips = 0;
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((cmd: { name: string }) => {
      if (cmd.name === 'evalsha' || cmd.name === 'eval') roundTrips++;
      return send(cmd as Parameters<typeof send>[0]);
    }) as typeof redis.sendCommand;
    const l = new KisRateLimiter({ redis, keyPrefix: `${prefix}:f`, clock: new RealClock(), rules: { appKey: { intervalMs: 400, burst: 5 }, endpoints: {} } });
    const t0 = Date.now();
    const done = await Promise.all(Array.from({ length: 8 }, async () => (await l.acquire('stockPrice'), Date.now() - t0)));
    done.sort((a, b) => a - b);
    // Five at once (the burst), then one per 400 ms: the 6th after ~400 ms, the 8th after ~1,200 ms.
    expect(done[4]!).toBeLessThan(300);
    expect(done[5]!).toBeGreaterThanOrEqual(400 - 15);
    expect(done[7]!).toBeGreaterThanOrEqual(1_200 - 15);
    // One round trip for the burst, then about one per later caller (plus a retry after each pause).
    expect(roundTrips).toBeLessThan(8 + 3 + 1);
    const before = roundTrips;
    const many = new KisRateLimiter({ redis, keyPrefix: `${prefix}:g`, clock: new RealClock(), rules: { appKey: { intervalMs: 1, burst: 1_000 }, endpoints: {} } });
    await Promise.all(Array.from({ length: 50 }, () => many.acquire('stockPrice')));
    expect(roundTrips - before).toBeLessThanOrEqual(3);
  });

  it('keeps serving the other callers when one waiting caller aborts', async () => {
    const l = new KisRateLimiter({ redis: conn(), keyPrefix: `${prefix}:h`, clock: new RealClock(), rules: { appKey: { intervalMs: 300, burst: 1 }, endpoints: {} } });
    await l.acquire('stockPrice');
    const ac = new AbortController();
    const aborted = l.acquire('stockPrice', ac.signal);
    const next = l.acquire('stockPrice');
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    const t0 = Date.now();
    await next;
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe('KisRateLimiter with non-integer spacing', () => {
  it('lets the first call of an idle key through at once (paper: one call per 555.6 ms)', async () => {
    const rule = rateRules('paper', { realPerSecond: 20, paperPerSecond: 2, headroom: 0.9, optionBoardPerSecond: 1 });
    const l = new KisRateLimiter({ redis: conn(), keyPrefix: `${prefix}:e`, clock: new RealClock(), rules: rule });
    const t0 = Date.now();
    await l.acquire('stockPrice');
    // Well under the 555.6 ms spacing (a Redis round trip on a loaded machine, not a wait).
    expect(Date.now() - t0).toBeLessThan(300);
    await l.acquire('stockPrice');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(rule.appKey.intervalMs - 15);
  });
});
