/**
 * Corrupted realtime frames, fuzzed from their bytes: bit flips, invalid UTF-8, truncation at every
 * position, extra or missing `^`, wrong record counts, encrypted frames read with the wrong key. Every
 * delivered record must equal a record of the original frame exactly; everything else must be rejected
 * with a reason (counted by the session). Never U+FFFD in a record, never a field that differs.
 *
 * KIS frames carry no checksum, so one corruption cannot be caught by anything: a bit flip that turns a
 * digit into another digit outside the code (`367.30` → `367.31`) is another valid value. Those flips
 * are left out; every other one must be caught.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REALTIME_LAYOUTS, type RealtimeTrId } from '../../src/kis/spec/index.js';
import type { AesKey } from '../../src/kis/ws/crypto.js';
import { decodeRecords } from '../../src/kis/ws/decode.js';
import { FrameDater } from '../../src/kis/ws/dating.js';
import { parseFrame } from '../../src/kis/ws/frame.js';
import { SUPPORTED_TRS, planFor } from '../../src/kis/ws/parsers.js';
import type { WsRecord } from '../../src/kis/ws/records.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { parseKst, toInstant } from '../../src/time/kst.js';
import { dataFrame, encryptedFrame } from './ws-fixtures.js';

const dater = new FrameDater(new AcceleratedClock(toInstant(parseKst('2026-11-24T10:00')), 1e-9), defaultCalendar());
const layoutOf = (tr: string): RealtimeTrId => (tr === 'H0IFCNI9' ? 'H0IFCNI0' : tr) as RealtimeTrId;

const MARKET_TRS = SUPPORTED_TRS.filter((tr) => planFor(tr)!.kind !== 'fo-notice');
const NOTICE_TRS = SUPPORTED_TRS.filter((tr) => planFor(tr)!.kind === 'fo-notice');
/** Codes of the right kind for each TR (stock, index future, index option, stock future/option). */
function codesFor(tr: string): string[] {
  if (tr.startsWith('H0ST')) return ['005930', '000660'];
  if (tr.startsWith('H0ZF')) return ['111V06', '112W03'];
  if (tr.startsWith('H0ZO')) return ['211V06370', '311V06370'];
  if (tr.startsWith('H0IO') || tr.startsWith('H0EU')) return ['B01612A48', '201V06362'];
  return ['A01612', '101W12'];
}

interface Original {
  tr: string;
  bytes: Buffer;
  records: WsRecord[];
  count: number;
  subscribed: Set<string>;
  aes?: AesKey;
}

interface Outcome {
  records: WsRecord[];
  /** Records (or a whole frame) rejected with a reason. */
  rejected: number;
}

/** The parse path of the session, on bytes: strict UTF-8, frame, records with every check. */
function deliver(bytes: Uint8Array, o: Pick<Original, 'subscribed' | 'aes'>): Outcome {
  const f = parseFrame(bytes, () => o.aes);
  if (f.kind === 'bad') {
    expect(f.reason.length).toBeGreaterThan(0);
    return { records: [], rejected: 1 };
  }
  if (f.kind !== 'data') return { records: [], rejected: 0 };
  dater.begin();
  const d = decodeRecords(f, dater, { subscribed: (tr, code) => o.subscribed.has(`${tr}/${code}`) });
  if ('error' in d) return { records: [], rejected: 1 };
  // Every record of the frame is accounted for: delivered or rejected with a reason.
  expect(d.records.length + d.rejected.length).toBe(f.count);
  for (const x of d.rejected) expect(x.detail.length).toBeGreaterThan(0);
  return { records: d.records, rejected: d.rejected.length };
}

/** The property: what is delivered is exactly original; whatever is missing was rejected. */
function assertExact(o: Original, out: Outcome, what: string): void {
  for (const r of out.records) expect(o.records, what).toContainEqual(r);
  if (out.records.length < o.records.length) expect(out.rejected, what).toBeGreaterThan(0);
}

