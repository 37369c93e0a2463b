/** Bar rows shared by the stock and F/O chart endpoints: the same row shape, only the price-field prefix differs. */
import { fromKisDateTime } from '../../time/kst.js';
import { date, num, optNum, type Row } from '../fields.js';
import type { MinuteBar, PeriodBar } from '../types.js';

/** Minute bar from a chart row (`output2`): prices are `stck_*` (stocks) or `futs_*` (F/O). */
export function minuteBarOf(code: string, r: Row, prefix: 'stck' | 'futs'): MinuteBar {
  const bar: MinuteBar = {
    code,
    time: fromKisDateTime(date(r, 'stck_bsop_date').replaceAll('-', ''), r.stck_cntg_hour as string),
    open: num(r, `${prefix}_oprc`),
    high: num(r, `${prefix}_hgpr`),
    low: num(r, `${prefix}_lwpr`),
    close: num(r, `${prefix}_prpr`),
    volume: num(r, 'cntg_vol'),
  };
  const cum = optNum(r, 'acml_tr_pbmn');
  if (cum !== undefined) bar.cumValue = cum;
  return bar;
}

/**
 * Period bar from a chart row. The close field differs by product (`stck_clpr` for stocks, `futs_prpr`
 * for F/O), so it is named explicitly rather than derived from the prefix.
 */
export function periodBarOf(code: string, r: Row, prefix: 'stck' | 'futs', closeField: string): PeriodBar {
  const value = optNum(r, 'acml_tr_pbmn');
  return {
    code,
    date: date(r, 'stck_bsop_date'),
    open: num(r, `${prefix}_oprc`),
    high: num(r, `${prefix}_hgpr`),
    low: num(r, `${prefix}_lwpr`),
    close: num(r, closeField),
    volume: num(r, 'acml_vol'),
    ...(value !== undefined ? { value } : {}),
  };
}

/** Sorts minute bars oldest first, in place (KIS returns them newest first). */
export const byTimeAscending = (bars: MinuteBar[]): MinuteBar[] => bars.sort((x, y) => x.time - y.time);

/** Sorts period bars oldest first, in place. */
export const byDateAscending = (bars: PeriodBar[]): PeriodBar[] =>
  bars.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
