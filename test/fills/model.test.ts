import { describe, expect, it } from 'vitest';
import { applyFill, createFillModel, stockTaxRate, unrealized, type FillBar } from '../../src/fills/index.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { parseKst, type KstTime } from '../../src/time/kst.js';

const calendar = defaultCalendar();
const t = (s: string): KstTime => parseKst(s);
const bar = (time: string, open: number, high: number, low: number, close: number): FillBar => ({
  time: t(time),
  open,
  high,
  low,
  close,
});
const signal = (symbol: string, kind: string, time = '2026-11-20 10:00') => ({
  strategy: 's',
  symbol,
  kind,
  time: t(time),
});

describe('fill model: futures', () => {
  const model = createFillModel({
    calendar,
    slippageTicks: 1,
    commission: { derivative: { rate: 0.00003 } },
  });

  it('fills at the next open plus slippage in 0.05 ticks, with exact commission and P&L at 250,000 KRW/pt', () => {
    const buy = model.orderFor(signal('A01612', 'enter_long'), undefined)!;
    expect(buy).toMatchObject({ side: 'buy', quantity: 1, id: 's:A01612:2026-11-20T10:00:00:enter_long' });
    const signalBar = bar('2026-11-20 10:00', 399.5, 400.1, 399.4, 399.95);
    const entry = model.fill(buy, signalBar, bar('2026-11-20 10:01', 400, 400.3, 399.9, 400.2))!;
    expect(entry).toMatchObject({ price: 400.05, time: t('2026-11-20 10:01'), commission: 3000, tax: 0 });
    const opened = applyFill(undefined, entry, model.multiplier('A01612'));
    expect(opened.position).toEqual({ symbol: 'A01612', quantity: 1, averagePrice: 400.05 });

    const exit = model.orderFor(signal('A01612', 'exit', '2026-11-20 11:00'), opened.position)!;
    expect(exit).toMatchObject({ side: 'sell', quantity: 1 });
    const out = model.fill(
      exit,
      bar('2026-11-20 11:00', 402, 402, 402, 402),
      bar('2026-11-20 11:01', 402, 402.2, 401.5, 401.6),
    )!;
    expect(out).toMatchObject({ price: 401.95, commission: 3014 });
    const closed = applyFill(opened.position, out, 250_000);
    expect(closed.realized).toBeCloseTo((401.95 - 400.05) * 250_000, 6);
    expect(Math.round(closed.realized)).toBe(475_000);
    expect(closed.position.quantity).toBe(0);
  });

  it('never fills outside the bar: slippage is clamped to the high (buy) and the low (sell)', () => {
    const buy = model.orderFor(signal('A01612', 'enter_long'), undefined)!;
    const f = model.fill(
      buy,
      bar('2026-11-20 10:00', 400, 400, 400, 400),
      bar('2026-11-20 10:01', 401, 401, 400.5, 400.5),
    )!;
    expect(f.price).toBe(401);
    const sell = model.orderFor(signal('A01612', 'exit'), {
      symbol: 'A01612',
      quantity: 1,
      averagePrice: 400,
    })!;
    const s = model.fill(
      sell,
      bar('2026-11-20 10:00', 400, 400, 400, 400),
      bar('2026-11-20 10:01', 399, 399.5, 399, 399.2),
    )!;
    expect(s.price).toBe(399);
  });

  it('does not fill across a session close, and waits while the next bar does not exist', () => {
    const buy = model.orderFor(signal('A01612', 'enter_long', '2026-11-20 15:45'), undefined)!;
    const last = bar('2026-11-20 15:45', 400, 400, 400, 400);
    expect(model.fill(buy, last, undefined)).toBeUndefined();
    // The next bar is the night session's first: another session.
    expect(model.fill(buy, last, bar('2026-11-20 18:00', 401, 401, 401, 401))).toBeNull();
    // Night → day is also a boundary.
    const night = bar('2026-11-20 06:00', 400, 400, 400, 400);
    expect(model.fill(buy, night, bar('2026-11-20 08:45', 400, 400, 400, 400))).toBeNull();
  });

  it('fills at the signal bar close in signal_close mode', () => {
    const m = createFillModel({ calendar, fillAt: 'signal_close', slippageTicks: 2 });
    const buy = m.orderFor(signal('A01612', 'enter_long'), undefined)!;
    expect(m.fill(buy, bar('2026-11-20 10:00', 399, 400.5, 398.9, 400), undefined)!.price).toBe(400.1);
    // A minute outside every session is not a market.
    expect(m.fill(buy, bar('2026-11-20 17:00', 399, 400.5, 398.9, 400), undefined)).toBeNull();
  });

  it('uses each product’s multiplier and tick', () => {
    expect(model.multiplier('A01612')).toBe(250_000);
    expect(model.multiplier('A05610')).toBe(50_000);
    expect(model.multiplier('A06609')).toBe(10_000);
    expect(model.multiplier('B01612A48')).toBe(250_000);
    expect(model.multiplier('005930')).toBe(1);
    const m = createFillModel({ calendar, slippageTicks: 1, fillAt: 'signal_close' });
    const fill = (symbol: string, close: number): number =>
      m.fill(
        m.orderFor(signal(symbol, 'enter_long'), undefined)!,
        bar('2026-11-20 10:00', close, close + 100, close, close),
        undefined,
      )!.price;
    expect(fill('A05610', 400)).toBe(400.02);
    expect(fill('A06609', 1400)).toBe(1400.1);
    expect(fill('B01612A48', 3.5)).toBe(3.51);
    expect(fill('B01612A48', 9.99)).toBe(10);
    expect(fill('B01612A48', 10)).toBe(10.05);
  });
});

