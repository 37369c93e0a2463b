/**
 * Typed, idempotent bulk writers for market data. Every call is one transaction (see `upsert.ts`);
 * batches of 1 to 100k rows. Tables that do not exist yet are created on first sight.
 */
import type pg from 'pg';
import type { KstDate } from '../time/kst.js';
import { IV_MISSING_REASONS } from '../market/types.js';
import { ensureCandleTable, ensureDayPartition, forgetTables } from './dynamic-tables.js';
import { StorageWriteError } from './errors.js';
import { assertCandleTable, isDayPartition, type CandleFamily } from './names.js';
import type { Candle, OptionChainRow, Quote, Tick, WriteResult } from './types.js';
import { upsertBatch, type Column, type UpsertSpec, type UpsertTarget } from './upsert.js';
import {
  candleProblem,
  dateProblem,
  describeTime,
  firstProblem,
  numberProblem,
  symbolProblem,
  timeProblem,
  tradingDateProblem,
} from './validate.js';
import { kstText, numberArrayLiteral } from './copy.js';

export { candleTableFor } from './names.js';

const TS = '"timestamp"';
const num = <R>(
  name: string,
  get: (r: R) => number | null | undefined,
  type = 'DOUBLE PRECISION',
): Column<R> => ({
  name,
  type,
  get: (r) => get(r) ?? null,
});

const candleColumns: readonly Column<Candle>[] = [
  { name: TS, type: 'TIMESTAMP', get: (c) => kstText(c.time) },
  { name: 'symbol', type: 'TEXT', get: (c) => c.symbol },
  { name: 'trading_date', type: 'DATE', get: (c) => c.tradingDate ?? kstText(c.time).slice(0, 10) },
  num('open', (c) => c.open),
  num('high', (c) => c.high),
  num('low', (c) => c.low),
  num('close', (c) => c.close),
  num('volume', (c) => c.volume, 'BIGINT'),
  num('open_interest', (c) => c.openInterest, 'BIGINT'),
];

const candleSpecs = new Map<string, UpsertSpec<Candle>>();
function candleSpec(family: CandleFamily): UpsertSpec<Candle> {
  let spec = candleSpecs.get(family);
  if (!spec) {
    spec = {
      label: family,
      stage: 'krt_stage_candles',
      columns: candleColumns,
      key: ['symbol', TS],
      onConflict: 'update',
      // `family` is a validated table name, so the literal is safe.
      computed: [{ name: 'family', expr: `'${family}'`, onUpdate: false }],
      problem: candleProblem,
      describe: (c) => ({ ...c, time: describeTime(c.time) }),
      latest: { source: family, symbolColumn: 'symbol', timeColumn: TS },
    };
    candleSpecs.set(family, spec);
  }
  return spec;
}

/** The database lost a table we cached as existing (dropped by someone else): forget and retry once. */
async function retryingMissingTable<T>(
  pool: pg.Pool,
  names: (n: string) => boolean,
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt();
  } catch (e) {
    const gone =
      e instanceof StorageWriteError &&
      (e.sqlState === '42P01' || (e.sqlState === '23514' && /no partition/.test(e.message)));
    if (!gone) throw e;
    forgetTables(pool, names);
    return attempt();
  }
}

/** Upserts minute candles into a family table (`futures_101`, `stocks_1m`, …; see `candleTableFor`). */
export async function writeCandles(
  pool: pg.Pool,
  family: CandleFamily,
  rows: readonly Candle[],
): Promise<WriteResult> {
  const t = assertCandleTable(family);
  return retryingMissingTable(
    pool,
    (n) => n === t,
    async () => {
      await ensureCandleTable(pool, t);
      return upsertBatch(pool, candleSpec(t), t, rows);
    },
  );
}

/** Ensures the day partitions the batch needs and returns one target per partition. */
async function dayTargets(
  pool: pg.Pool,
  parent: 'ticks' | 'quotes',
  validRows: readonly { tradingDate: KstDate }[],
): Promise<UpsertTarget[]> {
  const days = new Set<KstDate>();
  for (const r of validRows) days.add(r.tradingDate);
  const targets: UpsertTarget[] = [];
  // Valid rows passed dateProblem (digits and dashes only), so the date is safe as a literal.
  for (const d of [...days].sort())
    targets.push({ table: await ensureDayPartition(pool, parent, d), where: `trading_date = '${d}'` });
  return targets;
}

