/**
 * The forming bar on the candle chart, in Chromium: trades stored by the stream's recorder during the test
 * (real PostgreSQL commit → Redis pub/sub → the dashboard's SSE) move the current minute's bar without a
 * reload, within 2 s of the commit; the stored candle of that minute then replaces it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kstTime, type KstDate, type KstTime } from '../../src/time/kst.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Candle } from '../../src/db/types.js';
import { CandlePublisher } from '../../src/live/candle-bus.js';
import { StreamRecorder } from '../../src/stream/recorder.js';
import { FormingBarPublisher } from '../../src/stream/forming-bars.js';
import { createStorage } from '../../workers/adapters/storage.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { ADMIN, startBrowserRig, type BrowserRig } from '../helpers/browser-dashboard.js';
import { openPage, screenshot } from '../helpers/browser.js';
import { futuresTrade } from '../stream/recorder-fixtures.js';

const DATE = '2026-11-24' as KstDate;
const at = (h: number, m: number, s = 0): KstTime => kstTime(2026, 11, 24, h, m, s);
const SYMBOL = 'A01612';

function candles(): Candle[] {
  return Array.from({ length: 30 }, (_, m) => {
    const p = 400 + (m % 5) * 0.05;
    return { symbol: SYMBOL, time: at(9, m), tradingDate: DATE, open: p, high: p + 0.1, low: p - 0.1, close: p, volume: 10 };
  });
}

let rig: BrowserRig;
let recorder: StreamRecorder;
let forming: FormingBarPublisher;

beforeAll(async () => {
  rig = await startBrowserRig('forming', { seed: (db) => writeCandles(db.pool, 'futures_101', candles()) });
  forming = new FormingBarPublisher({ publisher: new CandlePublisher(rig.h.redis, rig.prefix), intervalMs: 100 });
  recorder = new StreamRecorder({ pool: rig.db.pool, onCommit: (c) => forming.onCommit(c.records) });
}, 120_000);

afterAll(async () => {
  forming?.close();
  await recorder?.close();
  await rig?.close();
});

type Point = { time: number; open?: number; high?: number; low?: number; close?: number };
const barAt = (t: KstTime) => `window.krtrade.candles.data().find((p) => p.time === ${t / 1000})`;

describe('forming bar from stored trades', () => {
  it('moves with each stored trade, without a reload, then gives way to the stored candle', async () => {
    const { page, problems } = await openPage(rig.browser, ADMIN);
    await page.goto(`${rig.dash.url}/charts/candles?symbol=${SYMBOL}`);
    await page.waitForFunction('window.krtrade && window.krtrade.ready', { timeout: 20_000 });
    await page.waitForFunction('window.krtrade.live', { timeout: 10_000 });
    const before = (await page.evaluate('window.krtrade.candles.data().length')) as number;
    const t = at(9, 30);

    recorder.write(futuresTrade(SYMBOL, at(9, 30, 5), 401.25, 3, 1));
    const first = Date.now();
    await recorder.flush();
    await page.waitForFunction(`(${barAt(t)} || {}).close === 401.25`, { timeout: 2_000 });
    console.log(`forming bar on the page ${Date.now() - first} ms after the trade was written`);

    recorder.write(futuresTrade(SYMBOL, at(9, 30, 20), 401.5, 2, 3));
    recorder.write(futuresTrade(SYMBOL, at(9, 30, 31), 401.1, 1, 4));
    await recorder.flush();
    await page.waitForFunction(`(${barAt(t)} || {}).close === 401.1`, { timeout: 2_000 });
    expect(await page.evaluate(barAt(t))).toEqual({ time: t / 1000, open: 401.25, high: 401.5, low: 401.1, close: 401.1 });
    expect(await page.evaluate('window.krtrade.lastLive.volume')).toBe(6);
    // Nothing reloaded: the same page state, one bar more.
    expect(await page.evaluate('window.krtrade.candles.data().length')).toBe(before + 1);
    await screenshot(page, 'candles-forming-bar');

    // The stored candle of that minute (the REST poll) replaces the forming bar.
    const storage = createStorage(rig.db.pool, defaultCalendar(), 10, new CandlePublisher(rig.h.redis, rig.prefix));
    await storage.writeCandles('kospi200', [{ code: SYMBOL, time: t, open: 401.25, high: 401.55, low: 401.05, close: 401.2, volume: 9 }]);
    await page.waitForFunction(`(${barAt(t)} || {}).close === 401.2`, { timeout: 2_000 });
    expect(((await page.evaluate(barAt(t))) as Point).high).toBe(401.55);
    expect(problems).toEqual([]);
    await page.close();
  });
});
