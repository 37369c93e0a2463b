import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REALTIME_LAYOUTS } from '../../src/kis/spec/index.js';
import { decodeRecords } from '../../src/kis/ws/decode.js';
import { FrameDater } from '../../src/kis/ws/dating.js';
import { backoffDelay } from '../../src/kis/ws/backoff.js';
import { fieldEnds, fieldNumber, fieldText } from '../../src/kis/ws/fields.js';
import { parseFrame } from '../../src/kis/ws/frame.js';
import { SUPPORTED_TRS } from '../../src/kis/ws/parsers.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { SAMPLES, dataFrame, encryptedFrame } from './ws-fixtures.js';

const aes = { key: 'abcdefghijklmnopqrstuvwxyz012345', iv: 'ABCDEFGHIJKLMNOP' };
const dater = new FrameDater(new AcceleratedClock(Date.UTC(2026, 10, 24, 1), 1e-9), defaultCalendar());

/** Runs the whole pipeline; returns what it reported. Any exception fails the property. */
function process(text: string): { kind: string; reasons: string[]; records: number } {
  const f = parseFrame(text, () => aes);
  if (f.kind === 'bad') return { kind: 'bad', reasons: [f.reason], records: 0 };
  if (f.kind !== 'data') return { kind: f.kind, reasons: [], records: 0 };
  dater.begin();
  const d = decodeRecords(f, dater);
  if ('error' in d) return { kind: 'bad', reasons: [d.error], records: 0 };
  return { kind: 'data', reasons: d.rejected.map((x) => x.detail), records: d.records.length };
}

const field = fc.oneof(
  fc.constantFrom('', 'nan', '-nan', '0', '-1', '1e400', 'Infinity', '000000', '235959', '253000', '999999', '12:00'),
  fc.double({ noNaN: true }).map(String),
  fc.integer().map(String),
  fc.string({ maxLength: 8 }).map((s) => s.replaceAll('^', '')),
);

describe('frame parser properties', () => {
  it('never throws on arbitrary text; every bad frame has a non-empty reason', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (text) => {
        const r = process(text);
        if (r.kind === 'bad') expect(r.reasons[0]!.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutated valid frames (truncation, insertion, deletion)', () => {
    const valid = [...Object.values(SAMPLES).filter((s) => s.startsWith('0|'))];
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.nat(), fc.nat(), fc.string({ maxLength: 5 }), (s, a, b, ins) => {
        const i = a % (s.length + 1), j = b % (s.length + 1);
        for (const m of [s.slice(0, i), s.slice(0, i) + ins + s.slice(i), s.slice(0, Math.min(i, j)) + s.slice(Math.max(i, j))]) {
          const r = process(m);
          for (const reason of r.reasons) expect(reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('well-formed frames of every supported TR with arbitrary field values: every record is either parsed or reported', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SUPPORTED_TRS),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: -3, max: 3 }),
        fc.array(field, { minLength: 400, maxLength: 400 }),
        fc.boolean(),
        (tr, count, drift, pool, encrypt) => {
          const layout = (REALTIME_LAYOUTS as Record<string, { fields: readonly string[] }>)[tr === 'H0IFCNI9' ? 'H0IFCNI0' : tr]!;
          const width = Math.max(1, layout.fields.length + drift);
          const recs = Array.from({ length: count }, (_, r) => Array.from({ length: width }, (_, i) => pool[(r * width + i) % pool.length]!));
          const text = encrypt ? encryptedFrame(tr, recs, aes) : dataFrame(tr, recs);
          const out = process(text);
          if (out.kind === 'bad') expect(out.reasons[0]).toMatch(/\w/);
          else expect(out.records + out.reasons.length).toBe(count);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('in-place field reading', () => {
  it('fieldNumber equals Number() for plain decimals and is NaN for anything else (whitespace, exponents, hex, Infinity)', () => {
    const numeric = fc.oneof(
      fc.double({ noNaN: true }).map(String),
      fc.integer({ min: -1e9, max: 1e9 }).map(String),
      fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 99_999 }), fc.boolean()).map(([a, b, neg]) => `${neg ? '-' : ''}${a}.${b}`),
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
      fc.string({ maxLength: 6, unit: fc.constantFrom('0', '1', '9', '.', '-', 'e', '+', ' ', '\r', 'x', 'n', 'a') }),
    );
    fc.assert(
      fc.property(fc.array(numeric, { minLength: 1, maxLength: 6 }), (vals) => {
        const p = vals.map((v) => v.replaceAll('^', '')).join('^');
        const ends = fieldEnds(p);
        expect(ends.length).toBe(vals.length);
        for (let k = 0; k < vals.length; k++) {
          const t = fieldText(p, ends, k);
          const want = /^-?(?:\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN;
          expect(Object.is(fieldNumber(p, ends, k), want) || (want === 0 && fieldNumber(p, ends, k) === 0)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('reconnect back-off', () => {
  it('never below the minimum, never above the maximum, growing with the attempt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 200_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, min, max, r) => {
        const d = backoffDelay(attempt, min, max, () => r);
        expect(d).toBeGreaterThanOrEqual(min);
        expect(d).toBeLessThanOrEqual(Math.max(min, max));
        // The deterministic half alone reaches half the capped exponential.
        expect(d).toBeGreaterThanOrEqual(Math.min(Math.max(min, max), min * 2 ** attempt) / 2 - 1);
      }),
    );
    expect(backoffDelay(0, 2000, 90_000, () => 0)).toBe(2000);
    expect(backoffDelay(10, 2000, 90_000, () => 1)).toBe(90_000);
  });
});
