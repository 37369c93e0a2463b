/** `krtrade options surface` over a real database: stored slices back in KST, rounded; calendar arbitrage re-flagged per minute. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { readVolSurface, writeVolSurface, type VolSurfaceRow } from '../../src/db/vol-surface.js';
import { writeSurfaceSlice } from '../../workers/adapters/surface-storage.js';
import type { BoardAnalyticsPayload } from '../../jobs/payloads-options.js';
import type { BoardPayload } from '../../jobs/payloads.js';
import { parseKst, type KstDate } from '../../src/time/kst.js';

let db: TestDb;
const dir = mkdtempSync(join(tmpdir(), 'krt-options-cli-'));
const T0 = parseKst('2026-11-24 09:31');
const slice = (sym: string, expiry: string, years: number, over: Partial<VolSurfaceRow> = {}): VolSurfaceRow => ({
  time: T0, underlyingSymbol: sym, underlying: 'KOSPI200', expiry: expiry as KstDate, forward: 402.123456, forwardSource: 'parity',
  forwardUncertainty: 0.0123, underlyingPrice: 401.5, yearsToExpiry: years, rate: 0.03, atmIv: 17.23456, rr25: -2.3456, bf25: 0.4567,
  skewSlope: -41.234, svi: { a: 0.00123456789, b: 0.0123, rho: -0.55, m: 0.001, s: 0.02 }, fitRmse: 0.01234, fitPoints: 56,
  butterflyArbitrage: false, calendarArbitrage: null, ...over,
});

beforeAll(async () => {
  db = await createTestDb();
}, 60_000);
afterAll(async () => db?.drop());

describe('vol_surface storage and the options surface command', () => {
  it('stores a board slice and flags calendar arbitrage across the expiries of its minute', async () => {
    const board = { underlying: 'KOSPI200', series: 'monthly', expiry: '2026-12-10', minute: T0, spot: 401.5, quotes: [] } as unknown as BoardPayload;
    const analytics = (years: number, a: number): BoardAnalyticsPayload => ({
      forward: 402.1, forwardSource: 'parity', forwardUncertainty: 0.01, rate: 0.03, yearsToExpiry: years, greeksSource: 'own', quotes: [],
      surface: { yearsToExpiry: years, atmIv: 17, rr25: -2, bf25: 0.4, skewSlope: -40, svi: { a, b: 0.01, rho: -0.5, m: 0, s: 0.02 }, fitRmse: 0.01, points: 40, butterflyArbitrage: false, calendarArbitrage: null },
    });
    // The weekly (2 days) has more total variance than the monthly (16 days): calendar arbitrage, on both.
    await writeSurfaceSlice(db.pool, board, 'KOSPI200:20261210', analytics(16 / 365, 0.001));
    await writeSurfaceSlice(db.pool, { ...board, series: 'weekly-thu', expiry: '2026-11-26' } as BoardPayload, 'KOSPI200:20261126', analytics(2 / 365, 0.01));
    let rows = await readVolSurface(db.pool, { underlying: 'KOSPI200', time: T0 });
    expect(rows.map((r) => [r.expiry, r.calendarArbitrage])).toEqual([['2026-11-26', true], ['2026-12-10', true]]);
    // Rewritten with a consistent monthly: no arbitrage left on either.
    await writeSurfaceSlice(db.pool, board, 'KOSPI200:20261210', analytics(16 / 365, 0.02));
    rows = await readVolSurface(db.pool, { underlying: 'KOSPI200', time: T0 });
    expect(rows.map((r) => r.calendarArbitrage)).toEqual([false, false]);
  });

  it('prints the slices of a date in KST, rounded, as text and JSON; one-line errors for bad input', async () => {
    await writeVolSurface(db.pool, [slice('KOSPI200:20261210', '2026-12-10', 16 / 365, { time: parseKst('2026-11-24 09:32') }),
      slice('KOSPI200:20261210', '2026-12-10', 16 / 365, { time: parseKst('2026-11-25 09:32') })]);
    const env = { KRTRADE_DATABASE_URL: db.url };
    const json = await runCli(['options', 'surface', '--date', '2026-11-24', '--expiry', '2026-12-10', '--json'], { env, cwd: dir });
    expect(json.stderr).toBe('');
    const out = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(out.map((r) => r.time)).toEqual(['2026-11-24T09:31:00', '2026-11-24T09:32:00']);
    expect(out[1]).toMatchObject({ forward: 402.123, atmIvPct: 17.23, rr25Pct: -2.35, bf25Pct: 0.46, skewSlopePctPerLogK: -41.2, fitRmsePct: 0.012, svi: { a: 0.00123457 }, butterflyArbitrage: false });
    const text = await runCli(['options', 'surface', '--date', '2026-11-24'], { env, cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2026-11-24 09:32 2026-12-10    402.12 parity   17.23  -2.35   0.46   -41.2');
    expect(text.stdout.trim().split('\n')).toHaveLength(1 + 3);
    const bad = await runCli(['options', 'surface', '--date', '2026-11-31'], { env, cwd: dir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--date: 2026-11-31 is not a real calendar date');
  }, 120_000);
});
