import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { CLOCK_ENV } from '../../src/time/clock.js';
import { parseKst, toInstant } from '../../src/time/kst.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.drop();
});

/** Env for a CLI run whose clock reads KST `at` (running at real speed from now). */
const envAt = (at: string) => ({
  KRTRADE_DATABASE_URL: db.url,
  KRTRADE_PIPELINE__SUBSCRIPTIONS: JSON.stringify([{ rule: 'stocks', codes: ['005930'] }]),
  [CLOCK_ENV]: JSON.stringify({ kind: 'accelerated', simStart: toInstant(parseKst(at)), realAnchor: Date.now(), speed: 1 }),
});

interface Report { tradingDate: string; complete: boolean; instruments: { instrument: string; expected: number; actual: number }[] }

describe('krtrade verify: what counts', () => {
  it('a subscribed instrument with nothing stored is missing (exit 1), not "no instruments"', async () => {
    const r = await runCli(['verify', '--date', '2026-11-24', '--json', '--no-write'], { env: envAt('2026-11-25 10:00') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.instruments.map((i) => [i.instrument, i.actual, i.expected])).toEqual([['005930', 0, 381]]);
  });

  it('--today counts only minutes that have closed; the default date is the last trading date whose sessions are over', async () => {
    const today = await runCli(['verify', '--today', '--json', '--no-write'], { env: envAt('2026-11-24 10:00:30') });
    const t = JSON.parse(today.stdout) as Report;
    // 09:00 … 09:59 have closed at 10:00:30; 10:00 is still forming.
    expect(t).toMatchObject({ tradingDate: '2026-11-24', instruments: [{ instrument: '005930', expected: 60, actual: 0 }] });
    const dflt = await runCli(['verify', '--json', '--no-write'], { env: envAt('2026-11-24 10:00:30') });
    expect((JSON.parse(dflt.stdout) as Report).tradingDate).toBe('2026-11-23');
    const after = await runCli(['verify', '--json', '--no-write'], { env: envAt('2026-11-24 16:00') });
    expect((JSON.parse(after.stdout) as Report).tradingDate).toBe('2026-11-24');
  });
});
