/**
 * Read-only chart pages (`/charts`, `/charts/candles`, `/charts/matrix`, `/charts/smile`): HTML with inline
 * server-rendered SVG. Mounted behind the dashboard's auth by `startDashboard`.
 */
import express from 'express';
import type { Request, Response } from 'express';
import type pg from 'pg';
import type { Logger } from '../../src/log.js';
import { errorMessage } from '../../src/errors.js';
import { formatKst, toKst, type KstDate, type KstTime } from '../../src/time/kst.js';
import { latestCandles, latestDataTimes, latestMatrices, recentMatrices } from '../../src/db/readers.js';
import { isCandleTable, isMatrixTable } from '../../src/db/names.js';
import { formatPrice } from '../../src/market/format.js';
import { renderCandles } from './candles.js';
import { candleFamily, matrixFamily } from './format.js';
import { renderHeatmap } from './heatmap.js';
import { renderSmile } from './smile.js';
import { href, page } from './page.js';
import { BadChartQuery, code, metric, minuteOfDayParam, minutes, optionalCode, product, tradingDateParam } from './params.js';
import { qualityPage, repairNotice } from './quality.js';
import { signalsPage } from './signals.js';
import { surfacePage } from './surface.js';
import { roleOf } from '../auth.js';
import { RealClock } from '../../src/time/clock.js';
import { esc } from './svg.js';
import { interactiveRoutes, type InteractiveDeps } from './interactive.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import type { RedisClient } from '../../src/redis/client.js';
import { readStreamView } from '../../src/stream/stream-view.js';

export const CHARTS_PATH = '/charts';
const MATRIX_PREFIX = 'option_matrices_';

class NoData extends Error {}

type Handler = (pool: pg.Pool, q: Request['query']) => Promise<{ title: string; body: string }>;

function route(pool: pg.Pool | undefined, log: Logger, h: Handler) {
  return async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      if (!pool) {
        res
          .status(503)
          .type('text/plain')
          .send('charts need Postgres: database.url is not configured for the dashboard');
        return;
      }
      const { title, body } = await h(pool, req.query);
      res.status(200).type('html').send(page(title, body));
    } catch (e) {
      if (e instanceof BadChartQuery) res.status(400).type('text/plain').send(e.message);
      else if (e instanceof NoData)
        res
          .status(404)
          .type('html')
          .send(page('no data', `<p>${esc(e.message)}</p>`));
      else {
        log.error({ err: errorMessage(e), path: req.path }, 'chart failed');
        res
          .status(500)
          .type('text/plain')
          .send(`chart unavailable: ${errorMessage(e).split('\n')[0]}`);
      }
    }
  };
}

const index: Handler = async (pool) => {
  const rows = await latestDataTimes(pool);
  const items: string[] = [];
  for (const r of rows) {
    const at = esc(formatKst(r.lastTime).slice(0, 16));
    if (isCandleTable(r.source)) {
      items.push(
        `<tr><td>${esc(r.symbol)}</td><td>${esc(r.source)}</td><td>${at}</td><td><a href="${href(`${CHARTS_PATH}/candles`, { symbol: r.symbol })}">candles</a></td></tr>`,
      );
    } else if (isMatrixTable(r.source)) {
      const p = r.source.slice(MATRIX_PREFIX.length);
      const q = { underlying: r.symbol, product: p };
      items.push(
        `<tr><td>${esc(r.symbol)}</td><td>${esc(r.source)}</td><td>${at}</td><td><a href="${href(`${CHARTS_PATH}/matrix`, { ...q, metric: 'iv' })}">IV heatmap</a> · ` +
          `<a href="${href(`${CHARTS_PATH}/smile`, q)}">smile</a> · <a href="${href(`${CHARTS_PATH}/surface`, { underlying: r.symbol.split(':')[0]! })}">vol surface</a></td></tr>`,
      );
    }
  }
  const body = items.length
    ? `<table><tr><th>instrument</th><th>table</th><th>latest (KST)</th><th>charts</th></tr>${items.join('')}</table>`
    : '<p>No candles or option matrices stored yet.</p>';
  return { title: 'charts', body };
};

