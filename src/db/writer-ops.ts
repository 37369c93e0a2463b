/** Writers for strategy signals, instruments, component status and data-quality reports. */
import type pg from 'pg';
import { formatKst } from '../time/kst.js';
import { StorageInputError } from './errors.js';
import { textArrayLiteral } from './copy.js';
import type { DataQualityRow, InstrumentRecord, Signal, SystemStatus, WriteResult } from './types.js';
import { upsertBatch, type UpsertSpec } from './upsert.js';
import {
  dateProblem,
  describeTime,
  firstProblem,
  numberProblem,
  symbolProblem,
  timeProblem,
} from './validate.js';

const NOW_KST = `(now() AT TIME ZONE 'Asia/Seoul')`;
const NAME_RE = /^[\w.:@/-]{1,100}$/;
const nameProblem = (field: string, v: unknown): string | null =>
  typeof v === 'string' && NAME_RE.test(v)
    ? null
    : `${field} ${JSON.stringify(v)} must be 1–100 characters of letters, digits, _ . : @ / -`;

const signalSpec: UpsertSpec<Signal> = {
  label: 'signals',
  stage: 'krt_stage_signals',
  columns: [
    { name: 'strategy', type: 'TEXT', get: (s) => s.strategy },
    { name: '"timestamp"', type: 'TIMESTAMP', get: (s) => formatKst(s.time) },
    { name: 'symbol', type: 'TEXT', get: (s) => s.symbol },
    { name: 'kind', type: 'TEXT', get: (s) => s.kind },
    { name: 'value', type: 'DOUBLE PRECISION', get: (s) => s.value },
    { name: 'payload', type: 'JSONB', get: (s) => JSON.stringify(s.payload ?? {}) },
  ],
  key: ['strategy', '"timestamp"', 'symbol', 'kind'],
  onConflict: 'update',
  computed: [{ name: 'updated_at', expr: NOW_KST, onUpdate: true }],
  problem: (s) =>
    firstProblem(
      nameProblem('strategy', s.strategy),
      timeProblem('time', s.time),
      symbolProblem('symbol', s.symbol),
      nameProblem('kind', s.kind),
      numberProblem('value', s.value, { optional: true, signed: true }),
      payloadProblem(s.payload),
    ),
  describe: (s) => ({ ...s, time: describeTime(s.time) }),
};

function payloadProblem(p: unknown): string | null {
  if (p === undefined) return null;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return 'payload is not a JSON object';
  try {
    JSON.stringify(p);
    return null;
  } catch (e) {
    return `payload cannot be serialised as JSON: ${(e as Error).message}`;
  }
}

/** Upserts strategy signals (one per strategy/timestamp/symbol/kind; a rerun replaces the values). */
export const writeSignals = (pool: pg.Pool, rows: readonly Signal[]): Promise<WriteResult> =>
  upsertBatch(pool, signalSpec, 'signals', rows);

const KINDS = ['stock', 'future', 'call', 'put'];
const FAMILIES = ['stock', 'kospi200', 'mini', 'kosdaq150'];
const instrumentSpec: UpsertSpec<InstrumentRecord> = {
  label: 'instruments',
  stage: 'krt_stage_instruments',
  columns: [
    { name: 'code', type: 'TEXT', get: (i) => i.code },
    { name: 'kind', type: 'TEXT', get: (i) => i.kind },
    { name: 'family', type: 'TEXT', get: (i) => i.family },
    { name: 'name', type: 'TEXT', get: (i) => i.name },
    { name: 'market', type: 'TEXT', get: (i) => i.market ?? null },
    { name: 'underlying', type: 'TEXT', get: (i) => i.underlying ?? null },
    { name: 'expiry', type: 'DATE', get: (i) => i.expiry ?? null },
    { name: 'strike', type: 'DOUBLE PRECISION', get: (i) => i.strike ?? null },
    {
      name: 'option_right',
      type: 'CHAR(1)',
      get: (i) => (i.kind === 'call' ? 'C' : i.kind === 'put' ? 'P' : null),
    },
    { name: 'series', type: 'TEXT', get: (i) => i.series ?? null },
    { name: 'multiplier', type: 'DOUBLE PRECISION', get: (i) => i.multiplier },
    { name: 'tick_size', type: 'DOUBLE PRECISION', get: (i) => i.tickSize ?? null },
    { name: 'listed', type: 'BOOLEAN', get: (i) => i.listed ?? true },
    { name: 'expired', type: 'BOOLEAN', get: (i) => i.expired ?? false },
  ],
  key: ['code'],
  onConflict: 'update',
  computed: [{ name: 'updated_at', expr: NOW_KST, onUpdate: true }],
  problem: (i) =>
    firstProblem(
      symbolProblem('code', i.code),
      KINDS.includes(i.kind) ? null : `kind ${JSON.stringify(i.kind)} is not one of ${KINDS.join(', ')}`,
      FAMILIES.includes(i.family)
        ? null
        : `family ${JSON.stringify(i.family)} is not one of ${FAMILIES.join(', ')}`,
      typeof i.name === 'string' ? null : 'name is not a string',
      i.expiry === undefined ? null : dateProblem('expiry', i.expiry),
      numberProblem('strike', i.strike, { optional: true }),
      numberProblem('multiplier', i.multiplier),
      numberProblem('tickSize', i.tickSize, { optional: true }),
    ),
  describe: (i) => ({ ...i }),
};

