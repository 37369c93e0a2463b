import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/market/calendar/index.js';
import {
  InstrumentCodeError,
  derivativeIsin,
  frontFuture,
  futuresCode,
  krxShortCode,
  listedFutureMonths,
  listedFutures,
  monthlyExpiry,
  multiplier,
  nearestOptionExpiry,
  parseInstrumentCode,
  stockTickSize,
  tickSize,
  weeklyExpiries,
  yearCode,
  yearFromCode,
} from '../../src/market/instruments/index.js';
import type { KstDate } from '../../src/time/kst.js';

const D = (s: string): KstDate => s as KstDate;

describe('instrument codes', () => {
  it('decodes new-scheme futures (A01612) with family and expiry', () => {
    expect(parseInstrumentCode('A01612')).toMatchObject({
      kind: 'future',
      family: 'kospi200',
      contractYear: 2026,
      contractMonth: 12,
      expiry: '2026-12-10',
      krxCode: 'A016C000',
      isin: 'KR4A016C0004',
      multiplier: 250_000,
      underlying: 'KOSPI200',
      name: 'F 202612',
    });
    expect(parseInstrumentCode('A05610')).toMatchObject({
      family: 'mini',
      multiplier: 50_000,
      expiry: '2026-10-08',
      isin: 'KR4A056A0007',
    });
    expect(parseInstrumentCode('A06609')).toMatchObject({
      family: 'kosdaq150',
      multiplier: 10_000,
      underlying: 'KOSDAQ150',
    });
  });

  it('decodes old-scheme futures in the 6- and 8-character forms alike', () => {
    const six = parseInstrumentCode('101W09');
    expect(six).toMatchObject({
      code: '101W09',
      scheme: 'old',
      contractYear: 2025,
      contractMonth: 9,
      expiry: '2025-09-11',
      krxCode: '101W9000',
    });
    expect(parseInstrumentCode('101W9000')).toEqual(six);
    expect(parseInstrumentCode('101WC000').isin).toBe('KR4101WC0003');
  });

  it('decodes monthly options; strikes only from plain digits, with the implied .5', () => {
    expect(parseInstrumentCode('B01612A48')).toMatchObject({
      kind: 'call',
      series: 'monthly',
      strikeCode: 'A48',
      expiry: '2026-12-10',
    });
    expect(parseInstrumentCode('B01612A48').strike).toBeUndefined();
    expect(parseInstrumentCode('C01610745')).toMatchObject({
      kind: 'put',
      strike: 745,
      krxCode: 'C016A745',
      isin: 'KR4C016A7452',
    });
    expect(parseInstrumentCode('B01610937').strike).toBe(937.5);
    expect(parseInstrumentCode('201S03370')).toMatchObject({
      kind: 'call',
      contractYear: 2022,
      contractMonth: 3,
      strike: 370,
      expiry: '2022-03-10',
    });
    expect(parseInstrumentCode('301V05307')).toMatchObject({
      kind: 'put',
      strike: 307.5,
      contractYear: 2024,
    });
    expect(parseInstrumentCode('B016A745').code).toBe('B01610745');
    // KOSDAQ150 strikes are above 1000, so the code never gives one.
    expect(parseInstrumentCode('B06610B12').strike).toBeUndefined();
  });

  it('decodes Thursday and Monday weeklies', () => {
    expect(parseInstrumentCode('B09FEWA49')).toMatchObject({
      kind: 'call',
      family: 'kospi200',
      series: 'weekly-thu',
      weeklySerial: 'FE',
      krxCode: 'B09FEA49',
    });
    expect(parseInstrumentCode('BAFBZWA49')).toMatchObject({
      series: 'weekly-mon',
      weeklySerial: 'BZ',
      krxCode: 'BAFBZA49',
    });
    expect(parseInstrumentCode('C09FEW937')).toMatchObject({ kind: 'put', strike: 937.5 });
    expect(parseInstrumentCode('B09FEWA49').expiry).toBeUndefined();
  });

  it('treats stock and ETN codes as strings, letters included', () => {
    expect(parseInstrumentCode('005930')).toMatchObject({ kind: 'stock', family: 'stock', multiplier: 1 });
    expect(parseInstrumentCode('0080G0')).toMatchObject({ kind: 'stock', code: '0080G0' });
    expect(parseInstrumentCode('Q500001')).toMatchObject({ kind: 'stock' });
    // All-digit 6-character codes are stocks even when they look like a 1996–2005 future.
    expect(parseInstrumentCode('101203').kind).toBe('stock');
  });

  it.each([
    ['A01613', /not a recognised/],
    ['111V06', /unsupported derivative product "11"/],
    ['A07612', /unsupported derivative product "07"/],
    ['a01612', /upper-case/],
    [' A01612', /whitespace/],
    ['', /empty/],
    ['B016', /not a recognised/],
    ['B01612A48X', /not a recognised/],
  ])('rejects %j', (code, re) => {
    expect(() => parseInstrumentCode(code)).toThrow(InstrumentCodeError);
    expect(() => parseInstrumentCode(code)).toThrow(re);
  });

  it('year codes cycle every 30 years (2025 = W, 2026 = 6)', () => {
    expect([yearCode(2016), yearCode(2025), yearCode(2026), yearCode(2030)]).toEqual(['L', 'W', '6', '0']);
    expect(yearFromCode('6', 'old')).toBe(1996);
    expect(yearFromCode('6', 'new')).toBe(2026);
    expect(yearFromCode('W', 'old')).toBe(2025);
    for (let y = 2020; y < 2050; y++) expect(yearFromCode(yearCode(y), 'new')).toBe(y);
  });

  it('builds futures codes in the right scheme and round-trips them', () => {
    expect(futuresCode('kospi200', 2026, 12)).toBe('A01612');
    expect(futuresCode('kospi200', 2025, 9)).toBe('101W09');
    expect(futuresCode('mini', 2026, 10)).toBe('A05610');
    expect(futuresCode('kosdaq150', 2025, 12, 'old')).toBe('106W12');
    expect(() => futuresCode('kospi200', 2026, 3, 'old')).toThrow(/1996–2025/);
    expect(() => futuresCode('kospi200', 2026, 13)).toThrow(/1–12/);
    expect(krxShortCode('A01609')).toBe('A0169000');
    expect(derivativeIsin('A0166000')).toBe('KR4A01660005');
    expect(derivativeIsin('A0163000')).toBe('KR4A01630008');
    expect(derivativeIsin('B016A745')).toBe('KR4B016A7454');
  });
});

