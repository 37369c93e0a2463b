/**
 * FormingBarPublisher over real Redis pub/sub: commits in a burst become one update per instrument with the
 * newest state; quotes alone publish nothing; a new minute's trade publishes that minute's bar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CandleFeed, CandlePublisher, type LiveCandle } from '../../src/live/candle-bus.js';
import { FormingBarPublisher } from '../../src/stream/forming-bars.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';
import { at, book, futuresTrade, stockTrade } from './recorder-fixtures.js';

const prefix = testPrefix('forming');
let redis: Redis;
let feed: CandleFeed;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  feed = new CandleFeed(redis, prefix);
  await feed.ready;
});
afterAll(async () => {
  await feed?.close();
  redis?.disconnect();
  await deleteKeys(prefix);
});

/** Every live candle of `symbol` from now on. */
function collect(symbol: string): { got: LiveCandle[]; stop: () => void } {
  const got: LiveCandle[] = [];
  return { got, stop: feed.watch(symbol, (c) => got.push(c)) };
}

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('forming bars on the live candle bus', () => {
  it('a burst of commits is one update per instrument with the newest state; quotes alone publish nothing', async () => {
    const forming = new FormingBarPublisher({ publisher: new CandlePublisher(redis, prefix), intervalMs: 200 });
    const fut = collect('A01612');
    const stock = collect('005930');
    // Synchronous commits: the throttle's timer cannot fire in between, so each instrument gets one update.
    forming.onCommit([futuresTrade('A01612', at(9, 5, 1), 401, 2, 2)]);
    forming.onCommit([futuresTrade('A01612', at(9, 5, 9), 401.4, 1, 3), stockTrade('005930', at(9, 5, 9), 70_100, 5, 5)]);
    forming.onCommit([futuresTrade('A01612', at(9, 5, 30), 400.8, 4, 7), book('005930', at(9, 5, 31), 70_200)]);
    await until(() => fut.got.length >= 1 && stock.got.length >= 1);
    expect(fut.got).toEqual([
      { symbol: 'A01612', time: at(9, 5, 0), tradingDate: '2026-11-24', open: 401, high: 401.4, low: 400.8, close: 400.8, volume: 7, forming: true },
    ]);
    expect(stock.got).toEqual([expect.objectContaining({ open: 70_100, close: 70_100, volume: 5, forming: true })]);
    expect(forming.counters.published).toBe(2);

    // A quote moves nothing; the next minute's trade publishes the new minute's bar (after the interval).
    forming.onCommit([book('005930', at(9, 6, 2), 70_300)]);
    forming.onCommit([futuresTrade('A01612', at(9, 6, 3), 401.05, 1, 8)]);
    await until(() => fut.got.length >= 2);
    expect(fut.got[1]).toEqual(expect.objectContaining({ time: at(9, 6, 0), open: 401.05, close: 401.05, volume: 1, forming: true }));
    expect(forming.counters.published).toBe(3);
    expect(stock.got).toHaveLength(1);
    forming.close();
    fut.stop();
    stock.stop();
  });
});
