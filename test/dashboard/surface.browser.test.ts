/**
 * The volatility-surface page in Chromium: per expiry the smile at one minute (our IV and KIS's, out of
 * the money, the fitted SVI curve, the forward marked), the ATM term structure, and ATM IV / 25Δ RR / BF
 * over the day; vols in percent, strikes at the index's precision, times KST; no console error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { kstTime, type KstDate, type KstTime } from '../../src/time/kst.js';
import { writeVolSurface, type VolSurfaceRow } from '../../src/db/vol-surface.js';
import { writeOptionChain } from '../../src/db/writer.js';
import type { OptionChainRow } from '../../src/db/types.js';
import { sviVol } from '../../src/options/smile.js';
import { openPage, screenshot } from '../helpers/browser.js';
import { VIEWER, startBrowserRig, type BrowserRig } from '../helpers/browser-dashboard.js';

const EXPIRIES = [
  { expiry: '2026-11-26' as KstDate, T: 2.25 / 365, forward: 401.2, svi: { a: 0.0001, b: 0.01, rho: -0.5, m: 0, s: 0.05 } },
  { expiry: '2026-12-10' as KstDate, T: 16.25 / 365, forward: 401.6, svi: { a: 0.001, b: 0.03, rho: -0.45, m: 0, s: 0.08 } },
];
const MINUTES = 10; // 09:00 … 09:09
const at = (m: number): KstTime => (kstTime(2026, 11, 24, 9, 0) + m * 60_000) as KstTime;
const STRIKES = Array.from({ length: 17 }, (_, i) => 380 + 2.5 * i);
const ownIv = (e: (typeof EXPIRIES)[number], k: number, m: number) => Number((100 * sviVol(e.svi, Math.log(k / e.forward), e.T) + 0.01 * m).toFixed(2));

function surfaceRows(): VolSurfaceRow[] {
  return Array.from({ length: MINUTES }, (_, m) =>
    EXPIRIES.map((e) => ({
      time: at(m), underlyingSymbol: `KOSPI200:${e.expiry.replaceAll('-', '')}`, underlying: 'KOSPI200', expiry: e.expiry,
      forward: e.forward, forwardSource: 'parity' as const, forwardUncertainty: 0.02, underlyingPrice: 400.9, yearsToExpiry: e.T, rate: 0.03,
      atmIv: ownIv(e, e.forward, m), rr25: -2 - 0.1 * m, bf25: 0.4, skewSlope: -8, svi: e.svi, fitRmse: 0.05, fitPoints: STRIKES.length,
      butterflyArbitrage: false, calendarArbitrage: false,
    })),
  ).flat();
}

function chain(m: number): OptionChainRow[] {
  return EXPIRIES.flatMap((e, series) =>
    STRIKES.flatMap((k) =>
      (['call', 'put'] as const).map((right) => ({
        // One code per series, right and strike (the weekly's product digits differ from the monthly's).
        time: at(m), code: `${right === 'call' ? 'B' : 'C'}${series ? '01' : '09'}612${String(k * 10).slice(0, 3)}`, underlyingSymbol: `KOSPI200:${e.expiry.replaceAll('-', '')}`,
        expiry: e.expiry, strike: k, right, price: 1, iv: ownIv(e, k, m) + 0.3, ownIv: k === 390 && right === 'put' ? null : ownIv(e, k, m),
        ownIvMissingReason: k === 390 && right === 'put' ? 'no_price' : null, forward: e.forward, yearsToExpiry: e.T,
      })),
    ),
  );
}

let rig: BrowserRig;

beforeAll(async () => {
  rig = await startBrowserRig('surface-page', {
    seed: async (db) => {
      await writeVolSurface(db.pool, surfaceRows());
      for (const m of [5, MINUTES - 1]) await writeOptionChain(db.pool, chain(m));
    },
  });
}, 120_000);

afterAll(async () => rig?.close());

const smileOf = (page: Page, expiry: string) =>
  page.$eval(`section.smile[data-expiry="${expiry}"]`, (s) => ({
    title: s.querySelector('text.title')!.textContent,
    own: [...s.querySelectorAll('circle.own title')].map((t) => t.textContent),
    kis: s.querySelectorAll('circle.kis').length,
    fit: !!s.querySelector('polyline.fit'),
    forward: !!s.querySelector('line.x-mark'),
    axes: [...s.querySelectorAll('text.axis-title')].map((t) => t.textContent),
  }));

describe('volatility-surface page in Chromium', () => {
  it('shows each expiry\'s smile at the newest minute: our IV and KIS\'s out of the money, the fit, the forward', async () => {
    const { page, problems } = await openPage(rig.browser, VIEWER);
    await page.goto(`${rig.dash.url}/charts/surface?underlying=KOSPI200`);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('KOSPI200 volatility surface, 2026-11-24 09:09 KST');
    const [weekly, monthly] = [await smileOf(page, '2026-11-26'), await smileOf(page, '2026-12-10')];
    expect(weekly.title).toBe(`expiry 2026-11-26 at 2026-11-24 09:09 KST: forward 401.20, ATM IV ${ownIv(EXPIRIES[0]!, 401.2, 9).toFixed(2)}%`);
    // Out of the money: puts below the forward (380 … 400), calls above (402.5 … 420); the 390 put has no IV.
    expect(weekly.own).toHaveLength(STRIKES.length - 1);
    expect(weekly.own).toContain(`put 385.00: our IV ${ownIv(EXPIRIES[0]!, 385, 9).toFixed(2)}%`);
    expect(weekly.own).toContain(`call 410.00: our IV ${ownIv(EXPIRIES[0]!, 410, 9).toFixed(2)}%`);
    expect(weekly.kis).toBe(STRIKES.length);
    expect(weekly).toMatchObject({ fit: true, forward: true, axes: ['strike (points); dashed line: forward', 'implied volatility (%)'] });
    expect(monthly.own).toHaveLength(STRIKES.length - 1);
    await screenshot(page, 'vol-surface');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('term structure and the day series: one point per expiry, one per minute', async () => {
    const { page, problems } = await openPage(rig.browser, VIEWER);
    await page.goto(`${rig.dash.url}/charts/surface?underlying=KOSPI200&date=2026-11-24`);
    expect(await page.$$eval('section.term circle.term', (c) => c.length)).toBe(2);
    const points = (cls: string) => page.$$eval(`section.day polyline.${cls}`, (ls) => ls.map((l) => l.getAttribute('points')!.split(' ').length));
    expect(await points('atm')).toEqual([MINUTES, MINUTES]);
    expect(await points('rr25')).toEqual([MINUTES, MINUTES]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('time=HH:MM shows the slices at or before it; bad input is one line', async () => {
    const { page } = await openPage(rig.browser, VIEWER);
    await page.goto(`${rig.dash.url}/charts/surface?underlying=KOSPI200&date=2026-11-24&time=09:07`);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('KOSPI200 volatility surface, 2026-11-24 09:07 KST');
    // No board stored at 09:07: the slice is there, the smile points are not.
    expect((await smileOf(page, '2026-12-10')).own).toEqual([]);
    await page.goto(`${rig.dash.url}/charts/surface?underlying=KOSPI200&date=2026-11-24&time=09:05`);
    expect((await smileOf(page, '2026-12-10')).own).toContain(`call 410.00: our IV ${ownIv(EXPIRIES[1]!, 410, 5).toFixed(2)}%`);
    await page.close();
    const auth = `Basic ${Buffer.from(`${VIEWER.username}:${VIEWER.password}`).toString('base64')}`;
    const r = await fetch(`${rig.dash.url}/charts/surface?time=9h`, { headers: { authorization: auth } });
    expect(r.status).toBe(400);
    expect(await r.text()).toBe('time "9h" is not a time HH:MM (KST)');
  });
});
