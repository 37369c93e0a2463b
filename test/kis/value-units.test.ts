/**
 * Money fields come out of the client in won, whatever unit KIS sends them in: F/O trading value arrives in
 * thousands of won (real H0IFCNT0 frames, KIS's F/O examples), stock values in won. The unit table itself
 * covers every money field of the layouts krtrade uses.
 */
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { multiplier } from '../../src/market/instruments/specs.js';
import { readArray, readObject } from '../../src/kis/response.js';
import {
  ENDPOINTS,
  REALTIME_LAYOUTS,
  REALTIME_VALUE_UNITS,
  REST_VALUE_UNITS,
  THOUSAND_WON,
  WON,
  restValueUnits,
  toKisUnits,
} from '../../src/kis/spec/index.js';
import { decodeRecords } from '../../src/kis/ws/decode.js';
import { FrameDater } from '../../src/kis/ws/dating.js';
import { parseFrame } from '../../src/kis/ws/frame.js';
import { SUPPORTED_TRS } from '../../src/kis/ws/parsers.js';
import type { FuturesTrade, OptionTrade, StockTrade, WsRecord } from '../../src/kis/ws/records.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { parseKst, toInstant } from '../../src/time/kst.js';
import { SAMPLES, atLayoutWidth, dataFrame, recordFields } from './ws-fixtures.js';

function records(frame: string, now: string): WsRecord[] {
  const f = parseFrame(frame);
  if (f.kind !== 'data') throw new Error(`expected a data frame, got ${f.kind}`);
  const dater = new FrameDater(new AcceleratedClock(toInstant(parseKst(now)), 1e-9), defaultCalendar());
  dater.begin();
  const d = decodeRecords(f, dater);
  if ('error' in d) throw new Error(d.error);
  return d.records;
}

/**
 * Two consecutive real H0IFCNT0 records of the mini KOSPI200 future A05608 (2026-07-22 15:29:53/54): one
 * contract at 1080.30 moves 누적거래량 134,935 → 134,936 and 누적거래대금 7,587,962,447 → 7,588,016,462.
 * The other fields are filled plausibly around them.
 */
function miniFutureRecord(hhmmss: string, qty: number, cumVolume: number, cumValue: number): string[] {
  return recordFields('H0IFCNT0', {
    futs_shrn_iscd: 'A05608', bsop_hour: hhmmss, futs_prdy_vrss: '4.10', prdy_vrss_sign: '2', futs_prdy_ctrt: '0.38',
    futs_prpr: '1080.30', futs_oprc: '1076.50', futs_hgpr: '1083.90', futs_lwpr: '1071.20', last_cnqn: String(qty),
    acml_vol: String(cumVolume), acml_tr_pbmn: String(cumValue), hts_thpr: '1081.34', mrkt_basis: '1.52', dprt: '-0.10',
    hts_otst_stpl_qty: '61235', otst_stpl_qty_icdc: '-214', oprc_hour: '084500', hgpr_hour: '131207', lwpr_hour: '091533',
    futs_askp1: '1080.32', futs_bidp1: '1080.30', askp_rsqn1: '7', bidp_rsqn1: '12', dynm_mxpr: '1112.70', dynm_llam: '1047.90',
  });
}

