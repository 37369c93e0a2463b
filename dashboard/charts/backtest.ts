/**
 * `/charts/backtest`: runs a backtest on stored bars and shows its report (the same page `krtrade backtest
 * --report` writes, with lightweight-charts from the dashboard's local copy). Without a strategy it shows a
 * form. Ranges are capped so one page view cannot tie up the database.
 */
import express from 'express';
import type { Request, Response } from 'express';
import type pg from 'pg';
import type { Logger } from '../../src/log.js';
import { UserError, errorMessage } from '../../src/errors.js';
import { strategies } from '../../src/strategy/registry.js';
import type { StrategyEntry } from '../../src/strategy/config.js';
import { backtestStrategy } from '../../src/backtest/strategy-by-name.js';
import { runBacktest } from '../../src/backtest/engine.js';
import { REPORT_PAGE_SCRIPT, renderBacktestReport } from '../../src/backtest/report-html.js';
import { addDays, parseKstDate, type KstDate } from '../../src/time/kst.js';
import { esc } from './svg.js';

/** Longest range one page view may backtest. */
export const MAX_DASHBOARD_DAYS = 31;

const str = (q: Request['query'], name: string): string | undefined => {
  const v = q[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function dateParam(q: Request['query'], name: string): KstDate {
  const v = str(q, name);
  if (!v) throw new UserError(`${name}: required (YYYY-MM-DD)`);
  try {
    return parseKstDate(v);
  } catch {
    throw new UserError(`${name}: expected a date YYYY-MM-DD, got ${JSON.stringify(v.slice(0, 20))}`);
  }
}

function intParam(q: Request['query'], name: string, fallback: number, min: number, max: number): number {
  const v = str(q, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UserError(`${name}: expected an integer in [${min}, ${max}]`);
  return n;
}

function form(configured: readonly StrategyEntry[]): string {
  const options = [...new Set([...configured.map((e) => e.name), ...strategies.keys()])]
    .sort()
    .map((n) => `<option>${esc(n)}</option>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>backtest · krtrade</title></head><body>
<nav><a href="/charts">charts</a></nav><h1>Backtest</h1>
<form method="get"><label>strategy <select name="strategy">${options}</select></label>
<label>from <input type="date" name="from" required></label> <label>to <input type="date" name="to" required></label>
<label>fill at <select name="fillAt"><option>next_open</option><option>signal_close</option></select></label>
<label>slippage (ticks) <input type="number" name="slippage" value="0" min="0" max="100"></label>
<button type="submit">run</button></form><p>At most ${MAX_DASHBOARD_DAYS} days per view; times KST.</p></body></html>`;
}

/** `configured`: the config's `strategies`, resolved by name the way live and replay resolve them. */
export function backtestRouter(
  pool: pg.Pool | undefined,
  log: Logger,
  configured: readonly StrategyEntry[] = [],
): express.Router {
  const r = express.Router();
  // The report's drawing code as a file: the dashboard's Content Security Policy runs no inline script.
  r.get('/report.js', (_req, res) => res.type('js').send(REPORT_PAGE_SCRIPT));
  r.get('/', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    const q = req.query;
    const name = str(q, 'strategy');
    if (!name) return void res.type('html').send(form(configured));
    if (!pool)
      return void res
        .status(503)
        .type('text/plain')
        .send('backtests need Postgres: database.url is not configured for the dashboard');
    try {
      const strategy = await backtestStrategy(configured, name);
      const from = dateParam(q, 'from');
      const to = dateParam(q, 'to');
      if (from > to) throw new UserError(`from ${from} is after to ${to}`);
      if (addDays(from, MAX_DASHBOARD_DAYS - 1) < to)
        throw new UserError(
          `at most ${MAX_DASHBOARD_DAYS} days per view; use krtrade backtest --report for longer runs`,
        );
      const fillAt = str(q, 'fillAt') ?? 'next_open';
      if (fillAt !== 'next_open' && fillAt !== 'signal_close')
        throw new UserError('fillAt: next_open or signal_close');
      const result = await runBacktest(pool, strategy, {
        from,
        to,
        keepBars: true,
        fills: { fillAt, slippageTicks: intParam(q, 'slippage', 0, 0, 100) },
      });
      res.type('html').send(renderBacktestReport(result, { src: '/charts/assets/lightweight-charts.js', pageSrc: '/charts/backtest/report.js' }));
    } catch (e) {
      if (e instanceof UserError) return void res.status(400).type('text/plain').send(e.message);
      log.error({ err: errorMessage(e), path: req.path }, 'backtest page failed');
      res.status(500).type('text/plain').send('backtest unavailable; see the dashboard log');
    }
  });
  return r;
}
