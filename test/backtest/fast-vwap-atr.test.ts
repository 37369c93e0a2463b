import { describe, expect, it } from 'vitest';
import { FastVwapAtrRun } from '../../src/backtest/fast-vwap-atr.js';
import { Book } from '../../src/backtest/book.js';
import { createFillModel } from '../../src/fills/model.js';
import { vwapAtrSteps } from '../../src/strategy/vwap-atr.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { addDays, parseKstDate, type KstDate } from '../../src/time/kst.js';
import type { Session } from '../../src/market/types.js';
import { syntheticFutureCandles } from '../strategy/synthetic.js';

const cal = defaultCalendar();
const dates: KstDate[] = [];
for (let d = parseKstDate('2026-03-02'); dates.length < 8; d = addDays(d, 1))
  if (cal.isTradingDay(d)) dates.push(d);
const params = { k: 1.5, atrPeriod: 14 };
const modelOptions = {
  calendar: cal,
  fillAt: 'next_open' as const,
  slippageTicks: 1,
  commission: { derivative: { rate: 0.00003 } },
};

describe('FastVwapAtrRun (the one-pass backtest path)', () => {
  const candles = syntheticFutureCandles('A01612', dates, cal, 5);
  const sessions: Session[] = [];
  for (const d of dates)
    for (const p of ['night', 'derivatives'] as const) {
      const s = cal.session(p, d);
      if (s) sessions.push(s);
    }

  it('books exactly the trades, fills and costs of vwapAtrSteps session by session through the fill model', () => {
    // Reference: the step function over each session, each event filled at the session's next bar.
    const model = createFillModel(modelOptions);
    const book = new Book(100_000_000);
    let fills = 0;
    for (const s of sessions) {
      const steps = vwapAtrSteps(candles, s, params);
      const inSession = candles.filter((c) => c.time >= s.open && c.time <= s.close);
      steps.forEach((step, i) => {
        if (!step.event) return;
        const order = model.orderFor(
          { strategy: 'vwap-atr', symbol: 'A01612', time: step.time, kind: step.event.kind },
          book.positions.get('A01612'),
        );
        const fill = order && model.fill(order, inSession[i]!, inSession[i + 1]);
        if (!fill) return;
        book.apply(fill, model.multiplier('A01612'));
        fills++;
      });
    }
    book.mark('A01612', candles.at(-1)!.close);

    const fastBook = new Book(100_000_000);
    const run = new FastVwapAtrRun('A01612', cal, createFillModel(modelOptions), fastBook, params);
    for (const c of candles) run.push(c.time, c.open, c.high, c.low, c.close, c.volume);
    run.finish();

    expect(fills).toBeGreaterThan(20);
    expect(run.fills).toBe(fills);
    expect(fastBook.trades).toEqual(book.trades);
    expect(fastBook.grossRealized).toBe(book.grossRealized);
    expect(fastBook.commission).toBe(book.commission);
    expect(fastBook.equity()).toBe(book.equity());
  });
});
