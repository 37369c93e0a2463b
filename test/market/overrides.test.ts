import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CalendarOverrideError,
  createCalendar,
  loadCalendarOverridesFile,
  parseCalendarOverrides,
} from '../../src/market/calendar/index.js';
import { loadCalendar } from '../../src/market/calendar/load.js';
import { loadCalendarOverrides, saveCalendarOverride } from '../../src/market/calendar/overrides-db.js';
import { formatKst, type KstDate } from '../../src/time/kst.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

const D = (s: string): KstDate => s as KstDate;

describe('calendar overrides', () => {
  it('applies closures, openings and changed sessions per product', () => {
    const cal = createCalendar({
      overrides: parseCalendarOverrides(
        [
          {
            date: '2026-11-24',
            product: 'all',
            kind: 'closed',
            reason: 'Temporary public holiday',
            source: 'KRX notice',
          },
          { date: '2026-07-17', kind: 'open', reason: 'holiday cancelled (hypothetical)' },
          {
            date: '2026-11-26',
            product: 'stocks',
            kind: 'session',
            openTime: '10:00',
            reason: 'system failure',
          },
          { date: '2026-11-26', product: 'night', kind: 'closed', reason: 'eve closure' },
          {
            date: '2026-11-27',
            product: 'night',
            kind: 'session',
            openTime: '19:00',
            closeTime: '05:00',
            reason: 'short night',
          },
        ],
        'test',
      ),
    });
    expect(cal.isTradingDay(D('2026-11-24'))).toBe(false);
    expect(cal.dayInfo(D('2026-11-24')).name).toBe('Temporary public holiday');
    // The evening before a new closure still trades at night, into the next trading day.
    expect(cal.nightOpeningOn(D('2026-11-23'))?.tradingDate).toBe('2026-11-25');
    expect(cal.isTradingDay(D('2026-07-17'))).toBe(true);
    expect(formatKst(cal.session('stocks', D('2026-07-17'))!.open)).toBe('2026-07-17 09:00:00');
    const st = cal.session('stocks', D('2026-11-26'))!;
    expect([formatKst(st.open), formatKst(st.close), st.note]).toEqual([
      '2026-11-26 10:00:00',
      '2026-11-26 15:30:00',
      'system failure',
    ]);
    expect(formatKst(cal.session('derivatives', D('2026-11-26'))!.open)).toBe('2026-11-26 08:45:00');
    expect(cal.nightOpeningOn(D('2026-11-26'))).toBeUndefined();
    const n = cal.nightOpeningOn(D('2026-11-27'))!;
    expect([n.tradingDate, formatKst(n.open), formatKst(n.close)]).toEqual([
      '2026-11-30',
      '2026-11-27 19:00:00',
      '2026-11-28 05:00:00',
    ]);
    expect(cal.expectedCandles('night', D('2026-11-30'))).toBe(591);
  });

  it('rejects bad overrides naming the entry and the field', () => {
    expect(() => parseCalendarOverrides([{ date: '2026-02-30', kind: 'closed' }], 'f.json')).toThrow(
      /f\.json: override #0: date: expected a real date/,
    );
    expect(() =>
      parseCalendarOverrides([{ date: '2026-11-24', kind: 'session', openTime: '25:00' }], 'f.json'),
    ).toThrow(/openTime: expected HH:MM/);
    expect(() =>
      parseCalendarOverrides([{ date: '2026-11-24', kind: 'closed', openTime: '09:00' }], 'f.json'),
    ).toThrow(/only allowed with kind "session"/);
    expect(() => parseCalendarOverrides([{ date: '2026-11-24', kind: 'shut' }], 'f.json')).toThrow(
      CalendarOverrideError,
    );
    expect(() => parseCalendarOverrides({ nope: 1 }, 'f.json')).toThrow(/expected a JSON array/);
  });

  describe('from a JSON file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'krt-cal-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('loads { overrides: [...] } and reports unreadable or invalid files', () => {
      const ok = join(dir, 'ok.json');
      writeFileSync(ok, JSON.stringify({ overrides: [{ date: '2026-11-24', kind: 'closed', reason: 'x' }] }));
      expect(loadCalendarOverridesFile(ok)).toEqual([
        { date: '2026-11-24', product: 'all', kind: 'closed', reason: 'x', source: 'user' },
      ]);
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '[{"date": ');
      expect(() => loadCalendarOverridesFile(bad)).toThrow(
        new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid JSON`),
      );
      expect(() => loadCalendarOverridesFile(join(dir, 'missing.json'))).toThrow(/cannot read \(ENOENT\)/);
    });
  });

  describe('from the calendar_overrides table', () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await createTestDb();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('round-trips overrides and lets the table win over the file', async () => {
      await saveCalendarOverride(db.pool, {
        date: D('2026-11-24'),
        product: 'all',
        kind: 'closed',
        reason: 'Temporary holiday',
        source: 'KRX notice',
      });
      await saveCalendarOverride(db.pool, {
        date: D('2026-11-25'),
        product: 'night',
        kind: 'session',
        openTime: '19:00',
        closeTime: '06:00',
        reason: 'late',
        source: 'op',
      });
      // Saving again replaces the row for (date, product).
      await saveCalendarOverride(db.pool, {
        date: D('2026-11-24'),
        product: 'all',
        kind: 'open',
        reason: 'reopened',
        source: 'op',
      });
      const rows = await loadCalendarOverrides(db.pool);
      expect(rows).toEqual([
        { date: '2026-11-24', product: 'all', kind: 'open', reason: 'reopened', source: 'op' },
        {
          date: '2026-11-25',
          product: 'night',
          kind: 'session',
          openTime: '19:00',
          closeTime: '06:00',
          reason: 'late',
          source: 'op',
        },
      ]);

      const dir = mkdtempSync(join(tmpdir(), 'krt-cal-'));
      const file = join(dir, 'o.json');
      writeFileSync(
        file,
        JSON.stringify([{ date: '2026-11-24', kind: 'closed', reason: 'file says closed' }]),
      );
      try {
        const cal = await loadCalendar({ calendar: { overridesFile: file } }, db.pool);
        expect(cal.isTradingDay(D('2026-11-24'))).toBe(true);
        expect(formatKst(cal.nightOpeningOn(D('2026-11-25'))!.open)).toBe('2026-11-25 19:00:00');
        const fileOnly = await loadCalendar({ calendar: { overridesFile: file } });
        expect(fileOnly.isTradingDay(D('2026-11-24'))).toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports a bad row naming the table', async () => {
      await db.pool.query(
        `INSERT INTO calendar_overrides (date, product, kind, open_time) VALUES ('2026-12-01', 'stocks', 'session', '9am')`,
      );
      await expect(loadCalendarOverrides(db.pool)).rejects.toThrow(
        /table calendar_overrides: override #\d: openTime: expected HH:MM/,
      );
    });
  });
});
