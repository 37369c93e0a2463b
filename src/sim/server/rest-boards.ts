/** The HTS [0503] option-board endpoints: call/put board, expiry list, futures board, underlying bar. */
import { ENDPOINTS } from '../../kis/spec/index.js';
import { yearCode } from '../../market/instruments/index.js';
import type { Instrument, OptionSeries, ProductFamily } from '../../market/types.js';
import { type KstDate, type KstTime, dateOf, daysBetween, startOfDate } from '../../time/kst.js';
import type { SimOptionRow } from '../market/types.js';
import type { ServerDeps } from './deps.js';
import type { QuoteHandlers, QuoteRequest } from './http.js';
import { changeRate, changeSign, fieldsOf, fillBlock, fmt, int, type Values } from './layout.js';
import { param } from './rest-common.js';
import { histVolFields } from './fo-reference.js';
import { isListedAt } from './listing.js';
import { badInput, unknownCode } from './rest-errors.js';

const p2 = (n: number | undefined): string => fmt(n ?? 0, 2);

/** `FID_COND_MRKT_CLS_CODE` → product family and option series. */
const CLS: Record<string, { family: ProductFamily; underlying: string; series: OptionSeries }> = {
  '': { family: 'kospi200', underlying: 'KOSPI200', series: 'monthly' },
  MKI: { family: 'mini', underlying: 'KOSPI200', series: 'monthly' },
  WKM: { family: 'kospi200', underlying: 'KOSPI200', series: 'weekly-mon' },
  WKI: { family: 'kospi200', underlying: 'KOSPI200', series: 'weekly-thu' },
  KQI: { family: 'kosdaq150', underlying: 'KOSDAQ150', series: 'monthly' },
};

function clsOf(req: QuoteRequest) {
  const v = param(req, 'FID_COND_MRKT_CLS_CODE').toUpperCase();
  const c = CLS[v];
  if (!c) throw badInput('FID_COND_MRKT_CLS_CODE', v, 'blank, MKI, WKM, WKI or KQI');
  return c;
}

/** Week of month of an expiry as KIS's `YYMMWW` counts it: the n-th such weekday in the month. */
const weekOfMonth = (d: KstDate): number => Math.ceil(Number(d.slice(8, 10)) / 7);

function boardRow(r: SimOptionRow, spot: number): Values {
  const s = r.snapshot;
  const g = r.greeks;
  return {
    acpr: p2(r.instrument.strike),
    unch_prpr: p2(s.last),
    optn_shrn_iscd: r.instrument.code,
    optn_prpr: p2(s.last),
    optn_prdy_vrss: p2(s.last - s.prevClose),
    prdy_vrss_sign: changeSign(s.last, s.prevClose, s.upperLimit, s.lowerLimit),
    optn_prdy_ctrt: changeRate(s.last, s.prevClose),
    optn_bidp: p2(r.bid),
    optn_askp: p2(r.ask),
    tmvl_val: p2(r.timeValue),
    nmix_sdpr: p2(spot),
    acml_vol: int(s.cumVolume),
    acml_tr_pbmn: s.cumValue,
    hts_otst_stpl_qty: int(s.openInterest ?? 0),
    delta_val: fmt(g.delta, 4),
    gama: fmt(g.gamma, 4),
    vega: fmt(g.vega, 4),
    theta: fmt(g.theta, 4),
    rho: fmt(g.rho, 4),
    hts_ints_vltl: fmt(g.iv, 4),
    invl_val: p2(r.intrinsic),
    hts_thpr: p2(s.theoretical),
    optn_oprc: p2(s.open),
    optn_hgpr: p2(s.high),
    optn_lwpr: p2(s.low),
    optn_mxpr: p2(s.upperLimit),
    optn_llam: p2(s.lowerLimit),
    atm_cls_name: r.atm,
    esdg: p2(s.theoretical !== undefined ? s.last - s.theoretical : 0),
    dprt: s.theoretical ? fmt(((s.last - s.theoretical) / s.theoretical) * 100, 2) : '9999.99',
  };
}

function optionBoard(req: QuoteRequest, deps: ServerDeps) {
  const cls = clsOf(req);
  const mtrt = param(req, 'FID_MTRT_CNT');
  const today = dateOf(req.now);
  const expiries =
    cls.family === 'kospi200' ? deps.market.optionExpiries(cls.underlying, cls.series, today) : [];
  let expiry: KstDate | undefined;
  if (cls.series === 'monthly') {
    if (!/^\d{6}$/.test(mtrt)) throw badInput('FID_MTRT_CNT', mtrt, 'YYYYMM for monthly series');
    expiry = expiries.find((e) => e.slice(0, 4) + e.slice(5, 7) === mtrt);
  } else {
    if (!/^\d{6}$/.test(mtrt)) throw badInput('FID_MTRT_CNT', mtrt, 'YYMMWW for weekly series');
    expiry = expiries.find(
      (e) => e.slice(2, 4) + e.slice(5, 7) === mtrt.slice(0, 4) && weekOfMonth(e) === Number(mtrt.slice(4)),
    );
  }
  const ep = ENDPOINTS.optionBoard;
  const cap = ep.rowCap ?? 100;
  if (!expiry) return { blocks: { output1: [], output2: [] } };
  const board = deps.market.optionBoard(cls.underlying, cls.series, expiry, req.now);
  const rows = (list: SimOptionRow[], block: 'output1' | 'output2') =>
    list
      .slice(0, cap)
      .map((r) =>
        fillBlock(
          fieldsOf(ep, block),
          { ...boardRow(r, board.spot), ...histVolFields(deps.market, deps.calendar, r.instrument, r.snapshot) },
          `optionBoard.${block}`,
          'O',
        ),
      );
  return { blocks: { output1: rows(board.calls, 'output1'), output2: rows(board.puts, 'output2') } };
}

