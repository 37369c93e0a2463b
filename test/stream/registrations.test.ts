/** Stream registrations: TRs by family and session, the calendar, near-the-money options, spreading over keys. */
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { subscriptionsSchema } from '../../src/pipeline/subscriptions.js';
import { StreamCapacityError, assignToKeys, nearMoneyCodes, registrationsAt, streamTargets, type Registration } from '../../src/stream/registrations.js';
import { instrumentRules } from '../../workers/pools.js';
import { type KstDate, parseKst } from '../../src/time/kst.js';

const calendar = defaultCalendar();
const chain = [330, 332.5, 335, 337.5, 340, 342.5, 345].flatMap((k) => [
  { code: `C${k * 10}`, strike: k },
  { code: `P${k * 10}`, strike: k },
]);
let forward = 337.9;
const nearMoney = (_d: KstDate) => ({ options: chain, forward });
const subs = subscriptionsSchema.parse([
  { rule: 'front-future', family: 'kospi200', kinds: ['candles', 'ticks', 'quotes'] },
  { rule: 'stocks', codes: ['005930', '000660'], kinds: ['ticks'] },
  { rule: 'options', kinds: ['ticks'] },
  { rule: 'front-future', family: 'mini' },
]);
const rules = instrumentRules(calendar);

describe('stream registrations', () => {
  it('registers ticks/quotes with the day TRs in the day session, the night TRs at night, nothing on a closed day', () => {
    const targets = streamTargets(subs, '2026-12-03' as KstDate, rules, nearMoney, 1);
    const fut = rules.frontFuture('kospi200', '2026-12-03' as KstDate).code;
    // The mini future subscribed candles only: not streamed.
    expect(targets.map((t) => t.code)).not.toContain(rules.frontFuture('mini', '2026-12-03' as KstDate).code);
    const day = registrationsAt(targets, parseKst('2026-12-03 10:00'), calendar).map((r) => `${r.trId}/${r.trKey}`);
    expect(day).toEqual(expect.arrayContaining([`H0IFCNT0/${fut}`, `H0IFASP0/${fut}`, 'H0STCNT0/005930', 'H0STCNT0/000660', 'H0IOCNT0/C3375', 'H0IOCNT0/P3400']));
    expect(day).toHaveLength(2 + 2 + 6);
    const night = registrationsAt(targets, parseKst('2026-12-03 20:00'), calendar).map((r) => `${r.trId}/${r.trKey}`);
    expect(night.sort()).toEqual([`H0MFASP0/${fut}`, `H0MFCNT0/${fut}`, 'H0EUCNT0/C3350', 'H0EUCNT0/C3375', 'H0EUCNT0/C3400', 'H0EUCNT0/P3350', 'H0EUCNT0/P3375', 'H0EUCNT0/P3400'].sort());
    // Registered a few minutes before the open; nothing on a Sunday.
    expect(registrationsAt(targets, parseKst('2026-12-03 08:56'), calendar).some((r) => r.trId === 'H0IFCNT0')).toBe(true);
    expect(registrationsAt(targets, parseKst('2026-12-06 11:00'), calendar)).toEqual([]);
  });

  it('near-the-money options follow the forward', () => {
    forward = 337.9;
    expect(nearMoneyCodes(chain, forward, 1)).toEqual(['C3350', 'C3375', 'C3400', 'P3350', 'P3375', 'P3400']);
    forward = 343;
    expect(nearMoneyCodes(chain, forward, 1)).toEqual(['C3400', 'C3425', 'C3450', 'P3400', 'P3425', 'P3450']);
  });

  const regs = (n: number, from = 0): Registration[] => Array.from({ length: n }, (_, i) => ({ trId: 'H0STCNT0', trKey: String(100000 + from + i), family: 'stock', kind: 'ticks' }));

  it('spreads over the keys (≤ 41 each) and keeps what stays wanted where it was', () => {
    const keys = ['a', 'b', 'c'];
    const first = assignToKeys(regs(100), keys, new Map());
    expect([...first.values()].every((l) => l.length <= 41)).toBe(true);
    expect([...first.values()].flat()).toHaveLength(100);
    // Rollover: 10 go, 20 come; the 90 that stay do not move.
    const next = assignToKeys(regs(110, 10), keys, first);
    for (const k of keys) {
      const before = new Set(first.get(k)!.map((r) => r.trKey));
      const kept = next.get(k)!.filter((r) => before.has(r.trKey));
      expect(kept).toHaveLength(first.get(k)!.filter((r) => Number(r.trKey) >= 100010).length);
      expect(next.get(k)!.length).toBeLessThanOrEqual(41);
    }
    expect(new Set([...next.values()].flat().map((r) => r.trKey)).size).toBe(110);
  });

  it('too many registrations: an error that says how many keys are needed', () => {
    expect(() => assignToKeys(regs(124), ['a', 'b', 'c'], new Map())).toThrow(StreamCapacityError);
    expect(() => assignToKeys(regs(124), ['a', 'b', 'c'], new Map())).toThrow(/needs 124 registrations .* configure 4 KIS accounts \(kis\.accounts, 1 more\)/);
  });

  const futs = (n: number): Registration[] => Array.from({ length: n }, (_, i) => ({ trId: 'H0IFCNT0', trKey: `A0${1600 + i}`, family: 'future', kind: 'ticks' }));
  const sizes = (m: Map<string, Registration[]>) => [...m.values()].map((l) => l.length);

  it('paper keys never carry F/O registrations; stocks go there too', () => {
    const paperKeys = new Set(['p']);
    const m = assignToKeys([...futs(30), ...regs(50)], ['r1', 'p', 'r2'], new Map(), { paperKeys });
    expect(m.get('p')!.length).toBeGreaterThan(0);
    expect(m.get('p')!.every((r) => r.family === 'stock')).toBe(true);
    expect(sizes(m).reduce((a, b) => a + b)).toBe(80);
    // Even a previous assignment that put futures on the paper key is not kept.
    const moved = assignToKeys([...futs(30), ...regs(50)], ['r1', 'p', 'r2'], new Map([['p', futs(10)]]), { paperKeys });
    expect(moved.get('p')!.every((r) => r.family === 'stock')).toBe(true);
    // More F/O than the real keys carry: an error naming real keys, though paper keys have room.
    expect(() => assignToKeys(futs(50), ['r1', 'p'], new Map(), { paperKeys })).toThrow(/needs 50 F\/O registrations but 1 real app key\(s\) carry at most 41 .* configure 2 real KIS accounts/);
  });

  it('a key added takes its share from the others; a key removed hands its registrations over', () => {
    const three = assignToKeys(regs(120), ['a', 'b', 'c'], new Map());
    expect(sizes(three)).toEqual([40, 40, 40]);
    const four = assignToKeys(regs(120), ['a', 'b', 'c', 'd'], three);
    expect(sizes(four)).toEqual([32, 32, 32, 24]);
    // Only the excess moved: each old key kept 32 of its own 40.
    for (const k of ['a', 'b', 'c']) expect(four.get(k)!.every((r) => three.get(k)!.some((x) => x.trKey === r.trKey))).toBe(true);
    const without = assignToKeys(regs(120), ['a', 'c', 'd'], four);
    expect(sizes(without)).toEqual([40, 40, 40]);
    expect(new Set([...without.values()].flat().map((r) => r.trKey)).size).toBe(120);
    for (const k of ['a', 'c', 'd']) expect(four.get(k)!.every((r) => without.get(k)!.some((x) => x.trKey === r.trKey))).toBe(true);
  });
});