const tickSpec: UpsertSpec<Tick> = {
  label: 'ticks',
  stage: 'krt_stage_ticks',
  columns: [
    { name: TS, type: 'TIMESTAMP(3)', get: (t) => kstText(t.time) },
    { name: 'symbol', type: 'TEXT', get: (t) => t.symbol },
    { name: 'trading_date', type: 'DATE', get: (t) => t.tradingDate },
    num('price', (t) => t.price),
    num('volume', (t) => t.volume, 'BIGINT'),
    num('cum_volume', (t) => t.cumVolume, 'BIGINT'),
    { name: 'side', type: 'CHAR(1)', get: (t) => (t.side === 'buy' ? 'B' : t.side === 'sell' ? 'S' : null) },
    num('open_interest', (t) => t.openInterest, 'BIGINT'),
  ],
  key: ['symbol', 'trading_date', TS, 'cum_volume'],
  onConflict: 'nothing',
  problem: (t) =>
    firstProblem(
      symbolProblem('symbol', t.symbol),
      timeProblem('time', t.time),
      numberProblem('price', t.price),
      numberProblem('volume', t.volume, { integer: true }),
      numberProblem('cumVolume', t.cumVolume, { integer: true }),
      numberProblem('openInterest', t.openInterest, { optional: true, integer: true }),
      t.side === undefined || t.side === null || t.side === 'buy' || t.side === 'sell'
        ? null
        : `side ${JSON.stringify(t.side)} is not buy/sell`,
    ) ?? tradingDateProblem(t.time, t.tradingDate),
  describe: (t) => ({ ...t, time: describeTime(t.time) }),
  latest: { source: 'ticks', symbolColumn: 'symbol', timeColumn: TS },
};

/** Inserts realtime trades; trades already stored are left untouched (ticks are immutable). */
export async function writeTicks(pool: pg.Pool, rows: readonly Tick[]): Promise<WriteResult> {
  return retryingMissingTable(pool, isDayPartition, async () => {
    return upsertBatch(pool, tickSpec, (good) => dayTargets(pool, 'ticks', good), rows);
  });
}

function levelsProblem(side: string, prices: unknown, sizes: unknown): string | null {
  if (!Array.isArray(prices) || !Array.isArray(sizes)) return `${side} prices/sizes are not arrays`;
  if (prices.length !== sizes.length)
    return `${side}Prices has ${prices.length} levels but ${side}Sizes has ${sizes.length}`;
  for (let i = 0; i < prices.length; i++) {
    const p = firstProblem(
      numberProblem(`${side}Prices[${i}]`, prices[i]),
      numberProblem(`${side}Sizes[${i}]`, sizes[i], { integer: true }),
    );
    if (p) return p;
  }
  return null;
}

const quoteSpec: UpsertSpec<Quote> = {
  label: 'quotes',
  stage: 'krt_stage_quotes',
  columns: [
    { name: TS, type: 'TIMESTAMP(3)', get: (q) => kstText(q.time) },
    { name: 'symbol', type: 'TEXT', get: (q) => q.symbol },
    { name: 'trading_date', type: 'DATE', get: (q) => q.tradingDate },
    { name: 'ask_prices', type: 'DOUBLE PRECISION[]', get: (q) => numberArrayLiteral(q.askPrices) },
    { name: 'ask_sizes', type: 'BIGINT[]', get: (q) => numberArrayLiteral(q.askSizes) },
    { name: 'bid_prices', type: 'DOUBLE PRECISION[]', get: (q) => numberArrayLiteral(q.bidPrices) },
    { name: 'bid_sizes', type: 'BIGINT[]', get: (q) => numberArrayLiteral(q.bidSizes) },
    num('total_ask_size', (q) => q.totalAskSize, 'BIGINT'),
    num('total_bid_size', (q) => q.totalBidSize, 'BIGINT'),
    { name: 'seq', type: 'INTEGER', get: (q) => q.seq ?? 0 },
  ],
  key: ['symbol', 'trading_date', TS, 'seq'],
  onConflict: 'update',
  problem: (q) =>
    firstProblem(
      symbolProblem('symbol', q.symbol),
      timeProblem('time', q.time),
      levelsProblem('ask', q.askPrices, q.askSizes),
      levelsProblem('bid', q.bidPrices, q.bidSizes),
      numberProblem('totalAskSize', q.totalAskSize, { optional: true, integer: true }),
      numberProblem('totalBidSize', q.totalBidSize, { optional: true, integer: true }),
    ) ?? tradingDateProblem(q.time, q.tradingDate),
  describe: (q) => ({ ...q, time: describeTime(q.time) }),
  latest: { source: 'quotes', symbolColumn: 'symbol', timeColumn: TS },
};

/** Upserts order-book snapshots; the latest snapshot for a (symbol, timestamp) wins. */
export async function writeQuotes(pool: pg.Pool, rows: readonly Quote[]): Promise<WriteResult> {
  return retryingMissingTable(pool, isDayPartition, async () => {
    return upsertBatch(pool, quoteSpec, (good) => dayTargets(pool, 'quotes', good), rows);
  });
}

const UNDERLYING_SYMBOL_RE = /^[A-Z0-9]{1,16}:\d{8}$/;
export const underlyingSymbolProblem = (v: unknown): string | null =>
  typeof v === 'string' && UNDERLYING_SYMBOL_RE.test(v)
    ? null
    : `underlyingSymbol ${JSON.stringify(v)} is not '<UNDERLYING>:<YYYYMMDD>'`;

