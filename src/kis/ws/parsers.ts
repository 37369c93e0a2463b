/**
 * Typed parsers for the realtime TRs krtrade uses. Field positions are looked up ONCE by name in
 * REALTIME_LAYOUTS (e.g. the futures price is `futs_prpr` at 5 in H0IFCNT0 but `stck_prpr` at 2 in
 * H0ZFCNT0); parsing reads straight from the frame's flat field array, converting only the fields a
 * record exposes, so no per-field objects are allocated.
 */
import { REALTIME_LAYOUTS, WON, realtimeValueUnit, type RealtimeTrId } from '../spec/index.js';
import type { Dated, SessionKind } from './dating.js';
import { fieldNumber, fieldOptNumber, fieldText } from './fields.js';
import { clearNotComputed, priceOrNull } from '../not-computed.js';
import type { BookQuote, FoNotice, FuturesTrade, OptionTrade, StockTrade, TradeCore, WsRecord, WsRecordKind } from './records.js';

/** Index used for fields a TR does not have: always ≥ the record width, so reads give undefined. */
const ABSENT = 0x3fffffff;

/**
 * Reads record fields (field `o + i` of the payload `p` with ends `e`), guarding optional indexes against the record width `w`. The common
 * fields come as arguments (not an object to spread) to keep the hot path allocation-free.
 */
type Parse = (p: string, e: Int32Array, o: number, w: number, tr: string, code: string, hhmmss: string, d: Dated) => WsRecord | null;

export interface TrPlan {
  trId: string;
  kind: WsRecordKind;
  session: SessionKind;
  /** Fields per record in the current layout. */
  layoutWidth: number;
  codeIdx: number;
  timeIdx: number;
  /** Names of the fields a record cannot do without (for error messages). */
  required: readonly { name: string; idx: number; numeric: boolean }[];
  /** Smallest record width that still holds every required field. */
  minWidth: number;
  parse: Parse;
}

function builder(layoutId: RealtimeTrId) {
  const fields = REALTIME_LAYOUTS[layoutId].fields as readonly string[];
  const required: { name: string; idx: number; numeric: boolean }[] = [];
  const find = (names: string[]): number => {
    for (const n of names) {
      const i = fields.indexOf(n);
      if (i >= 0) return i;
    }
    return ABSENT;
  };
  const need = (names: string[], numeric: boolean): number => {
    const i = find(names);
    if (i === ABSENT) throw new Error(`${layoutId} has none of ${names.join(', ')}`);
    required.push({ name: fields[i]!, idx: i, numeric });
    return i;
  };
  return {
    fields,
    required,
    /** First of `names` present in the layout, or ABSENT. */
    opt: (...names: string[]): number => find(names),
    /** A numeric field every record must carry; it must exist in the layout (else this table has a bug). */
    req: (...names: string[]): number => need(names, true),
    /** A text field every record must carry. */
    reqText: (...names: string[]): number => need(names, false),
  };
}

/** Required numeric field (NaN rejects the record). Required indexes are always < width (checked per frame). */
const req = (p: string, e: Int32Array, o: number, i: number): number => fieldNumber(p, e, o + i);
/** Optional numeric field; null when the TR lacks it, the record is narrower, or the value is empty/nan. */
const opt = (p: string, e: Int32Array, o: number, w: number, i: number): number | null => (i < w ? fieldOptNumber(p, e, o + i) : null);
/**
 * A money field in won, from KIS's unit for the TR (F/O: thousands of won). A cumulative value of 0 after
 * trades is KIS not reporting it (its night-option sample: 106 contracts, value 0): null, not zero.
 */
const won = (v: number | null, unit: number, p: string, e: Int32Array, cumVolumeAt: number): number | null =>
  v === null ? null : v !== 0 ? v * unit : fieldNumber(p, e, cumVolumeAt) > 0 ? null : 0;
/** Won per unit of a TR's `acml_tr_pbmn` (looked up once per TR, not per record). */
const valueUnit = (id: RealtimeTrId): number => realtimeValueUnit(id, 'acml_tr_pbmn') ?? WON;
/** Optional text field ('' when absent). */
const txt = (p: string, e: Int32Array, o: number, w: number, i: number): string => (i < w ? fieldText(p, e, o + i) : '');

