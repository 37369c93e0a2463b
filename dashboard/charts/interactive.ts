/**
 * The interactive candle chart: `/charts/candles` (the page), `/charts/api/candles` (its data as JSON),
 * `/charts/live` (Server-Sent Events: candles as they are committed, from Redis pub/sub) and
 * `/charts/assets/*` (lightweight-charts and our page script, served from the package: no CDN).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type express from 'express';
import type { Request, Response } from 'express';
import type pg from 'pg';
import type { TradingCalendar } from '../../src/market/calendar/index.js';
import type { CandleFeed } from '../../src/live/candle-bus.js';
import type { Clock } from '../../src/time/clock.js';
import { latestTradingDateOf } from '../../src/db/readers-chart.js';
import { addDays, type KstDate } from '../../src/time/kst.js';
import { chartData } from './candle-data.js';
import { BadChartQuery, code, timeframe, tradingDateParam } from './params.js';
import { esc } from './svg.js';

const require = createRequire(import.meta.url);
// The package exports only its ES module; the standalone browser build sits beside its package.json.
const LIGHTWEIGHT_CHARTS = join(dirname(require.resolve('lightweight-charts/package.json')), 'dist', 'lightweight-charts.standalone.production.js');
const PAGE_SCRIPT = fileURLToPath(new URL('../web/candles.js', import.meta.url));
const STYLE = fileURLToPath(new URL('../web/charts.css', import.meta.url));

export interface InteractiveDeps {
  pool?: pg.Pool;
  calendar: TradingCalendar;
  feed?: CandleFeed;
  /** The pipeline's clock: what "now" is for lags and which minutes have closed. */
  clock?: Clock;
}

/** Dates of the request: `from`/`to` (trading dates), default the newest trading date with data. */
async function range(pool: pg.Pool, q: Request['query'], symbol: string): Promise<{ from: KstDate; to: KstDate; live: boolean }> {
  const to = tradingDateParam(q, 'to') ?? (await latestTradingDateOf(pool, symbol));
  if (!to) throw new BadChartQuery(`no candles stored for ${symbol}`);
  const from = tradingDateParam(q, 'from') ?? to;
  if (from > to) throw new BadChartQuery(`from ${from} is after to ${to}`);
  if (addDays(from, 366) < to) throw new BadChartQuery('a chart covers at most 366 days');
  return { from, to, live: q.to === undefined };
}

function shell(symbol: string): string {
  const s = esc(symbol);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${s} candles · krtrade</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/charts/assets/charts.css"></head><body>
<nav><a href="/charts">charts</a> · <a href="/charts/quality">data quality</a> · <a href="/queues">queues</a></nav>
<header><h1>${s} <span id="range"></span> <small>times KST</small></h1>
<form id="controls"><input type="hidden" name="symbol" value="${s}">
<label>from <input type="date" name="from"></label> <label>to <input type="date" name="to"></label>
<label>bars <select name="tf"><option value="1">1 min</option><option value="5">5 min</option><option value="15">15 min</option><option value="60">60 min</option><option value="D">day</option></select></label>
<button type="submit">show</button> <span id="live-state"></span></form>
<div id="legend"></div></header>
<div id="chart"></div><p id="notes"></p>
<script src="/charts/assets/lightweight-charts.js"></script><script src="/charts/assets/candles.js"></script>
</body></html>`;
}

export function interactiveRoutes(r: express.Router, d: InteractiveDeps): void {
  const noPool = (res: Response) => res.status(503).type('text/plain').send('charts need Postgres: database.url is not configured for the dashboard');
  const fail = (res: Response, e: unknown) => {
    if (e instanceof BadChartQuery) res.status(400).type('text/plain').send(e.message);
    else res.status(500).type('text/plain').send('chart data unavailable');
  };
  r.get('/assets/lightweight-charts.js', (_req, res) => res.type('js').sendFile(LIGHTWEIGHT_CHARTS));
  r.get('/assets/candles.js', (_req, res) => res.type('js').sendFile(PAGE_SCRIPT));
  r.get('/assets/charts.css', (_req, res) => res.type('css').sendFile(STYLE));
  r.get('/candles', (req, res) => {
    try {
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(shell(code(req.query, 'symbol')));
    } catch (e) {
      fail(res, e);
    }
  });
  r.get('/api/candles', async (req, res) => {
    if (!d.pool) return void noPool(res);
    try {
      const symbol = code(req.query, 'symbol');
      const tf = timeframe(req.query);
      const { from, to, live } = await range(d.pool, req.query, symbol);
      res.setHeader('Cache-Control', 'no-store');
      res.json({ ...(await chartData(d.pool, d.calendar, { symbol, from, to, tf })), live: live && !!d.feed });
    } catch (e) {
      fail(res, e);
    }
  });
  r.get('/live', (req, res) => {
    let symbol: string;
    try {
      symbol = code(req.query, 'symbol');
    } catch (e) {
      return void fail(res, e);
    }
    if (!d.feed) return void res.status(503).type('text/plain').send('live updates need Redis');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    const unwatch = d.feed.watch(symbol, (c) => res.write(`data: ${JSON.stringify(c)}\n\n`));
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(beat);
      unwatch();
    });
  });
}
