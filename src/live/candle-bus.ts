/**
 * Live candles over Redis pub/sub: the upsert stage publishes what it has just committed, and the
 * dashboard pushes it to open charts. Nothing is stored here (PostgreSQL is the truth; a missed message
 * only means a chart shows a bar at its next load). Times are KST wall-clock (`KstTime`).
 */
import type { RedisClient } from '../redis/client.js';
import type { Bar } from '../market/resample.js';

export interface LiveCandle extends Bar {
  symbol: string;
  /** A bar still forming from ticks (not yet stored); the stored bar of the same minute replaces it. */
  forming?: boolean;
}

export const liveCandleChannel = (prefix: string): string => `${prefix}:live:candles`;

export class CandlePublisher {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Publishes committed candles; never throws (a chart missing a push is not worth failing a job). */
  async publish(rows: readonly LiveCandle[]): Promise<void> {
    if (rows.length === 0) return;
    await this.redis.publish(liveCandleChannel(this.prefix), JSON.stringify(rows)).catch(() => undefined);
  }
}

/** One subscription connection shared by every open chart of a dashboard process. */
export class CandleFeed {
  private readonly listeners = new Map<string, Set<(c: LiveCandle) => void>>();
  private readonly sub: RedisClient;
  private closed = false;
  readonly ready: Promise<unknown>;

  constructor(redis: RedisClient, prefix: string) {
    this.sub = redis.duplicate();
    this.sub.on('error', () => undefined); // reconnects by itself; the dashboard's /health reports Redis
    this.ready = this.sub.subscribe(liveCandleChannel(prefix));
    this.sub.on('message', (_channel, text: string) => {
      let rows: LiveCandle[];
      try {
        rows = JSON.parse(text) as LiveCandle[];
      } catch {
        return;
      }
      for (const r of rows) for (const l of this.listeners.get(r.symbol) ?? []) l(r);
    });
  }

  /** Calls `fn` with every live candle of `symbol` until the returned function is called. */
  watch(symbol: string, fn: (c: LiveCandle) => void): () => void {
    let set = this.listeners.get(symbol);
    if (!set) this.listeners.set(symbol, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(symbol);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.sub.quit().catch(() => this.sub.disconnect());
  }
}