/** A trade record is usable only when every required number parsed (`x === x` is false for NaN only). */
const tradeComplete = <R extends TradeCore>(r: R): R | null =>
  r.price === r.price && r.change === r.change && r.open === r.open && r.high === r.high && r.low === r.low &&
  r.qty === r.qty && r.cumVolume === r.cumVolume ? r : null;

/** Layout indexes of the optional fields futures and option trade TRs share (same names in every layout). */
function derivativeIdx(b: ReturnType<typeof builder>) {
  return {
    oi: b.opt('hts_otst_stpl_qty'), oiChg: b.opt('otst_stpl_qty_icdc'), thpr: b.opt('hts_thpr'),
    askQ: b.opt('askp_rsqn1'), bidQ: b.opt('bidp_rsqn1'),
  };
}

function stockTrade(id: RealtimeTrId): Omit<TrPlan, 'trId' | 'kind' | 'session'> & { b: ReturnType<typeof builder> } {
  const b = builder(id);
  const code = b.reqText('mksc_shrn_iscd'), time = b.reqText('stck_cntg_hour'), price = b.req('stck_prpr');
  const change = b.req('prdy_vrss'), open = b.req('stck_oprc'), high = b.req('stck_hgpr'), low = b.req('stck_lwpr');
  const qty = b.req('cntg_vol'), cumVol = b.req('acml_vol');
  const rate = b.opt('prdy_ctrt'), sign = b.opt('prdy_vrss_sign'), vwap = b.opt('wghn_avrg_stck_prc');
  const cumVal = b.opt('acml_tr_pbmn'), ask1 = b.opt('askp1'), bid1 = b.opt('bidp1'), side = b.opt('ccld_dvsn');
  const valUnit = valueUnit(id);
  const cttr = b.opt('cttr'), bdate = b.opt('bsop_date'), hcls = b.opt('hour_cls_code');
  const parse: Parse = (p, e, o, w, tr, code, hhmmss, d) => {
    const r: StockTrade = {
      kind: 'stock-trade', tr, code, hhmmss, time: d.time, tradingDate: d.tradingDate,
      price: req(p, e, o, price), change: req(p, e, o, change), changeRate: opt(p, e, o, w, rate), sign: opt(p, e, o, w, sign),
      open: req(p, e, o, open), high: req(p, e, o, high), low: req(p, e, o, low), vwap: opt(p, e, o, w, vwap),
      qty: req(p, e, o, qty), cumVolume: req(p, e, o, cumVol), cumValue: won(opt(p, e, o, w, cumVal), valUnit, p, e, o + cumVol),
      ask1: priceOrNull(opt(p, e, o, w, ask1)), bid1: priceOrNull(opt(p, e, o, w, bid1)), side: opt(p, e, o, w, side), strength: opt(p, e, o, w, cttr),
      businessDate: txt(p, e, o, w, bdate), hourClass: txt(p, e, o, w, hcls),
    };
    return tradeComplete(r);
  };
  return { b, codeIdx: code, timeIdx: time, parse, ...common(b) };
}