describe('H0IFCNT0 value is in thousands of won; the client reports won', () => {
  it('one mini contract at 1080.30 between two real frames adds 54,015,000 won', () => {
    const frame = dataFrame('H0IFCNT0', [
      miniFutureRecord('152953', 3, 134_935, 7_587_962_447),
      miniFutureRecord('152954', 1, 134_936, 7_588_016_462),
    ]);
    const [a, b] = records(frame, '2026-07-22T15:30') as FuturesTrade[];
    expect(a!.cumValue).toBe(7_587_962_447_000);
    expect(b!.cumValue).toBe(7_588_016_462_000);
    expect(b!.cumValue! - a!.cumValue!).toBe(54_015_000);
    // The same amount from the contract itself: one contract × price × KRW per point.
    expect(b!.qty * b!.price * multiplier('mini', 'future', '2026-07-22')).toBeCloseTo(54_015_000, 3);
  });

  it('KIS samples: night futures in thousands; stock futures/options and stocks in won; an unreported value is null', () => {
    const night = records(atLayoutWidth(SAMPLES.H0MFCNT0), '2026-11-24T19:03')[0] as FuturesTrade;
    expect(night.cumValue).toBe(146_552_687_000);
    // 1,596 contracts between 367.05 and 367.60 × 250,000 KRW per point.
    expect(night.cumValue! / (night.cumVolume * 250_000)).toBeGreaterThanOrEqual(367.05);
    expect(night.cumValue! / (night.cumVolume * 250_000)).toBeLessThanOrEqual(367.6);
    const stockFuture = records(SAMPLES.H0ZFCNT0, '2026-11-24T09:17')[0] as FuturesTrade;
    expect(stockFuture.cumValue).toBe(1_337_128_000);
    const stock = records(SAMPLES.H0STCNT0, '2026-11-24T09:34')[0] as StockTrade;
    expect(stock.cumValue).toBe(219_853_241_700);
    // 106 contracts traded, 누적거래대금 0: KIS did not fill it in.
    const nightOption = records(atLayoutWidth(SAMPLES.H0EUCNT0), '2026-11-24T19:07')[0] as OptionTrade;
    expect(nightOption.cumVolume).toBe(106);
    expect(nightOption.cumValue).toBeNull();
  });

  it('a real stock record stays in won (005930: 8,305,216 shares at a 71,690.50 average)', () => {
    const rec = recordFields('H0STCNT0', {
      mksc_shrn_iscd: '005930', stck_cntg_hour: '094751', stck_prpr: '71700', prdy_vrss: '600', prdy_vrss_sign: '2',
      prdy_ctrt: '0.84', wghn_avrg_stck_prc: '71690.50', stck_oprc: '71300', stck_hgpr: '72000', stck_lwpr: '71200',
      askp1: '71700', bidp1: '71600', cntg_vol: '15', acml_vol: '8305216', acml_tr_pbmn: '595403999350', bsop_date: '20250730',
    });
    const [r] = records(dataFrame('H0STCNT0', [rec]), '2025-07-30T09:48') as StockTrade[];
    expect(r!.cumValue).toBe(595_403_999_350);
    // Value ÷ volume is the weighted average price in won (KIS rounds the average it sends).
    expect(r!.cumValue! / r!.cumVolume).toBeCloseTo(r!.vwap!, 0);
  });
});

describe('REST money fields in won', () => {
  it("F/O price (KIS's example): thousands of won for index F/O, won for stock F/O", () => {
    const fields = ENDPOINTS.foPrice.blocks.output1!.fields;
    const body = { output1: { ...Object.fromEntries(fields.map((f) => [f, '0'])), futs_prpr: '395.00', acml_vol: '220924', acml_tr_pbmn: '21741293338', futs_hgpr: '395.15', futs_lwpr: '391.00' } };
    const index = readObject('foPrice', body, 'output1', ['futs_prpr'], 'F');
    expect(index.acml_tr_pbmn).toBe(21_741_293_338_000);
    // An average price inside the day's range at 250,000 KRW per point.
    const avg = (index.acml_tr_pbmn as number) / (220_924 * 250_000);
    expect(avg).toBeGreaterThan(391);
    expect(avg).toBeLessThan(395.15);
    expect(readObject('foPrice', body, 'output1', ['futs_prpr'], 'JF').acml_tr_pbmn).toBe(21_741_293_338);
  });

  it("option board (KIS's example): 34 contracts at 0.01 show as 85, i.e. 85,000 won = 34 × 0.01 × 250,000", () => {
    const fields = ENDPOINTS.optionBoard.blocks.output1!.fields;
    const row = { ...Object.fromEntries(fields.map((f) => [f, '0'])), acpr: '480.00', optn_shrn_iscd: '201V05480', optn_prpr: '0.01', acml_vol: '34', acml_tr_pbmn: '85' };
    const [r] = readArray('optionBoard', { output1: [row] }, 'output1', ['acpr'], 'O');
    expect(r!.acml_tr_pbmn).toBe(85_000);
    expect(r!.acml_tr_pbmn).toBeCloseTo(34 * 0.01 * 250_000, 6);
  });

  it("F/O minute and daily charts (KIS's examples) are converted row by row, stock charts stay in won", () => {
    const bar = (ep: 'foMinutes' | 'stockMinutesToday', v: string) =>
      Object.fromEntries(ENDPOINTS[ep].blocks.output2!.fields.map((f) => [f, f === 'acml_tr_pbmn' ? v : f === 'stck_bsop_date' ? '20240417' : f === 'stck_cntg_hour' ? '141500' : '1']));
    expect(readArray('foMinutes', { output2: [bar('foMinutes', '31394925')] }, 'output2', [], 'F')[0]!.acml_tr_pbmn).toBe(31_394_925_000);
    expect(readArray('foMinutes', { output2: [bar('foMinutes', '31394925')] }, 'output2', [], 'CM')[0]!.acml_tr_pbmn).toBe(31_394_925_000);
    expect(readArray('stockMinutesToday', { output2: [bar('stockMinutesToday', '55858827400')] }, 'output2', [])[0]!.acml_tr_pbmn).toBe(55_858_827_400);
    const daily = Object.fromEntries(ENDPOINTS.foDaily.blocks.output2!.fields.map((f) => [f, f === 'stck_bsop_date' ? '20220524' : f === 'mod_yn' ? 'N' : '1']));
    expect(readArray('foDaily', { output2: [{ ...daily, acml_tr_pbmn: '15491417875' }] }, 'output2', [], 'F')[0]!.acml_tr_pbmn).toBe(15_491_417_875_000);
  });

  it("stock price (KIS's example): value in won, market cap and capital from 억원", () => {
    const fields = ENDPOINTS.stockPrice.blocks.output!.fields;
    const body = { output: { ...Object.fromEntries(fields.map((f) => [f, '0'])), stck_prpr: '128500', acml_tr_pbmn: '344570137500', hts_avls: '935483', cpfn: '36577', lstn_stcn: '728002365' } };
    const r = readObject('stockPrice', body, 'output', ['stck_prpr']);
    expect(r.acml_tr_pbmn).toBe(344_570_137_500);
    expect(r.cpfn).toBe(3_657_700_000_000);
    expect(r.hts_avls).toBe(93_548_300_000_000);
    // Market cap = price × listed shares, to KIS's 억원 precision.
    expect(Math.abs((r.hts_avls as number) - 128_500 * 728_002_365)).toBeLessThan(1e8);
  });

  it('a derivatives block read without its market division is a bug in the caller, said so', () => {
    expect(() => restValueUnits('foPrice', 'output1')).toThrow(/market division/);
  });
});

