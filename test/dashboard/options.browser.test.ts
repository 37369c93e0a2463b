/**
 * Option pages in Chromium: the heatmap shows relative and absolute strike labels and its legend inside
 * the window, the smile titles its axes with units; no console error. Screenshots for a person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { RealClock } from '../../src/time/clock.js';
import { kstTime, type KstTime } from '../../src/time/kst.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import type { OptionMatrixRow } from '../../src/db/types.js';
import { startDashboard, type Dashboard } from '../../dashboard/server.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';
import { launchBrowser, openPage, screenshot } from '../helpers/browser.js';

const ADMIN = { username: 'ops', password: 'Kiwi-Harbor-7-Lantern' };
const N = 10;
const UNDERLYING = 'KOSPI200:20261210';

/** A KOSPI200-like IV smile in percent, 10 strikes a side, one row per minute with a drifting ATM level. */
function ivRow(minute: number): OptionMatrixRow {
  const smile = (k: number) => Number((18 + 0.04 * k * k - 0.25 * k + minute * 0.05).toFixed(2));
  const calls = Array.from({ length: 2 * N + 1 }, (_, i) => smile(i - N));
  const puts = Array.from({ length: 2 * N + 1 }, (_, i) => (i === 0 ? null : smile(N - i)));
  return { time: (kstTime(2026, 11, 24, 9, 0) + minute * 60_000) as KstTime, underlyingSymbol: UNDERLYING, metric: 'iv', atmStrike: 1002.5, strikeStep: 2.5, calls, puts };
}

let db: TestDb;
let h: QueueHarness;
let dash: Dashboard;
let browser: Browser;

beforeAll(async () => {
  db = await createTestDb();
  h = queueHarness(testPrefix('optpages'), new RealClock());
  await writeOptionMatrices(db.pool, '101', Array.from({ length: 30 }, (_, m) => ivRow(m)), { strikesPerSide: N });
  dash = await startDashboard({
    host: '127.0.0.1', port: 0, readOnly: true, insecureLocal: false, ...ADMIN,
    queues: h.services.queues.queues, redis: h.redis, pool: db.pool, stats: h.services.stats, clock: new RealClock(), log: h.services.log,
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await h?.close();
  await db?.drop();
});

describe('option pages in Chromium', () => {
  it('heatmap: strike labels relative and absolute, legend with its unit inside the window', async () => {
    const { page, problems } = await openPage(browser, ADMIN);
    await page.goto(`${dash.url}/charts/matrix?underlying=${UNDERLYING}&product=101&metric=iv`);
    const rel = await page.$$eval('text.rel', (els) => els.map((e) => e.textContent));
    expect(rel.slice(0, 2 * N + 1)).toEqual([...Array.from({ length: N }, (_, i) => `ITM${N - i}`), 'ATM', ...Array.from({ length: N }, (_, i) => `OTM${i + 1}`)]);
    const strikes = await page.$$eval('text.strike', (els) => els.map((e) => e.textContent));
    expect(strikes[0]).toBe('977.50');
    expect(strikes[N]).toBe('1,002.50');
    expect(strikes[2 * N]).toBe('1,027.50');
    const viewport = page.viewport()!;
    const lastStrike = (await page.$$('text.strike')).at(-1)!;
    for (const [sel, el] of [['.legend-min', await page.$('.legend-min')], ['.legend-max', await page.$('.legend-max')], ['.legend-unit', await page.$('.legend-unit')], ['last strike', lastStrike]] as const) {
      const box = await el!.boundingBox();
      expect(box, sel).not.toBeNull();
      expect(box!.x + box!.width, sel).toBeLessThanOrEqual(viewport.width);
      expect(box!.x, sel).toBeGreaterThanOrEqual(0);
    }
    expect(await page.$eval('.legend-unit', (e) => e.textContent)).toBe('IV, % per year');
    await screenshot(page, 'options-heatmap-iv');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('smile: axes titled with units, strikes at tick precision, hover values', async () => {
    const { page, problems } = await openPage(browser, ADMIN);
    await page.goto(`${dash.url}/charts/smile?underlying=${UNDERLYING}&product=101`);
    const titles = await page.$$eval('text.axis-title', (els) => els.map((e) => e.textContent));
    expect(titles).toEqual(['strike (points); dashed line: ATM', 'IV, % per year']);
    const hover = await page.$$eval('circle.pt.call title', (els) => els.map((e) => e.textContent));
    expect(hover).toContain('call 1,002.50: 19.45');
    await screenshot(page, 'options-smile');
    expect(problems).toEqual([]);
    await page.close();
  });
});
