/**
 * Every page of the dashboard in Chromium, as the admin and as the viewer: each loads (200) with no console
 * error or failed request and gets a screenshot; the viewer's pages carry no action (no POST form, no
 * bull-board control). Pages whose data does not exist yet (paper trading, surface, signals) must say so
 * rather than fail. The pages' own content is checked by their own tests; here the dashboard's backtest
 * report must also draw its charts (it used an inline script, which the dashboard's CSP blocks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCandles } from '../../src/db/writer.js';
import type { Candle } from '../../src/db/types.js';
import { registerStrategy } from '../../src/strategy/registry.js';
import { parseKst, parseKstDate } from '../../src/time/kst.js';
import { openPage, screenshot } from '../helpers/browser.js';
import { ADMIN, VIEWER, startBrowserRig, type BrowserRig } from '../helpers/browser-dashboard.js';
import { scriptedStrategy } from '../backtest/scripted.js';

const D = parseKstDate('2026-11-20');
const bar = (time: string, p: number): Candle => ({
  symbol: 'A01612', time: parseKst(`2026-11-20 ${time}`), tradingDate: D, open: p, high: p + 0.5, low: p - 0.5, close: p, volume: 10, openInterest: null,
});

const PAGES: [string, string][] = [
  ['queues', '/queues'],
  ['charts-index', '/charts'],
  ['candles', '/charts/candles?symbol=A01612'],
  ['candles-static', '/charts/candles-static?symbol=A01612'],
  ['quality', `/charts/quality?date=${D}`],
  ['signals', '/charts/signals'],
  ['surface', '/charts/surface'],
  ['paper', '/charts/paper'],
  ['backtest-form', '/charts/backtest'],
  ['backtest-report', `/charts/backtest?strategy=every-page&from=${D}&to=${D}`],
];

let rig: BrowserRig;

beforeAll(async () => {
  rig = await startBrowserRig('pages', {
    seed: (db) => writeCandles(db.pool, 'futures_101', [bar('10:00', 400), bar('10:01', 401), bar('10:02', 402), bar('10:03', 403)]),
  });
  registerStrategy(scriptedStrategy('every-page', 'A01612', { '2026-11-20 10:00': 'enter_long', '2026-11-20 10:02': 'exit' }));
}, 120_000);

afterAll(async () => rig?.close());

describe('every dashboard page in Chromium', () => {
  for (const [role, creds] of [['admin', ADMIN], ['viewer', VIEWER]] as const) {
    it(`${role}: every page loads without a console error${role === 'viewer' ? ' and carries no action' : ''}`, async () => {
      for (const [name, path] of PAGES) {
        const { page, problems } = await openPage(rig.browser, creds);
        const res = await page.goto(`${rig.dash.url}${path}`, { waitUntil: 'networkidle2', timeout: 30_000 });
        expect(res?.status(), path).toBe(200);
        if (path.startsWith('/charts/candles?')) await page.waitForFunction('window.krtrade && window.krtrade.ready', { timeout: 20_000 });
        // The report's charts are drawn by its script (served as a file: the CSP runs no inline script).
        if (name === 'backtest-report') {
          await page.waitForFunction("document.querySelectorAll('#charts canvas').length > 0", { timeout: 20_000 });
          // Money axes read whole won with separators, not 100500000.00.
          expect(await page.evaluate('window.krtradeReport.equity.options().localization.priceFormatter(100500000)')).toBe('100,500,000');
        }
        const text = await page.$eval('body', (b) => b.innerText);
        expect(text, path).not.toMatch(/\bError\b|stack|undefined|NaN/);
        if (role === 'viewer' && !path.startsWith('/queues')) {
          expect(await page.$$('form[method="post" i]'), `${path}: POST form`).toHaveLength(0);
        }
        await screenshot(page, `page-${role}-${name}`);
        expect(problems, path).toEqual([]);
        await page.close();
      }
    }, 240_000);
  }
});
