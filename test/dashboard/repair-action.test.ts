/**
 * `POST /actions/repair` over real HTTP, real PostgreSQL, Redis and BullMQ: the admin's request enqueues
 * exactly the missing closed minutes as backfill pages; viewer, read-only and cross-origin requests are
 * refused before anything is enqueued; bad input is a one-line 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceleratedClock, RealClock } from '../../src/time/clock.js';
import { kstTime, toInstant, type KstDate, type KstTime } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Candle } from '../../src/db/types.js';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../dashboard/server.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';

const DATE = '2026-11-24' as KstDate;
const cal = defaultCalendar();
const ADMIN = { username: 'ops', password: 'Kiwi-Harbor-7-Lantern' };
const VIEWER = { viewerUsername: 'desk', viewerPassword: 'Maple-Orbit-42-Quartz' };
const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
const admin = basic(ADMIN.username, ADMIN.password);
const viewer = basic(VIEWER.viewerUsername, VIEWER.viewerPassword);
const gap = (t: KstTime) => (t >= kstTime(2026, 11, 24, 10, 0) && t < kstTime(2026, 11, 24, 10, 5)) || t === kstTime(2026, 11, 24, 13, 0);

let db: TestDb;
let h: QueueHarness;
let dash: Dashboard;
const extra: Dashboard[] = [];

function start(o: Partial<DashboardOptions> = {}): Promise<Dashboard> {
  return startDashboard({
    host: '127.0.0.1', port: 0, readOnly: false, insecureLocal: false, ...ADMIN, ...VIEWER,
    queues: h.services.queues.queues, redis: h.redis, pool: db.pool, stats: h.services.stats, log: h.services.log, prefix: h.prefix,
    // After the close of DATE: every minute of the day has closed.
    clock: new AcceleratedClock(toInstant(kstTime(2026, 11, 24, 16, 0)), 1), calendar: cal, account: 'sim',
    ...o,
  });
}

beforeAll(async () => {
  db = await createTestDb();
  h = queueHarness(testPrefix('repairact'), new RealClock());
  const candles: Candle[] = cal.candleMinutes('stocks', DATE).filter((t) => !gap(t)).map((time) => ({ symbol: '000660', time, tradingDate: DATE, open: 100, high: 101, low: 99, close: 100, volume: 1 }));
  await writeCandles(db.pool, 'stocks_1m', candles);
  dash = await start();
}, 60_000);

afterAll(async () => {
  for (const d of [dash, ...extra]) await d?.close();
  await h?.close();
  await db?.drop();
});

const post = (d: Dashboard, form: Record<string, string>, headers: Record<string, string>) =>
  fetch(`${d.url}/actions/repair`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });

async function backfillJobs() {
  const jobs = await h.services.queues.queues.backfill.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
  return jobs.map((j) => ({ name: j.name, ...(j.data as { code: string; family: string; account: string; from: number; to: number }) }));
}

describe('POST /actions/repair', () => {
  it('refuses the viewer, read-only mode and cross-origin posts with 403, enqueuing nothing', async () => {
    const form = { symbol: '000660', date: DATE };
    expect((await post(dash, form, viewer)).status).toBe(403);
    expect((await post(dash, form, { ...admin, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(dash, form, { ...admin, origin: 'http://evil.example' })).status).toBe(403);
    const readOnly = await start({ readOnly: true });
    extra.push(readOnly);
    const refused = await post(readOnly, form, admin);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/read-only/);
    expect(await backfillJobs()).toEqual([]);
  });

  it('answers bad input with a one-line 400 naming the field', async () => {
    for (const [form, field] of [
      [{ symbol: '000660', date: '2026-13-45' }, /^repair: date "2026-13-45" must be a trading date YYYY-MM-DD$/],
      [{ symbol: '000660' }, /^repair: form field date is required/],
      [{ symbol: '<script>', date: DATE }, /^repair: symbol "<script>" is not an instrument code/],
      [{ symbol: '000660', date: '2026-11-22' }, /^repair: 2026-11-22 is not a trading day/],
    ] as const) {
      const r = await post(dash, form, admin);
      expect(r.status).toBe(400);
      const text = await r.text();
      expect(text).toMatch(field);
      expect(text).not.toContain('\n');
    }
    expect(await backfillJobs()).toEqual([]);
  });

  it('the admin enqueues exactly the missing minutes as backfill pages, then lands back on the page with a notice', async () => {
    const r = await post(dash, { symbol: '000660', date: DATE }, admin);
    expect(r.status).toBe(303);
    const to = new URL(r.headers.get('location')!, dash.url);
    expect(to.pathname).toBe('/charts/quality');
    expect(Object.fromEntries(to.searchParams)).toEqual({ date: DATE, repaired: '000660', enqueued: '6', missing: '6' });
    const jobs = (await backfillJobs()).sort((a, b) => a.from - b.from);
    expect(jobs.map((j) => ({ name: j.name, code: j.code, family: j.family, account: j.account, from: j.from, to: j.to }))).toEqual([
      { name: 'backfill-candles', code: '000660', family: 'stock', account: 'sim', from: kstTime(2026, 11, 24, 10, 0), to: kstTime(2026, 11, 24, 10, 5) },
      { name: 'backfill-candles', code: '000660', family: 'stock', account: 'sim', from: kstTime(2026, 11, 24, 13, 0), to: kstTime(2026, 11, 24, 13, 1) },
    ]);
    const page = await fetch(to, { headers: admin });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<p id="notice" class="notice" role="status">000660: 6 missing minutes enqueued as backfill.');
    // A second click while those pages are pending enqueues nothing more (the repair loop's own rule).
    const again = await post(dash, { symbol: '000660', date: DATE }, admin);
    expect(new URL(again.headers.get('location')!, dash.url).searchParams.get('enqueued')).toBe('0');
    expect(await backfillJobs()).toHaveLength(2);
  });
});