function futuresTrade(id: RealtimeTrId): ReturnType<typeof stockTrade> {
  const b = builder(id);
  const code = b.reqText('futs_shrn_iscd'), time = b.reqText('bsop_hour');
  // Index/night futures: futs_prpr at 5; stock futures: stck_prpr at 2 — found by name.
  const price = b.req('futs_prpr', 'stck_prpr'), change = b.req('futs_prdy_vrss', 'prdy_vrss');
  const open = b.req('futs_oprc', 'stck_oprc'), high = b.req('futs_hgpr', 'stck_hgpr'), low = b.req('futs_lwpr', 'stck_lwpr');
  const qty = b.req('last_cnqn'), cumVol = b.req('acml_vol');
  const rate = b.opt('futs_prdy_ctrt'), sign = b.opt('prdy_vrss_sign'), cumVal = b.opt('acml_tr_pbmn');
  const valUnit = valueUnit(id);
  const { oi, oiChg, thpr, askQ, bidQ } = derivativeIdx(b);
  const basis = b.opt('mrkt_basis'), ask1 = b.opt('futs_askp1', 'askp1'), bid1 = b.opt('futs_bidp1', 'bidp1');
  const bandHi = b.opt('dynm_mxpr'), bandLo = b.opt('dynm_llam');
  const parse: Parse = (p, e, o, w, tr, code, hhmmss, d) => {
    const r: FuturesTrade = {
      kind: 'futures-trade', tr, code, hhmmss, time: d.time, tradingDate: d.tradingDate,
      price: req(p, e, o, price), change: req(p, e, o, change), changeRate: opt(p, e, o, w, rate), sign: opt(p, e, o, w, sign),
      open: req(p, e, o, open), high: req(p, e, o, high), low: req(p, e, o, low),
      qty: req(p, e, o, qty), cumVolume: req(p, e, o, cumVol), cumValue: won(opt(p, e, o, w, cumVal), valUnit, p, e, o + cumVol),
      openInterest: opt(p, e, o, w, oi), openInterestChange: opt(p, e, o, w, oiChg), theoretical: priceOrNull(opt(p, e, o, w, thpr)),
      basis: opt(p, e, o, w, basis), ask1: priceOrNull(opt(p, e, o, w, ask1)), bid1: priceOrNull(opt(p, e, o, w, bid1)),
      askQty1: opt(p, e, o, w, askQ), bidQty1: opt(p, e, o, w, bidQ), bandHigh: opt(p, e, o, w, bandHi), bandLow: opt(p, e, o, w, bandLo),
    };
    return tradeComplete(r);
  };
  return { b, codeIdx: code, timeIdx: time, parse, ...common(b) };
}

function optionTrade(id: RealtimeTrId): ReturnType<typeof stockTrade> {
  const b = builder(id);
  const code = b.reqText('optn_shrn_iscd'), time = b.reqText('bsop_hour');
  const price = b.req('optn_prpr'), change = b.req('optn_prdy_vrss');
  const open = b.req('optn_oprc'), high = b.req('optn_hgpr'), low = b.req('optn_lwpr');
  const qty = b.req('last_cnqn'), cumVol = b.req('acml_vol');
  const rate = b.opt('prdy_ctrt'), sign = b.opt('prdy_vrss_sign'), cumVal = b.opt('acml_tr_pbmn');
  const valUnit = valueUnit(id);
  const { oi, oiChg, thpr, askQ, bidQ } = derivativeIdx(b);
  const iv = b.opt('hts_ints_vltl'), ask1 = b.opt('optn_askp1'), bid1 = b.opt('optn_bidp1');
  const delta = b.opt('delta'), gamma = b.opt('gama'), vega = b.opt('vega'), theta = b.opt('theta'), rho = b.opt('rho');
  const parse: Parse = (p, e, o, w, tr, code, hhmmss, d) => {
    const r: OptionTrade = {
      kind: 'option-trade', tr, code, hhmmss, time: d.time, tradingDate: d.tradingDate,
      price: req(p, e, o, price), change: req(p, e, o, change), changeRate: opt(p, e, o, w, rate), sign: opt(p, e, o, w, sign),
      open: req(p, e, o, open), high: req(p, e, o, high), low: req(p, e, o, low),
      qty: req(p, e, o, qty), cumVolume: req(p, e, o, cumVol), cumValue: won(opt(p, e, o, w, cumVal), valUnit, p, e, o + cumVol),
      openInterest: opt(p, e, o, w, oi), openInterestChange: opt(p, e, o, w, oiChg), theoretical: priceOrNull(opt(p, e, o, w, thpr)),
      iv: opt(p, e, o, w, iv), delta: opt(p, e, o, w, delta), gamma: opt(p, e, o, w, gamma), vega: opt(p, e, o, w, vega),
      theta: opt(p, e, o, w, theta), rho: opt(p, e, o, w, rho),
      ask1: priceOrNull(opt(p, e, o, w, ask1)), bid1: priceOrNull(opt(p, e, o, w, bid1)), askQty1: opt(p, e, o, w, askQ), bidQty1: opt(p, e, o, w, bidQ),
    };
    // KIS's 0 for an IV or greeks it did not compute, as on the board (src/kis/not-computed.ts).
    clearNotComputed(r);
    return tradeComplete(r);
  };
  return { b, codeIdx: code, timeIdx: time, parse, ...common(b) };
}