function optionExpiries(req: QuoteRequest, deps: ServerDeps) {
  const today = dateOf(req.now);
  const ep = ENDPOINTS.optionExpiries;
  const list = deps.market.optionExpiries('KOSPI200', 'monthly', today).map((e) => {
    const y = Number(e.slice(0, 4));
    return fillBlock(
      fieldsOf(ep, 'output'),
      { mtrt_yymm_code: `0${yearCode(y)}${e.slice(5, 7)}`, mtrt_yymm: e.slice(0, 4) + e.slice(5, 7) },
      'optionExpiries.output',
    );
  });
  return { blocks: { output: list } };
}

function futuresOf(deps: ServerDeps, family: ProductFamily, date: KstDate): Instrument[] {
  return deps.market
    .instruments(date)
    .filter((i) => i.kind === 'future' && i.family === family)
    .sort((a, b) => (a.expiry! < b.expiry! ? -1 : 1));
}

function futuresBoard(req: QuoteRequest, deps: ServerDeps) {
  const cls = clsOf(req);
  const today = dateOf(req.now);
  const ep = ENDPOINTS.futuresBoard;
  const rows = futuresOf(deps, cls.family, today).map((inst) => {
    const s = deps.market.snapshot(inst.code, req.now);
    const q = deps.market.quote(inst.code, req.now);
    return fillBlock(
      fieldsOf(ep, 'output'),
      {
        futs_shrn_iscd: inst.code,
        hts_kor_isnm: inst.name,
        futs_prpr: p2(s.last),
        futs_prdy_vrss: p2(s.last - s.prevClose),
        prdy_vrss_sign: changeSign(s.last, s.prevClose, s.upperLimit, s.lowerLimit),
        futs_prdy_ctrt: changeRate(s.last, s.prevClose),
        hts_thpr: p2(s.theoretical),
        acml_vol: int(s.cumVolume),
        futs_askp: p2(q.asks[0]?.price),
        futs_bidp: p2(q.bids[0]?.price),
        hts_otst_stpl_qty: int(s.openInterest ?? 0),
        futs_hgpr: p2(s.high),
        futs_lwpr: p2(s.low),
        hts_rmnn_dynu: int(Math.max(0, daysBetween(today, inst.expiry!))),
        total_askp_rsqn: int(q.asks.reduce((a, l) => a + l.qty, 0)),
        total_bidp_rsqn: int(q.bids.reduce((a, l) => a + l.qty, 0)),
      },
      'futuresBoard.output',
    );
  });
  return { blocks: { output: rows } };
}

function underlyingBar(req: QuoteRequest, deps: ServerDeps) {
  const code = param(req, 'FID_INPUT_ISCD');
  const inst = deps.market.instrument(code);
  if (!inst || inst.kind !== 'future' || !isListedAt(inst, req.now, deps.calendar)) throw unknownCode(code);
  const s = deps.market.snapshot(inst.code, req.now);
  const underlying = inst.underlying ?? 'KOSPI200';
  const level = deps.market.indexLevel(underlying, req.now);
  const prev = deps.market.indexLevel(underlying, (startOfDate(s.tradingDate) - 1) as KstTime);
  const ep = ENDPOINTS.underlyingBar;
  return {
    blocks: {
      output1: fillBlock(
        fieldsOf(ep, 'output1'),
        {
          unas_prpr: p2(level),
          unas_prdy_vrss: p2(level - prev),
          unas_prdy_vrss_sign: changeSign(level, prev),
          unas_prdy_ctrt: changeRate(level, prev),
          hts_kor_isnm: inst.name,
          futs_prpr: p2(s.last),
          futs_prdy_vrss: p2(s.last - s.prevClose),
          prdy_vrss_sign: changeSign(s.last, s.prevClose, s.upperLimit, s.lowerLimit),
          futs_prdy_ctrt: changeRate(s.last, s.prevClose),
        },
        'underlyingBar.output1',
      ),
      // Empty in KIS's example as well.
      output2: [],
    },
  };
}

export const BOARD_HANDLERS: QuoteHandlers = { optionBoard, optionExpiries, futuresBoard, underlyingBar };
