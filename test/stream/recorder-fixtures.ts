/** Hand-built realtime records for the recorder's tests (the end-to-end test uses the simulator's). */
import type { BookQuote, FuturesTrade, StockTrade } from '../../src/kis/ws/records.js';
import { kstTime, type KstDate, type KstTime } from '../../src/time/kst.js';

export const at = (h: number, m: number, s: number, day = 24): KstTime => kstTime(2026, 11, day, h, m, s);

export function stockTrade(code: string, time: KstTime, price: number, qty: number, cum: number, tradingDate = '2026-11-24'): StockTrade {
  return {
    kind: 'stock-trade', tr: 'H0STCNT0', code, hhmmss: '', time, tradingDate: tradingDate as KstDate,
    price, change: 0, changeRate: null, sign: null, open: price, high: price, low: price, qty, cumVolume: cum,
    cumValue: null, ask1: null, bid1: null, vwap: null, side: 1, strength: null, businessDate: '20261124', hourClass: '0',
  };
}

export function futuresTrade(code: string, time: KstTime, price: number, qty: number, cum: number, tradingDate = '2026-11-24'): FuturesTrade {
  return {
    kind: 'futures-trade', tr: 'H0IFCNT0', code, hhmmss: '', time, tradingDate: tradingDate as KstDate,
    price, change: 0, changeRate: null, sign: null, open: price, high: price, low: price, qty, cumVolume: cum,
    cumValue: null, ask1: null, bid1: null, openInterest: 1000 + cum, openInterestChange: null, theoretical: null,
    askQty1: null, bidQty1: null, basis: null, bandHigh: null, bandLow: null,
  };
}

export function book(code: string, time: KstTime, bestAsk: number, tradingDate = '2026-11-24'): BookQuote {
  return {
    kind: 'book', tr: 'H0STASP0', code, hhmmss: '', time, tradingDate: tradingDate as KstDate,
    asks: [bestAsk, bestAsk + 1], bids: [bestAsk - 1, bestAsk - 2], askQtys: [10, 20], bidQtys: [30, 40],
    askCounts: null, bidCounts: null, totalAskQty: 30, totalBidQty: 70, expectedPrice: null, expectedQty: null,
  };
}
