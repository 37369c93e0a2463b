/** KIS's "no value" encodings on option rows become undefined, with the reason for a missing IV. */
import { describe, expect, it } from 'vitest';
import { boardRow } from '../../src/kis/endpoints/boards.js';
import { greeksOf } from '../../src/kis/endpoints/futures-options.js';
import { readArray } from '../../src/kis/response.js';
import type { OptionBoardRow } from '../../src/kis/types.js';
import { decodeRecords } from '../../src/kis/ws/decode.js';
import { FrameDater } from '../../src/kis/ws/dating.js';
import { parseFrame } from '../../src/kis/ws/frame.js';
import type { OptionTrade } from '../../src/kis/ws/records.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { parseKst, toInstant } from '../../src/time/kst.js';
import { dataFrame, recordFields } from './ws-fixtures.js';

/** KIS's own example rows of FHPIF05030100 (the API workbook, 국내옵션전광판_콜풋), strike 480 of May 2024. */
const KIS_CALL = {
  acpr: '480.00', unch_prpr: '3505.17', optn_shrn_iscd: '201V05480', optn_prpr: '0.01', optn_prdy_vrss: '0.00', prdy_vrss_sign: '3',
  optn_prdy_ctrt: '0.00', optn_bidp: '0.00', optn_askp: '0.01', tmvl_val: '0.01', nmix_sdpr: '0.01', acml_vol: '34', seln_rsqn: '1710',
  shnu_rsqn: '0', acml_tr_pbmn: '85', hts_otst_stpl_qty: '642', otst_stpl_qty_icdc: '39', delta_val: '0.0000', gama: '0.0000',
  vega: '0.0000', theta: '-0.0000', rho: '0.0000', hts_ints_vltl: '31.5614', invl_val: '0.00', esdg: '0.01', dprt: '9999.99',
  hist_vltl: '16.9285', hts_thpr: '0.00', optn_oprc: '0.01', optn_hgpr: '0.01', optn_lwpr: '0.01', optn_mxpr: '5.20', optn_llam: '0.01',
  atm_cls_name: 'OTM', rgbf_vrss_icdc: '1', total_askp_rsqn: '1710', total_bidp_rsqn: '0', futs_antc_cnpr: '0.00',
  futs_antc_cntg_vrss: '0.00', antc_cntg_vrss_sign: '0', antc_cntg_prdy_ctrt: '0.00',
};
const KIS_PUT = {
  ...KIS_CALL, optn_shrn_iscd: '301V05480', optn_prpr: '108.45', optn_bidp: '78.35', optn_askp: '142.60', tmvl_val: '-4.30',
  nmix_sdpr: '108.45', acml_vol: '0', seln_rsqn: '10', shnu_rsqn: '10', acml_tr_pbmn: '0', hts_otst_stpl_qty: '48', otst_stpl_qty_icdc: '0',
  delta_val: '-1.0000', gama: '0.0000', vega: '0.0000', theta: '0.0460', rho: '-0.3541', hts_ints_vltl: '0.0000', invl_val: '112.75',
  esdg: '-3.06', dprt: '-2.74', hts_thpr: '111.51', optn_oprc: '0.00', optn_hgpr: '0.00', optn_lwpr: '0.00', optn_mxpr: '142.60',
  optn_llam: '78.35', atm_cls_name: 'ITM', rgbf_vrss_icdc: '0', total_askp_rsqn: '10', total_bidp_rsqn: '10',
};

const parse = (raw: Record<string, string>): OptionBoardRow =>
  boardRow(readArray('optionBoard', { rt_cd: '0', output1: [raw] }, 'output1', [], 'O')[0]!);

