import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Candle } from '../../src/db/types.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { verifyCompleteness } from '../../src/verify/completeness.js';
import { formatKst, kstTime, parseKstDate, type KstDate, type KstTime } from '../../src/time/kst.js';

const cal = defaultCalendar();
const D = parseKstDate('2026-11-24');
const PREV = parseKstDate('2026-11-23');
const EXPIRY = parseKstDate('2026-12-10');
let db: TestDb;

const candle = (symbol: string, time: KstTime, tradingDate: KstDate): Candle => ({
  symbol,
  time,
  tradingDate,
  open: 1,
  high: 1,
  low: 1,
  close: 1,
  volume: 1,
});
const futureMinutes = (d: KstDate, expiring = false): KstTime[] => [
  ...cal.candleMinutes('night', d),
  ...cal.candleMinutes('derivatives', d, { expiring }),
];

const GAP = [
  kstTime(2026, 11, 23, 23, 30),
  kstTime(2026, 11, 24, 10, 0),
  kstTime(2026, 11, 24, 10, 1),
  kstTime(2026, 11, 24, 10, 2),
];

beforeAll(async () => {
  db = await createTestDb();
  const gap = new Set<number>(GAP);
  await writeCandles(
    db.pool,
    'futures_101',
    futureMinutes(D)
      .filter((t) => !gap.has(t))
      .map((t) => candle('A01612', t, D)),
  );
  await writeCandles(
    db.pool,
    'futures_101',
    futureMinutes(EXPIRY, true).map((t) => candle('A01612', t, EXPIRY)),
  );
  await writeCandles(
    db.pool,
    'stocks_1m',
    cal.candleMinutes('stocks', D).map((t) => candle('005930', t, D)),
  );
  // 000660 arrived the day before and then stopped.
  await writeCandles(
    db.pool,
    'stocks_1m',
    cal.candleMinutes('stocks', PREV).map((t) => candle('000660', t, PREV)),
  );
});
afterAll(async () => db?.drop());

describe('verifyCompleteness', () => {
  it('finds the exact missing minutes of the night and day sessions and records them in data_quality', async () => {
    const checkedAt = kstTime(2026, 11, 24, 18, 0);
    const r = await verifyCompleteness(db.pool, { date: D, calendar: cal, checkedAt });
    expect(r.complete).toBe(false);
    expect(r.instruments.map((i) => i.instrument)).toEqual(['000660', '005930', 'A01612']);
    const fut = r.instruments.find((i) => i.instrument === 'A01612')!;
    expect(fut).toMatchObject({
      sessions: ['night', 'derivatives'],
      expiring: false,
      expected: 711 + 411,
      actual: 711 + 411 - 4,
      unexpectedMinutes: [],
    });
    expect(fut.missingMinutes).toEqual(GAP);
    expect(r.instruments.find((i) => i.instrument === '005930')).toMatchObject({
      expected: 381,
      actual: 381,
      missingMinutes: [],
    });
    const gone = r.instruments.find((i) => i.instrument === '000660')!;
    expect(gone).toMatchObject({ expected: 381, actual: 0 });
    expect(gone.missingMinutes).toHaveLength(381);

    const rows = await db.pool.query<{
      instrument: string;
      expected: number;
      actual: number;
      missing: string[];
      checked: KstTime;
    }>(
      `SELECT instrument, expected, actual, missing_minutes::text[] AS missing, checked_at AS checked FROM data_quality WHERE trading_date = $1 ORDER BY instrument`,
      [D],
    );
    expect(rows.rows.map((x) => [x.instrument, x.expected, x.actual])).toEqual([
      ['000660', 381, 0],
      ['005930', 381, 381],
      ['A01612', 1122, 1118],
    ]);
    expect(rows.rows[2]!.missing).toEqual(GAP.map(formatKst));
    expect(rows.rows[2]!.checked).toBe(checkedAt);
    // Same check again: the stored report does not change.
    const again = await verifyCompleteness(db.pool, { date: D, calendar: cal, checkedAt });
    expect(again.stored).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
  });

  it('expects the shorter 15:20 day session of a series on its expiry day', async () => {
    const r = await verifyCompleteness(db.pool, {
      date: EXPIRY,
      calendar: cal,
      symbols: ['A01612'],
      write: false,
    });
    expect(r.complete).toBe(true);
    expect(r.instruments[0]).toMatchObject({ expiring: true, expected: 711 + 386, actual: 711 + 386 });
    // The day after, the expired contract is not expected at all.
    const after = await verifyCompleteness(db.pool, {
      date: parseKstDate('2026-12-11'),
      calendar: cal,
      write: false,
    });
    expect(after.instruments.map((i) => i.instrument)).not.toContain('A01612');
  });

  it('treats a non-trading day as complete and an unknown code as a failure', async () => {
    expect(
      await verifyCompleteness(db.pool, { date: parseKstDate('2026-11-22'), calendar: cal }),
    ).toMatchObject({ tradingDay: false, complete: true, instruments: [] });
    const r = await verifyCompleteness(db.pool, { date: D, calendar: cal, symbols: ['NOPE!'], write: false });
    expect(r.complete).toBe(false);
    expect(r.instruments[0]!.error).toMatch(/NOPE!/);
  });
});

describe('krtrade verify', () => {
  it('exits 1 with a JSON report when minutes are missing, 0 when complete', async () => {
    const env = { KRTRADE_DATABASE_URL: db.url };
    const bad = await runCli(['verify', '--date', '2026-11-24', '--json', '--no-write'], { env });
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as {
      complete: boolean;
      instruments: { instrument: string; missingMinutes: string[] }[];
    };
    expect(report.complete).toBe(false);
    expect(report.instruments.find((i) => i.instrument === 'A01612')!.missingMinutes).toEqual(
      GAP.map((t) => formatKst(t).replace(' ', 'T')),
    );
    const ok = await runCli(['verify', '--date', '2026-11-24', '--symbol', '005930'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('005930: 381/381 ok');
    const text = await runCli(['verify', '--date', '2026-11-24', '--symbol', 'A01612', '--no-write'], {
      env,
    });
    expect(text.stdout).toContain('11-24 10:00–10:02 (3)');
    const nodb = await runCli(['verify', '--date', '2026-11-24'], {
      env: { KRTRADE_DATABASE_URL: `${db.url}_absent` },
    });
    expect(nodb.code).toBe(1);
    expect(nodb.stderr).toMatch(/does not exist: `krtrade db migrate` creates and migrates it, or point database.url/);
    expect(nodb.stderr).not.toMatch(/\n\s+at /);
    const typo = await runCli(['verify', '--date', '2026-13-01'], { env });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/--date: 2026-13-01 is not a real calendar date/);
  });
});
