/** `db export --trading-date`: a KRX trading date's rows, night session of the evening before included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { writeCandles } from '../../src/db/writer.js';
import { writeSignals } from '../../src/db/writer-ops.js';
import { kstTime, type KstDate } from '../../src/time/kst.js';
import { candle } from './fixtures.js';

let db: TestDb;
const run = (args: string[]) => runCli(['db', 'export', ...args], { env: { KRTRADE_DATABASE_URL: db.url } });
const times = (csv: string): string[] => csv.trim().split('\n').slice(1).map((l) => l.split(',').find((f) => /^\d{4}-\d\d-\d\d \d\d:\d\d/.test(f))!);

beforeAll(async () => {
  db = await createTestDb();
  const at = (d: number, h: number, m: number, td: string) => candle(0, 'A01612', kstTime(2026, 11, d, h, m), { tradingDate: td as KstDate });
  await writeCandles(db.pool, 'futures_101', [
    at(18, 10, 0, '2026-11-18'),
    at(18, 19, 0, '2026-11-19'), // night session of the 18th's evening: trading date 19th
    at(19, 2, 0, '2026-11-19'),
    at(19, 10, 30, '2026-11-19'),
    at(19, 19, 0, '2026-11-20'), // the 19th's evening belongs to the 20th
  ]);
});
afterAll(async () => db?.drop());

describe('krtrade db export --trading-date', () => {
  it('selects by trading date, not by calendar day', async () => {
    const r = await run(['--table', 'futures_101', '--trading-date', '2026-11-19']);
    expect(r.stderr).toBe('');
    expect(times(r.stdout)).toEqual(['2026-11-18 19:00:00', '2026-11-19 02:00:00', '2026-11-19 10:30:00']);
    // --from/--to stay calendar time, as their help says.
    const byDay = await run(['--table', 'futures_101', '--from', '2026-11-19', '--to', '2026-11-19']);
    expect(times(byDay.stdout)).toEqual(['2026-11-19 02:00:00', '2026-11-19 10:30:00', '2026-11-19 19:00:00']);
  });

  it('tables without a trading_date column take the date\'s session span', async () => {
    await writeSignals(db.pool, [
      { time: kstTime(2026, 11, 18, 15, 0), strategy: 's', symbol: 'A01612', kind: 'entry', value: 1 },
      { time: kstTime(2026, 11, 18, 18, 30), strategy: 's', symbol: 'A01612', kind: 'entry', value: 1 },
      { time: kstTime(2026, 11, 19, 15, 44), strategy: 's', symbol: 'A01612', kind: 'exit', value: -1 },
      { time: kstTime(2026, 11, 19, 18, 5), strategy: 's', symbol: 'A01612', kind: 'exit', value: -1 },
    ]);
    const r = await run(['--table', 'signals', '--trading-date', '2026-11-19']);
    expect(r.stderr).toBe('');
    expect(times(r.stdout)).toEqual(['2026-11-18 18:30:00', '2026-11-19 15:44:00']);
  });

  it('a closed date, a bad date, or a range given too: one line', async () => {
    const closed = await run(['--table', 'futures_101', '--trading-date', '2026-11-21']);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/^krtrade: --trading-date 2026-11-21: not a KRX trading date/);
    const both = await run(['--table', 'futures_101', '--trading-date', '2026-11-19', '--from', '2026-11-19']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--trading-date selects its own range');
  });
});
