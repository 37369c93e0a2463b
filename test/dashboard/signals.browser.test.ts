/**
 * The signals page in Chromium: trade signals of one trading date newest first, the night session
 * counted for the next trading date, prices at the instrument's tick precision, filters by strategy and
 * symbol, and the per-minute monitor rows only on request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kstTime, type KstDate } from '../../src/time/kst.js';
import { storeSignals } from '../../src/strategy/store.js';
import type { Signal } from '../../src/db/types.js';
import type { Page } from 'puppeteer-core';
import { openPage, screenshot } from '../helpers/browser.js';
import { ADMIN, VIEWER, startBrowserRig, type BrowserRig } from '../helpers/browser-dashboard.js';

const DATE = '2026-11-24' as KstDate;
const FUT = 'A01612';
const signals: Signal[] = [
  // The evening of 11-23 belongs to trading date 11-24 (night session).
  { strategy: 'vwap-atr', time: kstTime(2026, 11, 23, 19, 30), symbol: FUT, kind: 'enter_short', value: 402.35, payload: { reason: 'upper_band_cross' } },
  { strategy: 'vwap-atr', time: kstTime(2026, 11, 24, 9, 31), symbol: FUT, kind: 'exit', value: 401.1, payload: { reason: 'vwap', late: true } },
  { strategy: 'vwap-atr', time: kstTime(2026, 11, 24, 9, 31), symbol: '005930', kind: 'enter_long', value: 71_900, payload: { reason: 'lower_band_cross' } },
  { strategy: 'breakout', time: kstTime(2026, 11, 24, 10, 2), symbol: FUT, kind: 'enter_long', value: 403, payload: {} },
  { strategy: 'vwap-atr', time: kstTime(2026, 11, 24, 10, 3), symbol: FUT, kind: 'monitor', value: -1.234, payload: { position: 'flat' } },
  // The evening of 11-24 belongs to 11-25: not on this page.
  { strategy: 'vwap-atr', time: kstTime(2026, 11, 24, 18, 5), symbol: FUT, kind: 'enter_long', value: 400.5, payload: {} },
];

let rig: BrowserRig;

beforeAll(async () => {
  rig = await startBrowserRig('signals-page', {
    seed: async (db) => {
      for (const s of ['vwap-atr', 'breakout']) await storeSignals(db.pool, s, [], signals.filter((x) => x.strategy === s));
    },
  });
}, 120_000);

afterAll(async () => rig?.close());

const rows = (page: Page) =>
  page.$$eval('table.signals tr:not(:first-child)', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));

describe('signals page in Chromium', () => {
  it('lists the trade signals of a trading date, newest first, at tick precision, night session included', async () => {
    const { page, problems } = await openPage(rig.browser, VIEWER);
    await page.goto(`${rig.dash.url}/charts/signals?date=${DATE}`);
    expect(await rows(page)).toEqual([
      ['2026-11-24 10:02', 'breakout', FUT, 'enter long', '403.00', '—'],
      ['2026-11-24 09:31', 'vwap-atr', '005930', 'enter long', '71,900', 'lower band cross'],
      ['2026-11-24 09:31', 'vwap-atr', FUT, 'exit', '401.10', 'vwap · late'],
      ['2026-11-23 19:30', 'vwap-atr', FUT, 'enter short', '402.35', 'upper band cross'],
    ]);
    await screenshot(page, 'signals');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('filters by strategy and symbol; monitor rows only on request; the newest date by default', async () => {
    const { page, problems } = await openPage(rig.browser, ADMIN);
    await page.goto(`${rig.dash.url}/charts/signals?date=${DATE}&strategy=vwap-atr&symbol=${FUT}&all=1`);
    expect((await rows(page)).map((r) => [r[0], r[3], r[4]])).toEqual([
      ['2026-11-24 10:03', 'monitor', '-1.23'],
      ['2026-11-24 09:31', 'exit', '401.10'],
      ['2026-11-23 19:30', 'enter short', '402.35'],
    ]);
    await page.goto(`${rig.dash.url}/charts/signals`);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('signals, trading date 2026-11-25');
    expect((await rows(page)).map((r) => r[0])).toEqual(['2026-11-24 18:05']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses a bad date or symbol in one line', async () => {
    const auth = `Basic ${Buffer.from(`${VIEWER.username}:${VIEWER.password}`).toString('base64')}`;
    for (const q of ['date=2026-02-30', 'symbol=%3Cscript%3E']) {
      const r = await fetch(`${rig.dash.url}/charts/signals?${q}`, { headers: { authorization: auth } });
      expect(r.status).toBe(400);
      expect((await r.text()).split('\n')).toHaveLength(1);
    }
  });
});
