/** Query-parameter parsing for the chart routes: each failure is a one-line message for an HTTP 400. */
import { MATRIX_METRICS, type MatrixMetric } from '../../src/db/types.js';
import { parseKstDate, type KstDate } from '../../src/time/kst.js';
import { TIMEFRAMES, isTimeframe, type Timeframe } from '../../src/market/resample.js';

export class BadChartQuery extends Error {}

type Query = Record<string, unknown>;

function one(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadChartQuery(`query parameter ${name} must be given once`);
  return v;
}

const CODE_RE = /^[A-Za-z0-9_.:-]{1,32}$/;
const PRODUCT_RE = /^[a-z0-9]{1,12}$/;

export function code(q: Query, name: string): string {
  const v = one(q, name);
  if (v === undefined || v === '')
    throw new BadChartQuery(
      `query parameter ${name} is required (e.g. ${name}=${name === 'symbol' ? 'A01612' : 'KOSPI200:20261210'})`,
    );
  if (!CODE_RE.test(v))
    throw new BadChartQuery(
      `${name} ${JSON.stringify(v.slice(0, 40))} is not a valid code (letters, digits, _ . : -; at most 32)`,
    );
  return v;
}

export function product(q: Query): string {
  const v = one(q, 'product');
  if (v === undefined || v === '')
    throw new BadChartQuery('query parameter product is required (e.g. product=101)');
  if (!PRODUCT_RE.test(v))
    throw new BadChartQuery(
      `product ${JSON.stringify(v.slice(0, 40))} must be 1–12 lowercase letters or digits (e.g. 101)`,
    );
  return v;
}

export function minutes(q: Query, fallback: number, max = 1440): number {
  const v = one(q, 'minutes');
  if (v === undefined) return fallback;
  const n = /^\d{1,5}$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= max))
    throw new BadChartQuery(
      `minutes ${JSON.stringify(v.slice(0, 40))} must be a whole number from 1 to ${max}`,
    );
  return n;
}

export function metric(q: Query): MatrixMetric {
  const v = one(q, 'metric') ?? 'iv';
  if (!(MATRIX_METRICS as readonly string[]).includes(v))
    throw new BadChartQuery(
      `metric ${JSON.stringify(v.slice(0, 40))} is not one of ${MATRIX_METRICS.join(', ')}`,
    );
  return v as MatrixMetric;
}

export function tradingDateParam(q: Query, name: string): KstDate | undefined {
  const v = one(q, name);
  if (v === undefined || v === '') return undefined;
  try {
    return parseKstDate(v);
  } catch {
    throw new BadChartQuery(`${name} ${JSON.stringify(v.slice(0, 40))} must be a date YYYY-MM-DD`);
  }
}

export function timeframe(q: Query): Timeframe {
  const v = one(q, 'tf') ?? '1';
  if (!isTimeframe(v)) throw new BadChartQuery(`tf ${JSON.stringify(v.slice(0, 40))} is not one of ${TIMEFRAMES.join(', ')} (minutes, or D for days)`);
  return v;
}

/** An optional code-like filter (strategy name, symbol): absent or empty → undefined. */
export function optionalCode(q: Query, name: string): string | undefined {
  const v = one(q, name);
  return v === undefined || v === '' ? undefined : code(q, name);
}

/** `HH:MM` (KST) as minutes after midnight; absent or empty → undefined. */
export function minuteOfDayParam(q: Query, name: string): number | undefined {
  const v = one(q, name);
  if (v === undefined || v === '') return undefined;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v);
  if (!m) throw new BadChartQuery(`${name} ${JSON.stringify(v.slice(0, 20))} is not a time HH:MM (KST)`);
  return Number(m[1]) * 60 + Number(m[2]);
}
