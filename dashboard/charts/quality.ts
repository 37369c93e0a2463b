/**
 * `/charts/quality`: per instrument and trading date, the candle minutes the calendar expects against
 * the minutes stored in PostgreSQL, the gaps as time ranges, and how far behind each instrument's data
 * is, and the realtime stream's state, lag and gaps (quality-stream.ts). Admins get a "repair" button per instrument (a same-origin POST under /actions); viewers do not.
 */
import type pg from 'pg';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import { latestDataTimes } from '../../src/db/readers.js';
import { isCandleTable } from '../../src/db/names.js';
import { verifyCompleteness, minuteRuns } from '../../src/verify/completeness.js';
import { storedBoards, verifyBoards } from '../../src/verify/boards.js';
import { formatQuantity } from '../../src/market/format.js';
import { dateOf, floorMinute, formatKst, type KstDate, type KstTime } from '../../src/time/kst.js';
import type { Role } from '../auth.js';
import { href } from './page.js';
import { esc } from './svg.js';
import type { StreamView } from '../../src/stream/stream-view.js';
import { STREAM_HEADERS, streamCells, streamSummary } from './quality-stream.js';

const hhmm = (t: KstTime): string => formatKst(t).slice(11, 16);
const count = (n: number): string => formatQuantity(n, 'count');
const gapText = (minutes: readonly KstTime[]): string => {
  const runs = minuteRuns(minutes);
  return runs.length ? runs.map((r) => (r.count === 1 ? hhmm(r.from) : `${hhmm(r.from)}–${hhmm(r.to)} (${count(r.count)})`)).join(', ') : '—';
};

/** Option boards with rows that date: one board minute per closed derivatives/night minute; not refetchable. */
async function boardsTable(pool: pg.Pool, calendar: TradingCalendar, date: KstDate, now: KstTime): Promise<string> {
  const boards = await verifyBoards(pool, { date, calendar, boards: await storedBoards(pool, date), upTo: floorMinute(now) });
  if (!boards.length) return '';
  const rows = boards.map((b) => {
    const state = b.missingMinutes.length ? 'missing' : 'complete';
    return `<tr class="${state}" data-board="${esc(b.board)}"><td>${esc(b.board)}</td><td class="num expected">${count(b.expected)}</td><td class="num stored">${count(b.actual)}</td>` +
      `<td class="num missing">${count(b.missingMinutes.length)}</td><td class="gaps">${esc(gapText(b.missingMinutes))}</td></tr>`;
  });
  return `<h2>Option boards</h2><p>One board minute per closed minute of the night and day derivatives sessions. KIS keeps no board history: missing board minutes cannot be refetched.</p>` +
    `<table id="boards"><tr><th>board</th><th>expected</th><th>stored</th><th>missing</th><th>gaps</th></tr>${rows.join('')}</table>`;
}

/** The trading date of the newest stored candle of any instrument (night candles count for the next day). */
async function newestTradingDate(pool: pg.Pool, calendar: TradingCalendar): Promise<KstDate | undefined> {
  const latest = (await latestDataTimes(pool)).filter((r) => isCandleTable(r.source));
  const t = latest.reduce<KstTime | undefined>((m, r) => (m === undefined || r.lastTime > m ? r.lastTime : m), undefined);
  if (t === undefined) return undefined;
  return calendar.tradingDateAt('night', t) ?? calendar.tradingDateAt('derivatives', t) ?? dateOf(t);
}

/** What a repair action did, from the redirect's query (`repaired`, `enqueued`, `missing`); ignored unless well-formed. */
export interface RepairNotice {
  symbol: string;
  enqueued: number;
  missing: number;
}

export function repairNotice(q: Record<string, unknown>): RepairNotice | undefined {
  const { repaired, enqueued, missing } = q;
  if (typeof repaired !== 'string' || !/^[A-Za-z0-9]{1,12}$/.test(repaired)) return undefined;
  if (typeof enqueued !== 'string' || !/^\d{1,7}$/.test(enqueued) || typeof missing !== 'string' || !/^\d{1,7}$/.test(missing)) return undefined;
  return { symbol: repaired, enqueued: Number(enqueued), missing: Number(missing) };
}

