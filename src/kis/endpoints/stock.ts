/** Stock quotation endpoints: current price, minute charts (today / past date), period chart. */
import { type KstDate, type KstTime, kisDate, kisHhmmss } from '../../time/kst.js';
import { num, optNum, optText } from '../fields.js';
import type { KisHttp, KisCallOptions } from '../http.js';
import { readArray, readObject } from '../response.js';
import type { MinuteBar, Period, PeriodBar, StockMarket, StockQuote } from '../types.js';
import { byDateAscending, byTimeAscending, minuteBarOf, periodBarOf } from './bars.js';

const PRICE_REQUIRED = ['stck_prpr', 'prdy_vrss', 'prdy_ctrt', 'acml_vol', 'stck_oprc', 'stck_hgpr', 'stck_lwpr'];
const BAR_REQUIRED = ['stck_bsop_date', 'stck_cntg_hour', 'stck_prpr', 'stck_oprc', 'stck_hgpr', 'stck_lwpr', 'cntg_vol'];
const DAILY_REQUIRED = ['stck_bsop_date', 'stck_clpr', 'stck_oprc', 'stck_hgpr', 'stck_lwpr', 'acml_vol'];

export interface StockPriceArgs {
  code: string;
  market?: StockMarket;
}

/** Current price of a stock (FHKST01010100): the summary plus every typed field of `output`. */
export async function stockPrice(http: KisHttp, a: StockPriceArgs, opts?: KisCallOptions): Promise<StockQuote> {
  const { body } = await http.get('stockPrice', { FID_COND_MRKT_DIV_CODE: a.market ?? 'J', FID_INPUT_ISCD: a.code }, opts);
  const r = readObject('stockPrice', body, 'output', PRICE_REQUIRED);
  return {
    code: optText(r, 'stck_shrn_iscd') ?? a.code,
    price: num(r, 'stck_prpr'),
    change: num(r, 'prdy_vrss'),
    changeSign: optText(r, 'prdy_vrss_sign'),
    changeRate: num(r, 'prdy_ctrt'),
    open: num(r, 'stck_oprc'),
    high: num(r, 'stck_hgpr'),
    low: num(r, 'stck_lwpr'),
    upperLimit: optNum(r, 'stck_mxpr'),
    lowerLimit: optNum(r, 'stck_llam'),
    basePrice: optNum(r, 'stck_sdpr'),
    volume: num(r, 'acml_vol'),
    value: optNum(r, 'acml_tr_pbmn'),
    fields: r,
  };
}

export interface StockMinutesTodayArgs {
  code: string;
  /** Bars up to this time (inclusive, minute-start label); a future time means "now". */
  until: KstTime | string;
  market?: StockMarket;
}

/** Today's minute bars ending at `until`, at most 30 (FHKST03010200), ascending. */
export async function stockMinutesToday(http: KisHttp, a: StockMinutesTodayArgs, opts?: KisCallOptions): Promise<MinuteBar[]> {
  const { body } = await http.get(
    'stockMinutesToday',
    {
      FID_COND_MRKT_DIV_CODE: a.market ?? 'J',
      FID_INPUT_ISCD: a.code,
      FID_INPUT_HOUR_1: typeof a.until === 'string' ? a.until : kisHhmmss(a.until),
      FID_PW_DATA_INCU_YN: 'N',
      FID_ETC_CLS_CODE: '',
    },
    opts,
  );
  return byTimeAscending(readArray('stockMinutesToday', body, 'output2', BAR_REQUIRED).map((r) => minuteBarOf(a.code, r, 'stck')));
}

export interface StockMinutesPastArgs {
  code: string;
  date: KstDate;
  /** `HHMMSS`: bars up to this time of `date`. */
  until: string;
  market?: StockMarket;
}

/** Minute bars of a past date ending at `until`, at most 120 (FHKST03010230, real accounts only), ascending. */
export async function stockMinutesPast(http: KisHttp, a: StockMinutesPastArgs, opts?: KisCallOptions): Promise<MinuteBar[]> {
  const { body } = await http.get(
    'stockMinutesPast',
    {
      FID_COND_MRKT_DIV_CODE: a.market ?? 'J',
      FID_INPUT_ISCD: a.code,
      FID_INPUT_HOUR_1: a.until,
      FID_INPUT_DATE_1: kisDate(a.date),
      FID_PW_DATA_INCU_YN: 'N',
      FID_FAKE_TICK_INCU_YN: '',
    },
    opts,
  );
  return byTimeAscending(readArray('stockMinutesPast', body, 'output2', BAR_REQUIRED).map((r) => minuteBarOf(a.code, r, 'stck')));
}

export interface StockDailyArgs {
  code: string;
  from: KstDate;
  to: KstDate;
  period?: Period;
  /** Adjusted prices (default true). */
  adjusted?: boolean;
  market?: StockMarket;
}

/** Period bars in `[from, to]`, at most 100 (the newest ones) per call (FHKST03010100), ascending. */
export async function stockDaily(http: KisHttp, a: StockDailyArgs, opts?: KisCallOptions): Promise<PeriodBar[]> {
  const { body } = await http.get(
    'stockDaily',
    {
      FID_COND_MRKT_DIV_CODE: a.market ?? 'J',
      FID_INPUT_ISCD: a.code,
      FID_INPUT_DATE_1: kisDate(a.from),
      FID_INPUT_DATE_2: kisDate(a.to),
      FID_PERIOD_DIV_CODE: a.period ?? 'D',
      FID_ORG_ADJ_PRC: a.adjusted === false ? '1' : '0',
    },
    opts,
  );
  return byDateAscending(
    readArray('stockDaily', body, 'output2', DAILY_REQUIRED).map((r) => periodBarOf(a.code, r, 'stck', 'stck_clpr')),
  );
}
