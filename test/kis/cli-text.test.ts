/** The CLI's human output shows numbers like the charts: tick precision, separators, '—' for missing. */
import { describe, expect, it } from 'vitest';
import { barLine, boardText, displayFamily, quoteLine, recordLine } from '../../src/cli/commands/kis-text.js';
import { statusText } from '../../src/cli/commands/db.js';
import type { MinuteBar, OptionBoard, OptionBoardRow, StockQuote } from '../../src/kis/types.js';
import type { BookQuote, OptionTrade, StockTrade } from '../../src/kis/ws/index.js';
import { kstTime, type KstDate } from '../../src/time/kst.js';

const T = kstTime(2026, 11, 24, 9, 0);

const quote = (price: number, change: number): StockQuote => ({
  code: '005930',
  name: '삼성전자',
  price,
  change,
  changeRate: 0.56,
  open: 72_000,
  high: 73_000,
  low: 71_900,
  volume: 12_345_678,
  fields: {},
});

function boardRow(strike: number, price: number, iv: number | null | undefined): OptionBoardRow {
  // KIS rows with nothing computed may carry null (issue #10 item 3) as well as leave the field out.
  return { code: `B01612${strike}`, strike, price, iv: iv as number | undefined, greeks: {}, fields: {} };
}

const trade = {
  tr: 'H0STCNT0',
  hhmmss: '090000',
  time: T,
  tradingDate: '2026-11-24' as KstDate,
  change: 400,
  changeRate: 0.56,
  sign: 2,
  open: 72_000,
  high: 73_000,
  low: 71_900,
  cumValue: null,
  ask1: null,
  bid1: null,
};

describe('CLI human output', () => {
  it('kis price and candles: a stock in whole won with separators', () => {
    expect(displayFamily('005930', 'J')).toBe('stock');
    expect(displayFamily('B01612A48', 'O')).toBe('kospi200');
    expect(displayFamily('A05612', 'F')).toBe('mini');
    // Stock futures trade in whole won like their stock.
    expect(displayFamily('A11612', 'JF')).toBe('stock');
    expect(quoteLine('005930', quote(72_400, 400), 'stock')).toBe(
      '005930 삼성전자 72,400 (+400, 0.56%) O 72,000 H 73,000 L 71,900 vol 12,345,678',
    );
    const bar: MinuteBar = {
      code: '005930',
      time: T,
      open: 73_000,
      high: 73_000,
      low: 72_400,
      close: 72_400,
      volume: 1_000,
    };
    expect(barLine(bar, 'stock')).toBe('2026-11-24T09:00  O 73,000  H 73,000  L 72,400  C 72,400  V 1,000');
    const fut: MinuteBar = { ...bar, code: 'A01612', open: 1002.5, high: 1007.5, low: 1000, close: 1007.5 };
    expect(barLine(fut, displayFamily('A01612', 'F'))).toBe(
      '2026-11-24T09:00  O 1,002.50  H 1,007.50  L 1,000.00  C 1,007.50  V 1,000',
    );
  });

  it('kis board: KOSPI200 strikes above 1000 keep their .50; a missing IV is "—", never 0 or a crash', () => {
    const board: OptionBoard = {
      expiry: '202612',
      series: 'monthly',
      family: 'kospi200',
      calls: [boardRow(1007.5, 3.1, 30.5614), boardRow(1002.5, 5, undefined)],
      puts: [boardRow(1007.5, 8.05, null), boardRow(1002.5, 6.2, 31)],
    };
    expect(boardText(board).split('\n')).toEqual([
      'kospi200 monthly 202612: 2 calls, 2 puts',
      '     call      iv    strike       put      iv',
      '     3.10   30.56  1,007.50      8.05       —',
      '     5.00       —  1,002.50      6.20   31.00',
    ]);
  });

  it('kis stream: prices at the code’s tick precision, quantities with separators', () => {
    const st: StockTrade = {
      ...trade,
      kind: 'stock-trade',
      code: '005930',
      price: 72_400,
      qty: 1_000,
      cumVolume: 12_345_678,
      vwap: null,
      side: null,
      strength: null,
      businessDate: '20261124',
      hourClass: '0',
    };
    expect(recordLine(st)).toBe('09:00:00 2026-11-24 H0STCNT0 005930        72,400 x1,000  vol 12,345,678');
    const opt: OptionTrade = {
      ...trade,
      tr: 'H0IOCNT0',
      kind: 'option-trade',
      code: 'B01612A48',
      price: 12.5,
      qty: 3,
      cumVolume: 1_200,
      openInterest: null,
      openInterestChange: null,
      theoretical: null,
      askQty1: null,
      bidQty1: null,
      iv: 31.5614,
      delta: null,
      gamma: null,
      vega: null,
      theta: null,
      rho: null,
    };
    expect(recordLine(opt)).toBe(
      '09:00:00 2026-11-24 H0IOCNT0 B01612A48      12.50 x3      vol 1,200 iv 31.56',
    );
    const book: BookQuote = {
      tr: 'H0IFASP0',
      kind: 'book',
      code: 'A01612',
      hhmmss: '090000',
      time: T,
      tradingDate: '2026-11-24' as KstDate,
      asks: [1007.5],
      bids: [],
      askQtys: [1_200],
      bidQtys: [],
      askCounts: null,
      bidCounts: null,
      totalAskQty: null,
      totalBidQty: null,
      expectedPrice: null,
      expectedQty: null,
    };
    expect(recordLine(book)).toBe(
      '09:00:00 2026-11-24 H0IFASP0 A01612    ask   1,007.50 (1,200) bid          — (—)',
    );
  });

  it('db status: row counts with separators', () => {
    const text = statusText({
      migrations: 5,
      tables: [
        {
          name: 'candles_1m',
          parent: null,
          partitioned: true,
          rows: 72_400,
          estimated: false,
          bytes: 3 * 1024 * 1024,
        },
        {
          name: 'stocks_1m',
          parent: 'candles_1m',
          partitioned: false,
          rows: 1_000_000,
          estimated: true,
          bytes: 1024 ** 3,
        },
      ],
      latest: [],
    });
    expect(text).toContain('candles_1m                         72,400      3.0 MB');
    expect(text).toContain('  stocks_1m                    ~1,000,000  1,024.0 MB');
  });
});
