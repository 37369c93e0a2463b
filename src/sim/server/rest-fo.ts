/** Futures/options quotation endpoints: price, order book, minute (30 s / 1 min / 1 h) bars, D/W/M/Y bars. */
import { ENDPOINTS } from '../../kis/spec/index.js';
import type { Instrument } from '../../market/types.js';
import {
  type KstTime,
  addDays,
  atMinutes,
  dateOf,
  daysBetween,
  kisDate,
  minutesOfDay,
  startOfDate,
} from '../../time/kst.js';
import type { SimSnapshot } from '../market/types.js';
import { basisOf, basisReference } from './basis.js';
import { deviationRate, histVolFields, listingPeriodFields, previousDayFields } from './fo-reference.js';
import type { ServerDeps } from './deps.js';
import type { QuoteHandlers, QuoteRequest } from './http.js';
import { changeRate, changeSign, fieldsOf, fillBlock, pick, fmt, int, type Values } from './layout.js';
import {
  NIGHT_DIVS,
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

const FO_DIVS = ['F', 'O', 'JF', 'JO', 'CF', 'CM', 'EU'];
const FO_CLOSE_MINUTES = 15 * 60 + 45;
const p2 = (n: number | undefined): string => fmt(n ?? 0, 2);

function foSummary(inst: Instrument, s: SimSnapshot): Values {
  return {
    hts_kor_isnm: inst.name,
    futs_prpr: p2(s.last),
    futs_prdy_vrss: p2(s.last - s.prevClose),
    prdy_vrss_sign: changeSign(s.last, s.prevClose, s.upperLimit, s.lowerLimit),
    futs_prdy_clpr: p2(s.prevClose),
    futs_prdy_ctrt: changeRate(s.last, s.prevClose),
    acml_vol: int(s.cumVolume),
    acml_tr_pbmn: s.cumValue,
    hts_otst_stpl_qty: int(s.openInterest ?? 0),
    futs_oprc: p2(s.open),
    futs_hgpr: p2(s.high),
    futs_lwpr: p2(s.low),
    futs_mxpr: p2(s.upperLimit),
    futs_llam: p2(s.lowerLimit),
    hts_thpr: p2(s.theoretical ?? s.last),
    futs_shrn_iscd: inst.code,
  };
}

const indexBlock = (code: string, name: string, level: number, prev: number): Values => ({
  bstp_cls_code: code,
  hts_kor_isnm: name,
  bstp_nmix_prpr: p2(level),
  prdy_vrss_sign: changeSign(level, prev),
  bstp_nmix_prdy_vrss: p2(level - prev),
  bstp_nmix_prdy_ctrt: changeRate(level, prev),
});

/** `basis` (theoretical) and `mrkt_basis`, from the one definition in `basis.ts`. */
function basisFields(deps: ServerDeps, inst: Instrument, now: KstTime): { basis: string; mrkt_basis: string } {
  const ref = basisReference(deps.market, deps.calendar, inst, now);
  const b = ref ? basisOf(ref) : undefined;
  return { basis: p2(b?.theoretical), mrkt_basis: p2(b?.market) };
}

function greeksOf(deps: ServerDeps, inst: Instrument, now: KstTime): Values {
  if (inst.kind === 'future')
    return { delta_val: '1.0000', gama: '0.0000', theta: '0.0000', vega: '0.0000', rho: '0.0000' };
  if (!inst.underlying || !inst.series || !inst.expiry) return {};
  const board = deps.market.optionBoard(inst.underlying, inst.series, inst.expiry, now);
  const row = [...board.calls, ...board.puts].find((r) => r.instrument.code === inst.code);
  if (!row) return {};
  const g = row.greeks;
  return {
    delta_val: fmt(g.delta, 4),
    gama: fmt(g.gamma, 4),
    theta: fmt(g.theta, 4),
    vega: fmt(g.vega, 4),
    rho: fmt(g.rho, 4),
    hts_ints_vltl: fmt(g.iv, 4),
  };
}

function foPrice(req: QuoteRequest, deps: ServerDeps) {
  const { inst, div } = instrumentFrom(req, deps, FO_DIVS);
  const s = deps.market.snapshot(inst.code, req.now);
  const underlying = inst.underlying ?? 'KOSPI200';
  const level = deps.market.indexLevel(underlying, req.now);
  const prevLevel = deps.market.indexLevel(underlying, (startOfDate(s.tradingDate) - 1) as KstTime);
  const ep = ENDPOINTS.foPrice;
  const o1: Values = {
    ...pick(fieldsOf(ep, 'output1'), foSummary(inst, s)),
    ...basisFields(deps, inst, req.now),
    futs_sdpr: p2(s.basePrice),
    dprt: deviationRate(s),
    crbr_aply_mxpr: p2(s.upperLimit),
    crbr_aply_llam: p2(s.lowerLimit),
    futs_last_tr_date: inst.expiry ? kisDate(inst.expiry) : '',
    hts_rmnn_dynu: int(inst.expiry ? Math.max(0, daysBetween(dateOf(req.now), inst.expiry)) : 0),
    ...greeksOf(deps, inst, req.now),
    acpr: p2(inst.strike ?? 0),
    ...listingPeriodFields(deps.market, deps.calendar, inst, s),
    ...histVolFields(deps.market, deps.calendar, inst, s),
  };
  // output2 is the composite index in KIS's example; the model only has the derivative underlyings.
  const idx = indexBlock(underlying === 'KOSDAQ150' ? '2203' : '2001', underlying, level, prevLevel);
  return {
    blocks: {
      output1: fillBlock(fieldsOf(ep, 'output1'), o1, 'foPrice.output1', div),
      output2: fillBlock(fieldsOf(ep, 'output2'), idx, 'foPrice.output2'),
      output3: fillBlock(fieldsOf(ep, 'output3'), idx, 'foPrice.output3'),
    },
  };
}

function foOrderBook(req: QuoteRequest, deps: ServerDeps) {
  const { inst } = instrumentFrom(req, deps, FO_DIVS);
  const s = deps.market.snapshot(inst.code, req.now);
  const q = deps.market.quote(inst.code, req.now);
  const ep = ENDPOINTS.foOrderBook;
  const o2: Values = { aspr_acpt_hour: barDateTime(q.time, false).hour };
  let ta = 0,
    tb = 0,
    ca = 0,
    cb = 0;
  for (let i = 1; i <= 5; i++) {
    const a = q.asks[i - 1],
      b = q.bids[i - 1];
    Object.assign(o2, {
      [`futs_askp${i}`]: p2(a?.price),
      [`futs_bidp${i}`]: p2(b?.price),
      [`askp_rsqn${i}`]: int(a?.qty ?? 0),
      [`bidp_rsqn${i}`]: int(b?.qty ?? 0),
      [`askp_csnu${i}`]: int(a?.count ?? 0),
      [`bidp_csnu${i}`]: int(b?.count ?? 0),
    });
    ta += a?.qty ?? 0;
    tb += b?.qty ?? 0;
    ca += a?.count ?? 0;
    cb += b?.count ?? 0;
  }
  Object.assign(o2, {
    total_askp_rsqn: int(ta),
    total_bidp_rsqn: int(tb),
    total_askp_csnu: int(ca),
    total_bidp_csnu: int(cb),
  });
  const o1 = pick(fieldsOf(ep, 'output1'), foSummary(inst, s));
  return {
    blocks: {
      output1: fillBlock(fieldsOf(ep, 'output1'), o1, 'foOrderBook.output1'),
      output2: fillBlock(fieldsOf(ep, 'output2'), o2, 'foOrderBook.output2'),
    },
  };
}

/** Output1 of the chart endpoints (minute and period share most fields). */
function chartSummary(deps: ServerDeps, inst: Instrument, fields: readonly string[], now: KstTime): Values {
  const s = deps.market.snapshot(inst.code, now);
  const q = deps.market.quote(inst.code, now);
  const underlying = inst.underlying ?? 'KOSPI200';
  const level = deps.market.indexLevel(underlying, now);
  const prevLevel = deps.market.indexLevel(underlying, (startOfDate(s.tradingDate) - 1) as KstTime);
  const v: Values = {
    ...foSummary(inst, s),
    futs_askp: p2(q.asks[0]?.price),
    futs_bidp: p2(q.bids[0]?.price),
    basis: basisFields(deps, inst, now).basis,
    kospi200_nmix: p2(level),
    kospi200_prdy_vrss: p2(level - prevLevel),
    kospi200_prdy_ctrt: changeRate(level, prevLevel),
    kospi200_prdy_vrss_sign: changeSign(level, prevLevel),
    prdy_nmix: p2(prevLevel),
    dprt: deviationRate(s),
    ...previousDayFields(deps.market, deps.calendar, s),
  };
  return pick(fields, v);
}

const BUCKETS: Record<string, number> = { '30': 30_000, '60': 60_000, '3600': 3_600_000 };

function foMinutes(req: QuoteRequest, deps: ServerDeps) {
  const { inst, div } = instrumentFrom(req, deps, FO_DIVS);
  const cls = param(req, 'FID_HOUR_CLS_CODE') || '60';
  const bucketMs = BUCKETS[cls];
  if (!bucketMs) throw badInput('FID_HOUR_CLS_CODE', cls, '30, 60 or 3600 (seconds per bar)');
  const night = NIGHT_DIVS.has(div);
  const date = dateParam(req, 'FID_INPUT_DATE_1', dateOf(req.now));
  // A date without a time means the end of that date's session: for night divisions the evening's session,
  // which ends with the 06:00 closing candle (hour 30 in +24 h encoding) — that candle must be included.
  const endOfDate = Math.min(
    req.now,
    night ? startOfDate(date) + 30 * 3_600_000 : startOfDate(date) + 24 * 3_600_000 - 1000,
  ) as KstTime;
  const until = param(req, 'FID_INPUT_HOUR_1') ? timeParam(req, 'FID_INPUT_HOUR_1', date) : endOfDate;
  const withPast = param(req, 'FID_PW_DATA_INCU_YN').toUpperCase() === 'Y';
  // Without past data: only the session `until` falls in (a night session starts 18:00 the evening before).
  const evening = minutesOfDay(until) < 12 * 60 ? addDays(dateOf(until), -1) : dateOf(until);
  const sessionStart = night ? atMinutes(evening, 18 * 60) : startOfDate(dateOf(until));
  const ep = ENDPOINTS.foMinutes;
  const rows = barsBack(deps.market, inst.code, until, req.now, bucketMs, ep.rowCap ?? 102, {
    night,
    maxDays: withPast ? 10 : 2,
    notBefore: withPast ? undefined : sessionStart,
  });
  return {
    blocks: {
      output1: fillBlock(
        fieldsOf(ep, 'output1'),
        chartSummary(deps, inst, fieldsOf(ep, 'output1'), req.now),
        'foMinutes.output1',
        div,
      ),
      output2: rows.map((b) => {
        const { date: d, hour } = barDateTime(b.time, night);
        return fillBlock(
          fieldsOf(ep, 'output2'),
          {
            stck_bsop_date: d,
            stck_cntg_hour: hour,
            futs_prpr: p2(b.close),
            futs_oprc: p2(b.open),
            futs_hgpr: p2(b.high),
            futs_lwpr: p2(b.low),
            cntg_vol: int(b.volume),
            acml_tr_pbmn: b.cumValue,
          },
          'foMinutes.output2',
          div,
        );
      }),
    },
  };
}

function foDaily(req: QuoteRequest, deps: ServerDeps) {
  const { inst, div } = instrumentFrom(req, deps, FO_DIVS);
  const today = dateOf(req.now);
  const start = dateParam(req, 'FID_INPUT_DATE_1', addDays(today, -140));
  const end = dateParam(req, 'FID_INPUT_DATE_2', today);
  const period = param(req, 'FID_PERIOD_DIV_CODE').toUpperCase() || 'D';
  if (!['D', 'W', 'M', 'Y'].includes(period)) throw badInput('FID_PERIOD_DIV_CODE', period, 'D, W, M or Y');
  const ep = ENDPOINTS.foDaily;
  const cap = ep.rowCap ?? 100;
  const days = dailyRows(deps, inst.code, start, end, req.now, FO_CLOSE_MINUTES, period === 'D' ? cap : 4000);
  const rows = periodRows(days, period).slice(0, cap);
  return {
    blocks: {
      output1: fillBlock(
        fieldsOf(ep, 'output1'),
        chartSummary(deps, inst, fieldsOf(ep, 'output1'), req.now),
        'foDaily.output1',
        div,
      ),
      output2: rows.map((r) =>
        fillBlock(
          fieldsOf(ep, 'output2'),
          {
            stck_bsop_date: kisDate(r.date),
            futs_prpr: p2(r.close),
            futs_oprc: p2(r.open),
            futs_hgpr: p2(r.high),
            futs_lwpr: p2(r.low),
            acml_vol: int(r.volume),
            acml_tr_pbmn: r.value,
            mod_yn: 'N',
          },
          'foDaily.output2',
          div,
        ),
      ),
    },
  };
}

export const FO_HANDLERS: QuoteHandlers = { foPrice, foOrderBook, foMinutes, foDaily };
