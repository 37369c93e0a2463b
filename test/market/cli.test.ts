import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/fo_idx_code_mts.mst', import.meta.url));
// Keep the CLI away from any krtrade.config.json in the working tree.
const env = { KRTRADE_CONFIG: '' };

describe('krtrade calendar / instruments', () => {
  it('calendar --date prints the CSAT day as JSON', async () => {
    const r = await runCli(['calendar', '--date', '2026-11-19', '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const day = JSON.parse(r.stdout);
    expect(day).toMatchObject({
      date: '2026-11-19',
      weekday: 'Thu',
      tradingDay: true,
      name: 'CSAT day',
      confidence: 'derived',
    });
    const byProduct = Object.fromEntries(
      day.sessions.map((s: { product: string; expiring?: boolean }) => [
        s.product + (s.expiring ? '*' : ''),
        s,
      ]),
    );
    expect(byProduct.stocks).toMatchObject({
      open: '2026-11-19T10:00:00',
      close: '2026-11-19T16:30:00',
      expectedCandles: 381,
    });
    expect(byProduct.derivatives.closeAuction).toEqual({
      start: '2026-11-19T16:35:00',
      end: '2026-11-19T16:45:00',
    });
    expect(byProduct.night).toMatchObject({ tradingDate: '2026-11-19', open: '2026-11-18T18:00:00' });
    // A Thursday weekly expires that day.
    expect(byProduct['derivatives*']).toMatchObject({ close: '2026-11-19T16:20:00', expectedCandles: 386 });
    expect(day.tonight).toMatchObject({
      tradingDate: '2026-11-20',
      open: '2026-11-19T19:00:00',
      expectedCandles: 651,
    });
  });

  it('calendar --from/--to lists each date, closures included', async () => {
    const r = await runCli(['calendar', '--from', '2025-12-30', '--to', '2026-01-02', '--json'], { env });
    expect(r.code).toBe(0);
    const days = JSON.parse(r.stdout) as { date: string; tradingDay: boolean; name?: string }[];
    expect(days.map((d) => [d.date, d.tradingDay, d.name ?? null])).toEqual([
      ['2025-12-30', true, null],
      ['2025-12-31', false, 'Year-end closure'],
      ['2026-01-01', false, "New Year's Day"],
      ['2026-01-02', true, 'First trading day'],
    ]);
  });

  it.each([
    [
      ['calendar', '--date', '2026-02-30'],
      /^krtrade: --date: 2026-02-30 is not a real calendar date\n$/,
    ],
    [['calendar', '--from', '2026-03-01', '--to', '2026-02-01'], /is before --from/],
    [['calendar', '--date', '2031-01-02'], /no KRX calendar data for 2031-01-02/],
    [['instruments', '--code', 'A01613'], /^krtrade: instrument code "A01613": not a recognised/],
    [['instruments', '--master', '/nonexistent/fo.mst'], /master file \/nonexistent\/fo\.mst: cannot read/],
    [['instruments'], /give --master FILE/],
    [['instruments', '--master', FIXTURE, '--kind', 'swap'], /--kind: expected one of future, call, put/],
  ])('%j fails with one line and exit 1', async (args, re) => {
    const r = await runCli(args, { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('instruments --code explains a code', async () => {
    const r = await runCli(['instruments', '--code', 'A01612', '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      code: 'A01612',
      kind: 'future',
      family: 'kospi200',
      expiry: '2026-12-10',
      isin: 'KR4A016C0004',
      tick: 0.05,
    });
    const text = await runCli(['instruments', '--code', 'B01610A48'], { env });
    expect(text.stdout).toContain('A48 is opaque');
  });

  it('instruments --master lists and filters the master', async () => {
    const r = await runCli(['instruments', '--master', FIXTURE, '--kind', 'put', '--json'], { env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      instruments: { code: string }[];
      errors: unknown[];
      skipped: number;
    };
    expect(out.instruments.map((i) => i.code).sort()).toEqual([
      'C01610745',
      'C01610A48',
      'C05610A48',
      'C06610B12',
      'C09FEWA49',
    ]);
    expect(out.errors).toEqual([]);
    const one = await runCli(['instruments', '--master', FIXTURE, '--code', 'B09FEWA49', '--json'], { env });
    expect(JSON.parse(one.stdout)).toMatchObject({ strike: 1120, expiry: '2026-09-23' });
    // Text: strikes at the family's tick precision (KOSPI200: 2 decimals), never cut to "1120" or "112".
    const text = await runCli(['instruments', '--master', FIXTURE, '--kind', 'put'], { env });
    expect(text.stdout).toMatch(/^C09FEWA49 .* 1,120\.00 /m);
  });
});
