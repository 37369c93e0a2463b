import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import { createLogger } from '../../src/log.js';
import { registerStrategy } from '../../src/strategy/registry.js';
import { parseKst, parseKstDate } from '../../src/time/kst.js';
import { backtestRouter } from '../../dashboard/charts/backtest.js';
import { scriptedStrategy } from './scripted.js';

const D = parseKstDate('2026-11-20');
let db: TestDb;
let server: Server;
let base: string;

beforeAll(async () => {
  db = await createTestDb();
  const bar = (time: string, price: number) => ({
    symbol: 'A01612',
    time: parseKst(`2026-11-20 ${time}`),
    tradingDate: D,
    open: price,
    high: price + 0.5,
    low: price - 0.5,
    close: price,
    volume: 5,
  });
  await writeCandles(db.pool, 'futures_101', [
    bar('10:00', 400),
    bar('10:01', 401),
    bar('10:02', 402),
    bar('10:03', 403),
  ]);
  registerStrategy(
    scriptedStrategy('dash-known', 'A01612', {
      '2026-11-20 10:00': 'enter_long',
      '2026-11-20 10:02': 'exit',
    }),
  );
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const app = express();
  app.use('/charts/backtest', backtestRouter(db.pool, createLogger({ stream: quiet })));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts/backtest`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await db?.drop();
});

describe('/charts/backtest', () => {
  it('shows a form, then the report of a run, using the locally served chart library', async () => {
    const form = await (await fetch(base)).text();
    expect(form).toContain('<option>dash-known</option>');
    const res = await fetch(`${base}?strategy=dash-known&from=${D}&to=${D}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<script src="/charts/assets/lightweight-charts.js"></script>');
    expect(html).not.toMatch(/https?:\/\//); // no CDN
    expect(html).toContain('<h2>Trades (1)</h2>');
    // Bought at the 10:01 open (401), sold at the 10:03 open (403): 2 points × 250,000.
    expect(html).toMatch(/<tr><th>gross realised \(won\)<\/th><td>500,000<\/td><\/tr>/);
  });

  it('answers bad input with 400 and one line naming it', async () => {
    const cases: [string, RegExp][] = [
      [`?strategy=nope&from=${D}&to=${D}`, /^unknown strategy "nope"/],
      [`?strategy=dash-known&from=2026-13-01&to=${D}`, /^from: expected a date/],
      [`?strategy=dash-known&from=2026-01-01&to=${D}`, /^at most 31 days per view/],
    ];
    for (const [q, re] of cases) {
      const r = await fetch(base + q);
      expect(r.status).toBe(400);
      const text = await r.text();
      expect(text).toMatch(re);
      expect(text.split('\n')).toHaveLength(1);
    }
  });
});
