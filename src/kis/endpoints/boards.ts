/** Option/futures display boards (HTS screen 0503) and the option expiry list. Real accounts only. */
import { KisInvalidArgumentError } from '../errors.js';
import { num, optNum, optText, text, type Row } from '../fields.js';
import type { KisCallOptions, KisHttp } from '../http.js';
import { readArray } from '../response.js';
import { ENDPOINTS } from '../spec/index.js';
import type { FuturesBoardRow, OptionBoard, OptionBoardRow, OptionExpiry, OptionFamily, OptionSeriesParam } from '../types.js';
import { greeksOf } from './futures-options.js';
import { ivMissingReason, ivOrNone, priceOrNone } from '../not-computed.js';

/** A blank price is a strike without one, not a broken row. */
const ROW_REQUIRED = ['acpr', 'optn_shrn_iscd'];
const FUTURES_REQUIRED = ['futs_shrn_iscd', 'futs_prpr'];
const EXPIRY_REQUIRED = ['mtrt_yymm_code', 'mtrt_yymm'];

/** `FID_COND_MRKT_CLS_CODE` for a product family and series (reference §3.9). */
export function boardClassCode(family: OptionFamily, series: OptionSeriesParam, endpoint: string): string {
  if (series === 'weekly-thu' || series === 'weekly-mon') {
    if (family !== 'kospi200') throw new KisInvalidArgumentError(endpoint, 'series', `${series} is only offered for kospi200 on the KIS board`);
    return series === 'weekly-thu' ? 'WKI' : 'WKM';
  }
  return { kospi200: '', mini: 'MKI', kosdaq150: 'KQI' }[family];
}

const MONTHLY_RE = /^\d{4}(0[1-9]|1[0-2])$/;
const WEEKLY_RE = /^\d{2}(0[1-9]|1[0-2])0[1-5]$/;

/** Checks `FID_MTRT_CNT`: monthly `YYYYMM`, weekly `YYMMWW` (week of month 01–05). */
export function checkBoardExpiry(expiry: string, series: OptionSeriesParam, endpoint: string): void {
  const monthly = series === 'monthly';
  if (!(monthly ? MONTHLY_RE : WEEKLY_RE).test(expiry)) {
    throw new KisInvalidArgumentError(endpoint, 'expiry', `${JSON.stringify(expiry)} is not ${monthly ? 'YYYYMM (e.g. 202612)' : 'YYMMWW (e.g. 261203 = Dec 2026, week 3)'} for ${series} options`);
  }
}

const BOARD_NUMBERS: ReadonlyArray<[keyof OptionBoardRow, string]> = [
  ['change', 'optn_prdy_vrss'], ['volume', 'acml_vol'], ['openInterest', 'hts_otst_stpl_qty'], ['intrinsic', 'invl_val'], ['timeValue', 'tmvl_val'],
];
/** Prices where KIS's 0 means none: an empty side of the book, no theoretical price (src/kis/not-computed.ts). */
const BOARD_PRICES: ReadonlyArray<[keyof OptionBoardRow, string]> = [['bid', 'optn_bidp'], ['ask', 'optn_askp'], ['theoretical', 'hts_thpr']];

/** One board row; KIS's zeros that mean "none" become undefined (src/kis/not-computed.ts). */
export function boardRow(r: Row): OptionBoardRow {
  const row: OptionBoardRow = { code: text(r, 'optn_shrn_iscd'), strike: num(r, 'acpr'), greeks: greeksOf(r), fields: r };
  const set = (k: keyof OptionBoardRow, v: number | undefined) => {
    if (v !== undefined) (row as unknown as Record<string, number>)[k] = v;
  };
  for (const [k, f] of BOARD_NUMBERS) set(k, optNum(r, f));
  for (const [k, f] of BOARD_PRICES) set(k, priceOrNone(optNum(r, f)));
  // Untraded this session, KIS shows the base price (기준가) as `optn_prpr`: not a trade, so no price.
  set('price', row.volume === 0 ? undefined : priceOrNone(optNum(r, 'optn_prpr')));
  set('iv', ivOrNone(optNum(r, 'hts_ints_vltl')));
  const missing = ivMissingReason(row);
  if (missing) row.ivMissing = missing;
  const atm = optText(r, 'atm_cls_name');
  if (atm) row.atm = atm;
  return row;
}

