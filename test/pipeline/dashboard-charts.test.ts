import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/time/clock.js';
import { formatKst, type KstTime } from '../../src/time/kst.js';
import { writeCandles } from '../../src/db/writer.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import { recentMatrices } from '../../src/db/readers.js';
import { startDashboard, type Dashboard } from '../../dashboard/server.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from './helpers.js';
import { T0, candles, count, matrix, samsungCandles, texts } from './dashboard-charts.fixtures.js';

describe('dashboard /charts', () => {
  let h: QueueHarness;
  let db: TestDb;
  let dash: Dashboard;
  const auth = { authorization: `Basic ${Buffer.from('ops:Kiwi-Harbor-7-Lantern').toString('base64')}` };
  const get = (path: string, headers: Record<string, string> = auth) =>
    fetch(`${dash.url}${path}`, { headers });

  beforeAll(async () => {
    h = queueHarness(testPrefix('dashcharts'), new RealClock());
    db = await createTestDb();
    await writeCandles(db.pool, 'futures_101', candles(30));
    await writeCandles(db.pool, 'futures_101', candles(3, 'A01603'));
    await writeCandles(db.pool, 'stocks_1m', samsungCandles());
    await writeOptionMatrices(
      db.pool,
      '101',
      [0, 1, 2, 3].flatMap((m) => [
        matrix(m, 'iv', [0.3, 0.25, 0.2 + m / 100, null, 0.22], [0.21, 0.2, 0.19, 0.2, null]),
        matrix(m, 'delta', [0.9, 0.7, 0.5, 0.3, 0.1], [-0.9, -0.7, -0.5, -0.3, -0.1]),
      ]),
      { strikesPerSide: 2 },
    );
    dash = await startDashboard({
      host: '127.0.0.1',
      port: 0,
      readOnly: true,
      insecureLocal: false,
      username: 'ops',
      password: 'Kiwi-Harbor-7-Lantern',
      queues: h.services.queues.queues,
      redis: h.redis,
      pool: db.pool,
      stats: h.services.stats,
      clock: new RealClock(),
      log: h.services.log,
    });
  });
  afterAll(async () => {
    await dash?.close();
    await h?.close();
    await db?.drop();
  });

  it('sits behind the same basic auth as the board', async () => {
    expect(dash.chartsUrl).toBe(`${dash.url}/charts`);
    for (const p of [
      '/charts',
      '/charts/candles?symbol=A01612',
      '/charts/matrix?underlying=KOSPI200:20261210&product=101',
      '/charts/smile?underlying=KOSPI200:20261210&product=101',
    ]) {
      expect((await get(p, {})).status, p).toBe(401);
      expect(
        (await get(p, { authorization: `Basic ${Buffer.from('ops:wrong').toString('base64')}` })).status,
        p,
      ).toBe(401);
    }
  });

  it('index links every instrument with candles or matrices', async () => {
    const res = await get('/charts');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/charts/candles?symbol=A01612"');
    expect(html).toContain('href="/charts/candles?symbol=A01603"');
    expect(html).toContain(
      'href="/charts/matrix?underlying=KOSPI200%3A20261210&amp;product=101&amp;metric=iv"',
    );
    expect(html).toContain('href="/charts/smile?underlying=KOSPI200%3A20261210&amp;product=101"');
  });

  it('candles: the latest N stored candles, one body each, KST labels', async () => {
    const all = await (await get('/charts/candles-static?symbol=A01612')).text();
    expect(count(all, '<rect class="body')).toBe(30);
    const res = await get('/charts/candles-static?symbol=A01612&minutes=10');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const svg = await res.text();
    expect(count(svg, '<rect class="body')).toBe(10);
    expect(svg).toContain(`>${formatKst((T0 + 20 * 60_000) as KstTime).slice(11, 16)}<`);
    expect(svg).not.toContain('>09:19<');
    // A01612 is a KOSPI200 future: prices to 2 decimals (the last candle: O 379, H 380.5, L 378, C 379.5).
    expect(texts(svg, 'title').at(-1)).toBe('2026-11-24 09:29 O 379.00 H 380.50 L 378.00 C 379.50 V 129');
    expect(count(await (await get('/charts/candles-static?symbol=A01603')).text(), '<rect class="body')).toBe(3);
  });

  it('stock candles: the family comes from the stored table and code, so whole won keep their zeros', async () => {
    const svg = await (await get('/charts/candles-static?symbol=005930')).text();
    expect(svg).toContain('>72,400<');
    expect(svg).toContain('>73,000<');
    expect(svg).toContain('>vol 72,400<');
    expect(svg).toContain('O 72,500 H 73,000 L 72,400 C 72,900 V 1,000');
  });

  it('matrix heatmap and smile reflect the stored rows', async () => {
    const heat = await (
      await get('/charts/matrix?underlying=KOSPI200:20261210&metric=iv&product=101&minutes=2')
    ).text();
    // Two minutes back from the newest (09:03): 09:02 and 09:03, 8 non-null values each.
    expect(count(heat, '<rect class="cell"')).toBe(16);
    expect(heat).toContain('>09:03<');
    expect(heat).not.toContain('>09:01<');
    expect(
      count(
        await (await get('/charts/matrix?underlying=KOSPI200:20261210&metric=delta&product=101')).text(),
        '<rect class="cell"',
      ),
    ).toBe(40);
    const smile = await (await get('/charts/smile?underlying=KOSPI200:20261210&product=101')).text();
    expect(count(smile, '<circle class="pt call"')).toBe(4);
    expect(count(smile, '<circle class="pt put"')).toBe(4);
    expect(smile).toContain('call 350.00: 0.23<');
    expect(smile).toContain('IV smile at 2026-11-24 09:03 KST (ATM 350.00)');
    const rows = await recentMatrices(db.pool, '101', 'KOSPI200:20261210', 'iv', { minutes: 60 });
    expect(rows.map((r) => r.time)).toEqual([0, 1, 2, 3].map((m) => T0 + m * 60_000));
    expect(await recentMatrices(db.pool, 'zz9', 'KOSPI200:20261210', 'iv', { minutes: 60 })).toEqual([]);
  });

  it('bad parameters give 400 with one line; unknown instruments give a 404 page', async () => {
    const bad = [
      '/charts/candles',
      '/charts/candles-static?symbol=A01612&minutes=0',
      '/charts/candles-static?symbol=A01612&minutes=abc',
      '/charts/candles?symbol=A01612&symbol=A01603',
      '/charts/candles?symbol=%3Cscript%3E',
      '/charts/matrix?underlying=KOSPI200:20261210&product=101&metric=vanna',
      '/charts/matrix?underlying=KOSPI200:20261210&product=DROP%20TABLE',
      '/charts/smile?product=101',
    ];
    for (const p of bad) {
      const res = await get(p);
      expect(res.status, p).toBe(400);
      const body = await res.text();
      expect(body.split('\n'), p).toHaveLength(1);
      expect(body, p).not.toMatch(/Error:|\.[jt]s:\d+/);
      // The message names the bad value, so it must never be interpreted as HTML.
      expect(res.headers.get('content-type'), p).toMatch(/^text\/plain/);
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
    }
    for (const p of [
      '/charts/candles-static?symbol=A09999',
      '/charts/matrix?underlying=KOSPI200:20270311&product=101',
      '/charts/smile?underlying=KOSPI200:20261210&product=105',
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
      expect(await res.text(), p).toMatch(/No .*stored/);
    }
  });
});
