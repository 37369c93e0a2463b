/**
 * Ticks coverage in `krtrade verify`: per closed minute of an instrument subscribed with `ticks`, recorded by
 * the stream (a whole-minute tick bar), backfilled by REST (its bar stored), or missing; `--repair` fetches
 * the REST bars of the missing minutes (a stream gap's minutes) through real fetch workers and the simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { addMinutes, formatKst, parseKst, parseKstDate, type KstTime } from '../../src/time/kst.js';
import { verifyTicks } from '../../src/verify/ticks.js';
import { createStorage } from '../../workers/adapters/storage.js';
import { CLOCK_ENV } from '../../src/time/clock.js';
import { startChaosEnv } from '../chaos/harness.js';
import { runCli } from '../helpers/cli.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import type pg from 'pg';

const cal = defaultCalendar();
const DATE = '2026-11-24';
const CODE = '005930';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
}, 60_000);

/** Tick bars as the stream worker stores them (only minutes it saw whole). */
async function storeTickBars(pool: pg.Pool, minutes: readonly KstTime[]): Promise<void> {
  for (const m of minutes) {
    await pool.query(
      `INSERT INTO tick_bars_1m (symbol, "timestamp", trading_date, open, high, low, close, volume, trades) VALUES ($1, $2, $3, 100, 101, 99, 100, 5, 2)`,
      [CODE, formatKst(m), DATE],
    );
  }
}

const minutesFrom = (from: string, n: number): KstTime[] => Array.from({ length: n }, (_, i) => addMinutes(parseKst(from), i));
const iso = (m: KstTime) => formatKst(m).replace(' ', 'T').slice(0, 19);

describe('verify: ticks coverage', () => {
  it('a minute is recorded (tick bar), backfilled (REST bar, no tick bar) or missing (neither); only closed minutes count', async () => {
    const db: TestDb = await createTestDb();
    closers.push(() => db.drop());
    await storeTickBars(db.pool, minutesFrom(`${DATE} 09:00`, 10).filter((_, i) => i !== 3 && i !== 4));
    // 09:03 repaired by REST; 09:04 (a gap minute) not.
    await createStorage(db.pool, cal, 5).writeCandles('stock', [{ code: CODE, time: parseKst(`${DATE} 09:03`), open: 100, high: 101, low: 99, close: 100, volume: 7 }]);
    const [t] = await verifyTicks(db.pool, { date: parseKstDate(DATE), calendar: cal, instruments: [CODE], upTo: parseKst(`${DATE} 09:10`) });
    expect(t).toMatchObject({ instrument: CODE, expected: 10, recorded: 8, backfilled: 1 });
    expect(t!.missingMinutes.map(iso)).toEqual([`${DATE}T09:04:00`]);
    expect(t!.backfilledMinutes.map(iso)).toEqual([`${DATE}T09:03:00`]);
  });

  it('`verify --repair` fetches the REST bars of the minutes the stream missed, then reports them backfilled (exit 0)', { timeout: 180_000 }, async () => {
    const db: TestDb = await createTestDb({ migrate: false });
    closers.push(() => db.drop());
    // The day after, at real speed: the whole of DATE is history the simulator serves.
    const env = await startChaosEnv({ start: '2026-11-25T10:00:00', speed: 1, databaseUrl: db.url, pools: ['fetch', 'aggregate', 'upsert'], subscriptions: [{ rule: 'stocks', codes: [CODE] }] });
    closers.push(() => env.close());
    const day = cal.candleMinutes('stocks', parseKstDate(DATE)) as KstTime[];
    const gap = minutesFrom(`${DATE} 10:30`, 5);
    const gapSet = new Set<number>(gap);
    // A ticks-only subscription: the stream recorded the whole day but a gap, whose REST backfill never landed.
    // No REST bars at all, so only the ticks check finds (and repairs) the gap.
    await storeTickBars(env.rt.pool, day.filter((m) => !gapSet.has(m)));

    const dir = mkdtempSync(join(tmpdir(), 'krtrade-verify-ticks-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const c = env.config;
    const configFile = join(dir, 'krtrade.config.json');
    writeFileSync(configFile, JSON.stringify({
      kis: { accounts: c.kis.accounts },
      database: { url: c.database.url },
      redis: { url: c.redis.url, prefix: c.redis.prefix },
      pipeline: { subscriptions: [{ rule: 'stocks', codes: [CODE], kinds: ['ticks'] }] },
    }));
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KRTRADE_')));
    const cli = (args: string[]) => runCli(['verify', '--date', DATE, '--json', ...args], { env: { ...base, KRTRADE_CONFIG: configFile, [CLOCK_ENV]: JSON.stringify(env.sim.clock.spec()) }, timeoutMs: 150_000 });
    type Out = { complete: boolean; ticks: { instrument: string; expected: number; recorded: number; backfilled: number; missingMinutes: string[] }[] };

    const before = await cli(['--no-write']);
    expect(before.code, before.stderr).toBe(1);
    const b = JSON.parse(before.stdout) as Out;
    expect(b.complete).toBe(false);
    expect(b.ticks).toHaveLength(1);
    expect(b.ticks[0]).toMatchObject({ instrument: CODE, expected: day.length, recorded: day.length - 5, backfilled: 0 });
    expect(b.ticks[0]!.missingMinutes).toEqual(gap.map(iso));

    const after = await cli(['--repair']);
    expect(after.code, after.stderr).toBe(0);
    const a = JSON.parse(after.stdout) as Out;
    expect(a.complete).toBe(true);
    expect(a.ticks[0]).toMatchObject({ expected: day.length, recorded: day.length - 5, backfilled: 5, missingMinutes: [] });
    const stored = await env.rt.pool.query<{ n: string }>(`SELECT count(*) AS n FROM candles_1m WHERE symbol = $1`, [CODE]);
    expect(Number(stored.rows[0]!.n)).toBe(5);
  });
});