describe('fill model: stocks', () => {
  it('walks the stock tick ladder across bands and charges the transaction tax on sells by date', () => {
    const m = createFillModel({
      calendar,
      slippageTicks: 2,
      quantity: 10,
      maxPosition: 10,
      commission: { stock: { rate: 0.00015 } },
    });
    const buy = m.orderFor(signal('005930', 'enter_long'), undefined)!;
    const b = m.fill(
      buy,
      bar('2026-11-20 10:00', 49_900, 50_000, 49_900, 49_950),
      bar('2026-11-20 10:01', 49_950, 50_500, 49_900, 50_200),
    )!;
    // 49,950 +50 → 50,000, then the 100-won band: 50,100.
    expect(b).toMatchObject({ price: 50_100, quantity: 10, commission: 75, tax: 0 });
    const sell = m.orderFor(signal('005930', 'exit', '2026-11-20 11:00'), {
      symbol: '005930',
      quantity: 10,
      averagePrice: 50_100,
    })!;
    const s = m.fill(
      sell,
      bar('2026-11-20 11:00', 2_010, 2_010, 2_000, 2_000),
      bar('2026-11-20 11:01', 2_005, 2_010, 1_990, 2_000),
    )!;
    // 2,005 −5 → 2,000, then the 1-won band below: 1,999. Tax 0.20 % (2026) of 19,990 = 39.98 → 39.
    expect(s).toMatchObject({ price: 1_999, commission: 2, tax: 39 });
  });

  it('knows the tax schedule and exempts ETNs; does not short stocks unless allowed', () => {
    expect(stockTaxRate('KOSPI', '2025-06-02')).toBe(0.0015);
    expect(stockTaxRate('KOSDAQ', '2024-03-04')).toBe(0.0018);
    expect(stockTaxRate('KOSPI', '2022-12-29')).toBe(0.0023);
    expect(stockTaxRate('KOSDAQ', '2026-11-20')).toBe(0.002);
    const m = createFillModel({ calendar, fillAt: 'signal_close', quantity: 100, maxPosition: 100 });
    const at = bar('2025-06-02 10:00', 70_000, 70_000, 70_000, 70_000);
    const sell = m.orderFor(signal('005930', 'exit', '2025-06-02 10:00'), {
      symbol: '005930',
      quantity: 100,
      averagePrice: 1,
    })!;
    expect(m.fill(sell, at, undefined)!.tax).toBe(10_500);
    const etn = m.orderFor(signal('Q500001', 'exit', '2025-06-02 10:00'), {
      symbol: 'Q500001',
      quantity: 100,
      averagePrice: 1,
    })!;
    expect(m.fill(etn, at, undefined)!.tax).toBe(0);
    expect(m.orderFor(signal('005930', 'enter_short'), undefined)).toBeUndefined();
    const shorting = createFillModel({ calendar, allowShortStocks: true });
    expect(shorting.orderFor(signal('005930', 'enter_short'), undefined)).toMatchObject({
      side: 'sell',
      quantity: 1,
    });
  });
});

describe('fill model: orders and position limits', () => {
  const m = createFillModel({ calendar, quantity: 1, maxPosition: 2 });
  const pos = (q: number) => ({ symbol: 'A01612', quantity: q, averagePrice: 400 });
  it('adds up to the limit, reverses against a position, ignores exits while flat and information signals', () => {
    expect(m.orderFor(signal('A01612', 'enter_long'), pos(1))).toMatchObject({ side: 'buy', quantity: 1 });
    expect(m.orderFor(signal('A01612', 'enter_long'), pos(2))).toBeUndefined();
    expect(m.orderFor(signal('A01612', 'enter_short'), pos(2))).toMatchObject({ side: 'sell', quantity: 3 });
    expect(m.orderFor(signal('A01612', 'exit'), pos(-2))).toMatchObject({ side: 'buy', quantity: 2 });
    expect(m.orderFor(signal('A01612', 'exit'), undefined)).toBeUndefined();
    expect(m.orderFor(signal('A01612', 'monitor'), undefined)).toBeUndefined();
  });

  it('rejects bad options with one line naming the option', () => {
    expect(() => createFillModel({ calendar, slippageTicks: -1 })).toThrow(
      /slippageTicks must be an integer ≥ 0, got -1/,
    );
    expect(() => createFillModel({ calendar, quantity: 1.5 })).toThrow(/quantity must be an integer ≥ 1/);
    expect(() => createFillModel({ calendar, fillAt: 'mid' as never })).toThrow(
      /fillAt must be next_open or signal_close/,
    );
  });

  it('books realised P&L on the closed part and averages additions', () => {
    const f = (side: 'buy' | 'sell', quantity: number, price: number) => ({
      orderId: 'x',
      symbol: 'A01612',
      side,
      quantity,
      price,
      time: t('2026-11-20 10:00'),
      commission: 0,
      tax: 0,
    });
    const a = applyFill(undefined, f('buy', 1, 400), 250_000);
    const b = applyFill(a.position, f('buy', 1, 402), 250_000);
    expect(b.position).toEqual({ symbol: 'A01612', quantity: 2, averagePrice: 401 });
    expect(unrealized(b.position, 403, 250_000)).toBe(1_000_000);
    const c = applyFill(b.position, f('sell', 3, 405), 250_000);
    expect(c).toEqual({
      position: { symbol: 'A01612', quantity: -1, averagePrice: 405 },
      realized: 2_000_000,
      closed: 2,
    });
    const d = applyFill(c.position, f('buy', 1, 404), 250_000);
    expect(d.realized).toBe(250_000);
  });
});