/** Upserts instrument master data; `updated_at` moves only when something changed. */
export const upsertInstruments = (pool: pg.Pool, rows: readonly InstrumentRecord[]): Promise<WriteResult> =>
  upsertBatch(pool, instrumentSpec, 'instruments', rows);

const dqSpec: UpsertSpec<DataQualityRow> = {
  label: 'data_quality',
  stage: 'krt_stage_data_quality',
  columns: [
    { name: 'instrument', type: 'TEXT', get: (d) => d.instrument },
    { name: 'trading_date', type: 'DATE', get: (d) => d.tradingDate },
    { name: 'expected', type: 'INTEGER', get: (d) => d.expected },
    { name: 'actual', type: 'INTEGER', get: (d) => d.actual },
    {
      name: 'missing_minutes',
      type: 'TIMESTAMP[]',
      get: (d) => textArrayLiteral(d.missingMinutes.map(formatKst)),
    },
    {
      name: 'checked_at',
      type: 'TIMESTAMP',
      get: (d) => (d.checkedAt === undefined ? null : formatKst(d.checkedAt)),
      select: `COALESCE(checked_at, ${NOW_KST})`,
    },
  ],
  key: ['instrument', 'trading_date'],
  onConflict: 'update',
  problem: (d) =>
    firstProblem(
      symbolProblem('instrument', d.instrument),
      dateProblem('tradingDate', d.tradingDate),
      numberProblem('expected', d.expected, { integer: true }),
      numberProblem('actual', d.actual, { integer: true }),
      Array.isArray(d.missingMinutes)
        ? (d.missingMinutes.map((m, i) => timeProblem(`missingMinutes[${i}]`, m)).find((p) => p) ?? null)
        : 'missingMinutes is not an array',
      d.checkedAt === undefined ? null : timeProblem('checkedAt', d.checkedAt),
    ),
  describe: (d) => ({
    ...d,
    missingMinutes: Array.isArray(d.missingMinutes) ? d.missingMinutes.map(describeTime) : d.missingMinutes,
  }),
};

/** Upserts completeness reports (one per instrument and trading date). `checkedAt` defaults to now (KST). */
export const writeDataQuality = (pool: pg.Pool, rows: readonly DataQualityRow[]): Promise<WriteResult> =>
  upsertBatch(pool, dqSpec, 'data_quality', rows);

/**
 * Records a component's state (one row per component). Status and message are replaced on every call;
 * `dataCount` / `lastDataTime` keep their previous values when not given.
 */
export async function setSystemStatus(pool: pg.Pool, s: SystemStatus): Promise<void> {
  const bad = firstProblem(
    nameProblem('component', s.component),
    typeof s.status === 'string' && s.status.length > 0 ? null : 'status must be a non-empty string',
    numberProblem('dataCount', s.dataCount, { optional: true, integer: true }),
    s.lastDataTime === undefined || s.lastDataTime === null
      ? null
      : timeProblem('lastDataTime', s.lastDataTime),
    s.updatedAt === undefined ? null : timeProblem('updatedAt', s.updatedAt),
  );
  if (bad) throw new StorageInputError(`system_status for ${JSON.stringify(s.component)}: ${bad}`);
  await pool.query(
    `INSERT INTO system_status (component, status, message, data_count, last_data_time, updated_at)
     VALUES ($1, $2, $3, $4, $5::timestamp, COALESCE($6::timestamp, ${NOW_KST}))
     ON CONFLICT (component) DO UPDATE SET status = EXCLUDED.status, message = EXCLUDED.message,
       data_count = COALESCE(EXCLUDED.data_count, system_status.data_count),
       last_data_time = COALESCE(EXCLUDED.last_data_time, system_status.last_data_time), updated_at = EXCLUDED.updated_at`,
    [
      s.component,
      s.status,
      s.message ?? '',
      s.dataCount ?? null,
      s.lastDataTime === undefined || s.lastDataTime === null ? null : formatKst(s.lastDataTime),
      s.updatedAt === undefined ? null : formatKst(s.updatedAt),
    ],
  );
}
