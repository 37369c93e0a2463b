/**
 * KIS index futures/options master `fo_idx_code_mts.mst` (the file inside KIS's zip): cp949 text, one
 * instrument per line, 9 `|`-separated fields:
 * 상품종류 | 단축코드 | 표준코드 | 한글종목명 | ATM구분 | 행사가 | 월물구분코드 | 기초자산 단축코드 | 기초자산 명.
 * A bad line becomes a `MasterLineError` (line number + field) and the rest of the file is still read,
 * unless `strict` is set. The master is the source of truth for strikes (≥ 1000 they are opaque in codes)
 * and names.
 */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { UserError } from '../../errors.js';
import { defaultCalendar, type TradingCalendar } from '../calendar/index.js';
import type { Instrument, InstrumentKind, OptionSeries, ProductFamily } from '../types.js';
import { InstrumentCodeError, isinCheckDigit, parseInstrumentCode } from './codes.js';
import { weeklyExpiryFromLabel } from './expiry.js';

export const MASTER_FIELDS = [
  '상품종류',
  '단축코드',
  '표준코드',
  '한글종목명',
  'ATM구분',
  '행사가',
  '월물구분코드',
  '기초자산 단축코드',
  '기초자산 명',
] as const;
export type MasterField = (typeof MASTER_FIELDS)[number];

export interface MasterInstrument extends Instrument {
  /** 상품종류 as written (see `PRODUCT_TYPES`). */
  productType: string;
  isin: string;
  atm?: 'ATM' | 'ITM' | 'OTM';
  /** 월물구분코드 (futures month sequence), as written. */
  monthCode?: string;
  underlyingCode?: string;
  underlyingName?: string;
  line: number;
}

export interface MasterLineError {
  line: number;
  field?: MasterField;
  message: string;
  text: string;
}

export interface MasterParseResult {
  instruments: MasterInstrument[];
  errors: MasterLineError[];
  /** Lines of products krtrade does not model (spreads). */
  skipped: number;
}

export class MasterFileError extends UserError {}

/** 상품종류 codes from KIS's 종목마스터정보(지수선물옵션).h; `N` (Monday weekly call) as seen in data. */
export const PRODUCT_TYPES: Record<
  string,
  { kind: InstrumentKind | 'spread'; family?: ProductFamily; series?: OptionSeries }
> = {
  '1': { kind: 'future' },
  '2': { kind: 'spread' },
  '5': { kind: 'call', family: 'kospi200', series: 'monthly' },
  '6': { kind: 'put', family: 'kospi200', series: 'monthly' },
  B: { kind: 'future', family: 'mini' },
  D: { kind: 'call', family: 'mini', series: 'monthly' },
  E: { kind: 'put', family: 'mini', series: 'monthly' },
  J: { kind: 'call', family: 'kosdaq150', series: 'monthly' },
  K: { kind: 'put', family: 'kosdaq150', series: 'monthly' },
  L: { kind: 'call', family: 'kospi200', series: 'weekly-thu' },
  M: { kind: 'put', family: 'kospi200', series: 'weekly-thu' },
  N: { kind: 'call', family: 'kospi200', series: 'weekly-mon' },
};

const ATM: Record<string, MasterInstrument['atm']> = { '1': 'ATM', '2': 'ITM', '3': 'OTM' };

class LineError extends Error {
  constructor(
    readonly field: MasterField | undefined,
    message: string,
  ) {
    super(message);
  }
}

