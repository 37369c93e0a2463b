/**
 * KIS / KRX instrument codes → `Instrument`.
 *
 * Derivative codes: `[type][product 2][year][month][strike 3]`.
 * - type: old scheme `1` future, `2` call, `3` put; new scheme (2026+ contracts) `A`, `B`, `C`.
 * - product: `01` KOSPI200, `05` mini KOSPI200, `06` KOSDAQ150; weeklies `09` (Thursday), `AF` (Monday).
 * - year: 30-character cycle; the old scheme covers 1996–2025, the new one is read in 2020–2049.
 * - KIS form: futures 6 chars (2-digit month, no strike), options 9; KRX form: 8 chars (1-char month).
 * - weeklies: `[type][09|AF][serial 2]W[strike 3]` (KRX form without the `W`); the serial is not decoded,
 *   so their expiry comes from the master file.
 * Strikes ≥ 1000 have an opaque 3-character code: the strike is then left undefined (take it from the master).
 * All-digit 6-character codes are stocks (an all-digit future code would be from 1996–2005).
 */
import { UserError } from '../../errors.js';
import { defaultCalendar, type TradingCalendar } from '../calendar/index.js';
import type { Instrument, InstrumentKind, OptionSeries, ProductFamily } from '../types.js';
import { monthlyExpiry, yyyymm } from './expiry.js';
import { multiplier } from './specs.js';

export class InstrumentCodeError extends UserError {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(`instrument code ${JSON.stringify(code)}: ${reason}`);
  }
}

export const YEAR_CYCLE = '6789012345ABCDEFGHJKLMNPQRSTVW';
const MONTH_CHARS = '123456789ABC';
export type CodeScheme = 'old' | 'new';

/** What the code says beyond `Instrument`. */
export interface DecodedInstrument extends Instrument {
  scheme?: CodeScheme;
  contractYear?: number;
  contractMonth?: number;
  /** The 3-character strike field as written (opaque for strikes ≥ 1000). */
  strikeCode?: string;
  weeklySerial?: string;
  /** KRX 8-character short code (derivatives). */
  krxCode?: string;
  isin?: string;
}

const FAMILY_BY_PRODUCT: Record<string, Exclude<ProductFamily, 'stock'>> = {
  '01': 'kospi200',
  '05': 'mini',
  '06': 'kosdaq150',
};
const PRODUCT_BY_FAMILY: Record<Exclude<ProductFamily, 'stock'>, string> = {
  kospi200: '01',
  mini: '05',
  kosdaq150: '06',
};
const UNDERLYING: Record<Exclude<ProductFamily, 'stock'>, string> = {
  kospi200: 'KOSPI200',
  mini: 'KOSPI200',
  kosdaq150: 'KOSDAQ150',
};
const NAME_PREFIX: Record<Exclude<ProductFamily, 'stock'>, string> = {
  kospi200: '',
  mini: '미니',
  kosdaq150: '코스닥150',
};
const WEEKLY: Record<string, OptionSeries> = { '09': 'weekly-thu', AF: 'weekly-mon' };

export function yearFromCode(ch: string, scheme: CodeScheme): number {
  const i = YEAR_CYCLE.indexOf(ch);
  if (i < 0 || ch.length !== 1) throw new RangeError(`not a KRX year code: ${JSON.stringify(ch)}`);
  let y = 1996 + i;
  if (scheme === 'new') while (y < 2020) y += 30;
  return y;
}

export function yearCode(year: number): string {
  return YEAR_CYCLE[(((year - 1996) % 30) + 30) % 30]!;
}

const schemeOf = (typeChar: string): CodeScheme => (/[0-9]/.test(typeChar) ? 'old' : 'new');

function kindOf(typeChar: string): InstrumentKind {
  return typeChar === '1' || typeChar === 'A'
    ? 'future'
    : typeChar === '2' || typeChar === 'B'
      ? 'call'
      : 'put';
}

/** Strike from a plain 3-digit field: the integer part, with the implied .5 of the 2.5-point grid (307 = 307.5). */
export function strikeFromCode(field: string, family: ProductFamily): number | undefined {
  // KOSDAQ150 strikes are above 1000 points, so its 3-character field never reads as the strike.
  if (!/^\d{3}$/.test(field) || family === 'kosdaq150') return undefined;
  const n = Number(field);
  return n % 5 === 2 ? n + 0.5 : n;
}

/** ISO 6166 check digit (letters → 10…35, then Luhn). */
export function isinCheckDigit(body: string): number {
  const digits = [...body.toUpperCase()]
    .map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55)))
    .join('');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** ISIN of a KRX 8-character derivative code: `KR4` + code + check digit. */
export function derivativeIsin(krxCode: string): string {
  if (!/^[0-9A-Z]{8}$/.test(krxCode))
    throw new InstrumentCodeError(krxCode, 'expected an 8-character KRX derivative code');
  return `KR4${krxCode}${isinCheckDigit(`KR4${krxCode}`)}`;
}

