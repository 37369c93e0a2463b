/**
 * Reference fields of the stock quotation endpoints (FHKST01010100 `output`, FHKST03010100 `output1`),
 * derived deterministically from the seed, the stock's code and the model's daily bars, and consistent with
 * each other as KIS's are: market cap `hts_avls` = price × listed shares in 억원 (KIS example: 128,500 ×
 * 728,002,365 ≈ 935,483 억), PER = price ÷ EPS, PBR = price ÷ BPS, turnover `vol_tnrt` = volume ÷ listed
 * shares in %, capital `cpfn` = shares × face value in 억원, tick `aspr_unit` from the KRX table in
 * `src/market/instruments`, pivots from the previous day's bar (the formulas reproduce KIS's example).
 * Earnings and book value are fixed per business year, on the previous year's last close.
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import { tickSize } from '../../market/instruments/index.js';
import type { Instrument } from '../../market/types.js';
import { type KstDate, kisDate } from '../../time/kst.js';
import { Rng } from '../market/rng.js';
import type { SimMarket, SimSnapshot } from '../market/types.js';
import { type Extreme, previousBar, stockRanges } from './daily-ranges.js';
import { fmt, int, type Values } from './layout.js';

export interface StockFundamentals {
  listedShares: number;
  /** Face value (액면가), KRW. */
  faceValue: number;
  /** Margin rate (증거금률), %. */
  marginRate: number;
  /** Substitute price rate (대용가 ÷ base price). */
  substituteRate: number;
  foreignRatio: number;
  eps: number;
  bps: number;
}

const FACE_VALUES = [100, 200, 500, 1000, 2500, 5000];
const MARGIN_RATES = [20, 20, 30, 30, 40, 100];

/** The stock's fundamentals in the business year of the snapshot's trading date. */
export function stockFundamentals(market: SimMarket, calendar: TradingCalendar, s: SimSnapshot): StockFundamentals {
  const rng = Rng.of(market.seed, 'fundamentals', s.code);
  // The previous year's last close: the price the year's EPS/BPS are set against (stable all year).
  const yearEnd = previousBar(market, calendar, s.code, `${s.tradingDate.slice(0, 4)}-01-01` as KstDate);
  const ref = yearEnd?.close ?? s.prevClose;
  const shares = Math.exp(Math.log(5e6) + rng.next() * Math.log(120)); // 5 million … 600 million
  const per = 6 + rng.next() * 29;
  const pbr = 0.4 + rng.next() * 3.6;
  return {
    listedShares: Math.round(shares / 1000) * 1000 + rng.int(1000),
    faceValue: FACE_VALUES[rng.int(FACE_VALUES.length)]!,
    marginRate: MARGIN_RATES[rng.int(MARGIN_RATES.length)]!,
    substituteRate: [0.6, 0.7, 0.76, 0.8][rng.int(4)]!,
    foreignRatio: 0.02 + rng.next() * 0.53,
    eps: Math.max(1, Math.round(ref / per)),
    bps: Math.max(1, Math.round(ref / pbr)),
  };
}

const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');
const rate = (price: number, ref: number): string => fmt(ref ? ((price - ref) / ref) * 100 : 0, 2);

function extremeFields(e: Extreme, price: number, priceKey: string, dateKey: string, rateKey: string): Values {
  return { [priceKey]: int(e.price), [dateKey]: kisDate(e.date), [rateKey]: rate(price, e.price) };
}

/** The fields both stock endpoints share: shares, cap, valuation ratios, turnover. */
export function valuationFields(f: StockFundamentals, s: SimSnapshot): Values {
  return {
    lstn_stcn: int(f.listedShares),
    hts_avls: int((s.last * f.listedShares) / 1e8),
    stck_fcam: int(f.faceValue),
    cpfn: int((f.listedShares * f.faceValue) / 1e8),
    per: fmt(s.last / f.eps, 2),
    pbr: fmt(s.last / f.bps, 2),
    eps: fmt(f.eps, 2),
    bps: fmt(f.bps, 2),
    vol_tnrt: fmt((s.cumVolume / f.listedShares) * 100, 2),
  };
}

/** Reference fields of the current-price endpoint's `output` (FHKST01010100). */
export function stockPriceReference(market: SimMarket, calendar: TradingCalendar, inst: Instrument, s: SimSnapshot): Values {
  const f = stockFundamentals(market, calendar, s);
  const v: Values = {
    ...valuationFields(f, s),
    marg_rate: fmt(f.marginRate, 2),
    aspr_unit: int(tickSize(inst, s.last)),
    hts_deal_qty_unit_val: '1',
    stac_month: '12',
    rstc_wdth_prc: int(s.upperLimit - s.basePrice),
    stck_sspr: int(Math.floor(s.basePrice * f.substituteRate)),
    fcam_cnnm: thousands(f.faceValue),
    cpfn_cnnm: `${thousands((f.listedShares * f.faceValue) / 1e8)} 억`,
    frgn_hldn_qty: int(f.listedShares * f.foreignRatio),
    hts_frgn_ehrt: fmt(f.foreignRatio * 100, 2),
  };
  const prev = previousBar(market, calendar, inst.code, s.tradingDate);
  if (prev) {
    v.prdy_vrss_vol_rate = fmt((s.cumVolume / prev.volume) * 100, 2);
    Object.assign(v, pivots(prev.open, prev.high, prev.low, prev.close));
  }
  const r = stockRanges(market, calendar, s);
  if (r) {
    Object.assign(
      v,
      extremeFields(r.w52.high, s.last, 'w52_hgpr', 'w52_hgpr_date', 'w52_hgpr_vrss_prpr_ctrt'),
      extremeFields(r.w52.low, s.last, 'w52_lwpr', 'w52_lwpr_date', 'w52_lwpr_vrss_prpr_ctrt'),
      extremeFields(r.d250.high, s.last, 'd250_hgpr', 'd250_hgpr_date', 'd250_hgpr_vrss_prpr_rate'),
      extremeFields(r.d250.low, s.last, 'd250_lwpr', 'd250_lwpr_date', 'd250_lwpr_vrss_prpr_rate'),
      extremeFields(r.yearToDate.high, s.last, 'stck_dryy_hgpr', 'dryy_hgpr_date', 'dryy_hgpr_vrss_prpr_rate'),
      extremeFields(r.yearToDate.low, s.last, 'stck_dryy_lwpr', 'dryy_lwpr_date', 'dryy_lwpr_vrss_prpr_rate'),
    );
  }
  return v;
}

/**
 * Classic pivots (P = (H+L+C)/3, R1 = 2P−L, R2 = P+(H−L), S1 = 2P−H, S2 = P−(H−L)) and DeMark's
 * (X = 2H+L+C, H+2L+C or H+L+2C as the close is above, below or at the open; R = X/2−L, S = X/2−H),
 * truncated to whole won — KIS's example (H 130,000 L 126,500 C 128,500) gives exactly its values.
 */
export function pivots(o: number, h: number, l: number, c: number): Values {
  const p = (h + l + c) / 3;
  const x = c > o ? 2 * h + l + c : c < o ? h + 2 * l + c : h + l + 2 * c;
  const w = (n: number): string => int(Math.floor(n + 1e-9));
  return {
    pvt_scnd_dmrs_prc: w(p + (h - l)),
    pvt_frst_dmrs_prc: w(2 * p - l),
    pvt_pont_val: w(p),
    pvt_frst_dmsp_prc: w(2 * p - h),
    pvt_scnd_dmsp_prc: w(p - (h - l)),
    dmrs_val: w(x / 2 - l),
    dmsp_val: w(x / 2 - h),
  };
}
