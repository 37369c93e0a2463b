/** Night TRs across midnight: Friday 2026-11-27 evening into Saturday, trading date Monday 2026-11-30. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookQuote, FuturesTrade, OptionTrade } from '../../src/kis/ws/records.js';
import { formatKst } from '../../src/time/kst.js';
import { type Rig, busiest, startRig, until } from './ws-sim-helpers.js';

let rig: Rig;
beforeAll(async () => {
  // 25xxxx hours after midnight, the encoding KIS's REST charts use.
  rig = await startRig({ start: '2026-11-27T23:59:45', speed: 8, nightHourEncoding: 'plus24' });
});
afterAll(() => rig?.close());

describe('night session through the simulator', () => {
  it('H0MFCNT0 / H0MFASP0 / H0EUCNT0 / H0EUASP0 records carry the wall-clock date and Monday as trading date', async () => {
    const { sim } = rig;
    const fut = busiest(sim, 'future', 2).code, opt = busiest(sim, 'call', 2).code;
    const w = rig.client();
    w.c.start();
    await Promise.all([w.c.subscribe('H0MFCNT0', fut), w.c.subscribe('H0MFASP0', fut), w.c.subscribe('H0EUCNT0', opt), w.c.subscribe('H0EUASP0', opt)]);
    const afterMidnight = (tr: string) => w.records.some((r) => r.tr === tr && r.hhmmss.startsWith('24'));
    await until(() => afterMidnight('H0MFCNT0') && afterMidnight('H0MFASP0') && w.records.some((r) => r.tr === 'H0EUCNT0') && w.records.some((r) => r.tr === 'H0EUASP0'), 'night records after midnight', 20_000);
    for (const r of w.records) {
      expect(r.tradingDate).toBe('2026-11-30');
      const wall = formatKst(r.time);
      if (r.hhmmss.startsWith('23')) expect(wall.startsWith('2026-11-27 23:')).toBe(true);
      else {
        expect(r.hhmmss.startsWith('24')).toBe(true);
        expect(wall.startsWith('2026-11-28 00:')).toBe(true);
      }
    }
    const t = w.records.find((r): r is FuturesTrade => r.kind === 'futures-trade' && r.hhmmss.startsWith('24'))!;
    expect(sim.market.trades(t.code, (t.time - 1) as never, (t.time + 1000) as never).some((m) => m.time === t.time && m.price === t.price)).toBe(true);
    const book = w.records.find((r): r is BookQuote => r.tr === 'H0MFASP0')!;
    expect(book.asks).toHaveLength(5);
    expect(book.asks[0]!).toBeGreaterThan(book.bids[0]!);
    const o = w.records.find((r): r is OptionTrade => r.tr === 'H0EUCNT0');
    expect(o?.price).toBeGreaterThan(0);
    await w.c.close();
  });
});
