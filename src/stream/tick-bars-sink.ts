/**
 * Where closed tick bars go: stored in `tick_bars_1m`, published on the live candle bus at once (charts),
 * handed to `onStored` (the strategy batch, with `pipeline.strategyInput: ticks`), then compared with the REST bars already
 * stored. Partial bars (a minute the stream did not fully see) are neither stored nor published: the REST
 * bar is the only truth for them. Bars are handled in order, one batch at a time; failures are logged and
 * retried with the next batch, never thrown into the WebSocket path.
 */
import type pg from 'pg';
import type { Logger } from '../log.js';
import type { CandlePublisher } from '../live/candle-bus.js';
import { kstText } from '../db/copy.js';
import { compareBars } from './bar-compare.js';
import type { TickBar } from './tick-bars.js';

const UPSERT_SQL = `
INSERT INTO tick_bars_1m (symbol, "timestamp", trading_date, open, high, low, close, volume, trades)
SELECT * FROM unnest($1::text[], $2::timestamp[], $3::date[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::bigint[], $9::int[])
ON CONFLICT (symbol, "timestamp") DO UPDATE SET trading_date = EXCLUDED.trading_date, open = EXCLUDED.open,
  high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, trades = EXCLUDED.trades`;

export async function storeTickBars(pool: pg.Pool, all: readonly TickBar[]): Promise<void> {
  // A late trade re-sends an amended bar; one upsert cannot touch a row twice, so the last version wins.
  const bars = [...new Map(all.map((b) => [`${b.symbol}|${b.time}`, b])).values()];
  if (bars.length === 0) return;
  await pool.query(UPSERT_SQL, [
    bars.map((b) => b.symbol), bars.map((b) => kstText(b.time)), bars.map((b) => b.tradingDate),
    bars.map((b) => b.open), bars.map((b) => b.high), bars.map((b) => b.low), bars.map((b) => b.close),
    bars.map((b) => b.volume), bars.map((b) => b.trades),
  ]);
}

export interface TickBarSinkOptions {
  pool: pg.Pool;
  publisher?: CandlePublisher;
  logger?: Logger;
  /**
   * After each batch is stored, before it is compared with REST (the strategy batch should not wait for
   * that query): e.g. marks each bar's instrument done for its strategy batch. A failure is logged.
   */
  onStored?: (bars: readonly TickBar[]) => void | Promise<void>;
}

export class TickBarSink {
  readonly counters = { stored: 0, partial: 0, compared: 0, mismatches: 0, failures: 0 };
  private queue: TickBar[] = [];
  private loop: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly opts: TickBarSinkOptions) {}

  /** Takes closed bars (the `onClose` of a TickBarBuilder). */
  push(bars: readonly TickBar[]): void {
    if (this.closed) return;
    for (const b of bars) if (b.partial) this.counters.partial++; else this.queue.push(b);
    if (this.queue.length) this.loop ??= this.run();
  }

  /** Resolves when every bar pushed so far has been handled. */
  async flush(): Promise<void> {
    while (this.loop) await this.loop;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length) {
        const bars = this.queue;
        this.queue = [];
        await this.publishAndStore(bars);
      }
    } finally {
      this.loop = null;
    }
  }

  private async afterStored(bars: readonly TickBar[]): Promise<void> {
    try {
      await this.opts.onStored?.(bars);
    } catch (e) {
      this.opts.logger?.warn({ err: e instanceof Error ? e.message : String(e), bars: bars.length }, 'tick bars stored, but not handed on (strategy batch); the REST bars will complete it');
    }
  }

  private async publishAndStore(bars: TickBar[]): Promise<void> {
    // Publish first: the strategy and the charts should not wait for PostgreSQL.
    await this.opts.publisher?.publish(
      bars.map((b) => ({ symbol: b.symbol, time: b.time, tradingDate: b.tradingDate, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume })),
    );
    try {
      await storeTickBars(this.opts.pool, bars);
      this.counters.stored += bars.length;
      await this.afterStored(bars);
      const cmp = await compareBars(this.opts.pool, bars);
      this.counters.compared += cmp.compared;
      this.counters.mismatches += cmp.mismatches;
    } catch (e) {
      this.counters.failures++;
      this.opts.logger?.warn({ err: e instanceof Error ? e.message : String(e), bars: bars.length }, 'tick bars not stored; the REST bars stand for these minutes');
    }
  }
}
