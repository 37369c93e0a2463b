/** A hand-built trade sequence through the paper broker, then `krtrade paper status` text and JSON (real CLI). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { writeCandles } from '../../src/db/writer.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { paperSchema } from '../../src/paper/config.js';
import { createPaperBroker } from '../../src/paper/index.js';
import { addMinutes, kstTime } from '../../src/time/kst.js';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { PAPER_PATH, paperRouter } from '../../dashboard/charts/paper.js';

const S = 'A01612';
const T0 = kstTime(2026, 11, 24, 10, 0);
const at = (m: number) => addMinutes(T0, m);
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
  const bar = (m: number, open: number, high: number, low: number, close: number) => ({ symbol: S, time: at(m), open, high, low, close, volume: 10 });
  await writeCandles(db.pool, 'futures_101', [bar(0, 400, 400.5, 399.5, 400), bar(1, 401, 402, 400, 401.5), bar(2, 403, 403.5, 402, 403), bar(3, 404, 404.5, 401.5, 402)]);
  const broker = createPaperBroker(db.pool, paperSchema.parse({ enabled: true, slippageTicks: 0, commission: { derivative: { rate: 0.00003 } } }), defaultCalendar());
  const sig = (m: number, kind: string) => ({ strategy: 'hand', time: at(m), symbol: S, kind, value: null });
  expect(await broker.onBatch(at(0), [sig(0, 'enter_long'), sig(0, 'monitor')])).toEqual({ ordersPlaced: 1, fills: 0, cancelled: 0 });
  expect(await broker.onBatch(at(1), [sig(1, 'exit')])).toEqual({ ordersPlaced: 1, fills: 1, cancelled: 0 });
  expect(await broker.onBatch(at(2), [sig(2, 'enter_short')])).toEqual({ ordersPlaced: 1, fills: 1, cancelled: 0 });
  expect(await broker.onBatch(at(3), [])).toEqual({ ordersPlaced: 0, fills: 1, cancelled: 0 });
});
afterAll(async () => db?.drop());

describe('krtrade paper status', () => {
  it('prints P&L in won with separators and KST times; JSON has plain won', async () => {
    const env = { KRTRADE_DATABASE_URL: db.url };
    const json = await runCli(['paper', 'status', '--json'], { env });
    expect(json.stderr).toBe('');
    const s = JSON.parse(json.stdout) as { positions: Record<string, unknown>[]; totals: Record<string, number>; orders: Record<string, number> };
    // Long 1 @ 401 → out @ 403: +2 pt × 250,000; short 1 @ 404 marked at 402: +500,000 open.
    // Commissions cut to whole won: ⌊100,250,000 × 0.00003⌋ + ⌊100,750,000 × 0.00003⌋ + ⌊101,000,000 × 0.00003⌋.
    expect(s.totals).toEqual({ realized: 500_000, costs: 3_007 + 3_022 + 3_030, unrealized: 500_000, net: 1_000_000 - 9_059 });
    expect(s.orders).toEqual({ open: 0, filled: 3, cancelled: 0 });
    expect(s.positions).toEqual([
      { strategy: 'hand', symbol: S, quantity: -1, averagePrice: 404, realized: 500_000, costs: 9_059, mark: 402, markTime: '2026-11-24 10:03:00 KST', unrealized: 500_000, lastFillTime: '2026-11-24 10:03:00 KST' },
    ]);
    const text = await runCli(['paper', 'status'], { env });
    expect(text.stdout).toContain('paper orders: 0 open, 3 filled, 0 cancelled');
    expect(text.stdout).toContain('hand  A01612  qty -1 @ 404.00  mark 402.00 (2026-11-24 10:03:00 KST)  realized 500,000 KRW  costs 9,059 KRW  unrealized 500,000 KRW');
    expect(text.stdout).toContain('net 990,941 KRW');
    expect(text.stdout).toContain('2026-11-24 10:02:00 KST  hand  A01612  sell 1 @ 403.00  fees 3,022 KRW');
  });

  it('serves /charts/paper with the same figures', async () => {
    const app = express();
    app.use(PAPER_PATH, paperRouter(db.pool, createLogger({ level: 'silent', stream: new Writable({ write: (_c, _e, cb) => cb() }) })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${PAPER_PATH}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<title>paper trading · krtrade</title>');
      expect(html).toContain('net 990,941 KRW');
      expect(html).toContain('orders: 0 open, 3 filled, 0 cancelled');
      expect(html).toMatch(/<tr data-strategy="hand" data-symbol="A01612">.*<td class="num">-1<\/td><td class="num">404\.00<\/td>/);
      expect(html).toContain('2026-11-24 10:03:00 KST');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
