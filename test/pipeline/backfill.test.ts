import { afterEach, describe, expect, it } from 'vitest';
import { type KstTime, formatKst, parseKst } from '../../src/time/kst.js';
import { runCli } from '../helpers/cli.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { type Env, startEnv } from './e2e-harness.js';

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

interface Result { minutes: number; pages: number; stored: number; failed: unknown[] }

describe('krtrade backfill', () => {
  it('stores every candle of a date range once, run twice; a bad symbol is one clear line', async () => {
    env = await startEnv({ start: '2026-11-24T11:00', speed: 1, scheduler: false });
    // A stock: two trading dates through the past-day and today's minute endpoints, paged at their row caps.
    const args = ['backfill', '--symbol', '005930', '--from', '2026-11-23', '--to', '2026-11-24', '--json'];
    const first = await runCli(args, { env: env.childEnv, timeoutMs: 90_000 });
    expect(first.stderr).toBe('');
    const r1 = JSON.parse(first.stdout) as Result;
    expect(r1.failed).toEqual([]);
    expect(r1.stored).toBe(r1.pages);
    expect(r1.pages).toBeGreaterThan(3);
    expect(r1.minutes).toBe(381 + 120);

    const from = parseKst('2026-11-23 09:00') as KstTime;
    const to = parseKst('2026-11-24 11:00') as KstTime;
    const simBars = env.sim.market.minuteBars('005930', from, to).filter((b) => defaultCalendar().isCandleMinute('stocks', b.time));
    const read = async () =>
      (await env!.rt.pool.query<{ t: KstTime; close: number; volume: number }>(
        `SELECT "timestamp" AS t, close, volume FROM candles_1m WHERE symbol = '005930' AND "timestamp" >= $1 AND "timestamp" < $2 ORDER BY 1`,
        [formatKst(from), formatKst(to)],
      )).rows;
    const stored = await read();
    expect(stored).toEqual(simBars.map((b) => ({ t: b.time, close: b.close, volume: b.volume })));

    const second = await runCli(args, { env: env.childEnv, timeoutMs: 60_000 });
    expect((JSON.parse(second.stdout) as Result).failed).toEqual([]);
    expect(await read()).toEqual(stored);

    const bad = await runCli(['backfill', '--symbol', 'XYZ', '--from', '2026-11-23', '--to', '2026-11-24'], { env: env.childEnv });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/XYZ/);
  }, 150_000);
});
