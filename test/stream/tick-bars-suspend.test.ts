/**
 * TickBarBuilder.suspend: after a drop, minutes closed before the gap is known are partial; the gap ends
 * the doubt, and later minutes are whole again. Other instruments are untouched.
 */
import { describe, expect, it } from 'vitest';
import type { WsRecord } from '../../src/kis/ws/records.js';
import { type KstTime, formatKst, parseKst } from '../../src/time/kst.js';
import { TickBarBuilder, type TickBar } from '../../src/stream/tick-bars.js';

const trade = (code: string, at: string, price: number): WsRecord =>
  ({ kind: 'stock-trade', tr: 'H0STCNT0', code, hhmmss: '', time: parseKst(at), tradingDate: '2026-12-03', price, qty: 1 }) as unknown as WsRecord;

function run(drop: boolean): Map<string, boolean> {
  const closed: TickBar[] = [];
  const b = new TickBarBuilder({ onClose: (bars) => closed.push(...bars), since: parseKst('2026-12-03 10:00') });
  for (const s of ['10:00:10', '10:01:10', '10:02:10']) for (const c of ['AAA', 'BBB']) b.onRecord(trade(c, `2026-12-03 ${s}`, 100));
  // AAA's session drops after its last record at 10:02:10; the clock closes 10:02 and 10:03 before the gap is known.
  if (drop) b.suspend(parseKst('2026-12-03 10:02:10'), ['AAA']);
  b.onRecord(trade('BBB', '2026-12-03 10:03:10', 100));
  b.advance(parseKst('2026-12-03 10:04:05'));
  if (drop) b.gap(parseKst('2026-12-03 10:02:10'), parseKst('2026-12-03 10:04:20'), ['AAA']);
  for (const c of ['AAA', 'BBB']) b.onRecord(trade(c, '2026-12-03 10:05:10', 100));
  b.advance(parseKst('2026-12-03 10:07:00'));
  return new Map(closed.map((x) => [`${x.symbol} ${formatKst(x.time as KstTime).slice(11, 16)}`, x.partial]));
}

describe('TickBarBuilder.suspend', () => {
  it('marks the minutes between a drop and its gap partial, only for the dropped instruments', () => {
    const p = run(true);
    expect(p.get('AAA 10:01')).toBe(false);
    expect(p.get('AAA 10:02'), 'the dropped minute, closed before the gap was known').toBe(true);
    expect(p.get('AAA 10:05'), 'after the gap: whole again').toBe(false);
    expect(p.get('BBB 10:02')).toBe(false);
    expect(p.get('BBB 10:03')).toBe(false);
    expect(run(false).get('AAA 10:02'), 'without the drop the same minute is whole').toBe(false);
  });
});