function parseLine(fields: string[], line: number, cal: TradingCalendar): MasterInstrument | 'spread' {
  const [type, code, isin, name, atm, strikeText, monthCode, underlyingCode, underlyingName] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const expected = PRODUCT_TYPES[type];
  if (expected?.kind === 'spread') return 'spread';
  if (!code) throw new LineError('단축코드', 'empty code');
  let decoded;
  try {
    decoded = parseInstrumentCode(code, { calendar: cal });
  } catch (e) {
    throw new LineError('단축코드', e instanceof InstrumentCodeError ? e.reason : String(e));
  }
  if (decoded.kind === 'stock') throw new LineError('단축코드', `${code} is not an index derivative code`);
  if (expected) {
    const mismatch =
      expected.kind !== decoded.kind ||
      (expected.family && expected.family !== decoded.family) ||
      (expected.series && expected.series !== decoded.series);
    if (mismatch) {
      throw new LineError(
        '상품종류',
        `type ${type} (${expected.family ?? ''} ${expected.series ?? ''} ${expected.kind}) does not match code ${code} (${decoded.family} ${decoded.series ?? ''} ${decoded.kind})`.replace(
          / +/g,
          ' ',
        ),
      );
    }
  } else if (!/^[0-9A-Z]$/.test(type)) {
    throw new LineError('상품종류', `invalid product type ${JSON.stringify(type)}`);
  }
  if (!/^KR4[0-9A-Z]{8}\d$/.test(isin) || isinCheckDigit(isin.slice(0, 11)) !== Number(isin[11])) {
    throw new LineError('표준코드', `invalid ISIN ${JSON.stringify(isin)}`);
  }
  if (
    decoded.series !== 'weekly-thu' &&
    decoded.series !== 'weekly-mon' &&
    isin.slice(3, 11) !== decoded.krxCode
  ) {
    throw new LineError(
      '표준코드',
      `ISIN ${isin} does not belong to ${code} (expected KR4${decoded.krxCode}…)`,
    );
  }
  if (!name) throw new LineError('한글종목명', 'empty name');
  if (atm && !ATM[atm]) throw new LineError('ATM구분', `expected 1, 2 or 3, got ${JSON.stringify(atm)}`);

  const out: MasterInstrument = { ...stripDecoded(decoded), name, productType: type, isin, line };
  if (decoded.kind !== 'future') {
    const strike = Number(strikeText.replaceAll(',', ''));
    if (!strikeText || !Number.isFinite(strike) || strike <= 0)
      throw new LineError('행사가', `expected a positive strike, got ${JSON.stringify(strikeText)}`);
    if (decoded.strike !== undefined && Math.abs(decoded.strike - strike) > 1e-9) {
      throw new LineError('행사가', `strike ${strike} disagrees with the code ${code} (${decoded.strike})`);
    }
    out.strike = strike;
    if (ATM[atm]) out.atm = ATM[atm];
  }
  if (decoded.series === 'weekly-thu' || decoded.series === 'weekly-mon') {
    const m = /(\d{2})(\d{2})W(\d)/.exec(name);
    if (!m)
      throw new LineError('한글종목명', `weekly name ${JSON.stringify(name)} has no YYMMWn label to date it`);
    out.expiry = weeklyExpiryFromLabel(
      decoded.series === 'weekly-thu' ? 'thu' : 'mon',
      2000 + Number(m[1]),
      Number(m[2]),
      Number(m[3]),
      cal,
    );
  }
  if (monthCode) out.monthCode = monthCode;
  if (underlyingCode) out.underlyingCode = underlyingCode;
  if (underlyingName) out.underlyingName = underlyingName;
  return out;
}

/** Keeps the `Instrument` fields of a decoded code (drops scheme/strikeCode/… details). */
function stripDecoded(d: ReturnType<typeof parseInstrumentCode>): Instrument {
  const { code, kind, family, name, underlying, expiry, strike, series, multiplier } = d;
  const out: Instrument = { code, kind, family, name, multiplier };
  if (underlying) out.underlying = underlying;
  if (expiry) out.expiry = expiry;
  if (strike !== undefined) out.strike = strike;
  if (series) out.series = series;
  return out;
}

export interface MasterParseOptions {
  /** Throw `MasterFileError` on the first bad line instead of collecting errors. */
  strict?: boolean;
  /** Named in errors (file path). */
  source?: string;
  calendar?: TradingCalendar;
}

/** Parses the master from raw cp949 bytes (or already-decoded text). */
export function parseFoIdxMaster(input: Buffer | string, opts: MasterParseOptions = {}): MasterParseResult {
  const text = typeof input === 'string' ? input : iconv.decode(input, 'cp949');
  const cal = opts.calendar ?? defaultCalendar();
  const result: MasterParseResult = { instruments: [], errors: [], skipped: 0 };
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    try {
      const fields = raw.split('|').map((f) => f.trim());
      if (fields.length !== MASTER_FIELDS.length)
        throw new LineError(
          undefined,
          `expected ${MASTER_FIELDS.length} |-separated fields, got ${fields.length}`,
        );
      const parsed = parseLine(fields, line, cal);
      if (parsed === 'spread') {
        result.skipped++;
        return;
      }
      const first = seen.get(parsed.code);
      if (first !== undefined)
        throw new LineError('단축코드', `duplicate code ${parsed.code} (first on line ${first})`);
      seen.set(parsed.code, line);
      result.instruments.push(parsed);
    } catch (e) {
      const err: MasterLineError = { line, message: e instanceof Error ? e.message : String(e), text: raw };
      if (e instanceof LineError && e.field) err.field = e.field;
      if (opts.strict) throw new MasterFileError(formatMasterError(err, opts.source));
      result.errors.push(err);
    }
  });
  return result;
}

export function formatMasterError(e: MasterLineError, source = 'master file'): string {
  return `${source} line ${e.line}${e.field ? ` field ${e.field}` : ''}: ${e.message}`;
}

/** Reads and parses a master file from disk (the extracted `.mst`, not the zip). */
export function readFoIdxMasterFile(
  path: string,
  opts: Omit<MasterParseOptions, 'source'> = {},
): MasterParseResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new MasterFileError(
      `master file ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  if (bytes.subarray(0, 2).toString('latin1') === 'PK') {
    throw new MasterFileError(
      `master file ${path}: this is the zip archive; extract fo_idx_code_mts.mst from it first`,
    );
  }
  return parseFoIdxMaster(bytes, { ...opts, source: path });
}
