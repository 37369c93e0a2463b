/**
 * The paper broker: trading signals of a live batch become orders, filled by the same fill model as the
 * backtest, with orders, fills and positions in PostgreSQL.
 *
 * Restart-safe and idempotent: a whole batch is one transaction (a process killed mid-batch leaves nothing
 * half-done), an order's id is its signal's natural key and a fill's key is its order (ON CONFLICT DO
 * NOTHING), and a position changes only in the transaction that inserted the fill. Re-running a batch —
 * BullMQ retrying a job whose worker died — therefore adds nothing.
 *
 * Deterministic: at batch minute `t` the broker sees candles up to `t` only, so running it live minute by
 * minute and over replayed signals gives the same orders, fills and positions.
 */
import type pg from 'pg';
import type { Signal } from '../db/types.js';
import { applyFill } from '../fills/ledger.js';
import type { Fill, FillBar, FillModel, OrderRequest, Position } from '../fills/types.js';
import { formatKst, type KstTime } from '../time/kst.js';

export interface PaperBatchResult {
  ordersPlaced: number;
  fills: number;
  cancelled: number;
}

interface OrderRow {
  id: string;
  strategy: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  intent: OrderRequest['intent'];
  signal_time: KstTime;
}

/** One lock for all paper bookkeeping: batches are sequential anyway; this guards a stale duplicate run. */
const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtext('krtrade.paper'))`;

export class PaperBroker {
  private readonly only?: ReadonlySet<string>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly model: FillModel,
    opts: { strategies?: readonly string[] } = {},
  ) {
    if (opts.strategies) this.only = new Set(opts.strategies);
  }

  /** Processes one batch minute: fills due orders, places the batch's orders, fills what can fill now. */
  async onBatch(minute: KstTime, signals: readonly Signal[]): Promise<PaperBatchResult> {
    const result: PaperBatchResult = { ordersPlaced: 0, fills: 0, cancelled: 0 };
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(LOCK_SQL);
      await this.fillOpen(client, minute, result);
      const trading = signals
        .filter((s) => s.time === minute && (!this.only || this.only.has(s.strategy)))
        .sort((a, b) => a.strategy.localeCompare(b.strategy) || a.symbol.localeCompare(b.symbol) || a.kind.localeCompare(b.kind));
      for (const s of trading) {
        const order = this.model.orderFor({ strategy: s.strategy, symbol: s.symbol, time: s.time, kind: s.kind }, await position(client, s.strategy, s.symbol));
        if (!order) continue;
        const r = await client.query(
          `INSERT INTO paper_orders (id, strategy, symbol, side, quantity, intent, signal_time) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          [order.id, order.strategy, order.symbol, order.side, order.quantity, order.intent, formatKst(order.signalTime)],
        );
        result.ordersPlaced += r.rowCount ?? 0;
      }
      await this.fillOpen(client, minute, result);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  private async fillOpen(client: pg.PoolClient, minute: KstTime, result: PaperBatchResult): Promise<void> {
    const open = await client.query<OrderRow>(
      `SELECT id, strategy, symbol, side, quantity, intent, signal_time FROM paper_orders WHERE status = 'open' AND signal_time <= $1 ORDER BY signal_time, id`,
      [formatKst(minute)],
    );
    for (const o of open.rows) {
      const signalBar = await bar(client, o.symbol, '=', o.signal_time, minute);
      if (!signalBar) continue; // corrected away; wait for it (the verifier repairs candles)
      const nextBar = await bar(client, o.symbol, '>', o.signal_time, minute);
      const order: OrderRequest = { id: o.id, strategy: o.strategy, symbol: o.symbol, side: o.side, quantity: o.quantity, signalTime: o.signal_time, intent: o.intent };
      const fill = this.model.fill(order, signalBar, nextBar);
      if (fill === undefined) continue;
      if (fill === null) {
        await client.query(`UPDATE paper_orders SET status = 'cancelled' WHERE id = $1 AND status = 'open'`, [o.id]);
        result.cancelled++;
        continue;
      }
      if (await this.book(client, o.strategy, fill)) result.fills++;
    }
  }

  /** Inserts the fill and moves the position, once. */
  private async book(client: pg.PoolClient, strategy: string, fill: Fill): Promise<boolean> {
    const held = await position(client, strategy, fill.symbol);
    const applied = applyFill(held, fill, this.model.multiplier(fill.symbol));
    const r = await client.query(
      `INSERT INTO paper_fills (order_id, strategy, symbol, side, quantity, price, "timestamp", commission, tax, realized)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [fill.orderId, strategy, fill.symbol, fill.side, fill.quantity, fill.price, formatKst(fill.time), fill.commission, fill.tax, applied.realized],
    );
    if ((r.rowCount ?? 0) === 0) return false;
    await client.query(`UPDATE paper_orders SET status = 'filled' WHERE id = $1`, [fill.orderId]);
    await client.query(
      `INSERT INTO paper_positions (strategy, symbol, quantity, average_price, realized, costs, last_fill_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (strategy, symbol) DO UPDATE SET quantity = EXCLUDED.quantity, average_price = EXCLUDED.average_price,
         realized = paper_positions.realized + EXCLUDED.realized, costs = paper_positions.costs + EXCLUDED.costs, last_fill_time = EXCLUDED.last_fill_time`,
      [strategy, fill.symbol, applied.position.quantity, applied.position.averagePrice, applied.realized, fill.commission + fill.tax, formatKst(fill.time)],
    );
    return true;
  }
}

async function position(client: pg.PoolClient, strategy: string, symbol: string): Promise<Position | undefined> {
  const r = await client.query<{ quantity: number; average_price: number }>(
    `SELECT quantity, average_price FROM paper_positions WHERE strategy = $1 AND symbol = $2`,
    [strategy, symbol],
  );
  const row = r.rows[0];
  return row ? { symbol, quantity: row.quantity, averagePrice: row.average_price } : undefined;
}

/** The symbol's bar at (`=`) or first after (`>`) `time`, among bars up to the batch minute. */
async function bar(client: pg.PoolClient, symbol: string, op: '=' | '>', time: KstTime, upTo: KstTime): Promise<FillBar | undefined> {
  const r = await client.query<{ timestamp: KstTime; open: number; high: number; low: number; close: number }>(
    `SELECT "timestamp", open, high, low, close FROM candles_1m WHERE symbol = $1 AND "timestamp" ${op} $2 AND "timestamp" <= $3 ORDER BY "timestamp" LIMIT 1`,
    [symbol, formatKst(time), formatKst(upTo)],
  );
  const row = r.rows[0];
  return row ? { time: row.timestamp, open: row.open, high: row.high, low: row.low, close: row.close } : undefined;
}
