/**
 * The backtest report as one HTML page: price with signals and fills, equity, drawdown (lightweight-charts,
 * never from a CDN), then the summary, trades and per-day tables. The charts get data, not pictures:
 * times as UTC seconds of the KST wall-clock minute (so the axis reads KST), stated once here.
 * With `inlineScript` the library is embedded and the file stands alone (`krtrade backtest --report`);
 * the dashboard passes `src` (its locally served copy) and `pageSrc` (REPORT_PAGE_SCRIPT served as a file):
 * its Content Security Policy runs no inline script.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { formatKstIso, type KstTime } from '../time/kst.js';
import type { BacktestResult } from './types.js';

const require = createRequire(import.meta.url);
/** The standalone browser build (the package exports only its ES module). */
export const LIGHTWEIGHT_CHARTS_FILE = join(
  dirname(require.resolve('lightweight-charts/package.json')),
  'dist',
  'lightweight-charts.standalone.production.js',
);

export type ReportScript = { inline: true } | { src: string; pageSrc: string };

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** JSON that cannot close the <script> element it sits in. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');
const chartTime = (t: KstTime): number => t / 1000;
const won = (n: number): string => Math.round(n).toLocaleString('en-US');
const num = (n: number | null, digits = 2): string => (n === null ? '—' : n.toFixed(digits));
const pct = (n: number | null): string => (n === null ? '—' : `${(n * 100).toFixed(2)} %`);
const when = (t: KstTime): string => formatKstIso(t).slice(0, 16).replace('T', ' ');

function chartData(r: BacktestResult): unknown {
  const symbols = Object.keys(r.bars ?? {});
  const prices = symbols.map((symbol) => {
    const markers = [
      ...r.signals
        .filter((s) => s.symbol === symbol && s.kind !== 'monitor')
        .map((s) => ({
          time: chartTime(s.time),
          position: s.kind === 'enter_short' ? 'aboveBar' : 'belowBar',
          color: '#888',
          shape: 'circle',
          text: s.kind,
        })),
      ...r.fills
        .filter((f) => f.symbol === symbol)
        .map((f) => ({
          time: chartTime(f.time),
          position: f.side === 'buy' ? 'belowBar' : 'aboveBar',
          color: f.side === 'buy' ? '#1a7f37' : '#cf222e',
          shape: f.side === 'buy' ? 'arrowUp' : 'arrowDown',
          text: `${f.side} ${f.quantity}@${f.price}`,
        })),
    ].sort((a, b) => a.time - b.time);
    const candles = r.bars![symbol]!.map((c) => [chartTime(c.time), c.open, c.high, c.low, c.close]);
    return { symbol, candles, markers };
  });
  return {
    prices,
    equity: r.equity.map((p) => [chartTime(p.time), p.equity]),
    drawdown: r.equity.map((p) => [chartTime(p.time), -p.drawdown]),
  };
}

function tables(r: BacktestResult): string {
  const s = r.summary;
  const rows: [string, string][] = [
    ['net P&L (won)', won(s.netPnl)],
    ['final equity (won)', won(s.finalEquity)],
    ['gross realised (won)', won(s.grossRealized)],
    ['commission (won)', won(s.commission)],
    ['tax (won)', won(s.tax)],
    ['trades (wins / losses)', `${s.trades} (${s.wins} / ${s.losses})`],
    ['win rate', pct(s.winRate)],
    ['profit factor', num(s.profitFactor)],
    ['max drawdown (won)', `${won(s.maxDrawdown)} (${pct(s.maxDrawdownPct)})`],
    ['Sharpe / Sortino (daily, √252)', `${num(s.sharpe)} / ${num(s.sortino)}`],
    ['exposure', pct(s.exposure)],
    ['unfilled orders', String(s.unfilledOrders)],
  ];
  const summary = rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  const trades = r.trades
    .map(
      (t) =>
        `<tr><td>${esc(t.symbol)}</td><td>${t.side}</td><td>${t.quantity}</td><td>${when(t.entryTime)}</td><td>${t.entryPrice}</td><td>${when(t.exitTime)}</td><td>${t.exitPrice}</td><td>${won(t.gross)}</td><td>${won(t.commission + t.tax)}</td><td>${won(t.net)}</td></tr>`,
    )
    .join('');
  const days = r.days
    .map(
      (d) =>
        `<tr><td>${d.tradingDate}</td><td>${d.signals}</td><td>${d.fills}</td><td>${d.trades}</td><td>${won(d.pnl)}</td><td>${won(d.commission)}</td><td>${won(d.tax)}</td><td>${won(d.equity)}</td></tr>`,
    )
    .join('');
  return `<h2>Summary</h2><table>${summary}</table>
<h2>Trades (${r.trades.length})</h2><table><tr><th>symbol</th><th>side</th><th>qty</th><th>entry (KST)</th><th>entry price</th><th>exit (KST)</th><th>exit price</th><th>gross</th><th>costs</th><th>net</th></tr>${trades}</table>
<h2>Days</h2><table><tr><th>trading date</th><th>signals</th><th>fills</th><th>trades</th><th>P&amp;L</th><th>commission</th><th>tax</th><th>equity</th></tr>${days}</table>`;
}

