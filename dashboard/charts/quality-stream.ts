/**
 * The realtime stream's part of `/charts/quality`: per instrument its registration now (kinds, app key,
 * holder, connection state), the newest record stored for the date and how far behind it is, and the
 * recorded stream gaps; above the table, the stream workers. Without a stream every cell says so.
 */
import { formatQuantity } from '../../src/market/format.js';
import type { InstrumentStream, StreamView } from '../../src/stream/stream-view.js';
import { formatKst, type KstTime } from '../../src/time/kst.js';
import { esc } from './svg.js';

const hms = (t: KstTime): string => formatKst(t).slice(11, 19);
const ms = (n: number | null): string => (n === null ? 'n/a' : `${formatQuantity(n, 'count')} ms`);

export const STREAM_HEADERS = '<th>stream now</th><th>last stream record</th><th>stream gaps</th>';

export function streamSummary(view: StreamView | undefined): string {
  const title = '<h2>Realtime stream</h2>';
  if (!view) return `${title}<p id="stream-summary">No stream status: this dashboard has no Redis prefix configured.</p>`;
  if (view.redisProblem) return `${title}<p id="stream-summary">Stream status unavailable (${esc(view.redisProblem)}); minute candles are unaffected.</p>`;
  if (view.workers.length === 0)
    return `${title}<p id="stream-summary">No stream worker is running: no trades or quotes are being recorded (minute candles come from REST).</p>`;
  const items = view.workers.map((w) => {
    const keys = w.keys.length
      ? w.keys.map((k) => `${esc(k.account)} (${esc(k.state)}, ${formatQuantity(k.registrations, 'count')} registrations)`).join(', ')
      : 'no app key';
    return `<li data-holder="${esc(w.holder)}">${esc(w.holder)}: ${keys}; ${w.recordsPerSec.toFixed(1)} records/s, commit lag ${ms(w.lagMs)}</li>`;
  });
  return `${title}<p id="stream-summary">${view.workers.length} stream worker${view.workers.length === 1 ? '' : 's'}; "open" is connected.</p><ul id="stream-workers">${items.join('')}</ul>`;
}

/** The three stream cells of an instrument's row; `now` is the pipeline clock (KST). */
export function streamCells(e: InstrumentStream | undefined, now: KstTime): string {
  if (!e) return '<td class="stream">not streamed</td><td class="stream-last">—</td><td class="stream-gaps">—</td>';
  const reg = e.account
    ? `${esc(e.kinds.join(', '))} on ${esc(e.account)}: ${e.holder ? `held by ${esc(e.holder)}, ${esc(e.state)}` : 'no worker holds it'}`
    : 'not streamed';
  // How far behind only means something while a connected session streams it.
  const live = e.account !== null && e.holder !== null && e.state === 'open';
  const last =
    e.lastTime === null
      ? '—'
      : `${hms(e.lastTime)} (${formatQuantity(e.records ?? 0, 'count')} records)` +
        (live ? `, ${formatQuantity(Math.max(0, Math.round((now - e.lastTime) / 1000)), 'count')} s ago; commit lag ${ms(e.commitLagMs)}` : '');
  const gaps = e.gaps.length ? e.gaps.map((g) => `${hms(g.from)}–${hms(g.to)} ${g.reason}`).join(', ') : '—';
  return `<td class="stream">${reg}</td><td class="stream-last">${last}</td><td class="stream-gaps">${esc(gaps)}</td>`;
}
