/**
 * Realtime records built from the shared layouts in `src/kis/spec`: for each TR the layout's field list is
 * compiled once into an array of getters, so a record is `getters.map(g => g(ctx)).join('^')` in the
 * layout's exact order (e.g. futures price at index 5 for H0IFCNT0, at 2 for H0ZFCNT0 — it falls out of
 * the layout). The table below gives each KIS field NAME its meaning; it is not a field list.
 */
import { REALTIME_LAYOUTS, WON, realtimeValueUnit, toKisUnits, type RealtimeTrLayout } from '../../kis/spec/index.js';
import type { Instrument } from '../../market/types.js';
import type { PreviousDayVolume, SimGreeks, SimQuote, SimTrade } from '../market/types.js';
import type { Basis } from './basis.js';
import { changeRate, changeSign, defaultFor, fmt, int } from './layout.js';

/** Running per-code day state the trade records need (KIS sends day OHLC and counters in every record). */
export interface CodeState {
  tradingDate: string;
  prevClose: number;
  upper: number;
  lower: number;
  open: number;
  high: number;
  low: number;
  openTime: string;
  highTime: string;
  lowTime: string;
  sellCount: number;
  buyCount: number;
  sellQty: number;
  buyQty: number;
  lastCumVolume: number;
  openInterest: number;
  theoretical: number;
  /** The previous trading date's volume (전일 거래량, 전일 동시간 누적 거래량); undefined if it did not trade. */
  prevDay?: PreviousDayVolume;
}

export interface OptionExtras extends SimGreeks {
  intrinsic: number;
  timeValue: number;
  /** The model's current fair value (`hts_thpr`), from the same board as the greeks. */
  theoretical?: number;
}

export interface RecordCtx {
  inst: Instrument;
  /** Price decimals (0 stocks, 2 derivatives). */
  dec: number;
  /** HHMMSS of the record (night hours already encoded). */
  hhmmss: string;
  yyyymmdd: string;
  st: CodeState;
  trade?: SimTrade;
  quote?: SimQuote;
  option?: OptionExtras;
  /** Underlying index level (derivatives). */
  index?: number;
  /** Basis fields of this record (`basis.ts`: the one definition shared with the REST endpoints). */
  basis?: Basis;
}

type Getter = (c: RecordCtx) => string;

const px = (c: RecordCtx, n: number | undefined): string => (n === undefined ? '0' : fmt(n, c.dec));
const last = (c: RecordCtx): number => c.trade?.price ?? c.st.open;
const diff = (c: RecordCtx, a: number, b: number): string => fmt(a - b, c.dec);
const sgn = (a: number, b: number): string => (a > b ? '2' : a < b ? '5' : '3');
const cumVolume = (c: RecordCtx): number => c.trade?.cumVolume ?? c.st.lastCumVolume;
const prevSameTime = (c: RecordCtx): number =>
  c.trade && c.st.prevDay ? c.st.prevDay.sameTime(c.trade.time) : 0;
/** Today's cumulative volume as a percentage of a previous-day volume (KIS: 125.92 = 1.2592×). */
const volumeRate = (c: RecordCtx, base: number | undefined): string =>
  base ? fmt((cumVolume(c) / base) * 100, 2) : '0.00';