function book(id: RealtimeTrId): ReturnType<typeof stockTrade> {
  const b = builder(id);
  const code = b.reqText('mksc_shrn_iscd', 'futs_shrn_iscd', 'optn_shrn_iscd'), time = b.reqText('bsop_hour');
  const p = b.fields.includes('futs_askp1') ? 'futs_' : b.fields.includes('optn_askp1') ? 'optn_' : '';
  let depth = 0;
  while (b.fields.includes(`${p}askp${depth + 1}`)) depth++;
  const lv = (name: string, required: boolean): number[] =>
    Array.from({ length: depth }, (_, i) => (required ? b.req(`${name}${i + 1}`) : b.opt(`${name}${i + 1}`)));
  const asks = lv(`${p}askp`, true), bids = lv(`${p}bidp`, true), askQ = lv('askp_rsqn', true), bidQ = lv('bidp_rsqn', true);
  const hasCounts = b.fields.includes('askp_csnu1');
  const askC = hasCounts ? lv('askp_csnu', true) : [], bidC = hasCounts ? lv('bidp_csnu', true) : [];
  const totA = b.opt('total_askp_rsqn'), totB = b.opt('total_bidp_rsqn'), antP = b.opt('antc_cnpr'), antQ = b.opt('antc_cnqn');
  const levels = (p: string, e: Int32Array, o: number, idx: number[]): number[] | null => {
    const out = new Array<number>(idx.length);
    for (let i = 0; i < idx.length; i++) {
      const v = req(p, e, o, idx[i]!);
      if (v !== v) return null;
      out[i] = v;
    }
    return out;
  };
  const parse: Parse = (p, e, o, w, tr, code, hhmmss, d) => {
    const a = levels(p, e, o, asks), bb = levels(p, e, o, bids), aq = levels(p, e, o, askQ), bq = levels(p, e, o, bidQ);
    const ac = hasCounts ? levels(p, e, o, askC) : null, bc = hasCounts ? levels(p, e, o, bidC) : null;
    if (!a || !bb || !aq || !bq || (hasCounts && (!ac || !bc))) return null;
    const r: BookQuote = {
      kind: 'book', tr, code, hhmmss, time: d.time, tradingDate: d.tradingDate, asks: a, bids: bb, askQtys: aq, bidQtys: bq, askCounts: ac, bidCounts: bc,
      totalAskQty: opt(p, e, o, w, totA), totalBidQty: opt(p, e, o, w, totB),
      expectedPrice: opt(p, e, o, w, antP), expectedQty: opt(p, e, o, w, antQ),
    };
    return r;
  };
  return { b, codeIdx: code, timeIdx: time, parse, ...common(b) };
}

function foNotice(id: RealtimeTrId): ReturnType<typeof stockTrade> {
  const b = builder(id);
  const cust = b.reqText('cust_id'), acnt = b.reqText('acnt_no'), ord = b.reqText('oder_no'), orig = b.opt('ooder_no');
  const side = b.opt('seln_byov_cls'), rctf = b.opt('rctf_cls'), code = b.reqText('stck_shrn_iscd');
  const qty = b.req('cntg_qty'), price = b.req('cntg_unpr'), time = b.reqText('stck_cntg_hour');
  const rfus = b.opt('rfus_yn'), cntg = b.opt('cntg_yn'), acpt = b.opt('acpt_yn'), oqty = b.opt('oder_qty'), name = b.opt('cntg_isnm');
  const parse: Parse = (p, e, o, w, tr, code, hhmmss, d) => {
    const s = txt(p, e, o, w, side), rc = txt(p, e, o, w, rctf), priceRaw = fieldText(p, e, o + price);
    const px = req(p, e, o, price);
    const r: FoNotice = {
      kind: 'fo-notice', tr, code, hhmmss, time: d.time, tradingDate: d.tradingDate,
      customerId: fieldText(p, e, o + cust), account: fieldText(p, e, o + acnt), orderNo: fieldText(p, e, o + ord), originalOrderNo: txt(p, e, o, w, orig),
      side: s === '02' || s === '2' ? 'buy' : s === '01' || s === '1' ? 'sell' : null,
      fill: txt(p, e, o, w, cntg) === '2', rejected: txt(p, e, o, w, rfus) === '1',
      amend: rc === '1' ? 'modify' : rc === '2' ? 'cancel' : 'none',
      qty: req(p, e, o, qty), price: px / 100, priceRaw,
      orderQty: opt(p, e, o, w, oqty), acceptance: txt(p, e, o, w, acpt), name: txt(p, e, o, w, name).trim(),
    };
    return r.qty === r.qty && r.price === r.price ? r : null;
  };
  return { b, codeIdx: code, timeIdx: time, parse, ...common(b) };
}

