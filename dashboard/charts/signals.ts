/**
 * `/charts/signals`: the signals strategies stored for one trading date (default: the newest with
 * signals), newest first, filterable by strategy and symbol. Trade events by default; `all=1` adds the
 * per-minute `monitor` rows. Prices at the instrument's tick precision, times KST.
 */
import type pg from 'pg';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import { signalsBetween, signalStrategies } from '../../src/db/readers-signals.js';
import { familyOfCode } from '../../src/market/instruments/index.js';
import { MISSING, formatNumber, formatPrice } from '../../src/market/format.js';
import { addDays, dateOf, formatKst, startOfDate, type KstDate, type KstTime } from '../../src/time/kst.js';
import type { Signal } from '../../src/strategy/api.js';
import { href } from './page.js';
import { esc } from './svg.js';

export interface SignalsQuery {
  date?: KstDate;
  strategy?: string;
  symbol?: string;
  all: boolean;
}

/** From the open of the night session that belongs to `date` to the open of the next one. */
function tradingDateWindow(calendar: TradingCalendar, date: KstDate): { from: KstTime; to: KstTime } {
  const covered = calendar.covers(date);
  const from = (covered && calendar.session('night', date)?.open) || startOfDate(date);
  const next = covered ? calendar.nextTradingDay(date) : addDays(date, 1);
  const to = (calendar.covers(next) && calendar.session('night', next)?.open) || startOfDate(addDays(date, 1));
  return { from, to };
}

async function newestSignalDate(pool: pg.Pool, calendar: TradingCalendar): Promise<KstDate | undefined> {
  const r = await pool.query<{ t: KstTime | null }>(`SELECT max("timestamp") AS t FROM signals WHERE kind <> 'monitor'`);
  const t = r.rows[0]?.t;
  if (t === null || t === undefined) return undefined;
  return calendar.tradingDateAt('night', t) ?? dateOf(t);
}

function valueCell(s: Signal): string {
  if (s.value === null) return MISSING;
  // Trade events carry the bar's close; `monitor` carries (close − VWAP)/ATR, a plain ratio.
  return s.kind === 'monitor' ? formatNumber(s.value, 2) : formatPrice(s.value, familyOfCode(s.symbol));
}

function detailCell(s: Signal): string {
  const p = s.payload ?? {};
  const parts: string[] = [];
  if (typeof p.reason === 'string') parts.push(p.reason.replaceAll('_', ' '));
  if (p.late === true) parts.push('late');
  if (typeof p.position === 'string') parts.push(`position ${p.position}`);
  return parts.length ? esc(parts.join(' · ')) : MISSING;
}

export async function signalsPage(pool: pg.Pool, calendar: TradingCalendar, q: SignalsQuery): Promise<{ title: string; body: string }> {
  const date = q.date ?? (await newestSignalDate(pool, calendar));
  const strategies = await signalStrategies(pool);
  if (!date) return { title: 'signals', body: '<p>No strategy signals stored yet.</p>' };
  const { from, to } = tradingDateWindow(calendar, date);
  const rows = await signalsBetween(pool, {
    from, to, eventsOnly: !q.all, ...(q.strategy ? { strategy: q.strategy } : {}), ...(q.symbol ? { symbol: q.symbol } : {}),
  });
  const filters =
    `<form method="get" action="/charts/signals" class="filters"><label>date <input name="date" value="${esc(date)}" size="10"></label> ` +
    `<label>strategy <select name="strategy"><option value="">all</option>${strategies
      .map((s) => `<option${s === q.strategy ? ' selected' : ''}>${esc(s)}</option>`)
      .join('')}</select></label> ` +
    `<label>symbol <input name="symbol" value="${esc(q.symbol ?? '')}" size="8"></label> ` +
    `<label><input type="checkbox" name="all" value="1"${q.all ? ' checked' : ''}> every minute (monitor)</label> <button type="submit">show</button></form>`;
  const table = rows.length
    ? '<table class="signals"><tr><th>time (KST)</th><th>strategy</th><th>symbol</th><th>signal</th><th class="num">value</th><th>detail</th></tr>' +
      rows
        .map(
          (s) =>
            `<tr class="${esc(s.kind)}"><td>${esc(formatKst(s.time).slice(0, 16))}</td><td>${esc(s.strategy)}</td>` +
            `<td><a href="${href('/charts/candles', { symbol: s.symbol, from: date, to: date })}">${esc(s.symbol)}</a></td>` +
            `<td>${esc(s.kind.replaceAll('_', ' '))}</td><td class="num">${valueCell(s)}</td><td>${detailCell(s)}</td></tr>`,
        )
        .join('') +
      '</table>'
    : `<p>No ${q.all ? '' : 'trade '}signals on ${esc(date)}${q.strategy ? ` from ${esc(q.strategy)}` : ''}${q.symbol ? ` for ${esc(q.symbol)}` : ''}.</p>`;
  return { title: `signals, trading date ${date}`, body: filters + table + (rows.length === 500 ? '<p>Showing the newest 500.</p>' : '') };
}
