/**
 * The realtime recorder: a `RecordSink` that stores every trade and order-book record in the day-
 * partitioned `ticks`/`quotes` tables through COPY, with group commit — while one batch commits, the next
 * accumulates, so a slow database makes batches larger, not more frequent.
 *
 * Memory is bounded: `write` returns false once `highWater` records are uncommitted (the holder pauses its
 * sockets until `drained()`), and refuses with `RecorderOverflowError` at `hardCap` instead of dropping
 * or growing. A failed commit is retried with the same rows until it succeeds, never skipped. Each commit
 * also records, per instrument, the newest exchange time committed (`stream_progress`), so after a crash
 * the records lost are exactly those after it.
 */
import type pg from 'pg';
import type { Logger } from '../log.js';
import type { WsRecord } from '../kis/ws/records.js';
import { formatKst, parseKst } from '../time/kst.js';
import { encodeBatch, type EncodedBatch, type QuoteSeqState } from './recorder-batch.js';
import { commitBatch } from './recorder-commit.js';
import { RecorderClosedError, RecorderFlushTimeoutError, RecorderOverflowError } from './recorder-errors.js';
import type { RecordSink } from './types.js';

export interface RecorderCommit {
  /** The records of this commit, in arrival order (trades, quotes, and any ignored notices). */
  records: readonly WsRecord[];
  trades: number;
  quotes: number;
  duplicates: number;
  /** `performance.now()` when the transaction committed. */
  committedAt: number;
}

export interface RecorderOptions {
  pool: pg.Pool;
  /** Uncommitted records at which `write` returns false (default 20,000). */
  highWater?: number;
  /** Uncommitted records at which `write` throws (default 4 × highWater). */
  hardCap?: number;
  /** Most records in one transaction (default 25,000). */
  maxBatch?: number;
  /** Retry back-off after a failed commit (default 50 ms doubling to 2 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long `close()` keeps trying to commit what is left (default 30 s). */
  closeTimeoutMs?: number;
  /** Called once per commit (metrics, lag). Must not throw. */
  onCommit?: (c: RecorderCommit) => void;
  /** Called with each record as it is accepted, before it is committed (tick bars). Must not throw. */
  onRecord?: (r: WsRecord) => void;
  logger?: Logger;
}

export class StreamRecorder implements RecordSink {
  readonly counters = { accepted: 0, committed: 0, trades: 0, quotes: 0, duplicates: 0, rejected: 0, ignored: 0, retries: 0, batches: 0 };
  private pending: WsRecord[] = [];
  private inFlightRecords: readonly WsRecord[] = [];
  private loop: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private closed = false;
  private lastError: unknown = null;
  private readonly highWater: number;
  private readonly hardCap: number;
  private readonly seqs: QuoteSeqState = new Map();
  private ready: Promise<void>;
  private drainWaiters: (() => void)[] = [];
  private flushWaiters: { target: number; resolve: () => void }[] = [];
  private wake: (() => void) | null = null;

  constructor(private readonly opts: RecorderOptions) {
    this.highWater = opts.highWater ?? 20_000;
    this.hardCap = opts.hardCap ?? 4 * this.highWater;
    this.ready = this.loadQuoteSeqs();
    this.ready.catch(() => undefined); // handled (retried) by the commit loop
  }

  /** Uncommitted records held (waiting + committing). */
  get buffered(): number {
    return this.pending.length + this.inFlightRecords.length;
  }

  write(record: WsRecord): boolean {
    if (this.closing) throw new RecorderClosedError();
    if (this.buffered >= this.hardCap) throw new RecorderOverflowError(this.buffered);
    this.pending.push(record);
    this.counters.accepted++;
    this.opts.onRecord?.(record);
    this.loop ??= this.run();
    return this.buffered < this.highWater;
  }

