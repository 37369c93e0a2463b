/**
 * KIS holiday check (CTCA0903R, real accounts only; KIS asks for about one call per day). Pages with
 * `tr_cont` + `CTX_AREA_FK/NK` (the spec says otherwise, its example and KIS's own code page; §9.5).
 */
import { type KstDate, kisDate } from '../../time/kst.js';
import { date, optText, text } from '../fields.js';
import type { KisCallOptions, KisHttp } from '../http.js';
import { readArray } from '../response.js';
import { TR_CONT_MORE } from '../spec/index.js';
import type { HolidayRow } from '../types.js';

const REQUIRED = ['bass_dt', 'opnd_yn'];

export interface HolidayPage {
  rows: HolidayRow[];
  /** Cursor for the next page, when KIS says there is one. */
  next?: { fk: string; nk: string };
}

export interface HolidayPageArgs {
  from: KstDate;
  cursor?: { fk: string; nk: string };
}

const yes = (v: string | undefined): boolean => v === 'Y';

export async function holidayPage(http: KisHttp, a: HolidayPageArgs, opts: KisCallOptions = {}): Promise<HolidayPage> {
  const { body, trCont } = await http.get(
    'holidays',
    { BASS_DT: kisDate(a.from), CTX_AREA_NK: a.cursor?.nk ?? '', CTX_AREA_FK: a.cursor?.fk ?? '' },
    { ...opts, ...(a.cursor ? { trCont: 'N' as const } : {}) },
  );
  const rows = readArray('holidays', body, 'output', REQUIRED).map(
    (r): HolidayRow => ({
      date: date(r, 'bass_dt'),
      ...(optText(r, 'wday_dvsn_cd') ? { weekdayCode: optText(r, 'wday_dvsn_cd')! } : {}),
      bankBusinessDay: yes(optText(r, 'bzdy_yn')),
      tradingDay: yes(optText(r, 'tr_day_yn')),
      marketOpen: text(r, 'opnd_yn') === 'Y',
      settlementDay: yes(optText(r, 'sttl_day_yn')),
    }),
  );
  const more = (TR_CONT_MORE as readonly string[]).includes(trCont);
  const fk = typeof body.ctx_area_fk === 'string' ? body.ctx_area_fk : '';
  const nk = typeof body.ctx_area_nk === 'string' ? body.ctx_area_nk : '';
  return more && nk.trim() ? { rows, next: { fk, nk } } : { rows };
}

export interface HolidaysArgs {
  from: KstDate;
  /** Inclusive; pages are fetched until a row reaches it. */
  to: KstDate;
  maxPages?: number;
}

/** Every day in `[from, to]` that KIS reports, walking `tr_cont` pages (bounded). */
export async function fetchHolidays(http: KisHttp, a: HolidaysArgs, opts: KisCallOptions = {}): Promise<HolidayRow[]> {
  const out = new Map<string, HolidayRow>();
  let cursor: HolidayPageArgs['cursor'];
  for (let page = 0; page < (a.maxPages ?? 40); page++) {
    const p = await holidayPage(http, { from: a.from, ...(cursor ? { cursor } : {}) }, opts);
    for (const r of p.rows) if (r.date >= a.from && r.date <= a.to) out.set(r.date, r);
    const last = p.rows.at(-1)?.date;
    if (!p.next || !last || last >= a.to) break;
    cursor = p.next;
  }
  return [...out.values()].sort((x, y) => (x.date < y.date ? -1 : 1));
}