function formatStrike(s: number): string {
  return s.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

interface Parts {
  type: string;
  product: string;
  yearCh?: string;
  month?: number;
  strike?: string;
  serial?: string;
}

function build(p: Parts, cal: TradingCalendar): DecodedInstrument {
  const scheme = schemeOf(p.type);
  const kind = kindOf(p.type);
  const weekly = WEEKLY[p.product];
  const family: Exclude<ProductFamily, 'stock'> = weekly ? 'kospi200' : FAMILY_BY_PRODUCT[p.product]!;
  const out: DecodedInstrument = {
    code: '',
    kind,
    family,
    name: '',
    underlying: UNDERLYING[family],
    multiplier: 0,
    scheme,
  };
  const cp = kind === 'call' ? 'C' : 'P';
  if (weekly) {
    out.series = weekly;
    out.weeklySerial = p.serial;
    out.strikeCode = p.strike;
    out.strike = strikeFromCode(p.strike!, family);
    out.code = `${p.type}${p.product}${p.serial}W${p.strike}`;
    out.krxCode = `${p.type}${p.product}${p.serial}${p.strike}`;
    out.name = `${weekly === 'weekly-mon' ? '위클리M ' : '위클리'}${cp} #${p.serial}${out.strike !== undefined ? ' ' + formatStrike(out.strike) : ''}`;
  } else {
    const year = yearFromCode(p.yearCh!, scheme);
    const month = p.month!;
    out.contractYear = year;
    out.contractMonth = month;
    out.expiry = monthlyExpiry(year, month, cal);
    const head = `${p.type}${p.product}${p.yearCh}`;
    if (kind === 'future') {
      out.code = `${head}${String(month).padStart(2, '0')}`;
      out.krxCode = `${head}${MONTH_CHARS[month - 1]}000`;
      out.name = `${NAME_PREFIX[family]}F ${yyyymm(year, month)}`;
    } else {
      out.series = 'monthly';
      out.strikeCode = p.strike;
      out.strike = strikeFromCode(p.strike!, family);
      out.code = `${head}${String(month).padStart(2, '0')}${p.strike}`;
      out.krxCode = `${head}${MONTH_CHARS[month - 1]}${p.strike}`;
      out.name = `${NAME_PREFIX[family]}${cp} ${yyyymm(year, month)}${out.strike !== undefined ? ' ' + formatStrike(out.strike) : ''}`;
    }
  }
  if (out.strike === undefined) delete out.strike;
  out.isin = derivativeIsin(out.krxCode!);
  out.multiplier = multiplier(family, kind, out.expiry ?? '9999-12-31');
  return out;
}

const Y = `[${YEAR_CYCLE}]`;
const PATTERNS: { re: RegExp; parts: (m: RegExpExecArray) => Parts }[] = [
  // KIS futures, 6 chars: A01612, 101W09
  {
    re: new RegExp(`^([1A])(01|05|06)(${Y})(0[1-9]|1[0-2])$`),
    parts: (m) => ({ type: m[1]!, product: m[2]!, yearCh: m[3]!, month: Number(m[4]) }),
  },
  // KRX futures, 8 chars: 101W9000, A0166000
  {
    re: new RegExp(`^([1A])(01|05|06)(${Y})([1-9ABC])000$`),
    parts: (m) => ({ type: m[1]!, product: m[2]!, yearCh: m[3]!, month: MONTH_CHARS.indexOf(m[4]!) + 1 }),
  },
  // KIS monthly options, 9 chars: B01612A48, 201S03370
  {
    re: new RegExp(`^([23BC])(01|05|06)(${Y})(0[1-9]|1[0-2])([0-9A-Z]{3})$`),
    parts: (m) => ({ type: m[1]!, product: m[2]!, yearCh: m[3]!, month: Number(m[4]), strike: m[5]! }),
  },
  // KRX monthly options, 8 chars: B016A745
  {
    re: new RegExp(`^([23BC])(01|05|06)(${Y})([1-9ABC])([0-9A-Z]{3})$`),
    parts: (m) => ({
      type: m[1]!,
      product: m[2]!,
      yearCh: m[3]!,
      month: MONTH_CHARS.indexOf(m[4]!) + 1,
      strike: m[5]!,
    }),
  },
  // KIS weeklies, 9 chars: B09FEWA49, BAFBZWA49
  {
    re: /^([23BC])(09|AF)([0-9A-Z]{2})W([0-9A-Z]{3})$/,
    parts: (m) => ({ type: m[1]!, product: m[2]!, serial: m[3]!, strike: m[4]! }),
  },
  // KRX weeklies, 8 chars: B09FEA49
  {
    re: /^([23BC])(09|AF)([0-9A-Z]{2})([0-9A-Z]{3})$/,
    parts: (m) => ({ type: m[1]!, product: m[2]!, serial: m[3]!, strike: m[4]! }),
  },
];

/** A KIS derivative code of any product (stock futures/options too), supported or not. */
const DERIVATIVE_SHAPE = new RegExp(
  `^(?:[1A][0-9A-Z]{2}${Y}(?:0[1-9]|1[0-2])|[23BC][0-9A-Z]{2}${Y}(?:0[1-9]|1[0-2])[0-9A-Z]{3})$`,
);

/** Decodes a KIS (or KRX 8-character) code. Throws `InstrumentCodeError` naming the code and the reason. */
export function parseInstrumentCode(
  code: string,
  opts: { calendar?: TradingCalendar } = {},
): DecodedInstrument {
  if (typeof code !== 'string' || code.length === 0)
    throw new InstrumentCodeError(String(code), 'empty code');
  if (code !== code.trim()) throw new InstrumentCodeError(code, 'surrounding whitespace');
  if (/[a-z]/.test(code)) throw new InstrumentCodeError(code, 'codes are upper-case');
  if (/^\d{6}$/.test(code)) return { code, kind: 'stock', family: 'stock', name: code, multiplier: 1 };
  if (/^Q\d{6}$/.test(code))
    return { code, kind: 'stock', family: 'stock', name: `ETN ${code}`, multiplier: 1 };
  const cal = opts.calendar ?? defaultCalendar();
  for (const { re, parts } of PATTERNS) {
    const m = re.exec(code);
    if (m) return build(parts(m), cal);
  }
  if (DERIVATIVE_SHAPE.test(code)) {
    throw new InstrumentCodeError(
      code,
      `unsupported derivative product ${JSON.stringify(code.slice(1, 3))} (supported: 01 KOSPI200, 05 mini KOSPI200, 06 KOSDAQ150, 09/AF KOSPI200 weeklies)`,
    );
  }
  // Stock codes may contain letters since the 2024 code reform, but start with a digit.
  if (/^\d[0-9A-Z]{5}$/.test(code))
    return { code, kind: 'stock', family: 'stock', name: code, multiplier: 1 };
  throw new InstrumentCodeError(
    code,
    'not a recognised stock (6 chars), ETN (Q+6), future (6: A01612 / 101W09, 8: 101W9000) or option (9: B01612A48, weekly B09FEWA49) code',
  );
}

/**
 * True when `code` has the form of a KRX/KIS instrument code: one parseInstrumentCode decodes, or a
 * derivative of a product it does not decode (stock futures/options). No calendar lookup.
 */
export function isInstrumentCode(code: string): boolean {
  return /^\d[0-9A-Z]{5}$/.test(code) || /^Q\d{6}$/.test(code) || PATTERNS.some(({ re }) => re.test(code)) || DERIVATIVE_SHAPE.test(code);
}

/** KIS 6-character futures code; the new scheme (`A01612`) is used for contracts from 2026 on. */
export function futuresCode(
  family: Exclude<ProductFamily, 'stock'>,
  year: number,
  month: number,
  scheme?: CodeScheme,
): string {
  const s = scheme ?? (year >= 2026 ? 'new' : 'old');
  if (!Number.isInteger(month) || month < 1 || month > 12)
    throw new RangeError(`month must be 1–12, got ${month}`);
  if (s === 'old' && (year < 1996 || year > 2025))
    throw new RangeError(`the old code scheme covers 1996–2025, not ${year}`);
  if (s === 'new' && (year < 2020 || year > 2049))
    throw new RangeError(`the new code scheme is read as 2020–2049, not ${year}`);
  return `${s === 'old' ? '1' : 'A'}${PRODUCT_BY_FAMILY[family]}${yearCode(year)}${String(month).padStart(2, '0')}`;
}

/** KIS code → KRX 8-character short code (stocks are returned unchanged). */
export function krxShortCode(kisCode: string): string {
  const d = parseInstrumentCode(kisCode);
  return d.krxCode ?? d.code;
}

/**
 * Family of a 3-digit KRX product code as table names use it (`futures_101`, `option_matrices_105`): type
 * digit + product (`101` KOSPI200 futures, `205` mini calls, `309` KOSPI200 Thursday-weekly puts).
 */
export function familyOfProduct(product: string): Exclude<ProductFamily, 'stock'> | undefined {
  const m = /^[123](\d{2})$/.exec(product);
  if (!m) return undefined;
  return WEEKLY[m[1]!] ? 'kospi200' : FAMILY_BY_PRODUCT[m[1]!];
}

/** Family of a KIS code, or undefined when the code is not one `parseInstrumentCode` knows. */
export function familyOfCode(code: string): ProductFamily | undefined {
  try {
    return parseInstrumentCode(code).family;
  } catch {
    return undefined;
  }
}
