import { describe, expect, it } from 'vitest';
import { readableTimes, withReadableTimes } from '../../jobs/readable-times.js';
import { parsePayload } from '../../jobs/catalog.js';
import { kstTime } from '../../src/time/kst.js';

describe('payload times in words (bull-board)', () => {
  it('labels a minute, a range (last minute included), a batch and a board minute', () => {
    expect(readableTimes({ minute: kstTime(2026, 12, 7, 9, 20) })).toBe('2026-12-07 09:20 KST');
    expect(readableTimes({ from: kstTime(2026, 12, 7, 9, 0), to: kstTime(2026, 12, 7, 10, 30), batch: kstTime(2026, 12, 7, 10, 29) })).toBe(
      '2026-12-07 09:00 – 2026-12-07 10:29, batch 2026-12-07 10:29 KST',
    );
    expect(readableTimes({ board: { minute: kstTime(2026, 12, 8, 1, 5) } })).toBe('2026-12-08 01:05 KST');
    expect(readableTimes({ code: '005930' })).toBeUndefined();
  });

  it('a stale label is recomputed, and the label passes the strict payload schemas', () => {
    const p = withReadableTimes({ code: '005930', family: 'stock' as const, account: 'main', from: kstTime(2026, 12, 7, 9, 0), to: kstTime(2026, 12, 7, 9, 30), kst: 'wrong' });
    expect(p.kst).toBe('2026-12-07 09:00 – 2026-12-07 09:29 KST');
    expect(parsePayload('backfill-candles', p).kst).toBe(p.kst);
    expect(() => parsePayload('run-strategy', { minute: kstTime(2026, 12, 7, 9, 0), other: 1 })).toThrow(/other/);
  });
});
