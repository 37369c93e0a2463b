/** Subscriptions never roll onto, or keep collecting, a contract after its last trading day. */
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { listedFutures } from '../../src/market/instruments/index.js';
import { resolveSubscriptions, subscriptionSchema } from '../../src/pipeline/subscriptions.js';
import { type KstDate, addDays } from '../../src/time/kst.js';
import { instrumentRules } from '../../workers/pools.js';

const calendar = defaultCalendar();
const rules = instrumentRules(calendar);
const parse = (s: unknown) => subscriptionSchema.parse(s);

describe('expired contracts in subscriptions', () => {
  it('an explicit code of an expired contract is left out with a one-line warning naming it', () => {
    const subs = [parse({ rule: 'code', code: '101W12' }), parse({ rule: 'stocks', codes: ['005930'] })];
    const r = resolveSubscriptions(subs, '2026-11-24' as KstDate, rules, 'main');
    expect(r.candles.map((c) => c.code)).toEqual(['005930']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/101W12.*expired on 2025-12-11/);
    expect(r.warnings[0]).not.toContain('\n');
    // Through its last trading day the contract is collected, without a warning.
    const last = resolveSubscriptions(subs, '2025-12-11' as KstDate, rules, 'main');
    expect(last.candles.map((c) => c.code)).toEqual(['101W12', '005930']);
    expect(last.warnings).toEqual([]);
  });

  it('front month: on every trading date of 2025–2027 a listed, unexpired contract; the date after an expiry the next one', () => {
    const families = ['kospi200', 'mini', 'kosdaq150'] as const;
    const subs = families.map((family) => parse({ rule: 'front-future', family }));
    let prev: string[] | undefined;
    let rolls = 0;
    for (let d = '2025-01-02' as KstDate; d <= '2027-12-30'; d = addDays(d, 1)) {
      if (!calendar.isTradingDay(d)) continue;
      const r = resolveSubscriptions(subs, d, rules, 'main');
      expect(r.warnings).toEqual([]);
      const codes = r.candles.map((c) => c.code);
      r.candles.forEach((c, i) => {
        expect(c.expiry! >= d, `${c.code} on ${d}`).toBe(true);
        // The nearest listed contract of its family, so a roll never skips a month.
        expect(c.code).toBe(listedFutures(families[i]!, d, calendar)[0]!.code);
        if (prev && prev[i] !== c.code) rolls++;
      });
      prev = codes;
    }
    // 3 years: 12 quarterly rolls each for KOSPI200 and KOSDAQ150, 36 monthly for the mini (minus the first).
    expect(rolls).toBeGreaterThanOrEqual(11 + 11 + 35);
  });
});