  drained(): Promise<void> {
    if (this.buffered < this.highWater) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  flush(): Promise<void> {
    const target = this.counters.accepted;
    if (this.counters.committed >= target) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push({ target, resolve }));
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const timeoutMs = this.opts.closeTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    try {
      const outcome = await Promise.race([this.flush().then(() => 'done' as const), timedOut]);
      if (outcome === 'timeout') {
        const left = [...this.inFlightRecords, ...this.pending];
        const lostFrom = new Map<string, string>();
        for (const r of left) if (!lostFrom.has(r.code)) lostFrom.set(r.code, formatKst(r.time));
        throw new RecorderFlushTimeoutError(this.buffered, lostFrom, this.lastError);
      }
    } finally {
      clearTimeout(timer);
      this.closed = true;
      this.wake?.();
    }
  }

  private async loadQuoteSeqs(): Promise<void> {
    // After a restart, quotes in the second last committed continue its numbering instead of colliding.
    const r = await this.opts.pool.query<{ symbol: string; t: string; seq: number }>(
      `SELECT symbol, last_quote_time::text AS t, last_quote_seq AS seq FROM stream_progress WHERE last_quote_time IS NOT NULL`,
    );
    for (const row of r.rows) this.seqs.set(row.symbol, { time: parseKst(row.t), seq: row.seq });
  }

  private async run(): Promise<void> {
    try {
      await this.untilReady();
      // Let the records of the frames being parsed right now join the first batch.
      await new Promise((r) => setImmediate(r));
      while (this.pending.length && !this.closed) {
        const max = this.opts.maxBatch ?? 25_000;
        const records = this.pending.length <= max ? this.pending : this.pending.slice(0, max);
        this.pending = this.pending.length <= max ? [] : this.pending.slice(max);
        this.inFlightRecords = records;
        const batch = encodeBatch(records, this.seqs);
        if (!(await this.commitUntilDone(records, batch))) return; // close() gave up: lostFrom says what
        this.inFlightRecords = [];
        this.counters.committed += records.length;
        this.settleWaiters();
      }
    } finally {
      this.loop = null;
      if (this.pending.length && !this.closed) this.loop = this.run();
    }
  }

  private async untilReady(): Promise<void> {
    for (let delay = this.opts.retryMinMs ?? 50; !this.closed; delay = Math.min(delay * 2, this.opts.retryMaxMs ?? 2_000)) {
      try {
        return await this.ready;
      } catch (e) {
        this.noteFailure(e);
        this.counters.retries++;
        await this.pause(delay);
        this.ready = this.loadQuoteSeqs();
        this.ready.catch(() => undefined);
      }
    }
  }

  /** True once committed; false only when close() gave up waiting. */
  private async commitUntilDone(records: readonly WsRecord[], batch: EncodedBatch): Promise<boolean> {
    let delay = this.opts.retryMinMs ?? 50;
    for (;;) {
      try {
        const r = await commitBatch(this.opts.pool, batch);
        Object.assign(this.counters, {
          trades: this.counters.trades + batch.trades,
          quotes: this.counters.quotes + batch.quotes,
          duplicates: this.counters.duplicates + r.duplicates,
          rejected: this.counters.rejected + batch.rejected.length,
          ignored: this.counters.ignored + batch.ignored,
          batches: this.counters.batches + 1,
        });
        this.lastError = null;
        this.opts.onCommit?.({ records, trades: batch.trades, quotes: batch.quotes, duplicates: r.duplicates, committedAt: performance.now() });
        return true;
      } catch (e) {
        this.noteFailure(e);
        if (this.closed) return false;
        this.counters.retries++;
        await this.pause(delay);
        delay = Math.min(delay * 2, this.opts.retryMaxMs ?? 2_000);
      }
    }
  }

  private noteFailure(e: unknown): void {
    this.lastError = e;
    this.opts.logger?.warn(
      { err: e instanceof Error ? e.message : String(e), buffered: this.buffered },
      'stream recorder: commit failed; retrying the same records',
    );
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => ((this.wake = null), resolve()), ms);
      this.wake = () => (clearTimeout(t), (this.wake = null), resolve());
    });
  }

  private settleWaiters(): void {
    if (this.buffered < this.highWater && this.drainWaiters.length) {
      const ws = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of ws) w();
    }
    const done = this.counters.committed;
    this.flushWaiters = this.flushWaiters.filter((w) => (w.target <= done ? (w.resolve(), false) : true));
  }
}
