import { afterEach, describe, expect, it } from 'vitest';
import { type KstDate, type KstTime, formatKst, parseKst } from '../../src/time/kst.js';
import { runCli } from '../helpers/cli.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { type Env, startEnv } from './e2e-harness.js';

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** `expected` / `stored`: closed candle minutes of the range, and how many of them PostgreSQL has. */
interface Result { expected: number; stored: number; fetched: number; failed: unknown[] }

describe('krtrade backfill', () => {
  it('stores every candle of a date range once, run twice; a bad symbol is one clear line', async () => {
    env = await startEnv({ start: '2026-11-24T11:00', speed: 1, scheduler: false });
    // A stock: two trading dates through the past-day and today's minute endpoints, paged at their row caps.
    const args = ['backfill', '--symbol', '005930', '--from', '2026-11-23', '--to', '2026-11-24', '--json'];
    const first = await runCli(args, { env: env.childEnv, timeoutMs: 90_000 });
    expect(first.stderr).toBe('');
    const r1 = JSON.parse(first.stdout) as Result;
    expect(r1.failed).toEqual([]);
    expect(r1.expected).toBe(381 + 120);
    expect(r1.stored).toBe(r1.expected);
    expect(first.code).toBe(0);

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
    // Nothing stored is fetched again: only minutes that closed since the first run (real-speed clock).
    const r2 = JSON.parse(second.stdout) as Result;
    expect(r2).toMatchObject({ failed: [], stored: r2.expected });
    expect(r2.fetched).toBe(r2.expected - r1.expected);
    expect(await read()).toEqual(stored);

    // Rows lost after a completed run: a repeat fetches exactly those (completed job ids do not make it a no-op).
    const del = await env.rt.pool.query(`DELETE FROM candles_1m WHERE symbol = '005930' AND "timestamp" >= $1 AND "timestamp" < $2`, [formatKst(parseKst('2026-11-24 09:30')), formatKst(parseKst('2026-11-24 10:30'))]);
    expect(del.rowCount).toBe(60);
    const third = await runCli(args.slice(0, -1), { env: env.childEnv, timeoutMs: 60_000 });
    // (The clock runs at real speed: by now a minute or two more of 11-24 may have closed.)
    expect(third.stdout.trim()).toMatch(/^005930 2026-11-23T09:00:00 … 2026-11-24T\d\d:\d\d:00: (\d+)\/\1 minutes stored$/);
    expect(third.code).toBe(0);
    expect(await read()).toEqual(stored);

    const bad = await runCli(['backfill', '--symbol', 'XYZ', '--from', '2026-11-23', '--to', '2026-11-24'], { env: env.childEnv });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/XYZ/);
  }, 150_000);

  it('a futures backfill across a night session stores every night minute through the 06:00 closing candle, dated to the next trading day', async () => {
    env = await startEnv({ start: '2026-11-25T09:30', speed: 1, scheduler: false });
    // Trading date 2026-11-25 = the night session from 11-24 18:00 to 11-25 06:00, then its day session so far.
    const r = await runCli(['backfill', '--symbol', 'A01612', '--from', '2026-11-25', '--to', '2026-11-25', '--json'], { env: env.childEnv, timeoutMs: 90_000 });
    expect(r.stderr).toBe('');
    const res = JSON.parse(r.stdout) as Result;
    expect(res.failed).toEqual([]);
    const cal = defaultCalendar();
    const expected = [...cal.candleMinutes('night', '2026-11-25' as KstDate), ...cal.candleMinutes('derivatives', '2026-11-25' as KstDate)].filter((m) => m <= parseKst('2026-11-25 09:29'));
    expect(res.expected).toBe(expected.length);
    expect(res.stored).toBe(expected.length);
    const stored = (await env.rt.pool.query<{ t: KstTime; close: number; d: string }>(
      `SELECT "timestamp" AS t, close, trading_date::text AS d FROM candles_1m WHERE symbol = 'A01612' ORDER BY 1`,
    )).rows;
    expect(stored.map((x) => x.t)).toEqual(expected);
    expect(new Set(stored.map((x) => x.d))).toEqual(new Set(['2026-11-25']));
    const close = stored.find((x) => x.t === parseKst('2026-11-25 06:00'));
    expect(close?.close).toBe(env.sim.market.minuteBars('A01612', parseKst('2026-11-25 06:00') as KstTime, parseKst('2026-11-25 06:01') as KstTime)[0]!.close);
  }, 150_000);
});