function common(b: ReturnType<typeof builder>): Pick<TrPlan, 'layoutWidth' | 'required' | 'minWidth'> {
  // Called from each maker's return statement, after every required field was registered.
  return { layoutWidth: b.fields.length, required: b.required, minWidth: Math.max(...b.required.map((r) => r.idx)) + 1 };
}

type Make = typeof stockTrade;
const TRS: Record<string, { layout: RealtimeTrId; kind: WsRecordKind; session: SessionKind; make: Make }> = {
  H0STCNT0: { layout: 'H0STCNT0', kind: 'stock-trade', session: 'day', make: stockTrade },
  H0STASP0: { layout: 'H0STASP0', kind: 'book', session: 'day', make: book },
  H0IFCNT0: { layout: 'H0IFCNT0', kind: 'futures-trade', session: 'day', make: futuresTrade },
  H0ZFCNT0: { layout: 'H0ZFCNT0', kind: 'futures-trade', session: 'day', make: futuresTrade },
  H0MFCNT0: { layout: 'H0MFCNT0', kind: 'futures-trade', session: 'night', make: futuresTrade },
  H0IOCNT0: { layout: 'H0IOCNT0', kind: 'option-trade', session: 'day', make: optionTrade },
  H0ZOCNT0: { layout: 'H0ZOCNT0', kind: 'option-trade', session: 'day', make: optionTrade },
  H0EUCNT0: { layout: 'H0EUCNT0', kind: 'option-trade', session: 'night', make: optionTrade },
  H0IFASP0: { layout: 'H0IFASP0', kind: 'book', session: 'day', make: book },
  H0IOASP0: { layout: 'H0IOASP0', kind: 'book', session: 'day', make: book },
  H0ZFASP0: { layout: 'H0ZFASP0', kind: 'book', session: 'day', make: book },
  H0MFASP0: { layout: 'H0MFASP0', kind: 'book', session: 'night', make: book },
  H0EUASP0: { layout: 'H0EUASP0', kind: 'book', session: 'night', make: book },
  H0IFCNI0: { layout: 'H0IFCNI0', kind: 'fo-notice', session: 'day', make: foNotice },
  H0IFCNI9: { layout: 'H0IFCNI0', kind: 'fo-notice', session: 'day', make: foNotice },
  H0MFCNI0: { layout: 'H0MFCNI0', kind: 'fo-notice', session: 'night', make: foNotice },
  H0EUCNI0: { layout: 'H0EUCNI0', kind: 'fo-notice', session: 'night', make: foNotice },
};

/** The TR ids this client parses into typed records. */
export const SUPPORTED_TRS: readonly string[] = Object.keys(TRS);

const plans = new Map<string, TrPlan>();

/** The parse plan of a TR (built once), or undefined for TRs without a typed parser. */
export function planFor(trId: string): TrPlan | undefined {
  let p = plans.get(trId);
  if (p) return p;
  const def = TRS[trId];
  if (!def) return undefined;
  const { b: _b, ...rest } = def.make(def.layout);
  p = { trId, kind: def.kind, session: def.session, ...rest };
  plans.set(trId, p);
  return p;
}
