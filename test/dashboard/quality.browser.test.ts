/**
 * The data-quality page in Chromium: expected vs stored minutes per instrument from the calendar, the
 * gaps as KST ranges, a repair button for the admin only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceleratedClock } from '../../src/time/clock.js';
import { kstTime, toInstant, type KstDate, type KstTime } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Candle } from '../../src/db/types.js';
import { openPage, screenshot } from '../helpers/browser.js';
import { ADMIN, VIEWER, startBrowserRig, type BrowserRig } from '../helpers/browser-dashboard.js';

const DATE = '2026-11-24' as KstDate;
const cal = defaultCalendar();

/** Every stocks-session minute of DATE except `skip`. */
function stockDay(symbol: string, skip: (t: KstTime) => boolean): Candle[] {
  return cal.candleMinutes('stocks', DATE).filter((t) => !skip(t)).map((time, i) => ({ symbol, time, tradingDate: DATE, open: 72_000 + i * 100, high: 72_100 + i * 100, low: 71_900 + i * 100, close: 72_000 + i * 100, volume: 10 }));
}

let rig: BrowserRig;

beforeAll(async () => {
  const gap = (t: KstTime) => t >= kstTime(2026, 11, 24, 10, 0) && t < kstTime(2026, 11, 24, 10, 5);
  rig = await startBrowserRig('quality', {
    seed: async (db) => {
      await writeCandles(db.pool, 'stocks_1m', stockDay('005930', () => false));
      await writeCandles(db.pool, 'stocks_1m', stockDay('000660', (t) => gap(t) || t === kstTime(2026, 11, 24, 13, 0)));
    },
    extra: { clock: new AcceleratedClock(toInstant(kstTime(2026, 11, 24, 16, 0)), 1) },
  });
}, 120_000);

afterAll(async () => rig?.close());

const rowOf = (symbol: string) => `#quality tr[data-symbol="${symbol}"]`;

describe('data-quality page in Chromium', () => {
  it('shows expected vs stored minutes and the gaps in KST; the admin gets a repair button', async () => {
    const { page, problems } = await openPage(rig.browser, ADMIN);
    await page.goto(`${rig.dash.url}/charts/quality?date=${DATE}`);
    const expected = cal.expectedCandles('stocks', DATE);
    const cells = (symbol: string) => page.$eval(rowOf(symbol), (tr) => ({
      expected: tr.querySelector('.expected')!.textContent, stored: tr.querySelector('.stored')!.textContent,
      missing: tr.querySelector('.missing')!.textContent, gaps: tr.querySelector('.gaps')!.textContent, repair: !!tr.querySelector('form.repair'),
    }));
    expect(await cells('005930')).toEqual({ expected: String(expected), stored: String(expected), missing: '0', gaps: '—', repair: false });
    expect(await cells('000660')).toEqual({ expected: String(expected), stored: String(expected - 6), missing: '6', gaps: '10:00–10:04 (5), 13:00', repair: true });
    await screenshot(page, 'data-quality-admin');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('clicking "repair" enqueues the backfill and lands back on the page with the notice', async () => {
    const { page, problems } = await openPage(rig.browser, ADMIN);
    await page.goto(`${rig.dash.url}/charts/quality?date=${DATE}`);
    await Promise.all([page.waitForNavigation(), page.click(`${rowOf('000660')} form.repair button`)]);
    const landed = new URL(page.url());
    expect(landed.pathname).toBe('/charts/quality');
    expect(landed.searchParams.get('date')).toBe(DATE);
    expect(await page.$eval('#notice', (p) => p.textContent)).toBe('000660: 6 missing minutes enqueued as backfill. Reload to see them stored.');
    const jobs = await rig.h.services.queues.queues.backfill.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
    expect(jobs.map((j) => (j.data as { code: string }).code)).toEqual(['000660', '000660']);
    await screenshot(page, 'data-quality-repaired');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the viewer sees the same numbers and no action', async () => {
    const { page, problems } = await openPage(rig.browser, VIEWER);
    await page.goto(`${rig.dash.url}/charts/quality?date=${DATE}`);
    expect(await page.$eval(rowOf('000660'), (tr) => tr.querySelector('.missing')!.textContent)).toBe('6');
    expect(await page.$$('form.repair')).toHaveLength(0);
    expect(await page.$$('button')).toHaveLength(1); // the date picker's "show" only
    expect(problems).toEqual([]);
    await page.close();
  });
});