const decimal = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -99_999, max: 9_999_999 }).map(String) },
  { weight: 6, arbitrary: fc.tuple(fc.integer({ min: -999, max: 99_999 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${String(b).padStart(2, '0')}`) },
  { weight: 1, arbitrary: fc.constantFrom('', 'nan', '-nan', '0', '0.00', '-0.35') },
);

/** Field values of one market-data record by name: code, times, date and class where the layout has them, decimals elsewhere. */
function marketRecord(tr: string, code: string, second: number, values: string[]): string[] {
  const hhmmss = `10${String(Math.floor(second / 60) % 60).padStart(2, '0')}${String(second % 60).padStart(2, '0')}`;
  return REALTIME_LAYOUTS[layoutOf(tr)].fields.map((name, i) => {
    if (i === 0) return code;
    if (name.endsWith('_hour')) return hhmmss;
    if (name === 'bsop_date') return '20261124';
    if (name === 'hour_cls_code' || name.endsWith('_yn') || name === 'new_mkop_cls_code') return '0';
    return values[i % values.length]!;
  });
}

const anyMarketOriginal = fc
  .record({
    tr: fc.constantFrom(...MARKET_TRS),
    count: fc.integer({ min: 1, max: 3 }),
    second: fc.integer({ min: 0, max: 3599 }),
    values: fc.array(decimal, { minLength: 37, maxLength: 37 }),
    codeIdx: fc.array(fc.nat(1), { minLength: 3, maxLength: 3 }),
  })
  .map(({ tr, count, second, values, codeIdx }): Original => {
    const codes = codesFor(tr);
    const recs = Array.from({ length: count }, (_, r) => marketRecord(tr, codes[codeIdx[r]!]!, second + r, values.slice(r)));
    const subscribed = new Set(codes.map((c) => `${tr}/${c}`));
    const bytes = Buffer.from(dataFrame(tr, recs), 'utf8');
    return { tr, bytes, count, subscribed, records: deliver(bytes, { subscribed }).records };
  });
/** Frames all of whose records decode (an empty required field makes some originals incomplete). */
const marketOriginal = anyMarketOriginal.filter((o) => o.records.length === o.count);

const aesOf = (seed: string): AesKey => ({ key: seed.repeat(32).slice(0, 32), iv: seed.split('').reverse().join('').repeat(16).slice(0, 16) });

const noticeOriginal = fc
  .record({ tr: fc.constantFrom(...NOTICE_TRS), seed: fc.string({ unit: fc.constantFrom(...'abcdefghXYZ0123'), minLength: 3, maxLength: 3 }), qty: fc.integer({ min: 1, max: 999 }) })
  .map(({ tr, seed, qty }): Original => {
    const fields = REALTIME_LAYOUTS[layoutOf(tr)].fields as readonly string[];
    const named: Record<string, string> = {
      cust_id: 'abcd1234', acnt_no: '1234567803', oder_no: '0000001666', ooder_no: '', seln_byov_cls: '02', rctf_cls: '0', stck_shrn_iscd: 'A01612',
      cntg_qty: String(qty).padStart(10, '0'), cntg_unpr: '007840000', stck_cntg_hour: '095835', rfus_yn: '0', cntg_yn: '2', acpt_yn: '2', cntg_isnm: '삼성전자   F 2',
    };
    const rec = fields.map((f) => named[f] ?? '0');
    const aes = aesOf(seed);
    const bytes = Buffer.from(encryptedFrame(tr, [rec], aes), 'utf8');
    const subscribed = new Set<string>();
    return { tr, bytes, count: 1, subscribed, aes, records: deliver(bytes, { subscribed, aes }).records };
  });

const original = fc.oneof(marketOriginal, noticeOriginal);
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
/** Offset just past the header `e|TR|NNN|`. */
const payloadStart = (b: Buffer): number => b.indexOf(0x7c, b.indexOf(0x7c, 2) + 1) + 1;
/** Whether byte `i` of a plain market-data frame lies in a record's code (field 0 of each record). */
function inCode(o: Original, i: number): boolean {
  const start = payloadStart(o.bytes);
  if (i < start) return false;
  let field = 0;
  for (let j = start; j < i; j++) if (o.bytes[j] === 0x5e) field++;
  return field % REALTIME_LAYOUTS[layoutOf(o.tr)].fields.length === 0;
}

/** The code field around byte i of a (flipped) frame: a put and its call differ in one digit, both may be subscribed. */
function codeAround(bytes: Uint8Array, i: number): string {
  let from = i;
  while (from > 0 && bytes[from - 1] !== 0x5e && bytes[from - 1] !== 0x7c) from--;
  let to = i;
  while (to < bytes.length && bytes[to] !== 0x5e) to++;
  return Buffer.from(bytes.subarray(from, to)).toString('latin1');
}

describe('corrupted frames: delivered exactly, or rejected and counted', () => {
  it('the generated originals decode (the generators are sound)', () => {
    const market = fc.sample(anyMarketOriginal, { numRuns: 300, seed: 1 });
    expect(market.filter((o) => o.records.length === o.count).length).toBeGreaterThan(100);
    for (const o of fc.sample(noticeOriginal, { numRuns: 50, seed: 1 })) expect(o.records).toHaveLength(1);
  });

  it('bit flips anywhere in the frame', () => {
    fc.assert(
      fc.property(original, fc.nat(), fc.integer({ min: 0, max: 7 }), (o, at, bit) => {
        const b = Buffer.from(o.bytes);
        const i = at % b.length;
        const before = b[i]!;
        b[i] = before ^ (1 << bit);
        // In plain text another digit is another valid value, unless it lands in a code (then it is a code not
        // subscribed, or another subscribed code: a put flipped into its call, which nothing can tell apart).
        if (!o.aes && isDigit(before) && isDigit(b[i]!) && (!inCode(o, i) || o.subscribed.has(`${o.tr}/${codeAround(b, i)}`))) return;
        assertExact(o, deliver(b, o), `bit ${bit} of byte ${i}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('invalid UTF-8 inserted or overwritten anywhere', () => {
    const bad = fc.constantFrom([0x80], [0xbf], [0xc3], [0xff], [0xfe], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0xed, 0xa0, 0x80]);
    fc.assert(
      fc.property(original, fc.nat(), bad, fc.boolean(), (o, at, seq, overwrite) => {
        const i = at % o.bytes.length;
        const b = Buffer.concat([o.bytes.subarray(0, i), Buffer.from(seq), o.bytes.subarray(overwrite ? i + seq.length : i)]);
        const out = deliver(b, o);
        expect(out.records).toEqual([]);
        expect(out.rejected).toBeGreaterThan(0);
      }),
      { numRuns: 1500 },
    );
  });

  it('U+FFFD already in the text (a lenient decoder upstream) is rejected, not delivered', () => {
    fc.assert(
      fc.property(marketOriginal, fc.nat(), (o, at) => {
        const start = payloadStart(o.bytes);
        const i = start + (at % (o.bytes.length - start));
        const b = Buffer.concat([o.bytes.subarray(0, i), Buffer.from('\uFFFD', 'utf8'), o.bytes.subarray(i)]);
        expect(deliver(b, o).records).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('truncation at every position', () => {
    for (const o of fc.sample(original, { numRuns: 40, seed: 10 })) {
      for (let n = 0; n < o.bytes.length; n++) assertExact(o, deliver(o.bytes.subarray(0, n), o), `cut at ${n}/${o.bytes.length}`);
    }
  });

  it('an extra or a missing "^" anywhere', () => {
    fc.assert(
      fc.property(marketOriginal, fc.nat(), fc.boolean(), (o, at, extra) => {
        const start = payloadStart(o.bytes);
        let b: Buffer;
        if (extra) {
          const i = start + (at % (o.bytes.length - start + 1));
          b = Buffer.concat([o.bytes.subarray(0, i), Buffer.from('^'), o.bytes.subarray(i)]);
        } else {
          const carets = [...o.bytes.subarray(start)].flatMap((c, k) => (c === 0x5e ? [start + k] : []));
          const i = carets[at % carets.length]!;
          b = Buffer.concat([o.bytes.subarray(0, i), o.bytes.subarray(i + 1)]);
        }
        const out = deliver(b, o);
        expect(out.records).toEqual([]);
        expect(out.rejected).toBeGreaterThan(0);
      }),
      { numRuns: 1500 },
    );
  });

  it('a wrong record count', () => {
    fc.assert(
      fc.property(original, fc.integer({ min: 0, max: 999 }), (o, n) => {
        fc.pre(n !== o.count);
        const text = o.bytes.toString('utf8');
        const [enc, tr, , ...rest] = text.split('|');
        const out = deliver(Buffer.from([enc, tr, String(n).padStart(3, '0'), ...rest].join('|')), o);
        expect(out.records).toEqual([]);
        expect(out.rejected).toBeGreaterThan(0);
      }),
      { numRuns: 800 },
    );
  });

  it('encrypted frames read with the wrong key', () => {
    fc.assert(
      fc.property(noticeOriginal, fc.string({ unit: fc.constantFrom(...'abcdefghXYZ0123'), minLength: 3, maxLength: 3 }), (o, seed) => {
        const wrong = aesOf(seed);
        fc.pre(wrong.key !== o.aes!.key || wrong.iv !== o.aes!.iv);
        const out = deliver(o.bytes, { ...o, aes: wrong });
        expect(out.records).toEqual([]);
        expect(out.rejected).toBe(1);
      }),
      { numRuns: 500 },
    );
  });
});
