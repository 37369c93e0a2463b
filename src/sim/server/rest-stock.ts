/** Stock quotation endpoints: current price, intraday and past-date minute bars, D/W/M/Y bars. */
import { ENDPOINTS } from '../../kis/spec/index.js';
import { addDays, dateOf, kisDate, startOfDate } from '../../time/kst.js';
import type { SimBar, SimSnapshot } from '../market/types.js';
import type { ServerDeps } from './deps.js';
import type { QuoteHandlers, QuoteRequest } from './http.js';
import { changeRate, changeSign, fieldsOf, fillBlock, fmt, int, pick, type Values } from './layout.js';
import {
  barDateTime,
  barsBack,
  dailyRows,
  dateParam,
  instrumentFrom,
  param,
  periodRows,
  timeParam,
} from './rest-common.js';
import { badInput } from './rest-errors.js';
import { stockFundamentals, stockPriceReference, valuationFields } from './stock-reference.js';

const STOCK_DIVS = ['J', 'NX', 'UN'];
const STOCK_CLOSE_MINUTES = 15 * 60 + 30;

function priceSummary(s: SimSnapshot, name: string): Values {
  return {
    prdy_vrss: int(s.last - s.prevClose),
    prdy_vrss_sign: changeSign(s.last, s.prevClose, s.upperLimit, s.lowerLimit),
    prdy_ctrt: changeRate(s.last, s.prevClose),
    stck_prdy_clpr: int(s.prevClose),
    acml_vol: int(s.cumVolume),
    acml_tr_pbmn: int(s.cumValue),
    hts_kor_isnm: name,
    stck_prpr: int(s.last),
  };
}

function stockPrice(req: QuoteRequest, deps: ServerDeps) {
  const { inst } = instrumentFrom(req, deps, STOCK_DIVS);
  const s = deps.market.snapshot(inst.code, req.now);
  const values: Values = {
    iscd_stat_cls_code: '55',
    rprs_mrkt_kor_name: inst.market ?? 'KOSPI',
    temp_stop_yn: 'N',
    crdt_able_yn: 'Y',
    stck_prpr: int(s.last),
    prdy_vrss: int(s.last - s.prevClose),
    prdy_vrss_sign: changeSign(s.last, s.prevClose, s.upperLimit, s.lowerLimit),
    prdy_ctrt: changeRate(s.last, s.prevClose),
    acml_tr_pbmn: int(s.cumValue),
    acml_vol: int(s.cumVolume),
    stck_oprc: int(s.open),
    stck_hgpr: int(s.high),
    stck_lwpr: int(s.low),
    stck_mxpr: int(s.upperLimit),
    stck_llam: int(s.lowerLimit),
    stck_sdpr: int(s.basePrice),
    wghn_avrg_stck_prc: fmt(s.cumVolume ? s.cumValue / s.cumVolume : s.last, 2),
    stck_shrn_iscd: inst.code,
    vi_cls_code: 'N',
    ovtm_vi_cls_code: 'N',
    ...stockPriceReference(deps.market, deps.calendar, inst, s),
  };
  return {
    blocks: { output: fillBlock(fieldsOf(ENDPOINTS.stockPrice, 'output'), values, 'stockPrice.output') },
  };
}

function minuteRow(b: SimBar): Values {
  const { date, hour } = barDateTime(b.time, false);
  return {
    stck_bsop_date: date,
    stck_cntg_hour: hour,
    stck_prpr: int(b.close),
    stck_oprc: int(b.open),
    stck_hgpr: int(b.high),
    stck_lwpr: int(b.low),
    cntg_vol: int(b.volume),
    acml_tr_pbmn: int(b.cumValue),
  };
}

function minuteAnswer(
  ep: typeof ENDPOINTS.stockMinutesToday | typeof ENDPOINTS.stockMinutesPast,
  name: string,
  s: SimSnapshot,
  rows: SimBar[],
) {
  return {
    blocks: {
      output1: fillBlock(fieldsOf(ep, 'output1'), priceSummary(s, name), 'output1'),
      output2: rows.map((b) => fillBlock(fieldsOf(ep, 'output2'), minuteRow(b), 'output2')),
    },
  };
}

/** Today only, ≤ 30 rows, newest first from the input time (a future time means now). */
function stockMinutesToday(req: QuoteRequest, deps: ServerDeps) {
  const { inst } = instrumentFrom(req, deps, STOCK_DIVS);
  const today = dateOf(req.now);
  const until = timeParam(req, 'FID_INPUT_HOUR_1', today);
  const rows = barsBack(
    deps.market,
    inst.code,
    until,
    req.now,
    60_000,
    ENDPOINTS.stockMinutesToday.rowCap ?? 30,
    { maxDays: 1, notBefore: startOfDate(today) },
  );
  return minuteAnswer(ENDPOINTS.stockMinutesToday, inst.name, deps.market.snapshot(inst.code, req.now), rows);
}

