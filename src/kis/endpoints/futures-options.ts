/** Futures/options quotation endpoints: current price, minute chart, period chart. */
import { type KstDate, type KstTime, addDays, dateOf, kisDate, kisHhmmss } from '../../time/kst.js';
import { num, optNum, optText, type Row } from '../fields.js';
import type { KisCallOptions, KisHttp } from '../http.js';
import { readArray, readObject } from '../response.js';
import type { FoMarket, FoQuote, Greeks, MinuteBar, Period, PeriodBar } from '../types.js';
import { greeksOrNone, ivOrNone } from '../not-computed.js';
import { byDateAscending, byTimeAscending, minuteBarOf, periodBarOf } from './bars.js';

const PRICE_REQUIRED = ['futs_prpr', 'futs_prdy_vrss', 'futs_prdy_ctrt', 'acml_vol', 'futs_oprc', 'futs_hgpr', 'futs_lwpr'];
const BAR_REQUIRED = ['stck_bsop_date', 'stck_cntg_hour', 'futs_prpr', 'futs_oprc', 'futs_hgpr', 'futs_lwpr', 'cntg_vol'];
const DAILY_REQUIRED = ['stck_bsop_date', 'futs_prpr', 'futs_oprc', 'futs_hgpr', 'futs_lwpr', 'acml_vol'];

/**
 * Guesses the F/O market division from a KIS short code: 9 characters = option, 6 (or 8) = future; the
 * underlying (characters 2–3) tells index products (`01` KOSPI200, `05` mini, `06` KOSDAQ150,
 * `09`/`AF` weeklies) from stock F/O. Night (CM/EU) and commodity (CF) codes must be given explicitly.
 */
export function foMarketOf(code: string): FoMarket {
  const option = code.length >= 9;
  const index = ['01', '05', '06', '09', 'AF'].includes(code.slice(1, 3));
  if (option) return index ? 'O' : 'JO';
  return index ? 'F' : 'JF';
}

/**
 * KIS's greeks of a quote or board row; only those KIS filled in (`delta_val`, `gama`, …), and none when
 * KIS computed none (every greek 0 and no IV: src/kis/not-computed.ts).
 */
export const greeksOf = (r: Row): Greeks => {
  const g: Greeks = {};
  for (const [k, f] of [['delta', 'delta_val'], ['gamma', 'gama'], ['theta', 'theta'], ['vega', 'vega'], ['rho', 'rho']] as const) {
    const v = optNum(r, f);
    if (v !== undefined) g[k] = v;
  }
  return greeksOrNone(g, ivOrNone(optNum(r, 'hts_ints_vltl')));
};

export interface FoPriceArgs {
  code: string;
  market?: FoMarket;
}

/** Current price of a future or option (FHMIF10000000), with open interest, theoretical price, IV and greeks. */
export async function foPrice(http: KisHttp, a: FoPriceArgs, opts?: KisCallOptions): Promise<FoQuote> {
  const market = a.market ?? foMarketOf(a.code);
  const { body } = await http.get('foPrice', { FID_COND_MRKT_DIV_CODE: market, FID_INPUT_ISCD: a.code }, opts);
  const r = readObject('foPrice', body, 'output1', PRICE_REQUIRED, market);
  const last = r.futs_last_tr_date;
  return {
    code: a.code,
    name: optText(r, 'hts_kor_isnm'),
    price: num(r, 'futs_prpr'),
    change: num(r, 'futs_prdy_vrss'),
    changeSign: optText(r, 'prdy_vrss_sign'),
    changeRate: num(r, 'futs_prdy_ctrt'),
    prevClose: optNum(r, 'futs_prdy_clpr'),
    open: num(r, 'futs_oprc'),
    high: num(r, 'futs_hgpr'),
    low: num(r, 'futs_lwpr'),
    upperLimit: optNum(r, 'futs_mxpr'),
    lowerLimit: optNum(r, 'futs_llam'),
    basePrice: optNum(r, 'futs_sdpr'),
    volume: num(r, 'acml_vol'),
    value: optNum(r, 'acml_tr_pbmn'),
    openInterest: optNum(r, 'hts_otst_stpl_qty'),
    openInterestChange: optNum(r, 'otst_stpl_qty_icdc'),
    theoretical: optNum(r, 'hts_thpr'),
    ...(typeof last === 'string' ? { lastTradingDate: last as KstDate } : {}),
    daysToExpiry: optNum(r, 'hts_rmnn_dynu'),
    strike: optNum(r, 'acpr') || undefined,
    iv: ivOrNone(optNum(r, 'hts_ints_vltl')),
    greeks: greeksOf(r),
    fields: r,
  };
}

