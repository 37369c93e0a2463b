/**
 * Bars from ticks. Unit: minutes close on the watermark, partial minutes are flagged, late trades amend.
 * End to end: the simulator's WebSocket on an accelerated clock → the recorder (every trade stored once) →
 * tick bars stored and published → equal to the simulator's REST bars for every full minute; a changed
 * REST bar lands in data_quality_bars with both values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandleFeed, CandlePublisher, type LiveCandle } from '../../src/live/candle-bus.js';
import { writeCandles } from '../../src/db/writer.js';
import { candleTableFor } from '../../src/db/names.js';
import type { WsRecord } from '../../src/kis/ws/records.js';
import { StreamRecorder } from '../../src/stream/recorder.js';
import { TickBarBuilder, type TickBar } from '../../src/stream/tick-bars.js';
import { TickBarSink, storeTickBars } from '../../src/stream/tick-bars-sink.js';
import { compareBars } from '../../src/stream/bar-compare.js';
import { createStorage } from '../../workers/adapters/storage.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { toKst, type KstTime } from '../../src/time/kst.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { busiest, startRig, until, type Rig } from '../kis/ws-sim-helpers.js';
import { at, futuresTrade, stockTrade } from './recorder-fixtures.js';

describe('TickBarBuilder', () => {
  it('closes each minute once the watermark passes it, flags partial minutes, amends late trades', () => {
    const closed: TickBar[] = [];
    const b = new TickBarBuilder({ onClose: (bars) => closed.push(...bars), since: at(9, 0, 30) });
    b.onRecord(stockTrade('005930', at(9, 0, 40), 100, 1, 1)); // minute 09:00 is partial (since 09:00:30)
    b.onRecord(stockTrade('005930', at(9, 1, 0), 101, 2, 3));
    b.onRecord(stockTrade('005930', at(9, 1, 30), 99, 3, 6));
    b.onRecord(futuresTrade('A01612', at(9, 1, 59), 400, 1, 1));
    expect(closed.map((x) => [x.symbol, x.time, x.partial])).toEqual([['005930', at(9, 0, 0), true]]);
    // 09:02:00 < 09:02:01 (1 s grace): 005930's 09:01 stays open; A01612's closes (its own next minute began).
    b.onRecord(futuresTrade('A01612', at(9, 2, 0), 401, 1, 2));
    expect(closed.map((x) => [x.symbol, x.time])).toEqual([['005930', at(9, 0, 0)], ['A01612', at(9, 1, 0)]]);
    b.onRecord(futuresTrade('A01612', at(9, 2, 1), 402, 1, 3));
    expect(closed.slice(2)).toEqual([
      { symbol: '005930', time: at(9, 1, 0), tradingDate: '2026-11-24', open: 101, high: 101, low: 99, close: 99, volume: 5, trades: 2, partial: false },
    ]);
    b.onRecord(stockTrade('005930', at(9, 1, 59), 98, 4, 10)); // late
    expect(b.counters.late).toBe(1);
    expect(closed.at(-1)).toMatchObject({ symbol: '005930', time: at(9, 1, 0), low: 98, close: 98, volume: 9, trades: 3 });
    b.gap(at(9, 2, 50), at(9, 3, 10), ['A01612']);
    b.onRecord(futuresTrade('A01612', at(9, 3, 20), 403, 1, 4));
    b.advance(at(9, 4, 5));
    expect(closed.filter((x) => x.symbol === 'A01612').map((x) => [x.time, x.partial])).toEqual([
      [at(9, 1, 0), false], [at(9, 2, 0), true], [at(9, 3, 0), true],
    ]);
  });
});

describe('bars from ticks against the simulator', () => {
  let rig: Rig;
  let db: TestDb;
  beforeAll(async () => {
    [rig, db] = await Promise.all([startRig({ start: '2026-11-24T10:00', speed: 60, seed: 5, streamIntervalMs: 200 }), createTestDb()]);
  });
  afterAll(async () => {
    await rig?.close();
    await db?.drop();
  });

  it('stores every trade once and builds bars equal to the REST bars for every full minute', async () => {
    const date = '2026-11-24';
    const stocks = rig.sim.market.instruments(date as never).filter((i) => i.kind === 'stock').slice(0, 2);
    const future = busiest(rig.sim, 'future');
    // The simulator, like KIS, never replays a stall (here > 4 s of real time): build the tapes up front,
    // so a cold start on a loaded machine does not become a real gap in the first full minute.
    const now = toKst(rig.sim.clock.now());
    for (const i of [...stocks, future]) rig.sim.market.trades(i.code, now, (now + 15 * 60_000) as KstTime);
    const publisher = new CandlePublisher(rig.redis, rig.prefix);
    const feed = new CandleFeed(rig.redis, rig.prefix);
    await feed.ready;
    const pushed: LiveCandle[] = [];
    feed.watch(future.code, (c) => pushed.push(c));
    const distinct = new Set<string>();
    const sink = new TickBarSink({ pool: db.pool, publisher, onStored: (bars) => bars.forEach((b) => distinct.add(`${b.symbol}|${b.time}`)) });
    const w = rig.client();
    w.c.start();
    await Promise.all([
      ...stocks.map((s) => w.c.subscribe('H0STCNT0', s.code)),
      w.c.subscribe('H0STASP0', stocks[0]!.code),
      w.c.subscribe('H0IFCNT0', future.code),
    ]);
    const since = toKst(rig.sim.clock.now());
    // The simulator sends each TR's trades of 12 simulated seconds per frame: a grace of 15 s keeps minutes
    // open until every instrument's frame has arrived (KIS streams live, where the default 1 s does).
    const builder = new TickBarBuilder({ since, graceMs: 15_000, onClose: (bars) => sink.push(bars) });
    const recorder = new StreamRecorder({ pool: db.pool, onRecord: (r) => builder.onRecord(r) });
    const sent: WsRecord[] = [];
    w.c.on('record', (r) => {
      if (r.time < since) return; // before the builder's start: not part of this test's ground truth
      sent.push(r);
      recorder.write(r);
    });
    // Four full minutes closed for the future (the busiest instrument trades every minute).
    await until(() => distinct.size >= 4 * 3, 'four minutes of tick bars', 60_000);
    await w.c.close();
    await recorder.close();
    await sink.close();

    expect(sink.counters.failures).toBe(0);
    const trades = sent.filter((r) => r.kind !== 'book').length;
    const quotes = sent.length - trades;
    const n = async (sql: string) => Number((await db.pool.query(sql)).rows[0].n);
    expect(await n('SELECT count(*) AS n FROM ticks')).toBe(trades);
    expect(await n('SELECT count(*) AS n FROM quotes')).toBe(quotes);
    expect(quotes).toBeGreaterThan(0);

    // The REST bars of the same minutes, stored as the minute jobs store them.
    const stored = await db.pool.query<{ symbol: string; t: string }>(`SELECT symbol, "timestamp"::text AS t FROM tick_bars_1m`);
    const keys = stored.rows.map((r) => ({ symbol: r.symbol, time: Date.parse(r.t.replace(' ', 'T') + 'Z') as KstTime }));
    const times = keys.map((k) => k.time);
    for (const inst of [...stocks, future]) {
      const bars = await rig.kis.fetchMinuteBars({
        code: inst.code, market: inst.kind === 'stock' ? 'J' : 'F', from: Math.min(...times) as KstTime, to: Math.max(...times) as KstTime,
      });
      await writeCandles(db.pool, candleTableFor(inst), bars.map((b) => ({
        symbol: b.code, time: b.time, tradingDate: date as never, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume,
      })));
    }
    const cmp = await compareBars(db.pool, keys);
    expect(cmp).toEqual({ compared: keys.length, mismatches: 0 });
    expect(keys.length).toBeGreaterThanOrEqual(12);
    // Published at once, with the stored values.
    await until(() => pushed.length > 0, 'a published tick bar');
    const first = await db.pool.query(`SELECT open, high, low, close, volume FROM tick_bars_1m WHERE symbol = $1 AND "timestamp" = $2`, [
      future.code, new Date(pushed[0]!.time).toISOString().slice(0, 19).replace('T', ' '),
    ]);
    expect(first.rows[0]).toEqual({ open: pushed[0]!.open, high: pushed[0]!.high, low: pushed[0]!.low, close: pushed[0]!.close, volume: pushed[0]!.volume });

    // A REST bar stored by the minute jobs' storage that differs is recorded with both values at once;
    // agreeing again clears it.
    const storage = createStorage(db.pool, defaultCalendar(), 10);
    const k = keys.find((x) => x.symbol === future.code)!;
    const rest = await db.pool.query(`SELECT open, high, low, close, volume FROM candles_1m WHERE symbol = $1 AND "timestamp" = $2`, [
      k.symbol, new Date(k.time).toISOString().slice(0, 19).replace('T', ' '),
    ]);
    const bar = rest.rows[0] as { open: number; high: number; low: number; close: number; volume: number };
    await storage.writeCandles(future.family, [{ code: k.symbol, time: k.time, ...bar, volume: bar.volume + 1 }]);
    const dq = await db.pool.query(`SELECT family, fields, tick_bar, rest_bar FROM data_quality_bars`);
    expect(dq.rows).toEqual([{ family: candleTableFor(future), fields: ['volume'], tick_bar: bar, rest_bar: { ...bar, volume: bar.volume + 1 } }]);
    await storage.writeCandles(future.family, [{ code: k.symbol, time: k.time, ...bar }]);
    expect(await n('SELECT count(*) AS n FROM data_quality_bars')).toBe(0);
    await feed.close();
  }, 90_000);
});

describe('storeTickBars', () => {
  it('stores the last version of a bar sent twice in one batch (a late trade amended it)', async () => {
    const db = await createTestDb();
    try {
      const bar: TickBar = { symbol: '005930', time: at(9, 1, 0), tradingDate: '2026-11-24' as never, open: 1, high: 2, low: 1, close: 2, volume: 3, trades: 2, partial: false };
      await storeTickBars(db.pool, [bar, { ...bar, low: 0.5, close: 0.5, volume: 4, trades: 3 }]);
      const r = await db.pool.query(`SELECT low, close, volume, trades FROM tick_bars_1m`);
      expect(r.rows).toEqual([{ low: 0.5, close: 0.5, volume: 4, trades: 3 }]);
    } finally {
      await db.drop();
    }
  });
});
