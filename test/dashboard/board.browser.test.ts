/**
 * bull-board in Chromium behind the one login: the admin sees the queue actions, the viewer sees the
 * same queues with every action hidden; no console error; no secret on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { RealClock } from '../../src/time/clock.js';
import { formatKst, toKst, type Instant } from '../../src/time/kst.js';
import { startDashboard, type Dashboard } from '../../dashboard/server.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';
import { launchBrowser, openPage, screenshot } from '../helpers/browser.js';

const ADMIN = { username: 'ops', password: 'Kiwi-Harbor-7-Lantern' };
const VIEWER = { username: 'desk', password: 'Maple-Orbit-42-Quartz' };

let h: QueueHarness;
let dash: Dashboard;
let browser: Browser;

beforeAll(async () => {
  h = queueHarness(testPrefix('board'), new RealClock());
  // One waiting job, so its card has actions (promote, remove…) to show or hide.
  await h.services.queues.queues.backfill.add('backfill-candles', { code: '005930' }, { jobId: 'demo-job' });
  dash = await startDashboard({
    host: '127.0.0.1', port: 0, readOnly: false, insecureLocal: false, ...ADMIN, viewerUsername: VIEWER.username, viewerPassword: VIEWER.password,
    queues: h.services.queues.queues, redis: h.redis, stats: h.services.stats, clock: new RealClock(), log: h.services.log,
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await h?.close();
});

/** The actions bull-board renders on the queue page: icon buttons on each job card, and the queue's menu. */
async function actions(page: Page): Promise<{ jobButtons: number; menu: string[] }> {
  await page.goto(`${dash.boardUrl}/queue/backfill?status=waiting`);
  await page.waitForFunction("document.body.innerText.includes('demo-job')", { timeout: 20_000 });
  const jobButtons = (await page.$$('[class^="jobActions-"] button')).length;
  // The queue's own menu is the "⋮" button (the other menu holds our links).
  const trigger = await page.$('button[aria-haspopup="menu"]:has(svg.lucide-ellipsis-vertical)');
  if (!trigger) return { jobButtons, menu: [] };
  await trigger.click();
  await page.waitForSelector('[role="menuitem"]', { timeout: 5_000 }).catch(() => undefined);
  const menu = await page.$$eval('[role="menuitem"]', (items) => items.map((i) => (i.textContent ?? '').trim().toLowerCase()));
  await page.keyboard.press('Escape');
  return { jobButtons, menu };
}

describe('bull-board in Chromium', () => {
  it('the admin has the queue and job actions; the viewer has none of them', async () => {
    const admin = await openPage(browser, ADMIN);
    const a = await actions(admin.page);
    await screenshot(admin.page, 'board-admin');
    expect(a.jobButtons).toBeGreaterThan(0);
    expect(a.menu.some((m) => m.includes('pause'))).toBe(true);
    expect(await admin.page.content()).not.toContain(ADMIN.password);
    // Job times read KST whatever the browser's zone (this browser runs in the machine's zone).
    const added = await admin.page.evaluate("document.body.innerText.match(/Added at\\s+([0-9:]+)/)?.[1] ?? ''");
    const job = await h.services.queues.queues.backfill.getJob('demo-job');
    expect(added).toBe(formatKst(toKst(job!.timestamp as Instant)).slice(11, 19));
    expect(admin.problems).toEqual([]);
    await admin.page.close();

    const viewer = await openPage(browser, VIEWER);
    const v = await actions(viewer.page);
    await screenshot(viewer.page, 'board-viewer');
    expect(v.jobButtons).toBe(0);
    for (const action of ['pause', 'resume', 'retry', 'clean', 'promote', 'remove', 'add', 'empty', 'obliterate']) {
      expect(v.menu.filter((m) => m.includes(action)), action).toEqual([]);
    }
    expect(viewer.problems).toEqual([]);
    await viewer.page.close();
  });
});
