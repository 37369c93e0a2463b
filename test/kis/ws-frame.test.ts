import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { fieldIndex } from '../../src/kis/spec/index.js';
import { decodeRecords, type Decoded } from '../../src/kis/ws/decode.js';
import { FrameDater } from '../../src/kis/ws/dating.js';
import { parseFrame } from '../../src/kis/ws/frame.js';
import type { BookQuote, FoNotice, FuturesTrade, OptionTrade, StockTrade, WsRecord } from '../../src/kis/ws/records.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { formatKst, parseKst, toInstant } from '../../src/time/kst.js';
import { ACK, DOC_AES, SAMPLES, atLayoutWidth, dataFrame, encryptedFrame, recordFields } from './ws-fixtures.js';

/** A clock frozen (1e-9 speed) at a KST wall-clock time. */
const frozenAt = (kst: string) => new AcceleratedClock(toInstant(parseKst(kst)), 1e-9);

function decode(text: string, now = '2026-11-24T19:03', keys?: Parameters<typeof parseFrame>[1]): Decoded {
  const f = parseFrame(text, keys);
  if (f.kind !== 'data') throw new Error(`expected data, got ${JSON.stringify(f)}`);
  const dater = new FrameDater(frozenAt(now), defaultCalendar());
  dater.begin();
  const d = decodeRecords(f, dater);
  if ('error' in d) throw new Error(d.error);
  return d;
}
const only = <T extends WsRecord>(d: Decoded): T => {
  expect(d.records).toHaveLength(1);
  return d.records[0] as T;
};

describe('KIS sample frames', () => {
  it('H0MFCNT0: price is futs_prpr (index 5), not the change at index 2', () => {
    const d = decode(atLayoutWidth(SAMPLES.H0MFCNT0));
    const r = only<FuturesTrade>(d);
    expect(fieldIndex('H0MFCNT0', 'futs_prpr')).toBe(5);
    expect(r).toMatchObject({ kind: 'futures-trade', code: '101V06', price: 367.3, change: 0.75, changeRate: 0.2, sign: 2 });
    expect(r).toMatchObject({ open: 367.1, high: 367.6, low: 367.05, qty: 2, cumVolume: 1596, openInterest: 268223, theoretical: 366.08 });
    expect(r).toMatchObject({ ask1: 367.35, bid1: 367.3 });
    // The sample predates dynm_mxpr/dynm_llam/dynm_prc_limt_yn (sent empty here).
    expect(r.bandHigh).toBeNull();
    expect(r.bandLow).toBeNull();
    // Night session, Tuesday 19:02:15 → trading date Wednesday.
    expect(formatKst(r.time)).toBe('2026-11-24 19:02:15');
    expect(r.tradingDate).toBe('2026-11-25');
  });

  it('H0ZFCNT0: stock futures price is stck_prpr at index 2', () => {
    expect(fieldIndex('H0ZFCNT0', 'stck_prpr')).toBe(2);
    const r = only<FuturesTrade>(decode(SAMPLES.H0ZFCNT0, '2026-11-24T09:17'));
    expect(r).toMatchObject({ code: '111V06', price: 77900, change: -100, changeRate: -0.13, sign: 5, cumVolume: 1724, basis: 400 });
    expect(r.tradingDate).toBe('2026-11-24');
    expect(formatKst(r.time)).toBe('2026-11-24 09:16:39');
  });

  it('H0STCNT0 sample with an empty field', () => {
    const r = only<StockTrade>(decode(SAMPLES.H0STCNT0, '2026-11-24T09:34'));
    expect(r).toMatchObject({ code: '005930', price: 71900, change: -100, vwap: 72023.83, qty: 1, cumVolume: 3052507, side: 1 });
    expect(r).toMatchObject({ cumValue: 219853241700, businessDate: '20230612', hourClass: '0', strength: 84.9 });
  });

  it('H0EUCNT0: nan / -nan greeks become null; real numbers stay', () => {
    const d = decode(atLayoutWidth(SAMPLES.H0EUCNT0));
    const r = only<OptionTrade>(d);
    expect(r).toMatchObject({ code: '301V06362', price: 2.98, change: -0.35, iv: 84.55, theoretical: null });
    expect([r.delta, r.gamma, r.vega, r.theta, r.rho]).toEqual([null, null, null, null, null]);
  });

  it('H0MFASP0 book levels', () => {
    const d = decode(atLayoutWidth(SAMPLES.H0MFASP0));
    const r = only<BookQuote>(d);
    expect(r.asks).toEqual([367.35, 367.4, 367.45, 0, 0]);
    expect(r.bids).toEqual([367.3, 367.25, 367.2, 0, 0]);
    expect(r.askQtys).toHaveLength(5);
  });

  it('the workbook placeholder key cannot decrypt its encrypted sample: reported, not thrown', () => {
    const f = parseFrame(SAMPLES.H0EUCNI0, () => DOC_AES);
    expect(f).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/cannot decrypt H0EUCNI0.*bad padding/) });
  });
});