export interface OptionBoardArgs {
  /** Monthly `YYYYMM`; weekly `YYMMWW`. */
  expiry: string;
  series?: OptionSeriesParam;
  family?: OptionFamily;
}

/** Calls and puts of one expiry (FHPIF05030100; KIS asks for ≤ 1 call/s, enforced by the limiter). */
export async function optionBoard(http: KisHttp, a: OptionBoardArgs, opts?: KisCallOptions): Promise<OptionBoard> {
  const series = a.series ?? 'monthly';
  const family = a.family ?? 'kospi200';
  const path = ENDPOINTS.optionBoard.path;
  checkBoardExpiry(a.expiry, series, path);
  const division = 'O';
  const { body } = await http.get(
    'optionBoard',
    {
      FID_COND_MRKT_DIV_CODE: division,
      FID_COND_SCR_DIV_CODE: '20503',
      FID_MRKT_CLS_CODE: 'CO',
      FID_MTRT_CNT: a.expiry,
      FID_COND_MRKT_CLS_CODE: boardClassCode(family, series, path),
      FID_MRKT_CLS_CODE1: 'PO',
    },
    opts,
  );
  return {
    expiry: a.expiry,
    series,
    family,
    calls: readArray('optionBoard', body, 'output1', ROW_REQUIRED, division).map(boardRow),
    puts: readArray('optionBoard', body, 'output2', ROW_REQUIRED, division).map(boardRow),
  };
}

/** Listed option expiry months (FHPIO056104C0). */
export async function optionExpiries(http: KisHttp, opts?: KisCallOptions): Promise<OptionExpiry[]> {
  const { body } = await http.get('optionExpiries', { FID_COND_SCR_DIV_CODE: '509', FID_COND_MRKT_DIV_CODE: '', FID_COND_MRKT_CLS_CODE: '' }, opts);
  return readArray('optionExpiries', body, 'output', EXPIRY_REQUIRED).map((r) => ({ code: text(r, 'mtrt_yymm_code'), month: text(r, 'mtrt_yymm') }));
}

export interface FuturesBoardArgs {
  family?: OptionFamily;
}

/** Listed futures of a family with prices (FHPIF05030200). */
export async function futuresBoard(http: KisHttp, a: FuturesBoardArgs = {}, opts?: KisCallOptions): Promise<FuturesBoardRow[]> {
  const cls = boardClassCode(a.family ?? 'kospi200', 'monthly', ENDPOINTS.futuresBoard.path);
  const { body } = await http.get('futuresBoard', { FID_COND_MRKT_DIV_CODE: 'F', FID_COND_SCR_DIV_CODE: '20503', FID_COND_MRKT_CLS_CODE: cls }, opts);
  return readArray('futuresBoard', body, 'output', FUTURES_REQUIRED).map((r) => {
    const row: FuturesBoardRow = { code: text(r, 'futs_shrn_iscd'), price: num(r, 'futs_prpr'), fields: r };
    const name = optText(r, 'hts_kor_isnm');
    if (name) row.name = name;
    for (const [k, f] of [['change', 'futs_prdy_vrss'], ['volume', 'acml_vol'], ['openInterest', 'hts_otst_stpl_qty'], ['theoretical', 'hts_thpr'], ['daysToExpiry', 'hts_rmnn_dynu']] as const) {
      const v = optNum(r, f);
      if (v !== undefined) row[k] = v;
    }
    return row;
  });
}
