/** `krtrade verify` counts option-board minutes as a kind: subscribed and stored boards, closed minutes only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { CLOCK_ENV } from '../../src/time/clock.js';
import { kstTime, parseKst, toInstant, type KstDate, type KstTime } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { writeOptionChain } from '../../src/db/writer.js';

const DATE = '2026-11-24' as KstDate;
const cal = defaultCalendar();
const gap = (t: KstTime) => t >= kstTime(2026, 11, 24, 10, 0) && t < kstTime(2026, 11, 24, 10, 5);

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  // A board of the December monthly series: the whole day session but five minutes, no night session.
  const minutes = cal.candleMinutes('derivatives', DATE).filter((t) => !gap(t));
  await writeOptionChain(db.pool, minutes.map((time) => ({ time, code: 'B01612355', underlyingSymbol: 'KOSPI200:20261210', expiry: '2026-12-10' as KstDate, strike: 355, right: 'call' as const, price: 1.5 })));
});
afterAll(async () => {
  await db.drop();
});

const env = {
  KRTRADE_PIPELINE__SUBSCRIPTIONS: JSON.stringify([{ rule: 'options', underlying: 'KOSPI200', series: ['monthly'] }]),
};

interface Report { complete: boolean; boards: { board: string; expected: number; actual: number; missingMinutes: string[] }[] }

describe('krtrade verify: option boards', () => {
  it('reports missing board minutes per board (exit 1) and records them in data_quality', async () => {
    const r = await runCli(['verify', '--date', DATE, '--json'], {
      env: { ...env, KRTRADE_DATABASE_URL: db.url, [CLOCK_ENV]: JSON.stringify({ kind: 'accelerated', simStart: toInstant(parseKst('2026-11-25 10:00')), realAnchor: Date.now(), speed: 1 }) },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const night = cal.candleMinutes('night', DATE).length;
    const day = cal.candleMinutes('derivatives', DATE).length;
    expect(report.complete).toBe(false);
    expect(report.boards.map((b) => [b.board, b.expected, b.actual, b.missingMinutes.length])).toEqual([['KOSPI200:20261210', night + day, day - 5, night + 5]]);
    expect(report.boards[0]!.missingMinutes).toContain('2026-11-24T10:04:00');
    const dq = await db.pool.query<{ expected: number; actual: number }>("SELECT expected, actual FROM data_quality WHERE instrument = 'KOSPI200:20261210' AND trading_date = $1", [DATE]);
    expect(dq.rows).toEqual([{ expected: night + day, actual: day - 5 }]);
    const text = await runCli(['verify', '--date', DATE, '--no-write'], {
      env: { ...env, KRTRADE_DATABASE_URL: db.url, [CLOCK_ENV]: JSON.stringify({ kind: 'accelerated', simStart: toInstant(parseKst('2026-11-25 10:00')), realAnchor: Date.now(), speed: 1 }) },
    });
    expect(text.stdout).toContain(`  KOSPI200:20261210: ${day - 5}/${night + day} ${night + 5} missing`);
    expect(text.stdout).toContain('11-24 10:00–10:04 (5)');
  });
});