describe('expiries', () => {
  it('monthly: 2nd Thursday, moved earlier over holidays (October 2025 → 2025-10-02)', () => {
    expect(monthlyExpiry(2025, 10)).toBe('2025-10-02');
    expect(monthlyExpiry(2026, 6)).toBe('2026-06-11');
    expect(monthlyExpiry(2025, 11)).toBe('2025-11-13');
    // An added closure on the 2nd Thursday moves the expiry to the Wednesday.
    const cal = createCalendar({
      overrides: [{ date: D('2026-06-11'), product: 'all', kind: 'closed', reason: 't', source: 't' }],
    });
    expect(monthlyExpiry(2026, 6, cal)).toBe('2026-06-10');
  });

  it('Thursday weeklies skip the 2nd Thursday and move earlier; Monday weeklies move later', () => {
    expect(weeklyExpiries('thu', D('2025-09-29'), 4)).toEqual([
      '2025-10-02',
      '2025-10-16',
      '2025-10-23',
      '2025-10-30',
    ]);
    // Thu 2026-09-24 is Chuseok: that weekly expires Wednesday 09-23.
    expect(weeklyExpiries('thu', D('2026-09-18'), 2)).toEqual(['2026-09-23', '2026-10-01']);
    // Mon 2025-10-06 .. Thu 10-09 were closed: that Monday weekly expires Friday 10-10.
    expect(weeklyExpiries('mon', D('2025-10-01'), 3)).toEqual(['2025-10-10', '2025-10-13', '2025-10-20']);
    expect(weeklyExpiries('mon', D('2025-10-08'), 1)).toEqual(['2025-10-10']);
  });

  it('nearest option expiry counts the expiry day itself', () => {
    expect(nearestOptionExpiry('monthly', D('2026-06-11'))).toBe('2026-06-11');
    expect(nearestOptionExpiry('monthly', D('2026-06-12'))).toBe('2026-07-09');
    expect(nearestOptionExpiry('weekly-thu', D('2026-06-05'))).toBe('2026-06-18');
    expect(nearestOptionExpiry('weekly-mon', D('2026-06-02'))).toBe('2026-06-08');
  });

  it('lists 7 quarterly KOSPI200 contracts (Mar 1, Jun 2, Sep 1, Dec 3) and rolls after expiry', () => {
    expect(listedFutures('kospi200', D('2026-06-11')).map((i) => i.code)).toEqual([
      'A01606',
      'A01609',
      'A01612',
      'A01703',
      'A01706',
      'A01712',
      'A01812',
    ]);
    expect(listedFutures('kospi200', D('2026-06-12')).map((i) => i.code)).toEqual([
      'A01609',
      'A01612',
      'A01703',
      'A01706',
      'A01712',
      'A01806',
      'A01812',
    ]);
    expect(frontFuture('kospi200', D('2026-06-11')).code).toBe('A01606');
    expect(frontFuture('kospi200', D('2026-06-12')).code).toBe('A01609');
    // Across the scheme change: December 2025 kept the old code.
    expect(frontFuture('kospi200', D('2025-11-03')).code).toBe('101W12');
    expect(listedFutures('kosdaq150', D('2026-07-01'))).toHaveLength(7);
  });

  it('lists 6 consecutive mini months', () => {
    expect(listedFutureMonths('mini', D('2026-10-09'))).toEqual([
      [2026, 11],
      [2026, 12],
      [2027, 1],
      [2027, 2],
      [2027, 3],
      [2027, 4],
    ]);
    expect(frontFuture('mini', D('2025-10-02')).code).toBe('105W10');
    expect(frontFuture('mini', D('2025-10-10')).code).toBe('105W11');
    expect(listedFutures('mini', D('2015-01-05'))).toEqual([]);
  });
});

