/**
 * `/charts/paper`: the paper broker's positions (marked at the last stored close), P&L in won, order
 * counts and recent fills, server-rendered like the other chart pages. Read-only for every role.
 */
import express from 'express';
import type pg from 'pg';
import type { Logger } from '../../src/log.js';
import { errorMessage } from '../../src/errors.js';
import { formatNumber } from '../../src/market/format.js';
import { formatKst, type KstTime } from '../../src/time/kst.js';
import { krw, paperStatus, type PaperStatus } from '../../src/paper/status.js';
import { href, page } from './page.js';
import { esc } from './svg.js';

export const PAPER_PATH = '/charts/paper';
const kst = (t: KstTime | null): string => (t === null ? '—' : `${formatKst(t)} KST`);
const num = (s: string): string => `<td class="num">${esc(s)}</td>`;

export function paperBody(s: PaperStatus): string {
  const positions = s.positions.length
    ? '<table class="positions"><tr><th>strategy</th><th>symbol</th><th>quantity</th><th>average</th><th>mark</th><th>realized</th><th>costs</th><th>unrealized</th><th>last fill</th></tr>' +
      s.positions
        .map(
          (p) =>
            `<tr data-strategy="${esc(p.strategy)}" data-symbol="${esc(p.symbol)}"><td>${esc(p.strategy)}</td><td><a href="${href('/charts/candles', { symbol: p.symbol })}">${esc(p.symbol)}</a></td>` +
            num(`${p.quantity > 0 ? '+' : ''}${p.quantity}`) + num(formatNumber(p.averagePrice, 2)) + num(`${formatNumber(p.mark, 2)} (${kst(p.markTime)})`) +
            num(krw(p.realized)) + num(krw(p.costs)) + num(krw(p.unrealized)) + `<td>${esc(kst(p.lastFillTime))}</td></tr>`,
        )
        .join('') +
      '</table>'
    : '<p>No paper positions yet. Paper trading starts with <code>paper.enabled: true</code> in the config.</p>';
  const t = s.totals;
  const totals = `<p class="totals">realized ${esc(krw(t.realized))} · costs ${esc(krw(t.costs))} · unrealized ${esc(krw(t.unrealized))} · <b>net ${esc(krw(t.net))}</b></p>`;
  const orders = `<p class="orders">orders: ${s.orders.open} open, ${s.orders.filled} filled, ${s.orders.cancelled} cancelled</p>`;
  const fills = s.recentFills.length
    ? '<h2>Recent fills</h2><table class="fills"><tr><th>time</th><th>strategy</th><th>symbol</th><th>side</th><th>quantity</th><th>price</th><th>fees</th></tr>' +
      s.recentFills
        .map((f) => `<tr><td>${esc(kst(f.time))}</td><td>${esc(f.strategy)}</td><td>${esc(f.symbol)}</td><td>${esc(f.side)}</td>` + num(String(f.quantity)) + num(formatNumber(f.price, 2)) + num(krw(f.commission + f.tax)) + '</tr>')
        .join('') +
      '</table>'
    : '';
  return totals + orders + positions + fills;
}

export function paperRouter(pool: pg.Pool | undefined, log: Logger): express.Router {
  const r = express.Router();
  r.get('/', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!pool) return void res.status(503).type('text/plain').send('the paper page needs Postgres: database.url is not configured for the dashboard');
    try {
      res.status(200).type('html').send(page('paper trading', paperBody(await paperStatus(pool, { recent: 20 }))));
    } catch (e) {
      log.error({ err: errorMessage(e) }, 'paper page failed');
      res.status(500).type('text/plain').send(`paper page unavailable: ${errorMessage(e).split('\n')[0]}`);
    }
  });
  return r;
}
