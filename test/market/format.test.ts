import { describe, expect, it } from 'vitest';
import { MISSING, formatChange, formatNumber, formatPrice, formatQuantity } from '../../src/market/format.js';
import { priceDecimals, stockTickSize, tickDecimals, tickSize } from '../../src/market/instruments/index.js';
import type { ProductFamily } from '../../src/market/types.js';

describe('number formatter', () => {
  it('stock prices: whole won, thousands separators, trailing zeros kept', () => {
    expect(formatPrice(72_400, 'stock')).toBe('72,400');
    expect(formatPrice(73_000, 'stock')).toBe('73,000');
    expect(formatPrice(1_000, 'stock')).toBe('1,000');
    expect(formatPrice(950, 'stock')).toBe('950');
    expect(formatPrice(1_234_000, 'stock')).toBe('1,234,000');
    expect(formatPrice(0, 'stock')).toBe('0');
  });

  it('KOSPI200 and mini F/O: 2 decimals, never rounded to a whole point', () => {
    expect(formatPrice(1002.5, 'kospi200')).toBe('1,002.50');
    expect(formatPrice(1007.5, 'kospi200')).toBe('1,007.50');
    expect(formatPrice(1000, 'kospi200')).toBe('1,000.00');
    expect(formatPrice(402.55, 'kospi200')).toBe('402.55');
    expect(formatPrice(0.01, 'kospi200')).toBe('0.01');
    expect(formatPrice(1080.3, 'mini')).toBe('1,080.30');
    expect(formatPrice(1350.1, 'kosdaq150')).toBe('1,350.1');
  });

  it('negative numbers keep their sign and precision; a value rounding to zero is not "-0"', () => {
    expect(formatPrice(-1234.5, 'kospi200')).toBe('-1,234.50');
    expect(formatPrice(-72_400, 'stock')).toBe('-72,400');
    expect(formatQuantity(-0.00001, 'greek')).toBe('0.0000');
    expect(formatQuantity(-0.0123, 'greek')).toBe('-0.0123');
    expect(formatChange(400, 'stock')).toBe('+400');
    expect(formatChange(-1.25, 'kospi200')).toBe('-1.25');
    expect(formatChange(0, 'kospi200')).toBe('0.00');
  });

  it('missing values are "—", never 0', () => {
    for (const v of [null, undefined, NaN, Infinity, -Infinity]) {
      expect(formatPrice(v, 'stock')).toBe(MISSING);
      expect(formatQuantity(v, 'iv')).toBe(MISSING);
      expect(formatChange(v, 'kospi200')).toBe(MISSING);
      expect(formatNumber(v, 2)).toBe(MISSING);
    }
    expect(MISSING).toBe('—');
    expect(formatQuantity(0, 'count')).toBe('0');
  });

  it('IV, greeks and counts at their fixed precision', () => {
    expect(formatQuantity(31.5614, 'iv')).toBe('31.56');
    expect(formatQuantity(30, 'iv')).toBe('30.00');
    expect(formatQuantity(1, 'greek')).toBe('1.0000');
    expect(formatQuantity(0.0123, 'greek')).toBe('0.0123');
    expect(formatQuantity(1_234_567, 'count')).toBe('1,234,567');
    expect(formatQuantity(12.345, 'percent')).toBe('12.35');
  });

  it('price precision is derived from the tick tables and shows every tick exactly', () => {
    expect(tickDecimals(0.05)).toBe(2);
    expect(tickDecimals(0.1)).toBe(1);
    expect(tickDecimals(1_000)).toBe(0);
    expect(priceDecimals('stock')).toBe(0);
    expect(priceDecimals('kospi200')).toBe(2);
    expect(priceDecimals('mini')).toBe(2);
    expect(priceDecimals('kosdaq150')).toBe(1);
    expect(priceDecimals()).toBe(2);
    // Every tick size any instrument has, at any price, prints exactly at its family's precision.
    const samples: [ProductFamily, string, number[]][] = [
      ['stock', '005930', [1, 1_999, 2_000, 19_990, 72_400, 199_900, 500_000]],
      ['kospi200', 'A01612', [400]],
      ['kospi200', 'B01612A48', [0.5, 9.99, 10, 40]],
      ['mini', 'A05612', [1080.3]],
      ['mini', 'B05612A48', [1, 2.99, 3, 9.98, 10, 25]],
      ['kosdaq150', 'A06612', [1350]],
      ['kosdaq150', 'B06612A48', [10, 49.9, 50, 120]],
    ];
    for (const [family, code, prices] of samples) {
      const kind = code.length === 6 && family !== 'stock' ? 'future' : family === 'stock' ? 'stock' : 'call';
      for (const p of prices) {
        const tick = tickSize({ kind, family, code }, p);
        expect(Number(formatPrice(tick, family).replace(/,/g, '')), `${family} tick ${tick}`).toBe(tick);
        expect(Number(formatPrice(p + tick, family).replace(/,/g, ''))).toBeCloseTo(p + tick, 9);
      }
    }
    expect(stockTickSize(72_400, { etp: true })).toBe(5);
  });
});