/** A 0 where 0 cannot be real is KIS's "none" leaking through: missing is null (src/kis/not-computed.ts). */
const notAValueProblem = (field: string, v: number | null | undefined): string | null =>
  v === 0 ? `${field} 0 is not a value: a missing ${field} is stored as null` : null;

function ivMissingProblem(o: OptionChainRow): string | null {
  const why = o.ivMissingReason;
  if (why === undefined || why === null) return null;
  if (!(IV_MISSING_REASONS as readonly string[]).includes(why))
    return `ivMissingReason ${JSON.stringify(why)} is not one of ${IV_MISSING_REASONS.join(', ')}`;
  return o.iv === undefined || o.iv === null ? null : `ivMissingReason ${why} given with iv ${o.iv}`;
}

const GREEKS = ['delta', 'gamma', 'theta', 'vega'] as const;
const OWN_GREEKS = [['own_delta', 'ownDelta'], ['own_gamma', 'ownGamma'], ['own_theta', 'ownTheta'], ['own_vega', 'ownVega']] as const;
const chainSpec: UpsertSpec<OptionChainRow> = {
  label: 'option_chain_raw',
  stage: 'krt_stage_chain',
  columns: [
    { name: TS, type: 'TIMESTAMP', get: (o) => kstText(o.time) },
    { name: 'code', type: 'TEXT', get: (o) => o.code },
    { name: 'underlying_symbol', type: 'TEXT', get: (o) => o.underlyingSymbol },
    { name: 'expiry', type: 'DATE', get: (o) => o.expiry ?? null },
    num('strike', (o) => o.strike),
    { name: 'option_right', type: 'CHAR(1)', get: (o) => (o.right === 'call' ? 'C' : 'P') },
    num('price', (o) => o.price),
    num('bid', (o) => o.bid),
    num('ask', (o) => o.ask),
    num('volume', (o) => o.volume, 'BIGINT'),
    num('open_interest', (o) => o.openInterest, 'BIGINT'),
    num('iv', (o) => o.iv),
    { name: 'iv_missing_reason', type: 'TEXT', get: (o) => o.ivMissingReason ?? null },
    ...GREEKS.map((g) => num<OptionChainRow>(g, (o) => o[g])),
    num('underlying_price', (o) => o.underlyingPrice),
    num('own_iv', (o) => o.ownIv),
    { name: 'own_iv_missing_reason', type: 'TEXT', get: (o) => o.ownIvMissingReason ?? null },
    ...OWN_GREEKS.map(([col, f]) => num<OptionChainRow>(col, (o) => o[f])),
    num('forward', (o) => o.forward),
    num('years_to_expiry', (o) => o.yearsToExpiry),
    { name: 'rebuilt', type: 'BOOLEAN', get: (o) => (o.rebuilt ? 't' : 'f') },
  ],
  key: [TS, 'code'],
  onConflict: 'update',
  problem: (o) =>
    firstProblem(
      timeProblem('time', o.time),
      symbolProblem('code', o.code),
      underlyingSymbolProblem(o.underlyingSymbol),
      o.expiry === undefined || o.expiry === null ? null : dateProblem('expiry', o.expiry),
      o.right === 'call' || o.right === 'put' ? null : `right ${JSON.stringify(o.right)} is not call/put`,
      numberProblem('strike', o.strike),
      o.strike > 0 ? null : `strike ${o.strike} is not positive`,
      ...(['price', 'bid', 'ask', 'iv', 'underlyingPrice'] as const).map((f) =>
        numberProblem(f, o[f], { optional: true }),
      ),
      ...(['price', 'bid', 'ask', 'iv', 'underlyingPrice'] as const).map((f) => notAValueProblem(f, o[f])),
      ivMissingProblem(o),
      numberProblem('volume', o.volume, { optional: true, integer: true }),
      numberProblem('openInterest', o.openInterest, { optional: true, integer: true }),
      ...GREEKS.map((g) => numberProblem(g, o[g], { optional: true, signed: true })),
      ...OWN_GREEKS.map(([, f]) => numberProblem(f, o[f], { optional: true, signed: true })),
      ...(['ownIv', 'forward', 'yearsToExpiry'] as const).map((f) => numberProblem(f, o[f], { optional: true })),
      notAValueProblem('ownIv', o.ownIv),
      o.ownIv != null && o.ownIvMissingReason != null ? `ownIvMissingReason ${o.ownIvMissingReason} given with ownIv ${o.ownIv}` : null,
    ),
  describe: (o) => ({ ...o, time: describeTime(o.time) }),
  latest: { source: 'option_chain_raw', symbolColumn: 'underlying_symbol', timeColumn: TS },
};

/** Upserts option-board snapshots (every strike, KIS's IV and greeks). */
export async function writeOptionChain(pool: pg.Pool, rows: readonly OptionChainRow[]): Promise<WriteResult> {
  return upsertBatch(pool, chainSpec, 'option_chain_raw', rows);
}
