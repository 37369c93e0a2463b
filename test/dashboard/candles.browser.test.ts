/**
 * The interactive candle chart in a real Chromium: the data drawn equals the stored rows, stored gaps
 * stay empty, a candle committed during the test appears without a reload, signals are marked, and a
 * wrong login gets 401. Screenshots land in test-results/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { RealClock } from '../../src/time/clock.js';
import { kstTime, type KstDate, type KstTime } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { writeCandles } from '../../src/db/writer.js';
import { writeSignals } from '../../src/db/writer-ops.js';
import type { Candle } from '../../src/db/types.js';
import { CandlePublisher } from '../../src/live/candle-bus.js';
import { createStorage } from '../../workers/adapters/storage.js';
import { startDashboard, type Dashboard } from '../../dashboard/server.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { deleteKeys, testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';
import { launchBrowser, openPage, screenshot } from '../helpers/browser.js';

const ADMIN = { username: 'ops', password: 'Kiwi-Harbor-7-Lantern' };
const DATE = '2026-11-24' as KstDate;
const at = (h: number, m: number): KstTime => kstTime(2026, 11, 24, h, m);
const GAP = [at(9, 10), at(9, 11), at(9, 12)];

/** 09:00–09:59 on the 0.05 grid, without the GAP minutes; a trending walk so bands and signals exist. */
function futureCandles(symbol: string, shift = 0): Candle[] {
  const out: Candle[] = [];
  for (let m = 0; m < 60; m++) {
    const time = at(9, m);
    if (GAP.includes(time)) continue;
    const base = 400 + shift + Math.round(Math.sin(m / 5) * 40) * 0.05;
    const open = Number(base.toFixed(2));
    const close = Number((base + (m % 3 === 0 ? 0.1 : -0.05)).toFixed(2));
    out.push({ symbol, time, tradingDate: DATE, open, high: Number((Math.max(open, close) + 0.15).toFixed(2)), low: Number((Math.min(open, close) - 0.1).toFixed(2)), close, volume: 100 + m });
  }
  return out;
}

let db: TestDb;
let h: QueueHarness;
let dash: Dashboard;
let browser: Browser;
const prefix = testPrefix('chart');

beforeAll(async () => {
  db = await createTestDb();
  h = queueHarness(prefix, new RealClock());
  await writeCandles(db.pool, 'futures_101', futureCandles('A01612'));
  // Nine more instruments with the same day stored: the page must stay fast with a populated database.
  for (let i = 1; i <= 9; i++) await writeCandles(db.pool, 'futures_101', futureCandles(`A0161${i}X`.slice(0, 6) + String(i), i));
  await writeSignals(db.pool, [{ strategy: 'vwap-atr', time: at(9, 30), symbol: 'A01612', kind: 'enter_long', value: 400.1 }]);
  dash = await startDashboard({
    host: '127.0.0.1', port: 0, readOnly: false, insecureLocal: false, ...ADMIN, prefix,
    queues: h.services.queues.queues, redis: h.redis, pool: db.pool, stats: h.services.stats, clock: new RealClock(), log: h.services.log,
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await h?.close();
  await db?.drop();
  await deleteKeys(prefix);
});

type Point = { time: number; open?: number; high?: number; low?: number; close?: number };

describe('candle chart in Chromium', () => {
  it('draws exactly the stored rows, leaves gaps empty, marks signals; a committed candle appears live', async () => {
    const { page, problems } = await openPage(browser, ADMIN);
    const started = Date.now();
    await page.goto(`${dash.url}/charts/candles?symbol=A01612`);
    await page.waitForFunction('window.krtrade && window.krtrade.ready', { timeout: 20_000 });
    const drawnMs = Date.now() - started;
    const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    console.log(`candle page, 10 instruments stored: first contentful paint ${paint === null ? 'n/a' : `${Math.round(paint)} ms`}, chart drawn ${drawnMs} ms`);

    const drawn = (await page.evaluate('window.krtrade.candles.data()')) as Point[];
    const stored = futureCandles('A01612');
    const bars = drawn.filter((p) => p.open !== undefined);
    expect(bars).toEqual(stored.map((c) => ({ time: c.time / 1000, open: c.open, high: c.high, low: c.low, close: c.close })));
    // The gap keeps its three empty slots on the time axis (not joined): 09:09 → 09:13 is 4 slots.
    const slot = (t: KstTime) => page.evaluate(`window.krtrade.chart.timeScale().timeToIndex(${t / 1000}, false)`) as Promise<number | null>;
    expect((await slot(at(9, 13)))! - (await slot(at(9, 9)))!).toBe(4);
    for (const g of GAP) expect(await slot(g), 'gap slot').not.toBeNull();
    expect(await page.evaluate(`window.krtrade.candles.dataByIndex(${(await slot(GAP[0]!))!}, 0)`)).toBeNull();
    expect(await page.$eval('#notes', (e) => e.textContent)).toContain('3 gaps, 1 signal');
    // The axis and legend read KST wall-clock: 09:30 is labelled 09:30 whatever the browser zone.
    const markers = (await page.evaluate('window.krtrade.data.signals')) as { time: number; kind: string }[];
    expect(markers).toEqual([expect.objectContaining({ time: at(9, 30) / 1000, kind: 'enter_long' })]);
    await page.waitForFunction('window.krtrade.live', { timeout: 10_000 });
    await screenshot(page, 'candles-A01612');

    // Committed through the pipeline's own storage port: the chart has it within 2 s, no reload.
    const storage = createStorage(db.pool, defaultCalendar(), 10, new CandlePublisher(h.redis, prefix));
    const t = at(10, 0);
    const written = Date.now();
    await storage.writeCandles('kospi200', [{ code: 'A01612', time: t, open: 401.5, high: 401.9, low: 401.2, close: 401.8, volume: 321 }]);
    await page.waitForFunction(`window.krtrade.candles.data().some((p) => p.time === ${t / 1000} && p.close === 401.8)`, { timeout: 2_000 });
    console.log(`live candle on the page ${Date.now() - written} ms after its commit`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('resamples to 5-minute bars from the same rows', async () => {
    const { page, problems } = await openPage(browser, ADMIN);
    await page.goto(`${dash.url}/charts/candles?symbol=A01612&tf=5&from=${DATE}&to=${DATE}`);
    await page.waitForFunction('window.krtrade && window.krtrade.ready', { timeout: 20_000 });
    const bars = ((await page.evaluate('window.krtrade.candles.data()')) as Point[]).filter((p) => p.open !== undefined);
    const stored = futureCandles('A01612').concat();
    const first = stored.filter((c) => c.time < at(9, 5));
    expect(bars[0]).toEqual({ time: at(9, 0) / 1000, open: first[0]!.open, high: Math.max(...first.map((c) => c.high)), low: Math.min(...first.map((c) => c.low)), close: first.at(-1)!.close });
    // 09:10–09:14 keeps two stored minutes: a bar, not a gap.
    expect(bars.map((b) => b.time)).toContain(at(9, 10) / 1000);
    expect(bars.filter((b) => b.time < at(10, 0) / 1000)).toHaveLength(12);
    await screenshot(page, 'candles-A01612-5min');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a wrong login gets 401 and no chart', async () => {
    const { page } = await openPage(browser, { username: 'ops', password: 'wrong-password-here' });
    const res = await page.goto(`${dash.url}/charts/candles?symbol=A01612`);
    expect(res?.status()).toBe(401);
    await page.close();
  });
});
