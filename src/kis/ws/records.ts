/**
 * Typed realtime records. Prices are in the instrument's own units (KRW for stocks and stock futures,
 * points for index derivatives). `null` marks optional values KIS sent as empty, `nan` or `-nan`
 * (night-option greeks, theoretical prices) or that the TR does not carry.
 */
import type { KstDate, KstTime } from '../../time/kst.js';

export interface RecordBase {
  /** The TR the frame came on (e.g. `H0IFCNT0`). */
  tr: string;
  /** Instrument short code (first field; for notices the instrument of the order). */
  code: string;
  /** The frame's `HHMMSS` as sent (night data may use 24–29 hours). */
  hhmmss: string;
  /** KST wall-clock time of the record. */
  time: KstTime;
  /** Trading date (a night-session record belongs to the next trading day). */
  tradingDate: KstDate;
}

/** The fields every trade TR carries (stocks, futures, options), whatever KIS names them in each layout. */
export interface TradeCore extends RecordBase {
  price: number;
  /** Change from the previous close (signed). */
  change: number;
  changeRate: number | null;
  /** `prdy_vrss_sign`: 1 upper limit, 2 up, 3 flat, 4 lower limit, 5 down. */
  sign: number | null;
  open: number;
  high: number;
  low: number;
  /** This trade's quantity. */
  qty: number;
  cumVolume: number;
  /** 누적 거래대금 in won, whatever unit the TR sends it in (F/O: thousands of won); null when not reported. */
  cumValue: number | null;
  ask1: number | null;
  bid1: number | null;
}

/** What futures and option trades add: open interest, KIS's theoretical price, best-level sizes. */
export interface DerivativeTradeCore extends TradeCore {
  openInterest: number | null;
  openInterestChange: number | null;
  theoretical: number | null;
  askQty1: number | null;
  bidQty1: number | null;
}

/** H0STCNT0 — KRX stock trade. */
export interface StockTrade extends TradeCore {
  kind: 'stock-trade';
  vwap: number | null;
  /** `ccld_dvsn`: 1 buy aggressor, 5 sell aggressor, 3 pre-market. */
  side: number | null;
  /** 체결강도. */
  strength: number | null;
  /** `bsop_date` as sent (YYYYMMDD). */
  businessDate: string;
  /** `hour_cls_code` (0 regular, A/B/C/D expected prices …). */
  hourClass: string;
}

/** H0STASP0 (10 levels), H0IFASP0/H0IOASP0/H0MFASP0/H0EUASP0 (5 levels), H0ZFASP0 (10): order book. */
export interface BookQuote extends RecordBase {
  kind: 'book';
  /** Best first; length = the TR's depth. */
  asks: number[];
  bids: number[];
  askQtys: number[];
  bidQtys: number[];
  /** Order counts per level (derivatives only; null for stocks). */
  askCounts: number[] | null;
  bidCounts: number[] | null;
  totalAskQty: number | null;
  totalBidQty: number | null;
  /** Stocks: expected (auction) price and quantity, when published. */
  expectedPrice: number | null;
  expectedQty: number | null;
}

/** H0IFCNT0 (index futures), H0ZFCNT0 (stock futures), H0MFCNT0 (night futures): futures trade. */
export interface FuturesTrade extends DerivativeTradeCore {
  kind: 'futures-trade';
  /** 시장 베이시스. */
  basis: number | null;
  /** Dynamic price band (실시간 가격제한) upper/lower. */
  bandHigh: number | null;
  bandLow: number | null;
}

/** H0IOCNT0 (index options), H0EUCNT0 (night options), H0ZOCNT0 (stock options): option trade. */
export interface OptionTrade extends DerivativeTradeCore {
  kind: 'option-trade';
  /** HTS implied volatility in percent. */
  iv: number | null;
  delta: number | null;
  gamma: number | null;
  vega: number | null;
  theta: number | null;
  rho: number | null;
}

/** H0IFCNI0 / H0IFCNI9 / H0MFCNI0 / H0EUCNI0: F/O order and fill notice (decrypted). */
export interface FoNotice extends RecordBase {
  kind: 'fo-notice';
  customerId: string;
  /** Account number as sent; never log it unmasked. */
  account: string;
  orderNo: string;
  originalOrderNo: string;
  side: 'buy' | 'sell' | null;
  /** True for a fill (`cntg_yn` 2); false for an order/modify/cancel/reject acceptance. */
  fill: boolean;
  rejected: boolean;
  amend: 'none' | 'modify' | 'cancel';
  /** Filled quantity (or order quantity on acceptance notices). */
  qty: number;
  /** `cntg_unpr` divided by 100 (KIS sends price×100 zero-padded, e.g. `007840000` = 78,400). */
  price: number;
  priceRaw: string;
  orderQty: number | null;
  /** `acpt_yn`: 1 received, 2 confirmed, 3 cancelled. */
  acceptance: string;
  name: string;
}

export type WsRecord = StockTrade | BookQuote | FuturesTrade | OptionTrade | FoNotice;
export type WsRecordKind = WsRecord['kind'];