const TRADE: Record<string, Getter> = {
  mksc_shrn_iscd: (c) => c.inst.code,
  futs_shrn_iscd: (c) => c.inst.code,
  optn_shrn_iscd: (c) => c.inst.code,
  stck_cntg_hour: (c) => c.hhmmss,
  bsop_hour: (c) => c.hhmmss,
  bsop_date: (c) => c.yyyymmdd,
  stck_prpr: (c) => px(c, last(c)),
  futs_prpr: (c) => px(c, last(c)),
  optn_prpr: (c) => px(c, last(c)),
  prdy_vrss: (c) => diff(c, last(c), c.st.prevClose),
  futs_prdy_vrss: (c) => diff(c, last(c), c.st.prevClose),
  optn_prdy_vrss: (c) => diff(c, last(c), c.st.prevClose),
  prdy_vrss_sign: (c) => changeSign(last(c), c.st.prevClose, c.st.upper, c.st.lower),
  prdy_ctrt: (c) => changeRate(last(c), c.st.prevClose),
  futs_prdy_ctrt: (c) => changeRate(last(c), c.st.prevClose),
  wghn_avrg_stck_prc: (c) =>
    c.trade && c.trade.cumVolume
      ? fmt(c.trade.cumValue / c.trade.cumVolume / (c.inst.multiplier || 1), 2)
      : '0',
  stck_oprc: (c) => px(c, c.st.open),
  futs_oprc: (c) => px(c, c.st.open),
  optn_oprc: (c) => px(c, c.st.open),
  stck_hgpr: (c) => px(c, c.st.high),
  futs_hgpr: (c) => px(c, c.st.high),
  optn_hgpr: (c) => px(c, c.st.high),
  stck_lwpr: (c) => px(c, c.st.low),
  futs_lwpr: (c) => px(c, c.st.low),
  optn_lwpr: (c) => px(c, c.st.low),
  cntg_vol: (c) => int(c.trade?.qty ?? 0),
  last_cnqn: (c) => int(c.trade?.qty ?? 0),
  acml_vol: (c) => int(c.trade?.cumVolume ?? c.st.lastCumVolume),
  ccld_dvsn: (c) => String(c.trade?.side ?? 1),
  seln_cntg_csnu: (c) => int(c.st.sellCount),
  shnu_cntg_csnu: (c) => int(c.st.buyCount),
  ntby_cntg_csnu: (c) => int(c.st.buyCount - c.st.sellCount),
  seln_cntg_smtn: (c) => int(c.st.sellQty),
  shnu_cntg_smtn: (c) => int(c.st.buyQty),
  cttr: (c) => fmt(c.st.sellQty ? (c.st.buyQty / c.st.sellQty) * 100 : 0, 2),
  shnu_rate: (c) =>
    fmt(c.st.buyQty + c.st.sellQty ? (c.st.buyQty / (c.st.buyQty + c.st.sellQty)) * 100 : 0, 2),
  oprc_hour: (c) => c.st.openTime,
  hgpr_hour: (c) => c.st.highTime,
  lwpr_hour: (c) => c.st.lowTime,
  oprc_vrss_prpr_sign: (c) => sgn(last(c), c.st.open),
  hgpr_vrss_prpr_sign: (c) => sgn(last(c), c.st.high),
  lwpr_vrss_prpr_sign: (c) => sgn(last(c), c.st.low),
  oprc_vrss_prpr: (c) => diff(c, last(c), c.st.open),
  hgpr_vrss_prpr: (c) => diff(c, last(c), c.st.high),
  lwpr_vrss_prpr: (c) => diff(c, last(c), c.st.low),
  oprc_vrss_nmix_prpr: (c) => diff(c, last(c), c.st.open),
  hgpr_vrss_nmix_prpr: (c) => diff(c, last(c), c.st.high),
  lwpr_vrss_nmix_prpr: (c) => diff(c, last(c), c.st.low),
  new_mkop_cls_code: () => '20',
  trht_yn: () => 'N',
  hour_cls_code: () => '0',
  // 임의종료구분코드: set only while a call auction's random end is in force (never modelled); blank as in KIS's frames.
  mrkt_trtm_cls_code: () => '',
  hts_thpr: (c) => px(c, c.st.theoretical || last(c)),
  hts_otst_stpl_qty: (c) => int(c.st.openInterest),
  mrkt_basis: (c) => (c.basis ? fmt(c.basis.market, 2) : '0'),
  thpr_basis: (c) => (c.basis ? fmt(c.basis.theoretical, 2) : '0'),
  dprt: (c) => (c.st.theoretical ? fmt(((last(c) - c.st.theoretical) / c.st.theoretical) * 100, 2) : '0.00'),
  esdg: (c) => (c.st.theoretical ? fmt(last(c) - c.st.theoretical, 2) : '0.00'),
  dynm_mxpr: (c) => px(c, c.st.upper),
  dynm_llam: (c) => px(c, c.st.lower),
  dynm_prc_limt_yn: () => 'N',
  prmm_val: (c) => px(c, last(c)),
  invl_val: (c) => fmt(c.option?.intrinsic ?? 0, 2),
  tmvl_val: (c) => fmt(c.option?.timeValue ?? 0, 2),
  delta: (c) => fmt(c.option?.delta ?? 0, 4),
  gama: (c) => fmt(c.option?.gamma ?? 0, 4),
  vega: (c) => fmt(c.option?.vega ?? 0, 4),
  theta: (c) => fmt(c.option?.theta ?? 0, 4),
  rho: (c) => fmt(c.option?.rho ?? 0, 4),
  hts_ints_vltl: (c) => fmt(c.option?.iv ?? 0, 2),
  // 정적VI발동기준가: the last single-price auction's price, i.e. the open while no VI has fired (KIS's frames).
  vi_stnd_prc: (c) => px(c, c.st.open),
  prdy_vol_vrss_acml_vol_rate: (c) => volumeRate(c, c.st.prevDay?.total),
  prdy_smns_hour_acml_vol: (c) => int(prevSameTime(c)),
  prdy_smns_hour_acml_vol_rate: (c) => volumeRate(c, prevSameTime(c)),
};

/** Money fields as the model's won; sent in the TR's unit (`REALTIME_VALUE_UNITS`: F/O in thousands). */
const MONEY_WON: Record<string, (c: RecordCtx) => number> = {
  acml_tr_pbmn: (c) => c.trade?.cumValue ?? 0,
};

