// Runs under TZ=UTC, Asia/Seoul and America/New_York: none of these results may depend on the process zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  dateOf,
  floorMinute,
  formatKst,
  fromKisDateTime,
  instant,
  kstTime,
  parseKst,
  parseKstDate,
  startOfDate,
  toInstant,
  toKst,
  weekday,
  type KstTime,
} from '../../src/time/kst.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

describe(`KST time policy (TZ=${process.env.TZ})`, () => {
  it('converts a known instant to KST wall-clock and back', () => {
    // 2026-11-24T00:01:02Z is 09:01:02 in Seoul.
    const t = instant(Date.parse('2026-11-24T00:01:02Z'));
    const k = toKst(t);
    expect(formatKst(k)).toBe('2026-11-24 09:01:02');
    expect(toInstant(k)).toBe(t);
  });

  it('uses the historical offsets for old instants (1988 DST)', () => {
    // Seoul observed DST (UTC+10) in summer 1988.
    const t = instant(Date.parse('1988-07-01T00:00:00Z'));
    expect(formatKst(toKst(t))).toBe('1988-07-01 10:00:00');
    expect(toInstant(toKst(t))).toBe(t);
  });

  it('keeps instants and wall-clock values apart at compile time (checked by `npm run typecheck`)', () => {
    const i = instant(Date.parse('2026-11-24T00:00:00Z'));
    // @ts-expect-error an Instant is not a KstTime: it must go through toKst
    const wrong: KstTime = i;
    // @ts-expect-error a plain number is not a KstTime either
    formatKst(Date.now());
    // @ts-expect-error nor is a KstTime an Instant
    toInstant(i);
    expect(formatKst(toKst(i))).toBe('2026-11-24 09:00:00');
    expect(wrong - toKst(i)).toBe(-9 * 3_600_000);
  });

  it('floors to the minute', () => {
    expect(formatKst(floorMinute(parseKst('2026-11-24 09:01:59.999')))).toBe('2026-11-24 09:01:00');
    expect(formatKst(floorMinute(parseKst('2026-11-24T23:59:00')))).toBe('2026-11-24 23:59:00');
  });

  it('reads KIS date/time fields, including the +24h night encoding', () => {
    expect(formatKst(fromKisDateTime('20261124', '253000'))).toBe('2026-11-25 01:30:00');
    expect(formatKst(fromKisDateTime('20261124', '090100'))).toBe('2026-11-24 09:01:00');
    expect(() => fromKisDateTime('2026112', '090100')).toThrow(/YYYYMMDD/);
    expect(() => fromKisDateTime('20261124', '096100')).toThrow(/valid KIS/);
  });

  it('rejects impossible dates and times with the input in the message', () => {
    expect(() => parseKst('2026-02-30 09:00')).toThrow(/2026-02-30/);
    expect(() => parseKstDate('2026-13-01')).toThrow(/2026-13-01/);
    expect(() => parseKst('yesterday')).toThrow(/yesterday/);
  });

  it('does date arithmetic on the KST calendar', () => {
    const d = parseKstDate('2026-11-20');
    expect(weekday(d)).toBe(5);
    expect(addDays(d, 3)).toBe('2026-11-23');
    expect(dateOf(startOfDate(d))).toBe('2026-11-20');
    // 23:30 KST on the 24th is still the 24th in Seoul although it is the 24th 14:30Z.
    expect(dateOf(toKst(instant(Date.parse('2026-11-24T14:30:00Z'))))).toBe('2026-11-24');
  });

  describe('round trip through the real PostgreSQL', () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await createTestDb({ migrate: false });
      await db.pool.query('CREATE TABLE t (ts TIMESTAMP NOT NULL, note TEXT)');
    });
    afterAll(async () => db?.drop());

    it('stores and reads back the same wall-clock value whatever the process zone', async () => {
      const values: KstTime[] = [
        kstTime(2026, 11, 24, 9, 1),
        kstTime(2026, 11, 25, 1, 30, 5, 250), // night session after midnight
        kstTime(1988, 7, 1, 10, 0), // inside historical DST
      ];
      for (const v of values)
        await db.pool.query('INSERT INTO t (ts, note) VALUES ($1, $2)', [formatKst(v), formatKst(v)]);
      const rows = await db.pool.query<{ ts: KstTime; note: string; text: string }>(
        'SELECT ts, note, ts::text AS text FROM t ORDER BY ts',
      );
      expect(rows.rows.map((r) => r.ts).sort()).toEqual([...values].sort());
      for (const r of rows.rows) {
        expect(formatKst(r.ts)).toBe(r.note);
        expect(parseKst(r.text)).toBe(r.ts);
      }
      // Comparison happens in SQL on wall-clock values, not on the session zone.
      const after = await db.pool.query('SELECT count(*)::int AS n FROM t WHERE ts >= $1', [
        formatKst(kstTime(2026, 11, 24, 9, 1)),
      ]);
      expect(after.rows[0].n).toBe(2);
    });

    it('reads timestamp[] and date[] as wall-clock values and dates, never as zone-shifted Dates', async () => {
      const r = await db.pool.query<{ ts: (KstTime | null)[]; ds: (string | null)[]; ns: (number | null)[] }>(
        `SELECT ARRAY['2026-11-24 09:01', NULL, '2026-11-25 01:30:05.25']::timestamp[] AS ts,
                ARRAY['2026-11-24', NULL]::date[] AS ds, ARRAY[9007199254740991, NULL]::bigint[] AS ns`,
      );
      expect(r.rows[0]!.ts).toEqual([
        kstTime(2026, 11, 24, 9, 1),
        null,
        kstTime(2026, 11, 25, 1, 30, 5, 250),
      ]);
      expect(r.rows[0]!.ds).toEqual(['2026-11-24', null]);
      expect(r.rows[0]!.ns).toEqual([9007199254740991, null]);
    });

    it('refuses to read timestamptz values, scalar or array, with a hint', async () => {
      await expect(db.pool.query(`SELECT now() AS t`)).rejects.toThrow(
        /timestamptz value .* AT TIME ZONE 'Asia\/Seoul'/,
      );
      await expect(db.pool.query(`SELECT ARRAY[now()] AS t`)).rejects.toThrow(/timestamptz value/);
      const ok = await db.pool.query<{ t: KstTime }>(
        `SELECT '2026-11-24 00:00:00+00'::timestamptz AT TIME ZONE 'Asia/Seoul' AS t`,
      );
      expect(ok.rows[0]!.t).toBe(kstTime(2026, 11, 24, 9, 0));
    });
  });
});