describe('multi-record and width handling', () => {
  const stock = (code: string, t: string, price: number) =>
    recordFields('H0STCNT0', { mksc_shrn_iscd: code, stck_cntg_hour: t, stck_prpr: String(price), cntg_vol: '3', acml_vol: '100', bsop_date: '20261124' });

  it('splits NNN concatenated records by width', () => {
    const d = decode(dataFrame('H0STCNT0', [stock('005930', '100001', 70000), stock('000660', '100002', 150000), stock('005930', '100003', 70100)]), '2026-11-24T10:00:05');
    expect(d.records.map((r) => [r.code, r.hhmmss, (r as StockTrade).price])).toEqual([
      ['005930', '100001', 70000],
      ['000660', '100002', 150000],
      ['005930', '100003', 70100],
    ]);
  });

  it('records wider or narrower than the layout are rejected as field-count, never read at shifted offsets', () => {
    const dater = new FrameDater(frozenAt('2026-11-24T10:00:05'), defaultCalendar());
    const widths = (recs: string[][]) => {
      const f = parseFrame(dataFrame('H0STCNT0', recs));
      return f.kind === 'data' ? decodeRecords(f, dater) : f;
    };
    const two = [stock('005930', '100001', 70000), stock('000660', '100002', 150000)];
    expect(widths(two.map((r) => [...r, 'X1', 'X2']))).toEqual({ reason: 'field-count', error: expect.stringMatching(/H0STCNT0 records have 48 fields, the layout has 46/) });
    expect(widths(two.map((r) => r.slice(0, 44)))).toMatchObject({ reason: 'field-count' });
    // KIS's own samples written for an older layout (3 fields fewer) are not guessed at either.
    for (const s of [SAMPLES.H0MFCNT0, SAMPLES.H0EUCNT0, SAMPLES.H0MFASP0]) {
      const f = parseFrame(s);
      expect(f.kind === 'data' && decodeRecords(f, dater)).toMatchObject({ reason: 'field-count' });
    }
  });

  it('field count not divisible by NNN is a bad frame', () => {
    expect(parseFrame('0|H0STCNT0|002|a^b^c')).toMatchObject({ kind: 'bad', reason: '3 fields do not split into 2 equal records', rejection: 'field-count' });
  });

  it('a non-numeric required field rejects that record only, naming the field', () => {
    const badRec = stock('000660', '100002', 1);
    badRec[fieldIndex('H0STCNT0', 'stck_prpr')] = 'abc';
    const d = decode(dataFrame('H0STCNT0', [stock('005930', '100001', 70000), badRec]), '2026-11-24T10:00:05');
    expect(d.records).toHaveLength(1);
    expect(d.rejected).toEqual([{ reason: 'number', detail: expect.stringMatching(/record 2\/2: H0STCNT0 field stck_prpr \(#2\) is "abc"/) }]);
  });
});

describe('encrypted notices', () => {
  const aes = { key: 'K'.repeat(16) + 'k'.repeat(16), iv: 'v'.repeat(8) + 'V'.repeat(8) };
  const notice = recordFields('H0IFCNI0', {
    cust_id: 'abcd1234', acnt_no: '1234567803', oder_no: '0000001666', ooder_no: '', seln_byov_cls: '02', rctf_cls: '0', oder_kind2: '0',
    stck_shrn_iscd: '111V06', cntg_qty: '0000000002', cntg_unpr: '007840000', stck_cntg_hour: '095835', rfus_yn: '0', cntg_yn: '2',
    acpt_yn: '2', brnc_no: '00950', oder_qty: '000000000', acnt_name: '김한국', cntg_isnm: '삼성전자   F 2', oder_cond: '', ord_grp: '', ord_grpseq: '', order_prc: '000000000',
  });

  it('decrypts with the ACK key/iv (UTF-8 bytes) and parses the F/O notice of the workbook example', () => {
    const ack = parseFrame(ACK('H0IFCNI0', 'abcd1234', aes));
    expect(ack).toMatchObject({ kind: 'ack', trId: 'H0IFCNI0', aes });
    const text = encryptedFrame('H0IFCNI0', [notice], aes);
    const r = only<FoNotice>(decode(text, '2026-11-24T09:58:40', (tr) => (tr === 'H0IFCNI0' ? aes : undefined)));
    expect(r).toMatchObject({ kind: 'fo-notice', code: '111V06', side: 'buy', fill: true, rejected: false, amend: 'none', qty: 2, price: 78400 });
    expect(r).toMatchObject({ customerId: 'abcd1234', account: '1234567803', orderNo: '0000001666', name: '삼성전자   F 2', acceptance: '2' });
    expect(formatKst(r.time)).toBe('2026-11-24 09:58:35');
  });

  it('encrypted frame before any ACK, or with the wrong key, is reported', () => {
    const text = encryptedFrame('H0IFCNI0', [notice], aes);
    expect(parseFrame(text)).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/no key\/iv from an ACK for H0IFCNI0/) });
    const wrong = { key: 'x'.repeat(32), iv: 'y'.repeat(16) };
    const f = parseFrame(text, () => wrong);
    // A wrong key fails the padding check or yields garbage that no longer splits into the record.
    expect(f.kind === 'bad' || (f.kind === 'data' && f.fieldCount !== notice.length)).toBe(true);
    expect(parseFrame('1|H0IFCNI0|001|not base64!', () => aes)).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/not base64/) });
  });
});

