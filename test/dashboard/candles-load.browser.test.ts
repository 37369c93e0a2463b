/**
 * The candle page with a full trading day (night + day sessions) of 1-minute bars stored for 10
 * instruments: it draws every stored bar of the shown instrument; first paint and the time to a drawn
 * chart are measured in Chromium and printed (the goal, first paint ≤ 1 s, is not asserted: the machine
 * is shared).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Candle } from '../../src/db/types.js';
import type { KstDate } from '../../src/time/kst.js';
import { openPage } from '../helpers/browser.js';
import { ADMIN, startBrowserRig, type BrowserRig } from '../helpers/browser-dashboard.js';

const DATE = '2026-11-24' as KstDate;
const cal = defaultCalendar();
const MINUTES = [...cal.candleMinutes('night', DATE), ...cal.candleMinutes('derivatives', DATE)];
const SYMBOLS = Array.from({ length: 10 }, (_, i) => `A016${12 + i}`); // A01612 … A01621

function day(symbol: string, shift: number): Candle[] {
  return MINUTES.map((time, i) => {
    const p = Number((400 + shift + Math.round(Math.sin(i / 17) * 60) * 0.05).toFixed(2));
    return { symbol, time, tradingDate: DATE, open: p, high: Number((p + 0.1).toFixed(2)), low: Number((p - 0.1).toFixed(2)), close: p, volume: 10 + (i % 7) };
  });
}

let rig: BrowserRig;

beforeAll(async () => {
  rig = await startBrowserRig('load', {
    seed: async (db) => {
      for (const [i, s] of SYMBOLS.entries()) await writeCandles(db.pool, 'futures_101', day(s, i));
    },
  });
}, 180_000);

afterAll(async () => rig?.close());

describe('candle page with a trading day for 10 instruments', () => {
  it('draws every stored bar; first paint is printed', async () => {
    const { page, problems } = await openPage(rig.browser, ADMIN);
    const started = Date.now();
    await page.goto(`${rig.dash.url}/charts/candles?symbol=A01612&from=${DATE}&to=${DATE}`);
    await page.waitForFunction('window.krtrade && window.krtrade.ready', { timeout: 30_000 });
    const drawnMs = Date.now() - started;
    const paint = (await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null)) as number | null;
    const bars = (await page.evaluate('window.krtrade.candles.data().filter((p) => p.open !== undefined).length')) as number;
    console.log(`candle page, ${SYMBOLS.length} instruments × ${MINUTES.length} bars stored: first contentful paint ${paint === null ? 'n/a' : `${Math.round(paint)} ms`} (goal ≤ 1,000 ms), chart drawn ${drawnMs} ms`);
    expect(bars).toBe(MINUTES.length);
    expect(problems).toEqual([]);
    await page.close();
  });
});