const candles: Handler = async (pool, q) => {
  const symbol = code(q, 'symbol');
  const n = minutes(q, 120);
  const latest = (await latestDataTimes(pool))
    .filter((r) => r.symbol === symbol && isCandleTable(r.source))
    .sort((a, b) => b.lastTime - a.lastTime)[0];
  if (!latest) throw new NoData(`No candles stored for ${symbol}.`);
  const rows = await latestCandles(pool, {
    symbol,
    family: latest.source,
    before: (latest.lastTime + 60_000) as KstTime,
    limit: n,
  });
  if (rows.length === 0) throw new NoData(`No candles stored for ${symbol}.`);
  const title = `${symbol} 1-minute candles, ${formatKst(rows[0]!.time).slice(0, 16)} – ${formatKst(rows.at(-1)!.time).slice(11, 16)} KST`;
  return {
    title: `${symbol} candles`,
    body: renderCandles(rows, title, candleFamily(symbol, latest.source)),
  };
};

const matrix: Handler = async (pool, q) => {
  const underlying = code(q, 'underlying');
  const p = product(q);
  const m = metric(q);
  const rows = await recentMatrices(pool, p, underlying, m, { minutes: minutes(q, 60) });
  if (rows.length === 0)
    throw new NoData(`No ${m} matrices stored for ${underlying} in ${MATRIX_PREFIX}${p}.`);
  const title = `${underlying} ${m} (product ${p}), ${formatKst(rows[0]!.time).slice(0, 16)} – ${formatKst(rows.at(-1)!.time).slice(11, 16)} KST`;
  return { title: `${underlying} ${m} matrix`, body: renderHeatmap(rows, title, matrixFamily(p)) };
};

const smile: Handler = async (pool, q) => {
  const underlying = code(q, 'underlying');
  const p = product(q);
  const row = (await latestMatrices(pool, p, underlying, { metrics: ['iv'] })).iv;
  if (!row) throw new NoData(`No IV matrix stored for ${underlying} in ${MATRIX_PREFIX}${p}.`);
  const family = matrixFamily(p);
  const title = `${underlying} IV smile at ${formatKst(row.time).slice(0, 16)} KST (ATM ${formatPrice(row.atmStrike, family)})`;
  return { title: `${underlying} smile`, body: renderSmile(row, title, family) };
};

export function chartsRouter(
  pool: pg.Pool | undefined,
  log: Logger,
  live: Omit<InteractiveDeps, 'pool'> & { redis?: RedisClient; prefix?: string } = { calendar: defaultCalendar() },
): express.Router {
  const r = express.Router();
  r.get('/', route(pool, log, index));
  interactiveRoutes(r, { ...live, ...(pool ? { pool } : {}) });
  r.get('/quality', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!pool) return void res.status(503).type('text/plain').send('the data-quality page needs Postgres');
    try {
      const date = tradingDateParam(req.query, 'date');
      const now = toKst((live.clock ?? new RealClock()).now());
      const notice = repairNotice(req.query);
      const stream = (d: KstDate) => readStreamView(pool, live.redis, live.prefix, d);
      const { title, body } = await qualityPage(pool, live.calendar, { ...(date ? { date } : {}), now, role: roleOf(res), stream, ...(notice ? { notice } : {}) });
      res.type('html').send(page(title, body));
    } catch (e) {
      if (e instanceof BadChartQuery) return void res.status(400).type('text/plain').send(e.message);
      log.error({ err: errorMessage(e) }, 'data-quality page failed');
      res.status(500).type('text/plain').send(`data quality unavailable: ${errorMessage(e).split('\n')[0]}`);
    }
  });
  r.get('/signals', route(pool, log, (p, q) => {
    const [date, strategy, symbol] = [tradingDateParam(q, 'date'), optionalCode(q, 'strategy'), optionalCode(q, 'symbol')];
    return signalsPage(p, live.calendar, { ...(date ? { date } : {}), ...(strategy ? { strategy } : {}), ...(symbol ? { symbol } : {}), all: q.all === '1' });
  }));
  r.get('/surface', route(pool, log, (p, q) => {
    const [date, minute] = [tradingDateParam(q, 'date'), minuteOfDayParam(q, 'time')];
    return surfacePage(p, { underlying: optionalCode(q, 'underlying') ?? 'KOSPI200', ...(date ? { date } : {}), ...(minute !== undefined ? { minute } : {}) });
  }));
  // Server-rendered, script-free candles: for printing and for browsers without JavaScript.
  r.get('/candles-static', route(pool, log, candles));
  r.get('/matrix', route(pool, log, matrix));
  r.get('/smile', route(pool, log, smile));
  return r;
}