const NIGHT_MARKETS: readonly FoMarket[] = ['CM', 'EU'];
/** Night-session hours before this belong to the previous evening's date, encoded as hour + 24. */
const NIGHT_ROLLOVER_HOUR = 7;

/** KIS (date, HHMMSS) for a wall-clock time: night markets encode after-midnight times as +24 h. */
export function foChartStamp(market: FoMarket, t: KstTime): { date: string; hour: string } {
  const hhmmss = kisHhmmss(t);
  const h = Number(hhmmss.slice(0, 2));
  if (NIGHT_MARKETS.includes(market) && h < NIGHT_ROLLOVER_HOUR) {
    return { date: kisDate(addDays(dateOf(t), -1)), hour: `${String(h + 24)}${hhmmss.slice(2)}` };
  }
  return { date: kisDate(t), hour: hhmmss };
}

export interface FoMinutesArgs {
  code: string;
  market?: FoMarket;
  /** Bars up to this time (inclusive minute-start label), going back across days. */
  until: KstTime;
}

/** 1-minute bars ending at `until`, at most 102 (FHKIF03020200, real accounts only), ascending. */
export async function foMinutes(http: KisHttp, a: FoMinutesArgs, opts?: KisCallOptions): Promise<MinuteBar[]> {
  const market = a.market ?? foMarketOf(a.code);
  const stamp = foChartStamp(market, a.until);
  const { body } = await http.get(
    'foMinutes',
    {
      FID_COND_MRKT_DIV_CODE: market,
      FID_INPUT_ISCD: a.code,
      FID_HOUR_CLS_CODE: '60',
      FID_PW_DATA_INCU_YN: 'Y',
      FID_FAKE_TICK_INCU_YN: 'N',
      FID_INPUT_DATE_1: stamp.date,
      FID_INPUT_HOUR_1: stamp.hour,
    },
    opts,
  );
  return byTimeAscending(readArray('foMinutes', body, 'output2', BAR_REQUIRED, market).map((r) => minuteBarOf(a.code, r, 'futs')));
}

export interface FoDailyArgs {
  code: string;
  market?: FoMarket;
  from: KstDate;
  to: KstDate;
  period?: Period;
}

/** Period bars in `[from, to]`, at most 100 (the newest ones) per call (FHKIF03020100), ascending. */
export async function foDaily(http: KisHttp, a: FoDailyArgs, opts?: KisCallOptions): Promise<PeriodBar[]> {
  const market = a.market ?? foMarketOf(a.code);
  const { body } = await http.get(
    'foDaily',
    {
      FID_COND_MRKT_DIV_CODE: market,
      FID_INPUT_ISCD: a.code,
      FID_INPUT_DATE_1: kisDate(a.from),
      FID_INPUT_DATE_2: kisDate(a.to),
      FID_PERIOD_DIV_CODE: a.period ?? 'D',
    },
    opts,
  );
  return byDateAscending(
    readArray('foDaily', body, 'output2', DAILY_REQUIRED, market).map((r) => periodBarOf(a.code, r, 'futs', 'futs_prpr')),
  );
}