describe('the unit table', () => {
  const MONEY = /(_pbmn|_amt)$|^hts_avls$|^cpfn$/;

  it('names only endpoints, blocks, TRs and fields that exist', () => {
    for (const [ep, blocks] of Object.entries(REST_VALUE_UNITS)) {
      const layout = (ENDPOINTS as Record<string, { blocks?: Record<string, { fields: readonly string[] }> }>)[ep];
      expect(layout?.blocks, ep).toBeDefined();
      for (const [block, fields] of Object.entries(blocks)) {
        for (const f of Object.keys(fields)) expect(layout!.blocks![block]?.fields, `${ep}.${block}.${f}`).toContain(f);
      }
    }
    for (const [tr, fields] of Object.entries(REALTIME_VALUE_UNITS)) {
      for (const f of Object.keys(fields)) expect((REALTIME_LAYOUTS as Record<string, { fields: readonly string[] }>)[tr]?.fields, `${tr}.${f}`).toContain(f);
    }
  });

  it('covers every money field of every endpoint and parsed TR', () => {
    for (const [ep, layout] of Object.entries(ENDPOINTS)) {
      for (const [block, b] of Object.entries('blocks' in layout ? layout.blocks : {})) {
        for (const f of b.fields.filter((x) => MONEY.test(x))) expect(REST_VALUE_UNITS[ep]?.[block]?.[f], `${ep}.${block}.${f}`).toBeDefined();
      }
    }
    for (const tr of SUPPORTED_TRS) {
      const layout = (REALTIME_LAYOUTS as Record<string, { trId: string; fields: readonly string[] } | undefined>)[tr];
      for (const f of (layout?.fields ?? []).filter((x) => MONEY.test(x))) expect(REALTIME_VALUE_UNITS[tr]?.[f], `${tr}.${f}`).toBeDefined();
    }
  });

  it("KIS's units truncate to whole units after rounding away float noise", () => {
    expect(toKisUnits(1080.3 * 50_000, THOUSAND_WON)).toBe(54_015);
    expect(toKisUnits(8.2 * 250_000, THOUSAND_WON)).toBe(2_050);
    expect(toKisUnits(350.05 * 250_000, THOUSAND_WON)).toBe(87_512);
    expect(toKisUnits(71_900.4, WON)).toBe(71_900);
  });
});
