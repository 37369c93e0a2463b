/** Signals over a time window, for the dashboard's signals table and the CLI. */
import type pg from 'pg';
import type { Signal } from '../strategy/api.js';
import { formatKst, type KstTime } from '../time/kst.js';

export interface SignalFilter {
  from: KstTime;
  to: KstTime;
  strategy?: string;
  symbol?: string;
  /** Skip the per-minute `monitor` rows (only trades and other events). */
  eventsOnly?: boolean;
  limit?: number;
}

/** Signals with from ≤ time < to, newest first, optionally of one strategy / symbol. */
export async function signalsBetween(pool: pg.Pool, f: SignalFilter): Promise<Signal[]> {
  const params: unknown[] = [formatKst(f.from), formatKst(f.to)];
  let where = '"timestamp" >= $1 AND "timestamp" < $2';
  if (f.strategy) where += ` AND strategy = $${params.push(f.strategy)}`;
  if (f.symbol) where += ` AND symbol = $${params.push(f.symbol)}`;
  if (f.eventsOnly) where += ` AND kind <> 'monitor'`;
  const r = await pool.query<{ strategy: string; timestamp: KstTime; symbol: string; kind: string; value: number | null; payload: Record<string, unknown> }>(
    `SELECT strategy, "timestamp", symbol, kind, value, payload FROM signals WHERE ${where}
     ORDER BY "timestamp" DESC, strategy, symbol, kind LIMIT $${params.push(f.limit ?? 500)}`,
    params,
  );
  return r.rows.map((x) => ({ strategy: x.strategy, time: x.timestamp, symbol: x.symbol, kind: x.kind, value: x.value, payload: x.payload }));
}

/** The strategies that have stored signals, for the page's filter. */
export async function signalStrategies(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ strategy: string }>('SELECT DISTINCT strategy FROM signals ORDER BY strategy');
  return r.rows.map((x) => x.strategy);
}
