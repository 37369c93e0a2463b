/** The self-contained backtest report opened from disk in Chromium: charts draw, no console errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { writeCandles } from '../../src/db/writer.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { getStrategy } from '../../src/strategy/registry.js';
import { runBacktest } from '../../src/backtest/engine.js';
import { renderBacktestReport } from '../../src/backtest/report-html.js';
import { parseKstDate } from '../../src/time/kst.js';
import { syntheticFutureCandles } from '../strategy/synthetic.js';

const D = parseKstDate('2026-11-20');
let db: TestDb;
let browser: Browser;

beforeAll(async () => {
  db = await createTestDb();
  await writeCandles(db.pool, 'futures_101', syntheticFutureCandles('A01612', [D], defaultCalendar(), 7));
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await db?.drop();
});

describe('backtest report file', () => {
  it('draws price, equity and drawdown charts offline', async () => {
    const r = await runBacktest(db.pool, getStrategy('vwap-atr'), {
      from: D,
      to: D,
      keepBars: true,
      fills: { fillAt: 'signal_close' },
    });
    expect(r.fills.length).toBeGreaterThan(0);
    const file = join(mkdtempSync(join(tmpdir(), 'krtrade-report-')), 'report.html');
    writeFileSync(file, renderBacktestReport(r, { inline: true }));
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on(
      'request',
      (req) =>
        !req.url().startsWith('file:') &&
        !req.url().startsWith('data:') &&
        problems.push(`request ${req.url()}`),
    );
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction("document.querySelectorAll('#charts canvas').length >= 3", {
      timeout: 20_000,
    });
    const headings = await page.$$eval('#charts h2', (hs) => hs.map((h) => h.textContent));
    expect(headings).toEqual(['A01612 price, signals and fills', 'Equity (won)', 'Drawdown (won)']);
    await screenshot(page, 'backtest-report');
    expect(problems).toEqual([]);
    await page.close();
  });
});
