/**
 * The realtime stream on the data-quality page, in Chromium: first with no stream at all (the page says
 * so, every instrument "not streamed"), then with a worker's status, the shared registrations, records
 * committed by the real recorder and a gap recorded by the real GapRecorder; and with Redis unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Page } from 'puppeteer-core';
import { AcceleratedClock } from '../../src/time/clock.js';
import { kstTime, toInstant, type KstDate, type KstTime } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Candle } from '../../src/db/types.js';
import { StreamRecorder } from '../../src/stream/recorder.js';
import { GapRecorder } from '../../src/stream/gaps.js';
import { publishWorkerStatus } from '../../src/stream/status.js';
import { assignmentKey, readStreamView } from '../../src/stream/stream-view.js';
import { streamSummary } from '../../dashboard/charts/quality-stream.js';
import { openPage, screenshot } from '../helpers/browser.js';
import { ADMIN, startBrowserRig, type BrowserRig } from '../helpers/browser-dashboard.js';
import { stockTrade } from '../stream/recorder-fixtures.js';

const DATE = '2026-11-24' as KstDate;
const cal = defaultCalendar();
const at = (h: number, m: number, s = 0): KstTime => kstTime(2026, 11, 24, h, m, s);
const clock = new AcceleratedClock(toInstant(at(10, 30)), 1);

function stockMorning(symbol: string): Candle[] {
  return cal.candleMinutes('stocks', DATE).filter((t) => t < at(10, 30)).map((time, i) => ({ symbol, time, tradingDate: DATE, open: 72_000 + i, high: 72_100 + i, low: 71_900 + i, close: 72_000 + i, volume: 10 }));
}

let rig: BrowserRig;

beforeAll(async () => {
  rig = await startBrowserRig('qstream', {
    seed: async (db) => {
      await writeCandles(db.pool, 'stocks_1m', stockMorning('005930'));
      await writeCandles(db.pool, 'stocks_1m', stockMorning('000660'));
    },
    extra: { clock },
  });
}, 120_000);

afterAll(async () => rig?.close());

const cellsOf = (symbol: string) => `#quality tr[data-symbol="${symbol}"]`;
type Cells = { stream: string; last: string; gaps: string };

async function streamCells(symbol: string, page: Page): Promise<Cells> {
  return page.$eval(cellsOf(symbol), (tr) => ({
    stream: tr.querySelector('.stream')!.textContent!, last: tr.querySelector('.stream-last')!.textContent!, gaps: tr.querySelector('.stream-gaps')!.textContent!,
  }));
}

describe('data-quality page: the realtime stream', () => {
  it('without any stream: says no worker runs, every instrument "not streamed"', async () => {
    const { page, problems } = await openPage(rig.browser, ADMIN);
    await page.goto(`${rig.dash.url}/charts/quality?date=${DATE}`);
    expect(await page.$eval('#stream-summary', (p) => p.textContent)).toContain('No stream worker is running');
    for (const s of ['005930', '000660']) expect(await streamCells(s, page)).toEqual({ stream: 'not streamed', last: '—', gaps: '—' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('with a stream: registration, holder and connection, last record and lag, gaps per instrument', async () => {
    const { pool } = rig.db;
    const redis = rig.h.redis;
    await publishWorkerStatus(redis, rig.prefix, {
      holder: 'host-a:4242', keys: [{ account: 'main', state: 'open', fence: 3, registrations: 2, records: 3 }], recordsPerSec: 12.5, lagMs: 85, at: new Date().toISOString(),
    }, 600_000);
    await redis.hset(assignmentKey(rig.prefix), 'main', JSON.stringify([
      { trId: 'H0STCNT0', trKey: '005930', family: 'stock', kind: 'ticks' },
      { trId: 'H0STASP0', trKey: '005930', family: 'stock', kind: 'quotes' },
    ]));
    const recorder = new StreamRecorder({ pool });
    recorder.write(stockTrade('005930', at(10, 29, 40), 72_300, 5, 5));
    recorder.write(stockTrade('005930', at(10, 29, 50), 72_400, 2, 7));
    await recorder.close();
    const gaps = new GapRecorder({ pool, redis, prefix: rig.prefix, clock, calendar: cal, familyOf: () => null, backfill: () => Promise.resolve() });
    await gaps.record({ appKeyName: 'main', codes: ['005930'], from: at(10, 1, 5), to: at(10, 1, 40), reason: 'reconnect' });
    await gaps.close();

    const { page, problems } = await openPage(rig.browser, ADMIN);
    await page.goto(`${rig.dash.url}/charts/quality?date=${DATE}`);
    expect(await page.$eval('#stream-summary', (p) => p.textContent)).toBe('1 stream worker; "open" is connected.');
    expect(await page.$eval('#stream-workers', (p) => p.textContent)).toBe('host-a:4242: main (open, 2 registrations); 12.5 records/s, commit lag 85 ms');
    const held = await streamCells('005930', page);
    expect(held.stream).toBe('ticks, quotes on main: held by host-a:4242, open');
    // Now is 10:30 + the real seconds since the rig started (speed 1): the last record is ≥ 10 s behind.
    expect(held.last).toMatch(/^10:29:50 \(2 records\), (\d+) s ago; commit lag 85 ms$/);
    expect(Number(/, (\d+) s ago/.exec(held.last)![1])).toBeGreaterThanOrEqual(10);
    expect(held.gaps).toBe('10:01:05–10:01:40 reconnect');
    expect(await streamCells('000660', page)).toEqual({ stream: 'not streamed', last: '—', gaps: '—' });
    // The session so far: 09:00–10:29 have closed and are stored; later minutes are not missing yet.
    expect(await page.$eval(cellsOf('005930'), (tr) => [tr.querySelector('.expected')!.textContent, tr.querySelector('.missing')!.textContent, !!tr.querySelector('form.repair')])).toEqual(['90', '0', false]);
    await screenshot(page, 'data-quality-stream');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Redis unreachable: the stream part says so in one line, the rest still reads', async () => {
    const dead = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on('error', () => undefined);
    try {
      const view = await readStreamView(rig.db.pool, dead, rig.prefix, DATE);
      expect(view.redisProblem).toMatch(/^Redis: /);
      expect(view.instruments.get('005930')?.lastTime).toBe(at(10, 29, 50));
      expect(streamSummary(view)).toContain('Stream status unavailable (Redis: ');
    } finally {
      dead.disconnect();
    }
  });
});
