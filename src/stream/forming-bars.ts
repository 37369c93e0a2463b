/**
 * The forming (not yet closed) 1-minute bar of each instrument, published on the live candle bus as its
 * trades are committed, so open charts move with every stored trade instead of once a minute. Fed the
 * recorder's commits (`onCommit`), it builds bars from the committed trades with its own TickBarBuilder —
 * the same code as the closed tick bars — and publishes, per instrument, at most one update per
 * `intervalMs` (the newest state; the first at once). The closed bar (tick bar or REST candle) of the same
 * minute replaces it on the chart. Nothing is stored; a missed update only means a chart skips a step.
 */
import type { CandlePublisher } from '../live/candle-bus.js';
import type { WsRecord } from '../kis/ws/records.js';
import { isTrade } from './copy-records.js';
import { TickBarBuilder } from './tick-bars.js';

export interface FormingBarOptions {
  publisher: CandlePublisher;
  /** Least real time between two updates (default 250 ms): a busy future trades many times a second. */
  intervalMs?: number;
}

export class FormingBarPublisher {
  readonly counters = { published: 0 };
  private readonly builder = new TickBarBuilder({ onClose: () => undefined });
  private readonly dirty = new Set<string>();
  private readonly intervalMs: number;
  private lastAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: FormingBarOptions) {
    this.intervalMs = opts.intervalMs ?? 250;
  }

  /** The records of one commit (`RecorderCommit.records`), in arrival order. */
  onCommit(records: readonly WsRecord[]): void {
    if (this.closed) return;
    for (const r of records) {
      this.builder.onRecord(r);
      if (isTrade(r)) this.dirty.add(r.code);
    }
    if (this.dirty.size === 0 || this.timer) return;
    const wait = Math.max(0, this.lastAt + this.intervalMs - performance.now());
    this.timer = setTimeout(() => this.publish(), wait);
    this.timer.unref();
  }

  private publish(): void {
    this.timer = null;
    this.lastAt = performance.now();
    const bars = this.builder.forming().filter((b) => this.dirty.has(b.symbol));
    this.dirty.clear();
    if (bars.length === 0) return;
    this.counters.published += bars.length;
    void this.opts.publisher.publish(
      bars.map((b) => ({ symbol: b.symbol, time: b.time, tradingDate: b.tradingDate, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, forming: true })),
    );
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