/** Draws the charts from the embedded data (runs in the browser). */
export const REPORT_PAGE_SCRIPT = `(() => {
const LC = window.LightweightCharts, data = JSON.parse(document.getElementById('bt-data').textContent);
const opts = (h) => ({ height: h, timeScale: { timeVisible: true, secondsVisible: false }, layout: { attributionLogo: false } });
const wonAxis = { localization: { priceFormatter: (v) => Math.round(v).toLocaleString('en-US') } };
const box = (title) => { const h = document.createElement('h2'); h.textContent = title; const d = document.createElement('div');
  document.getElementById('charts').append(h, d); return d; };
for (const p of data.prices) {
  const c = LC.createChart(box(p.symbol + ' price, signals and fills'), opts(360));
  const s = c.addSeries(LC.CandlestickSeries);
  s.setData(p.candles.map(([time, open, high, low, close]) => ({ time, open, high, low, close })));
  LC.createSeriesMarkers(s, p.markers);
  c.timeScale().fitContent();
}
const ec = LC.createChart(box('Equity (won)'), { ...opts(220), ...wonAxis }), e = ec.addSeries(LC.LineSeries);
e.setData(data.equity.map(([time, value]) => ({ time, value })));
ec.timeScale().fitContent();
const dc = LC.createChart(box('Drawdown (won)'), { ...opts(160), ...wonAxis }), d = dc.addSeries(LC.AreaSeries, { lineColor: '#cf222e', topColor: 'rgba(207,34,46,0.1)', bottomColor: 'rgba(207,34,46,0.4)' });
d.setData(data.drawdown.map(([time, value]) => ({ time, value })));
dc.timeScale().fitContent();
window.krtradeReport = { equity: ec, drawdown: dc };
})();`;

export function renderBacktestReport(r: BacktestResult, script: ReportScript): string {
  const lib =
    'inline' in script
      ? `<script>${readFileSync(LIGHTWEIGHT_CHARTS_FILE, 'utf8').replace(/<\/script/gi, '<\\/script')}</script>`
      : `<script src="${esc(script.src)}"></script>`;
  const page = 'inline' in script ? `<script>${REPORT_PAGE_SCRIPT}</script>` : `<script src="${esc(script.pageSrc)}"></script>`;
  const f = r.fillModel;
  const title = `${r.strategy} backtest ${r.from}..${r.to}`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${esc(title)} · krtrade</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1200px}table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:2px 8px;text-align:right}th{background:#f6f8fa}</style></head><body>
<h1>${esc(title)}</h1>
<p>Fills at ${esc(f.fillAt.replace('_', ' '))}, ${f.slippageTicks} tick(s) slippage, ${f.quantity} per order, position limit ${f.maxPosition}. Times KST; money in won.</p>
<div id="charts"></div>
${tables(r)}
<script type="application/json" id="bt-data">${scriptJson(chartData(r))}</script>
${lib}${page}
</body></html>`;
}
