/** Read side of the storage layer. Times in and out are KST wall-clock (`KstTime`). */
import type pg from 'pg';
import { addDays, formatKst, startOfDate, type KstDate, type KstTime } from '../time/kst.js';
import type { Ohlcv } from '../market/types.js';
import { parseTimestamp } from './pool.js';
import { assertCandleTable, matrixTableFor } from './names.js';
import { sideColumnNames } from './matrix-columns.js';
import {
  MATRIX_METRICS,
  type Candle,
  type DataQualityRow,
  type MatrixMetric,
  type OptionChainRow,
  type OptionMatrixRow,
} from './types.js';
import type { IvMissingReason } from '../market/types.js';

/** A `candles_1m`-family row as the driver returns it. */
interface CandleRecord extends Ohlcv {
  timestamp: KstTime;
  symbol: string;
  trading_date: KstDate;
  open_interest: number | null;
}

const CANDLE_COLS = '"timestamp", symbol, trading_date, open, high, low, close, volume, open_interest';

const toCandle = (r: CandleRecord): Candle => ({
  symbol: r.symbol,
  time: r.timestamp,
  open: r.open,
  high: r.high,
  low: r.low,
  close: r.close,
  volume: r.volume,
  openInterest: r.open_interest,
  tradingDate: r.trading_date,
});

/** Restricts to one family partition when given; the parameter lets the planner prune the others. */
function familyFilter(family: string | undefined, params: unknown[]): string {
  if (family === undefined) return '';
  params.push(assertCandleTable(family));
  return ` AND family = $${params.length}`;
}

/** Candles of `symbol` with `from <= time < to`, oldest first. */
export async function readCandles(
  pool: pg.Pool,
  q: { symbol: string; from: KstTime; to: KstTime; family?: string },
): Promise<Candle[]> {
  const params: unknown[] = [q.symbol, formatKst(q.from), formatKst(q.to)];
  const r = await pool.query<CandleRecord>(
    `SELECT ${CANDLE_COLS} FROM candles_1m WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3${familyFilter(q.family, params)}
     ORDER BY "timestamp"`,
    params,
  );
  return r.rows.map(toCandle);
}

/** The last `limit` candles of `symbol` strictly before `before`, oldest first. */
export async function latestCandles(
  pool: pg.Pool,
  q: { symbol: string; before: KstTime; limit: number; family?: string },
): Promise<Candle[]> {
  const params: unknown[] = [q.symbol, formatKst(q.before), Math.max(0, Math.floor(q.limit))];
  const r = await pool.query<CandleRecord>(
    `SELECT ${CANDLE_COLS} FROM candles_1m WHERE symbol = $1 AND "timestamp" < $2${familyFilter(q.family, params)}
     ORDER BY "timestamp" DESC LIMIT $3`,
    params,
  );
  return r.rows.reverse().map(toCandle);
}

/**
 * Start times of the stored candles of `symbol` attributed to `tradingDate`, ascending. Night candles of
 * that trading date lie up to a few days before it, so the scan covers the ten days before.
 */
export async function minutesPresent(
  pool: pg.Pool,
  q: { symbol: string; tradingDate: KstDate; family?: string },
): Promise<KstTime[]> {
  const params: unknown[] = [
    q.symbol,
    q.tradingDate,
    formatKst(startOfDate(addDays(q.tradingDate, -10))),
    formatKst(startOfDate(addDays(q.tradingDate, 1))),
  ];
  const r = await pool.query<{ timestamp: KstTime }>(
    `SELECT "timestamp" FROM candles_1m WHERE symbol = $1 AND trading_date = $2 AND "timestamp" >= $3 AND "timestamp" < $4${familyFilter(q.family, params)}
     ORDER BY "timestamp"`,
    params,
  );
  return r.rows.map((x) => x.timestamp);
}

export interface LatestDataTime {
  /** Table the data went to: a candle family, `ticks`, `quotes`, `option_chain_raw`, `option_matrices_<p>`. */
  source: string;
  symbol: string;
  lastTime: KstTime;
}

/** Newest stored time per (source, symbol), maintained by the writers (no data-table scan). */
export async function latestDataTimes(pool: pg.Pool, q: { source?: string } = {}): Promise<LatestDataTime[]> {
  const r = await pool.query<{ source: string; symbol: string; last_time: KstTime }>(
    `SELECT source, symbol, last_time FROM data_latest ${q.source === undefined ? '' : 'WHERE source = $1'} ORDER BY source, symbol`,
    q.source === undefined ? [] : [q.source],
  );
  return r.rows.map((x) => ({ source: x.source, symbol: x.symbol, lastTime: x.last_time }));
}

/**
 * The newest matrix of each metric for `underlyingSymbol` at or before `at` (default: the newest stored).
 * Metrics never written are absent. An unknown product (no table yet) gives an empty result.
 */
export async function latestMatrices(
  pool: pg.Pool,
  product: string,
  underlyingSymbol: string,
  opts: { at?: KstTime; metrics?: readonly MatrixMetric[] } = {},
): Promise<Partial<Record<MatrixMetric, OptionMatrixRow>>> {
  const table = matrixTableFor(product);
  const exists = await pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
  if (!exists.rows[0]?.t) return {};
  // One index probe per metric instead of sorting every row of the underlying.
  const r = await pool.query<Record<string, unknown>>(
    `SELECT m.* FROM unnest($2::text[]) AS wanted(metric)
       CROSS JOIN LATERAL (SELECT * FROM ${table} WHERE underlying_symbol = $1 AND metric_type = wanted.metric
                           AND ($3::timestamp IS NULL OR "timestamp" <= $3::timestamp) ORDER BY "timestamp" DESC LIMIT 1) m`,
    [underlyingSymbol, opts.metrics ?? MATRIX_METRICS, opts.at === undefined ? null : formatKst(opts.at)],
  );
  const out: Partial<Record<MatrixMetric, OptionMatrixRow>> = {};
  for (const row of toMatrixRows(r)) out[row.metric] = row;
  return out;
}

