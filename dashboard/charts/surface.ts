/**
 * `/charts/surface`: the volatility surface of one underlying on one date, from `vol_surface` and the board
 * snapshots in `option_chain_raw`: per expiry the smile at one minute (our IV and KIS's, out of the money,
 * with the fitted SVI curve), the term structure of ATM IV, and ATM IV, 25-delta risk reversal and
 * butterfly over the day. Vols in percent, strikes in index points, times KST.
 */
import type pg from 'pg';
import { readVolSurface, type VolSurfaceRow } from '../../src/db/vol-surface.js';
import { readOptionChain } from '../../src/db/readers.js';
import type { OptionChainRow } from '../../src/db/types.js';
import { formatNumber, formatPrice } from '../../src/market/format.js';
import { sviVol } from '../../src/options/smile.js';
import { dateOf, formatKst, kisDate, startOfDate, type KstDate, type KstTime } from '../../src/time/kst.js';
import { renderXyPlot, type XySeries } from './xy-plot.js';
import { esc } from './svg.js';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const vol = (v: number): string => `${formatNumber(v, 2)}%`;
const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(Math.round(minutes % 60)).padStart(2, '0')}`;
const minuteOfDay = (t: KstTime): number => (t - startOfDate(dateOf(t))) / 60_000;

export interface SurfaceQuery {
  underlying: string;
  date?: KstDate;
  /** Minutes after midnight of `date` (from `time=HH:MM`); default: the newest slice of the date. */
  minute?: number;
}

async function newestDate(pool: pg.Pool, underlying: string): Promise<KstDate | undefined> {
  const r = await pool.query<{ t: KstTime | null }>('SELECT max("timestamp") AS t FROM vol_surface WHERE underlying = $1', [underlying]);
  const t = r.rows[0]?.t;
  return t === null || t === undefined ? undefined : dateOf(t);
}

/** Out-of-the-money IVs (puts below the forward, calls at and above it): what the fit was made on. */
function otm(chain: readonly OptionChainRow[], forward: number): OptionChainRow[] {
  return chain.filter((c) => (c.strike < forward ? c.right === 'put' : c.right === 'call')).sort((a, b) => a.strike - b.strike);
}

function smileChart(slice: VolSurfaceRow, chain: readonly OptionChainRow[]): string {
  const f = slice.forward;
  const rows = f === null ? [] : otm(chain, f);
  const strike = (k: number) => formatPrice(k, 'kospi200');
  const series: XySeries[] = [
    { name: 'our IV', cls: 'own', colour: '#d62728', marker: 'dot', line: false, points: rows.map((c) => ({ x: c.strike, y: c.ownIv ?? null, tip: `${c.right} ${strike(c.strike)}: our IV ${c.ownIv == null ? `— (${c.ownIvMissingReason ?? 'none'})` : vol(c.ownIv)}` })) },
    { name: "KIS's IV", cls: 'kis', colour: '#1f77b4', marker: 'ring', line: false, points: rows.map((c) => ({ x: c.strike, y: c.iv ?? null, tip: `${c.right} ${strike(c.strike)}: KIS IV ${c.iv == null ? '—' : vol(c.iv)}` })) },
  ];
  if (slice.svi && f !== null && rows.length > 1) {
    const lo = rows[0]!.strike;
    const hi = rows.at(-1)!.strike;
    const fit = Array.from({ length: 81 }, (_, i) => lo + ((hi - lo) * i) / 80).map((k) => ({ x: k, y: 100 * sviVol(slice.svi!, Math.log(k / f), slice.yearsToExpiry) }));
    series.push({ name: `SVI fit (rmse ${slice.fitRmse === null ? '—' : formatNumber(slice.fitRmse, 2)})`, cls: 'fit', colour: '#555', points: fit });
  }
  return renderXyPlot({
    title: `expiry ${slice.expiry} at ${formatKst(slice.time).slice(0, 16)} KST: forward ${f === null ? '—' : strike(f)}, ATM IV ${slice.atmIv === null ? '—' : vol(slice.atmIv)}`,
    xTitle: 'strike (points)', yTitle: 'implied volatility (%)', series, formatX: strike, formatY: vol,
    ...(f !== null ? { xMark: { at: f, label: 'forward' } } : {}),
  });
}

function termStructure(slices: readonly VolSurfaceRow[]): string {
  return renderXyPlot({
    title: 'term structure: ATM IV by time to expiry', xTitle: 'days to expiry (calendar)', yTitle: 'ATM implied volatility (%)',
    series: [{ name: 'ATM IV', cls: 'term', colour: '#1f77b4', marker: 'dot', points: slices.map((s) => ({ x: s.yearsToExpiry * 365, y: s.atmIv, tip: `${s.expiry}: ${s.atmIv === null ? '—' : vol(s.atmIv)}` })) }],
    formatX: (v) => formatNumber(v, 1), formatY: vol, width: 480, height: 300,
  });
}

function overTheDay(rows: readonly VolSurfaceRow[], expiries: readonly KstDate[], pick: (r: VolSurfaceRow) => number | null, what: string, cls: string, marker?: { minute: number; label: string }): string {
  const series: XySeries[] = expiries.map((e, i) => ({
    name: e, cls: `${cls} e${kisDate(e)}`, colour: PALETTE[i % PALETTE.length]!,
    points: rows.filter((r) => r.expiry === e).map((r) => ({ x: minuteOfDay(r.time), y: pick(r) })),
  }));
  return renderXyPlot({
    title: `${what} over the day`, xTitle: 'time (KST)', yTitle: `${what} (vol points, %)`, series, formatX: hhmm, formatY: vol,
    ...(marker ? { xMark: { at: marker.minute, label: marker.label } } : {}),
  });
}

export async function surfacePage(pool: pg.Pool, q: SurfaceQuery): Promise<{ title: string; body: string }> {
  const date = q.date ?? (await newestDate(pool, q.underlying));
  if (!date) return { title: `${q.underlying} volatility surface`, body: '<p>No volatility surface stored yet.</p>' };
  const rows = await readVolSurface(pool, { underlying: q.underlying, date });
  if (rows.length === 0) return { title: `${q.underlying} volatility surface, ${date}`, body: `<p>No volatility surface stored for ${esc(q.underlying)} on ${esc(date)}.</p>` };
  const minutes = [...new Set(rows.map((r) => minuteOfDay(r.time)))];
  const minute = q.minute === undefined ? Math.max(...minutes) : minutes.filter((m) => m <= q.minute!).reduce((a, b) => Math.max(a, b), -1);
  const at = rows.filter((r) => minuteOfDay(r.time) === minute);
  const expiries = [...new Set(rows.map((r) => r.expiry))].sort();
  const picker =
    `<form method="get" action="/charts/surface" class="filters"><input type="hidden" name="underlying" value="${esc(q.underlying)}">` +
    `<label>date <input name="date" value="${esc(date)}" size="10"></label> <label>time <input name="time" value="${minute < 0 ? '' : hhmm(minute)}" size="5"></label> <button type="submit">show</button></form>`;
  if (at.length === 0) return { title: `${q.underlying} volatility surface, ${date}`, body: `${picker}<p>No slice at or before that time.</p>` };
  const smiles: string[] = [];
  for (const slice of at) {
    const chain = await readOptionChain(pool, { underlyingSymbol: slice.underlyingSymbol, time: slice.time });
    const flags = [slice.butterflyArbitrage ? 'butterfly arbitrage in the fit' : '', slice.calendarArbitrage ? 'calendar arbitrage against the next expiry' : ''].filter(Boolean);
    smiles.push(
      `<section class="smile" data-expiry="${esc(slice.expiry)}">${smileChart(slice, chain)}` +
        `<p>25Δ risk reversal ${slice.rr25 === null ? '—' : vol(slice.rr25)}, butterfly ${slice.bf25 === null ? '—' : vol(slice.bf25)}, skew slope ${slice.skewSlope === null ? '—' : formatNumber(slice.skewSlope, 2)} vol points per unit ln(K/F), ${slice.fitPoints} points fitted${flags.length ? `; <strong class="arbitrage">${esc(flags.join(', '))}</strong>` : ''}.</p></section>`,
    );
  }
  const mark = { minute, label: 'the smiles above' };
  const body =
    picker +
    smiles.join('') +
    `<section class="term">${termStructure(at)}</section>` +
    `<section class="day">${overTheDay(rows, expiries, (r) => r.atmIv, 'ATM IV', 'atm', mark)}${overTheDay(rows, expiries, (r) => r.rr25, '25Δ risk reversal', 'rr25', mark)}${overTheDay(rows, expiries, (r) => r.bf25, '25Δ butterfly', 'bf25', mark)}</section>`;
  return { title: `${q.underlying} volatility surface, ${date} ${hhmm(minute)} KST`, body };
}