describe('contract specs', () => {
  it('multipliers by product and date (2017-03-27 halving)', () => {
    expect(multiplier('kospi200', 'future', '2017-03-24')).toBe(500_000);
    expect(multiplier('kospi200', 'future', '2017-03-27')).toBe(250_000);
    expect(multiplier('kospi200', 'call', '2011-06-01')).toBe(100_000);
    expect(multiplier('kospi200', 'put', '2015-06-01')).toBe(500_000);
    expect(multiplier('mini', 'future', '2016-01-04')).toBe(100_000);
    expect(multiplier('mini', 'call', '2026-01-05')).toBe(50_000);
    expect(multiplier('kosdaq150', 'future', '2026-01-05')).toBe(10_000);
    expect(multiplier('stock', 'stock', '2026-01-05')).toBe(1);
  });

  it('tick sizes', () => {
    const t = (code: string, price: number) => tickSize(parseInstrumentCode(code), price);
    expect([t('A01612', 1000), t('A05612', 1000), t('A06612', 1500)]).toEqual([0.05, 0.02, 0.1]);
    expect([t('B01612A48', 9.99), t('B01612A48', 10), t('B09FEWA49', 3)]).toEqual([0.01, 0.05, 0.01]);
    expect([t('B05612A48', 2.99), t('B05612A48', 3), t('B05612A48', 10)]).toEqual([0.01, 0.02, 0.05]);
    expect([t('B06612B12', 49.9), t('B06612B12', 50)]).toEqual([0.1, 0.5]);
    expect(
      [1999, 2000, 4999, 5000, 19_990, 20_000, 49_950, 50_000, 199_900, 200_000, 499_500, 500_000].map((p) =>
        stockTickSize(p),
      ),
    ).toEqual([1, 5, 5, 10, 10, 50, 50, 100, 100, 500, 500, 1000]);
    expect(t('Q500001', 10_000)).toBe(5);
    expect(t('005930', 70_000)).toBe(100);
  });
});