/** Maps `option_matrices_<p>` rows (any strikes-per-side width) to `OptionMatrixRow`s. */
function toMatrixRows(r: pg.QueryResult<Record<string, unknown>>): OptionMatrixRow[] {
  const n = r.fields.filter((f) => f.name.startsWith('call_otm')).length;
  const calls = sideColumnNames('call', n);
  const puts = sideColumnNames('put', n);
  return r.rows.map((row) => ({
    time: row.timestamp as KstTime,
    underlyingSymbol: row.underlying_symbol as string,
    metric: row.metric_type as MatrixMetric,
    atmStrike: row.atm_strike as number,
    strikeStep: row.strike_step as number,
    calls: calls.map((c) => row[c] as number | null),
    puts: puts.map((c) => row[c] as number | null),
  }));
}

/**
 * Matrices of one metric for `underlyingSymbol` whose time lies within `minutes` of the newest stored one
 * (newest − minutes < time ≤ newest), oldest first. An unknown product (no table yet) gives [].
 */
export async function recentMatrices(
  pool: pg.Pool,
  product: string,
  underlyingSymbol: string,
  metric: MatrixMetric,
  opts: { minutes: number },
): Promise<OptionMatrixRow[]> {
  const table = matrixTableFor(product);
  const exists = await pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
  if (!exists.rows[0]?.t) return [];
  const r = await pool.query<Record<string, unknown>>(
    `SELECT * FROM ${table} WHERE underlying_symbol = $1 AND metric_type = $2
       AND "timestamp" > (SELECT max("timestamp") FROM ${table} WHERE underlying_symbol = $1 AND metric_type = $2)
                         - make_interval(mins => $3::int)
     ORDER BY "timestamp"`,
    [underlyingSymbol, metric, Math.max(0, Math.floor(opts.minutes))],
  );
  return toMatrixRows(r);
}

/** An `option_chain_raw` row as the driver returns it; every value column may be NULL (missing, never 0). */
interface ChainRecord {
  timestamp: KstTime;
  code: string;
  underlying_symbol: string;
  expiry: KstDate | null;
  strike: number;
  option_right: 'C' | 'P';
  price: number | null;
  bid: number | null;
  ask: number | null;
  volume: number | null;
  open_interest: number | null;
  iv: number | null;
  iv_missing_reason: IvMissingReason | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  underlying_price: number | null;
  own_iv?: number | null;
  own_iv_missing_reason?: string | null;
  own_delta?: number | null;
  own_gamma?: number | null;
  own_theta?: number | null;
  own_vega?: number | null;
  forward?: number | null;
  years_to_expiry?: number | null;
}

/** Every strike of the board snapshot of `underlyingSymbol` at `time`, calls then puts, by strike. */
export async function readOptionChain(
  pool: pg.Pool,
  q: { underlyingSymbol: string; time: KstTime },
): Promise<OptionChainRow[]> {
  const r = await pool.query<ChainRecord>(
    `SELECT * FROM option_chain_raw WHERE underlying_symbol = $1 AND "timestamp" = $2 ORDER BY option_right, strike`,
    [q.underlyingSymbol, formatKst(q.time)],
  );
  return r.rows.map((x) => ({
    time: x.timestamp, code: x.code, underlyingSymbol: x.underlying_symbol, expiry: x.expiry, strike: x.strike,
    right: x.option_right === 'C' ? 'call' : 'put', price: x.price, bid: x.bid, ask: x.ask, volume: x.volume,
    openInterest: x.open_interest, iv: x.iv, ivMissingReason: x.iv_missing_reason, delta: x.delta, gamma: x.gamma,
    theta: x.theta, vega: x.vega, underlyingPrice: x.underlying_price,
    ownIv: x.own_iv ?? null, ownIvMissingReason: x.own_iv_missing_reason ?? null, ownDelta: x.own_delta ?? null, ownGamma: x.own_gamma ?? null,
    ownTheta: x.own_theta ?? null, ownVega: x.own_vega ?? null, forward: x.forward ?? null, yearsToExpiry: x.years_to_expiry ?? null,
  }));
}

/** Completeness reports of a trading date (all instruments, or one). */
export async function readDataQuality(
  pool: pg.Pool,
  q: { tradingDate: KstDate; instrument?: string },
): Promise<DataQualityRow[]> {
  // TIMESTAMP[] is read as text[]: pg's array parser would build zone-dependent Dates.
  const r = await pool.query<{
    instrument: string;
    trading_date: KstDate;
    expected: number;
    actual: number;
    missing: string[];
    checked_at: KstTime;
  }>(
    `SELECT instrument, trading_date, expected, actual, missing_minutes::text[] AS missing, checked_at FROM data_quality
      WHERE trading_date = $1 AND ($2::text IS NULL OR instrument = $2) ORDER BY instrument`,
    [q.tradingDate, q.instrument ?? null],
  );
  return r.rows.map((x) => ({
    instrument: x.instrument,
    tradingDate: x.trading_date,
    expected: x.expected,
    actual: x.actual,
    missingMinutes: x.missing.map(parseTimestamp),
    checkedAt: x.checked_at,
  }));
}
