import { describe, expect, it } from 'vitest';
import { vwapAtrSteps, type VwapAtrStep } from '../../src/strategy/vwap-atr.js';
import { EVENT_KIND, EVENT_REASON, POSITION_NAME, VwapAtrState } from '../../src/strategy/vwap-atr-state.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { addDays, parseKstDate, type KstDate } from '../../src/time/kst.js';
import type { Session } from '../../src/market/types.js';
import { syntheticFutureCandles } from './synthetic.js';

const cal = defaultCalendar();
const dates: KstDate[] = [];
for (let d = parseKstDate('2026-03-02'); dates.length < 6; d = addDays(d, 1))
  if (cal.isTradingDay(d)) dates.push(d);

function sessions(): Session[] {
  const out: Session[] = [];
  for (const d of dates)
    for (const p of ['night', 'derivatives'] as const) {
      const s = cal.session(p, d);
      if (s) out.push(s);
    }
  return out.sort((a, b) => a.open - b.open);
}

/** The state's steps, written the way the reference writes them. */
function fastSteps(
  candles: ReturnType<typeof syntheticFutureCandles>,
  all: Session[],
  k: number,
  atrPeriod: number,
) {
  const state = new VwapAtrState(k, atrPeriod);
  const bySession: VwapAtrStep[][] = all.map(() => []);
  let s = -1;
  for (const c of candles) {
    while (s + 1 < all.length && c.time >= all[s + 1]!.open)
      state.beginSession(all[++s]!.open, all[s]!.close);
    if (!state.push(c.time, c.high, c.low, c.close, c.volume)) continue;
    const step: VwapAtrStep = {
      time: state.time,
      close: state.close,
      vwap: state.vwap,
      position: POSITION_NAME[state.position],
    };
    if (!Number.isNaN(state.atr))
      Object.assign(step, { atr: state.atr, upper: state.upper, lower: state.lower });
    if (state.event)
      step.event = { kind: EVENT_KIND[state.event] as 'exit', reason: EVENT_REASON[state.event] };
    bySession[s]!.push(step);
  }
  return bySession;
}

describe('VwapAtrState (the allocation-free fast path)', () => {
  const all = sessions();
  const base = syntheticFutureCandles('A01612', dates, cal, 7);
  // Sessions opening on zero volume exercise the mean-typical VWAP branch; a flat stretch gives ATR 0.
  const candles = base.map((c, i) => {
    const opening = all.some((s) => c.time >= s.open && c.time < s.open + 3 * 60_000);
    const flat = i >= 2000 && i < 2040;
    return {
      ...c,
      volume: opening ? 0 : c.volume,
      ...(flat ? { high: 400, low: 400, close: 400, open: 400 } : {}),
    };
  });

  for (const [k, atrPeriod] of [
    [2, 14],
    [0.5, 3],
    [1.2, 40],
  ] as const) {
    it(`gives exactly the reference steps, events and positions (k ${k}, ATR ${atrPeriod})`, () => {
      const fast = fastSteps(candles, all, k, atrPeriod);
      let events = 0;
      all.forEach((session, i) => {
        const reference = vwapAtrSteps(candles, session, { k, atrPeriod });
        expect(reference.length).toBeGreaterThan(300);
        expect(fast[i]).toEqual(reference);
        events += reference.filter((s) => s.event).length;
      });
      expect(events).toBeGreaterThan(10);
    });
  }
});