describe('control frames', () => {
  const ctl = (header: object, body?: object) => parseFrame(JSON.stringify(body ? { header, body } : { header }));

  it('ACK carries iv/key per tr_id; unsubscribe ACK; PINGPONG', () => {
    expect(parseFrame(ACK('H0STCNT0', '005930', DOC_AES))).toEqual({ kind: 'ack', trId: 'H0STCNT0', trKey: '005930', msgCd: 'OPSP0000', msg: 'SUBSCRIBE SUCCESS', aes: DOC_AES });
    expect(ctl({ tr_id: 'H0STCNT0', tr_key: '005930', encrypt: 'N' }, { rt_cd: '0', msg_cd: 'OPSP0001', msg1: 'UNSUBSCRIBE SUCCESS' })).toMatchObject({ kind: 'unsubscribed', trId: 'H0STCNT0' });
    expect(ctl({ tr_id: 'PINGPONG', datetime: '20261124101500' })).toEqual({ kind: 'pingpong' });
  });

  it('error frames: rt_cd is checked before tr_id, "(null)" tr_id becomes null', () => {
    expect(ctl({ tr_id: '(null)', tr_key: '', encrypt: 'N' }, { rt_cd: '9', msg_cd: 'OPSP8996', msg1: 'ALREADY IN USE appkey' })).toEqual({
      kind: 'refusal', rtCd: '9', msgCd: 'OPSP8996', msg: 'ALREADY IN USE appkey', trId: null, trKey: '',
    });
    expect(ctl({ tr_id: null }, { rt_cd: '1', msg_cd: 'OPSP0011', msg1: 'invalid approval : NOT FOUND' })).toMatchObject({ kind: 'refusal', msgCd: 'OPSP0011', trId: null });
    expect(ctl({ tr_id: 'H0STCNT0', tr_key: '005930' }, { rt_cd: '1', msg_cd: 'OPSP0002', msg1: 'ALREADY IN SUBSCRIBE' })).toMatchObject({ kind: 'refusal', msgCd: 'OPSP0002', trId: 'H0STCNT0' });
    expect(ctl({ tr_id: 'PINGPONG' }, { rt_cd: '1', msg_cd: 'OPSP0003', msg1: 'UNSUBSCRIBE ERROR(not found!)' })).toMatchObject({ kind: 'refusal' });
    expect(ctl({ tr_id: 'H0IFCNI0' }, { rt_cd: '1', msg_cd: 'OPSP0008', msg1: 'MAX SUBSCRIBE OVER' })).toMatchObject({ kind: 'refusal', msgCd: 'OPSP0008' });
  });

  it('malformed control frames are reported with a reason', () => {
    expect(parseFrame('{"header":')).toMatchObject({ kind: 'bad', reason: 'invalid JSON in control frame' });
    expect(parseFrame('[1,2]')).toMatchObject({ kind: 'bad' });
    expect(parseFrame('{"header":{"tr_id":"H0STCNT0"}}')).toMatchObject({ kind: 'bad', reason: 'control frame without body.rt_cd' });
    expect(parseFrame('{"body":{"rt_cd":{}}}')).toMatchObject({ kind: 'bad', reason: 'body.rt_cd is not a string' });
    expect(parseFrame('2|H0STCNT0|001|x')).toMatchObject({ kind: 'bad' });
    expect(parseFrame('0|h0stcnt0|001|x')).toMatchObject({ kind: 'bad', reason: 'invalid tr_id "h0stcnt0"' });
    expect(parseFrame('0|H0STCNT0|x1|x')).toMatchObject({ kind: 'bad', reason: 'record count "x1" is not a number' });
    expect(parseFrame('')).toMatchObject({ kind: 'bad', reason: 'empty frame' });
  });
});
