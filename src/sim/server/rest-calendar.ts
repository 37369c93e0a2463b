/** chk-holiday (24 days a page, tr_cont paging) and market-time, from the shared KRX calendar. */
import { ENDPOINTS } from '../../kis/spec/index.js';
import { type KstDate, addDays, dateOf, kisDate, kisHhmmss, weekday } from '../../time/kst.js';
import type { ServerDeps } from './deps.js';
import type { QuoteHandlers, QuoteRequest } from './http.js';
import { fieldsOf, fillBlock, padRight } from './layout.js';
import { dateParam, param } from './rest-common.js';
import { BusinessError, badInput } from './rest-errors.js';

const DAYS_PER_PAGE = 24;
const yn = (b: boolean): string => (b ? 'Y' : 'N');

function holidays(req: QuoteRequest, deps: ServerDeps) {
  const base = dateParam(req, 'BASS_DT', dateOf(req.now));
  const continuing = req.trCont.toUpperCase() === 'N';
  const nk = param(req, 'CTX_AREA_NK');
  let start = base;
  if (continuing && nk) {
    if (!/^\d{8}$/.test(nk)) throw badInput('CTX_AREA_NK', nk, 'the ctx_area_nk of the previous page');
    start = dateParam(
      { ...req, query: (n) => (n.toUpperCase() === 'CTX_AREA_NK' ? nk : req.query(n)) },
      'CTX_AREA_NK',
      base,
    );
  }
  const cal = deps.calendar;
  if (!cal.covers(start))
    throw new BusinessError(
      'KIOK0560',
      `조회할 내용이 없습니다 (${kisDate(start)} is outside the calendar data)`,
    );
  const rows = [];
  let d: KstDate = start;
  for (let i = 0; i < DAYS_PER_PAGE && cal.covers(d); i++, d = addDays(d, 1)) {
    const info = cal.dayInfo(d);
    const wd = weekday(d);
    const weekdayOpen = wd !== 0 && wd !== 6;
    // Banks work on KRX's year-end closing day; every other closure is a holiday for both.
    const bank = weekdayOpen && (info.tradingDay || /year.?end|연말/i.test(info.name ?? ''));
    rows.push(
      fillBlock(
        fieldsOf(ENDPOINTS.holidays, 'output'),
        {
          bass_dt: kisDate(d),
          wday_dvsn_cd: `0${wd + 1}`,
          bzdy_yn: yn(bank),
          tr_day_yn: yn(bank),
          opnd_yn: yn(info.tradingDay),
          sttl_day_yn: yn(info.tradingDay),
        },
        'holidays.output',
      ),
    );
  }
  const more = cal.covers(d);
  return {
    blocks: {
      ctx_area_nk: padRight(more ? kisDate(d) : '', 20),
      ctx_area_fk: padRight(kisDate(base), 20),
      output: rows,
    },
    trCont: more ? (continuing ? 'M' : 'F') : continuing ? 'E' : 'D',
    msgCd: more ? 'KIOK0500' : 'KIOK0460',
    msg1: more
      ? padRight('조회가 계속됩니다..다음버튼을 Click 하십시오.', 60)
      : padRight('조회 되었습니다.(마지막 자료)', 60),
  };
}

function marketTime(req: QuoteRequest, deps: ServerDeps) {
  const cal = deps.calendar;
  const today = dateOf(req.now);
  const current = cal.isTradingDay(today) ? today : cal.nextTradingDay(today);
  const prev1 = cal.previousTradingDay(current);
  const next1 = cal.nextTradingDay(current);
  const session = cal.session('derivatives', current);
  return {
    blocks: {
      output1: fillBlock(
        fieldsOf(ENDPOINTS.marketTime, 'output1'),
        {
          date1: kisDate(cal.previousTradingDay(prev1)),
          date2: kisDate(prev1),
          date3: kisDate(current),
          date4: kisDate(next1),
          date5: kisDate(cal.nextTradingDay(next1)),
          today: kisDate(today),
          time: kisHhmmss(req.now),
          s_time: session ? kisHhmmss(session.open) : '084500',
          e_time: session ? kisHhmmss(session.close) : '154500',
        },
        'marketTime.output1',
      ),
    },
  };
}

export const CALENDAR_HANDLERS: QuoteHandlers = { holidays, marketTime };
