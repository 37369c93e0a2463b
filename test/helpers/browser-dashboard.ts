/**
 * A dashboard with an admin and a viewer login, its own database and Redis prefix, and a Chromium:
 * what every page test in test/dashboard starts from.
 */
import type { Browser } from 'puppeteer-core';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../dashboard/server.js';
import { RealClock } from '../../src/time/clock.js';
import { createTestDb, type TestDb } from './db.js';
import { testPrefix } from './redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';
import { launchBrowser } from './browser.js';

export const ADMIN = { username: 'ops', password: 'Kiwi-Harbor-7-Lantern' };
export const VIEWER = { username: 'desk', password: 'Maple-Orbit-42-Quartz' };

export interface BrowserRig {
  prefix: string;
  db: TestDb;
  h: QueueHarness;
  dash: Dashboard;
  browser: Browser;
  close(): Promise<void>;
}

/** `seed` runs on the fresh database before the dashboard starts; `extra` overrides dashboard options. */
export async function startBrowserRig(
  label: string,
  o: { seed?: (db: TestDb) => Promise<unknown>; extra?: Partial<DashboardOptions> } = {},
): Promise<BrowserRig> {
  const prefix = testPrefix(label);
  const db = await createTestDb();
  const h = queueHarness(prefix, new RealClock());
  await o.seed?.(db);
  const dash = await startDashboard({
    host: '127.0.0.1', port: 0, readOnly: false, insecureLocal: false, ...ADMIN, viewerUsername: VIEWER.username, viewerPassword: VIEWER.password,
    queues: h.services.queues.queues, redis: h.redis, pool: db.pool, stats: h.services.stats, clock: new RealClock(), log: h.services.log, prefix,
    ...o.extra,
  });
  const browser = await launchBrowser();
  return {
    prefix, db, h, dash, browser,
    close: async () => {
      await browser.close();
      await dash.close();
      await h.close();
      await db.drop();
    },
  };
}