/** A past (or today's) date, ≤ 120 rows, up to a year back. */
function stockMinutesPast(req: QuoteRequest, deps: ServerDeps) {
  const { inst } = instrumentFrom(req, deps, STOCK_DIVS);
  const today = dateOf(req.now);
  const date = dateParam(req, 'FID_INPUT_DATE_1', today);
  if (date > today) throw badInput('FID_INPUT_DATE_1', kisDate(date), 'a date not after today');
  const until = timeParam(req, 'FID_INPUT_HOUR_1', date);
  const yearAgo = startOfDate(addDays(today, -365));
  const withPast = param(req, 'FID_PW_DATA_INCU_YN').toUpperCase() === 'Y';
  const rows =
    until < yearAgo
      ? []
      : barsBack(deps.market, inst.code, until, req.now, 60_000, ENDPOINTS.stockMinutesPast.rowCap ?? 120, {
          maxDays: withPast ? 10 : 1,
          notBefore: withPast ? yearAgo : startOfDate(date),
        });
  return minuteAnswer(ENDPOINTS.stockMinutesPast, inst.name, deps.market.snapshot(inst.code, until), rows);
}

function stockDaily(req: QuoteRequest, deps: ServerDeps) {
  const { inst } = instrumentFrom(req, deps, STOCK_DIVS);
  const today = dateOf(req.now);
  const start = dateParam(req, 'FID_INPUT_DATE_1', addDays(today, -140));
  const end = dateParam(req, 'FID_INPUT_DATE_2', today);
  const period = param(req, 'FID_PERIOD_DIV_CODE').toUpperCase() || 'D';
  if (!['D', 'W', 'M', 'Y'].includes(period)) throw badInput('FID_PERIOD_DIV_CODE', period, 'D, W, M or Y');
  const cap = ENDPOINTS.stockDaily.rowCap ?? 100;
  // Longer periods need more days; bounded by the calendar's data.
  const dayCap = period === 'D' ? cap : period === 'W' ? cap * 5 : 4000;
  const days = dailyRows(deps, inst.code, start, end, req.now, STOCK_CLOSE_MINUTES, dayCap);
  const rows = periodRows(days, period).slice(0, cap);
  const s = deps.market.snapshot(inst.code, req.now);
  const q = deps.market.quote(inst.code, req.now);
  const prev = days.find((d) => d.date < s.tradingDate);
  const o1: Values = {
    ...priceSummary(s, inst.name),
    stck_shrn_iscd: inst.code,
    prdy_vol: int(prev?.volume ?? 0),
    stck_mxpr: int(s.upperLimit),
    stck_llam: int(s.lowerLimit),
    stck_oprc: int(s.open),
    stck_hgpr: int(s.high),
    stck_lwpr: int(s.low),
    stck_prdy_oprc: int(prev?.open ?? 0),
    stck_prdy_hgpr: int(prev?.high ?? 0),
    stck_prdy_lwpr: int(prev?.low ?? 0),
    askp: int(q.asks[0]?.price ?? 0),
    bidp: int(q.bids[0]?.price ?? 0),
    prdy_vrss_vol: int(s.cumVolume - (prev?.volume ?? 0)),
    ...pick(fieldsOf(ENDPOINTS.stockDaily, 'output1'), valuationFields(stockFundamentals(deps.market, deps.calendar, s), s)),
  };
  const ep = ENDPOINTS.stockDaily;
  return {
    blocks: {
      output1: fillBlock(fieldsOf(ep, 'output1'), o1, 'stockDaily.output1'),
      output2: rows.map((r) =>
        fillBlock(
          fieldsOf(ep, 'output2'),
          {
            stck_bsop_date: kisDate(r.date),
            stck_clpr: int(r.close),
            stck_oprc: int(r.open),
            stck_hgpr: int(r.high),
            stck_lwpr: int(r.low),
            acml_vol: int(r.volume),
            acml_tr_pbmn: int(r.value),
            flng_cls_code: '00',
            prtt_rate: '0.00',
            mod_yn: 'N',
            prdy_vrss_sign: changeSign(r.close, r.prevClose),
            prdy_vrss: int(r.close - r.prevClose),
            revl_issu_reas: '',
          },
          'stockDaily.output2',
        ),
      ),
    },
  };
}

export const STOCK_HANDLERS: QuoteHandlers = { stockPrice, stockMinutesToday, stockMinutesPast, stockDaily };