function noticeHtml(n: RepairNotice): string {
  const text = n.missing === 0
    ? `${n.symbol}: no closed minute is missing; nothing enqueued.`
    : `${n.symbol}: ${count(n.enqueued)} missing minutes enqueued as backfill${n.enqueued < n.missing ? ` (${count(n.missing - n.enqueued)} already had a backfill pending)` : ''}. Reload to see them stored.`;
  return `<p id="notice" class="notice" role="status">${esc(text)}</p>`;
}

export interface QualityPage {
  title: string;
  body: string;
}

export async function qualityPage(
  pool: pg.Pool,
  calendar: TradingCalendar,
  q: { date?: KstDate; now: KstTime; role: Role; notice?: RepairNotice; stream?: (date: KstDate) => Promise<StreamView> },
): Promise<QualityPage> {
  const date = q.date ?? (await newestTradingDate(pool, calendar));
  if (!date) return { title: 'data quality', body: '<p>No candles stored yet: nothing to check.</p>' };
  // Only closed minutes count: later minutes of today are not missing yet (and get no repair button).
  const report = await verifyCompleteness(pool, { date, calendar, write: false, upTo: floorMinute(q.now) });
  const stream = q.stream ? await q.stream(date) : undefined;
  const lastTimes = new Map((await latestDataTimes(pool)).filter((r) => isCandleTable(r.source)).map((r) => [r.symbol, r.lastTime]));
  const rows = report.instruments.map((i) => {
    const runs = minuteRuns(i.missingMinutes);
    const gaps = runs.length
      ? runs.map((r) => (r.count === 1 ? hhmm(r.from) : `${hhmm(r.from)}–${hhmm(r.to)} (${count(r.count)})`)).join(', ')
      : '—';
    const last = lastTimes.get(i.instrument);
    const lagMin = last === undefined ? undefined : Math.max(0, Math.round((q.now - last) / 60_000) - 1);
    const state = i.error ? 'error' : i.expected === i.actual ? 'complete' : 'missing';
    const repair =
      q.role === 'admin' && state === 'missing'
        ? `<form method="post" action="/actions/repair" class="repair"><input type="hidden" name="symbol" value="${esc(i.instrument)}"><input type="hidden" name="date" value="${esc(date)}"><button type="submit">repair</button></form>`
        : '';
    return (
      `<tr class="${state}" data-symbol="${esc(i.instrument)}"><td><a href="${href('/charts/candles', { symbol: i.instrument, from: date, to: date })}">${esc(i.instrument)}</a></td>` +
      `<td>${esc(i.sessions.join(', '))}</td><td class="num expected">${count(i.expected)}</td><td class="num stored">${count(i.actual)}</td>` +
      `<td class="num missing">${count(i.expected - i.actual)}</td><td class="gaps">${esc(i.error ?? gaps)}</td>` +
      `<td>${last === undefined ? '—' : `${esc(formatKst(last).slice(0, 16))} (${lagMin} min ago)`}</td>` +
      streamCells(stream?.instruments.get(i.instrument), q.now) +
      `<td><a href="/queues/queue/backfill">jobs</a> ${repair}</td></tr>`
    );
  });
  const day = calendar.covers(date) ? calendar.dayInfo(date) : undefined;
  const summary = report.tradingDay
    ? `${report.instruments.length} instruments, ${report.complete ? 'every expected minute stored' : 'minutes missing'}`
    : `${esc(date)} is not a trading day${day?.name ? ` (${esc(day.name)})` : ''}`;
  return {
    title: `data quality ${date}`,
    body:
      (q.notice ? noticeHtml(q.notice) : '') +
      `<form method="get"><label>trading date <input type="date" name="date" value="${esc(date)}"></label> <button type="submit">show</button></form>` +
      `<p id="summary">${summary}. Times KST; minutes counted from the exchange calendar.</p>` +
      (rows.length
        ? `<table id="quality"><tr><th>instrument</th><th>sessions</th><th>expected</th><th>stored</th><th>missing</th><th>gaps</th><th>latest candle</th>${STREAM_HEADERS}<th></th></tr>${rows.join('')}</table>`
        : '') +
      streamSummary(stream) +
      (await boardsTable(pool, calendar, date, q.now)),
  };
}
