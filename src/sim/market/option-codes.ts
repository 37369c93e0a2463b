/**
 * Option codes the simulator issues, and their inverse (the simulator is its own master file).
 *
 * Monthly: KIS 9-character form `[B|C]01[year][MM][strike3]` (old scheme `2`/`3` before 2026 contracts).
 * Weekly: `[B|C][09|AF][serial2]W[strike3]`. Strikes below 1000 are the integer part (`937` = 937.5);
 * from 1000 up, KRX's field is opaque, so we issue `A00`… in 2.5-point steps (`A48` = 1120.0, as in a
 * real master line) — consumers must take the strike from `instrument(code)`, never from the code.
 * The weekly serial counts weeks since each weekly series began, in base 36.
 */
import { monthlyExpiry, weeklyExpiries, yearCode, yearFromCode } from '../../market/instruments/index.js';
import type { TradingCalendar } from '../../market/calendar/index.js';
import type { Instrument, OptionSeries } from '../../market/types.js';
import { addDays, daysBetween, type KstDate } from '../../time/kst.js';

const WEEKLY_BASE: Record<'weekly-thu' | 'weekly-mon', { product: string; monday: KstDate }> = {
  'weekly-thu': { product: '09', monday: '2019-09-23' as KstDate },
  'weekly-mon': { product: 'AF', monday: '2023-07-31' as KstDate },
};

export function strikeCode(strike: number): string {
  if (strike < 1000) return String(Math.floor(strike)).padStart(3, '0');
  const i = Math.round((strike - 1000) / 2.5);
  return String.fromCharCode(65 + Math.floor(i / 100)) + String(i % 100).padStart(2, '0');
}

export function strikeFromSimCode(field: string): number | undefined {
  if (/^\d{3}$/.test(field)) {
    const n = Number(field);
    return n % 5 === 2 ? n + 0.5 : n;
  }
  const m = /^([A-Z])(\d{2})$/.exec(field);
  if (!m) return undefined;
  return 1000 + ((m[1]!.charCodeAt(0) - 65) * 100 + Number(m[2])) * 2.5;
}

const newScheme = (expiry: KstDate): boolean => expiry >= '2026-01-01';

function typeChar(right: 'call' | 'put', expiry: KstDate): string {
  if (newScheme(expiry)) return right === 'call' ? 'B' : 'C';
  return right === 'call' ? '2' : '3';
}

function weekSerial(series: 'weekly-thu' | 'weekly-mon', expiry: KstDate): string {
  const w = Math.floor(daysBetween(WEEKLY_BASE[series].monday, expiry) / 7);
  return w.toString(36).toUpperCase().padStart(2, '0');
}

const fmtStrike = (k: number): string =>
  k.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Week-of-month label as the KIS master writes it (`2609W4`). */
function weeklyLabel(expiry: KstDate): string {
  return `${expiry.slice(2, 4)}${expiry.slice(5, 7)}W${Math.ceil(Number(expiry.slice(8, 10)) / 7)}`;
}

export function optionInstrument(
  series: OptionSeries,
  expiry: KstDate,
  strike: number,
  right: 'call' | 'put',
  contract?: { year: number; month: number },
): Instrument {
  const cp = right === 'call' ? 'C' : 'P';
  let code: string;
  let name: string;
  if (series === 'monthly') {
    const y = contract?.year ?? Number(expiry.slice(0, 4));
    const m = contract?.month ?? Number(expiry.slice(5, 7));
    code = `${typeChar(right, expiry)}01${yearCode(y)}${String(m).padStart(2, '0')}${strikeCode(strike)}`;
    name = `${cp} ${y}${String(m).padStart(2, '0')} ${fmtStrike(strike)}`;
  } else {
    code = `${typeChar(right, expiry)}${WEEKLY_BASE[series].product}${weekSerial(series, expiry)}W${strikeCode(strike)}`;
    name = `${series === 'weekly-mon' ? '위클리M ' : '위클리'}${cp} ${weeklyLabel(expiry)} ${fmtStrike(strike)}`;
  }
  return {
    code,
    kind: right,
    family: 'kospi200',
    name,
    underlying: 'KOSPI200',
    expiry,
    strike,
    series,
    multiplier: 250_000,
  };
}

/** Inverse of `optionInstrument` (undefined for codes this simulator never issues). */
export function decodeOptionCode(code: string, cal: TradingCalendar): Instrument | undefined {
  const monthly = /^([23BC])01([0-9A-Z])(0[1-9]|1[0-2])([0-9A-Z]{3})$/.exec(code);
  const weekly = /^([23BC])(09|AF)([0-9A-Z]{2})W([0-9A-Z]{3})$/.exec(code);
  const m = monthly ?? weekly;
  if (!m) return undefined;
  const right = m[1] === '2' || m[1] === 'B' ? 'call' : 'put';
  const strike = strikeFromSimCode(m[4]!);
  if (strike === undefined) return undefined;
  let out: Instrument | undefined;
  try {
    if (monthly) {
      const scheme = /[23]/.test(m[1]!) ? 'old' : 'new';
      const year = yearFromCode(m[2]!, scheme);
      const month = Number(m[3]);
      out = optionInstrument('monthly', monthlyExpiry(year, month, cal), strike, right, { year, month });
    } else {
      const series = m[2] === '09' ? 'weekly-thu' : 'weekly-mon';
      const monday = addDays(WEEKLY_BASE[series].monday, parseInt(m[3]!, 36) * 7);
      const expiry = weeklyExpiries(series === 'weekly-thu' ? 'thu' : 'mon', monday, 1, cal)[0];
      if (!expiry || daysBetween(monday, expiry) >= 7) return undefined;
      out = optionInstrument(series, expiry, strike, right);
    }
  } catch {
    return undefined;
  }
  // Round trip guards against codes that parse but that we would never issue (wrong scheme letter etc.).
  return out.code === code ? out : undefined;
}
