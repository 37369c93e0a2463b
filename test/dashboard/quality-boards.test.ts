/** The data-quality page counts option-board minutes as their own kind (real HTTP, PostgreSQL). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceleratedClock, RealClock } from '../../src/time/clock.js';
import { kstTime, toInstant, type KstDate, type KstTime } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { writeOptionChain } from '../../src/db/writer.js';
import { startDashboard, type Dashboard } from '../../dashboard/server.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';

const DATE = '2026-11-24' as KstDate;
const cal = defaultCalendar();
const gap = (t: KstTime) => t >= kstTime(2026, 11, 24, 10, 0) && t < kstTime(2026, 11, 24, 10, 5);

let db: TestDb;
let h: QueueHarness;
let dash: Dashboard;

beforeAll(async () => {
  db = await createTestDb();
  h = queueHarness(testPrefix('qboards'), new RealClock());
  // The whole day session but five minutes; the night session before it not collected.
  const minutes = cal.candleMinutes('derivatives', DATE).filter((t) => !gap(t));
  await writeOptionChain(db.pool, minutes.map((time) => ({ time, code: 'B01612355', underlyingSymbol: 'KOSPI200:20261210', expiry: '2026-12-10' as KstDate, strike: 355, right: 'call' as const, price: 1.5 })));
  dash = await startDashboard({
    host: '127.0.0.1', port: 0, readOnly: true, insecureLocal: true,
    queues: h.services.queues.queues, redis: h.redis, pool: db.pool, stats: h.services.stats, log: h.services.log, prefix: h.prefix,
    clock: new AcceleratedClock(toInstant(kstTime(2026, 11, 24, 16, 0)), 1), calendar: cal,
  });
}, 60_000);

afterAll(async () => {
  await dash?.close();
  await h?.close();
  await db?.drop();
});

describe('data-quality page: option boards', () => {
  it('shows expected vs stored board minutes and the gaps, without a repair action', async () => {
    const html = await (await fetch(`${dash.url}/charts/quality?date=${DATE}`)).text();
    const night = cal.candleMinutes('night', DATE).length;
    const day = cal.candleMinutes('derivatives', DATE).length;
    const row = /<tr class="missing" data-board="KOSPI200:20261210">(.*?)<\/tr>/.exec(html)?.[1];
    const num = (n: number) => n.toLocaleString('en-US');
    expect(row).toContain(`<td class="num expected">${num(night + day)}</td><td class="num stored">${num(day - 5)}</td><td class="num missing">${num(night + 5)}</td>`);
    expect(row).toContain('10:00–10:04 (5)');
    expect(html).toContain('missing board minutes cannot be refetched');
  });
});
