import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { AcceleratedClock, CLOCK_ENV, clockFromEnv, clockFromSpec, RealClock, SteerableClock } from '../../src/time/clock.js';

describe('clock', () => {
  it('runs accelerated time at the given speed', async () => {
    const start = Date.parse('2026-11-24T00:00:00Z');
    const clock = new AcceleratedClock(start, 600);
    const t0 = clock.now();
    await clock.sleep(6_000); // 6 s simulated = 10 ms real
    const elapsed = clock.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(6_000);
    expect(elapsed).toBeLessThan(60_000);
  });

  it('a sleep never ends before the clock has advanced by its length, even where a timer fires a millisecond early', async () => {
    // 6,000×: one real millisecond of timer rounding would be 6 simulated seconds.
    const clock = new AcceleratedClock(Date.parse('2026-11-24T00:00:00Z'), 6_000);
    for (let i = 0; i < 200; i++) {
      const t0 = clock.now();
      await clock.sleep(12_000);
      expect(clock.now() - t0).toBeGreaterThanOrEqual(12_000);
    }
  });

  it('gives another process the same time through its spec', () => {
    const clock = new AcceleratedClock(Date.parse('2026-11-24T00:00:00Z'), 60, Date.now() - 1000);
    const child = clockFromEnv({ [CLOCK_ENV]: JSON.stringify(clock.spec()) });
    expect(Math.abs(child.now() - clock.now())).toBeLessThan(200);
    expect(child.speed).toBe(60);
  });

  it('rejects a malformed clock spec with a reason', () => {
    expect(() => clockFromEnv({ [CLOCK_ENV]: '{' })).toThrow(/not valid JSON/);
    expect(() => clockFromEnv({ [CLOCK_ENV]: JSON.stringify({ kind: 'accelerated', speed: -1 }) })).toThrow(
      /not a valid clock spec: speed: /,
    );
    // A user error: the CLI prints it as one line, without a stack.
    expect(() => clockFromEnv({ [CLOCK_ENV]: '{' })).toThrow(ConfigError);
  });

  it('aborts a sleep', async () => {
    const ac = new AbortController();
    const p = new RealClock().sleep(10_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(clockFromSpec({ kind: 'real' })).toBeInstanceOf(RealClock);
  });
});

describe('SteerableClock', () => {
  it('follows whichever accelerated clock it was last steered to', async () => {
    const t0 = Date.parse('2026-11-24T00:00:00Z');
    const clock = new SteerableClock(new AcceleratedClock(t0, 1e-6)); // parked: practically still
    await clock.sleep(0);
    expect(clock.now() - t0).toBeLessThan(5);
    expect(clock.speed).toBe(1e-6);
    const t1 = t0 + 3_600_000;
    clock.steer(new AcceleratedClock(t1, 600));
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBeGreaterThanOrEqual(t1 + 600 * 10);
    expect(clock.speed).toBe(600);
    expect(clock.toRealMs(60_000)).toBe(100);
    expect(clock.spec()).toEqual(clock.current.spec());
  });
});