describe('option board rows: KIS zeros that mean "none"', () => {
  it("KIS's traded deep-OTM call: no bid (0.00) and no theoretical price, but its IV and its greeks rounded to 0 are real", () => {
    const r = parse(KIS_CALL);
    expect(r.price).toBe(0.01);
    expect(r.bid).toBeUndefined();
    expect(r.ask).toBe(0.01);
    expect(r.theoretical).toBeUndefined();
    expect(r.iv).toBe(31.5614);
    expect(r.ivMissing).toBeUndefined();
    expect(r.volume).toBe(34);
    for (const g of ['delta', 'gamma', 'theta', 'vega', 'rho'] as const) expect(Math.abs(r.greeks[g]!)).toBe(0);
  });

  it("KIS's untraded deep-ITM put: the base price shown as current price is no trade, IV 0.0000 is none (reason no_trade), KIS's greeks are kept", () => {
    const r = parse(KIS_PUT);
    expect(r.price).toBeUndefined();
    expect(r.volume).toBe(0);
    expect(r.bid).toBe(78.35);
    expect(r.ask).toBe(142.6);
    expect(r.iv).toBeUndefined();
    expect(r.ivMissing).toBe('no_trade');
    expect(r.greeks).toEqual({ delta: -1, gamma: 0, vega: 0, theta: 0.046, rho: -0.3541 });
    expect(r.theoretical).toBe(111.51);
  });

  it('a traded row priced below intrinsic value has no IV for that reason, and its greeks stay', () => {
    const r = parse({ ...KIS_PUT, acml_vol: '5', optn_prpr: '108.45', tmvl_val: '-4.30' });
    expect(r.price).toBe(108.45);
    expect(r.iv).toBeUndefined();
    expect(r.ivMissing).toBe('below_intrinsic');
    expect(r.greeks.delta).toBe(-1);
  });

  it('blank IV and all-zero greeks on a traded row above intrinsic: nothing was computed', () => {
    const r = parse({ ...KIS_CALL, tmvl_val: '0.40', hts_ints_vltl: '', delta_val: '0.0000', gama: '0.0000', vega: '0.0000', theta: '0.0000', rho: '' });
    expect(r.price).toBe(0.01);
    expect(r.iv).toBeUndefined();
    expect(r.ivMissing).toBe('not_computed');
    expect(r.greeks).toEqual({});
  });

  it('blank price, bid, ask and volume are missing, not a broken row', () => {
    const r = parse({ ...KIS_CALL, optn_prpr: '', optn_bidp: '', optn_askp: '', acml_vol: '', hts_otst_stpl_qty: '' });
    expect(r).not.toHaveProperty('price');
    expect(r).not.toHaveProperty('bid');
    expect(r).not.toHaveProperty('ask');
    expect(r).not.toHaveProperty('volume');
    expect(r).not.toHaveProperty('openInterest');
    expect(r.strike).toBe(480);
  });
});

describe('greeks of a quote', () => {
  it('a quote whose IV and greeks are all 0 (a future, or nothing computed) has no greeks; one real 0 among others stays', () => {
    expect(greeksOf({ delta_val: 0, gama: 0, theta: 0, vega: 0, rho: 0, hts_ints_vltl: 0 })).toEqual({});
    expect(greeksOf({ delta_val: 0, gama: 0, theta: -0.01, vega: 0, hts_ints_vltl: 0 })).toEqual({ delta: 0, gamma: 0, theta: -0.01, vega: 0 });
    expect(greeksOf({ delta_val: 0, gama: 0, theta: 0, vega: 0, hts_ints_vltl: 25.1 })).toEqual({ delta: 0, gamma: 0, theta: 0, vega: 0 });
  });
});

describe('realtime option trades (H0IOCNT0): the same rules', () => {
  const dater = () => {
    const d = new FrameDater(new AcceleratedClock(toInstant(parseKst('2026-11-24T10:03')), 1e-9), defaultCalendar());
    d.begin();
    return d;
  };
  const trade = (values: Record<string, string>): OptionTrade => {
    const base = { optn_shrn_iscd: 'B01612A48', bsop_hour: '100212', optn_prpr: '3.25', optn_oprc: '3.10', optn_hgpr: '3.40', optn_lwpr: '3.05', last_cnqn: '2', acml_vol: '120' };
    const f = parseFrame(dataFrame('H0IOCNT0', [recordFields('H0IOCNT0', { ...base, ...values })]));
    if (f.kind !== 'data') throw new Error('expected a data frame');
    const d = decodeRecords(f, dater());
    if ('error' in d) throw new Error(d.error);
    return d.records[0] as OptionTrade;
  };

  it('IV and greeks all 0 are none; an empty best ask (0) is none', () => {
    const r = trade({ hts_ints_vltl: '0.0000', delta: '0.0000', gama: '0.0000', vega: '0.0000', theta: '0.0000', rho: '0.0000', optn_askp1: '0.00', optn_bidp1: '3.20' });
    expect(r).toMatchObject({ iv: null, delta: null, gamma: null, vega: null, theta: null, rho: null, ask1: null, bid1: 3.2, price: 3.25 });
  });

  it('IV 0 beside computed greeks: the IV is none, the greeks stay; a real IV keeps a 0 greek', () => {
    expect(trade({ hts_ints_vltl: '0.0000', delta: '-1.0000', theta: '0.0460' })).toMatchObject({ iv: null, delta: -1, theta: 0.046, gamma: 0 });
    expect(trade({ hts_ints_vltl: '31.56', delta: '0.0000' })).toMatchObject({ iv: 31.56, delta: 0 });
  });
});