function moneyGetter(trId: string, field: string): Getter | undefined {
  const won = MONEY_WON[field];
  if (!won) return undefined;
  const unit = realtimeValueUnit(trId, field) ?? WON;
  return (c) => String(toKisUnits(won(c), unit));
}

const level = (side: 'asks' | 'bids', n: number, key: 'price' | 'qty' | 'count'): Getter => {
  return (c) => {
    // A trade record's best bid/ask are the book right after that trade (it took one of them).
    if (n === 1 && key === 'price' && c.trade) return fmt(side === 'asks' ? c.trade.ask : c.trade.bid, c.dec);
    const lv = c.quote?.[side][n - 1];
    if (!lv) return '0';
    return key === 'price' ? fmt(lv.price, c.dec) : int(lv[key]);
  };
};
const total =
  (side: 'asks' | 'bids', key: 'qty' | 'count'): Getter =>
  (c) =>
    int((c.quote?.[side] ?? []).reduce((s, l) => s + l[key], 0));

/** Order-book field names, whatever their prefix (`askp3`, `futs_askp3`, `optn_bidp1`, `askp_rsqn7`, …). */
function bookGetter(field: string): Getter | undefined {
  let m = /^(?:futs_|optn_)?(askp|bidp)(\d+)$/.exec(field);
  if (m) return level(m[1] === 'askp' ? 'asks' : 'bids', Number(m[2]), 'price');
  m = /^(askp|bidp)_(rsqn|csnu)(\d+)$/.exec(field);
  if (m) return level(m[1] === 'askp' ? 'asks' : 'bids', Number(m[3]), m[2] === 'rsqn' ? 'qty' : 'count');
  m = /^total_(askp|bidp)_(rsqn|csnu)$/.exec(field);
  if (m) return total(m[1] === 'askp' ? 'asks' : 'bids', m[2] === 'rsqn' ? 'qty' : 'count');
  return undefined;
}

export type RecordBuilder = (c: RecordCtx) => string;

/** Compiles a TR's layout into a record builder. */
export function compileRecord(layout: RealtimeTrLayout, extra: Record<string, Getter> = {}): RecordBuilder {
  const getters: Getter[] = layout.fields.map((f) => {
    const g = extra[f] ?? TRADE[f] ?? moneyGetter(layout.trId, f) ?? bookGetter(f);
    if (g) return g;
    const d = defaultFor(f);
    return () => d;
  });
  return (c) => {
    let out = getters[0]!(c);
    for (let i = 1; i < getters.length; i++) out += '^' + getters[i]!(c);
    return out;
  };
}

/** Which instruments and session a market-data TR serves. */
export interface TrRole {
  kinds: readonly Instrument['kind'][];
  session: 'stocks' | 'day' | 'night';
  /** Trade (one record per trade) or book (one record per batch). */
  feed: 'trade' | 'book';
}

export const MARKET_TRS: Readonly<Record<string, TrRole>> = {
  H0STCNT0: { kinds: ['stock'], session: 'stocks', feed: 'trade' },
  H0STASP0: { kinds: ['stock'], session: 'stocks', feed: 'book' },
  H0IFCNT0: { kinds: ['future'], session: 'day', feed: 'trade' },
  H0IFASP0: { kinds: ['future'], session: 'day', feed: 'book' },
  // The model lists no stock futures/options; these serve any future/option so their layouts are exercised.
  H0ZFCNT0: { kinds: ['future'], session: 'day', feed: 'trade' },
  H0ZFASP0: { kinds: ['future'], session: 'day', feed: 'book' },
  H0ZOCNT0: { kinds: ['call', 'put'], session: 'day', feed: 'trade' },
  H0IOCNT0: { kinds: ['call', 'put'], session: 'day', feed: 'trade' },
  H0IOASP0: { kinds: ['call', 'put'], session: 'day', feed: 'book' },
  H0MFCNT0: { kinds: ['future'], session: 'night', feed: 'trade' },
  H0MFASP0: { kinds: ['future'], session: 'night', feed: 'book' },
  H0EUCNT0: { kinds: ['call', 'put'], session: 'night', feed: 'trade' },
  H0EUASP0: { kinds: ['call', 'put'], session: 'night', feed: 'book' },
};

const BUILDERS = new Map<string, RecordBuilder>();
export function recordBuilder(trId: string): RecordBuilder {
  let b = BUILDERS.get(trId);
  if (!b) {
    const layout = (REALTIME_LAYOUTS as Record<string, RealtimeTrLayout>)[trId];
    if (!layout) throw new Error(`simulator bug: no realtime layout ${trId}`);
    BUILDERS.set(trId, (b = compileRecord(layout)));
  }
  return b;
}
