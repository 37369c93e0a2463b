/**
 * Turns values into KIS-shaped records using the shared layouts in `src/kis/spec` (never a restated field
 * list): every field of the layout, in its order, every value a string. A value for a name the layout does
 * not have is a bug in the simulator and throws at build time.
 */
import { ENDPOINTS, REST_VALUE_UNITS, restValueUnits, toKisUnits, type EndpointName, type RestEndpointLayout } from '../../kis/spec/index.js';
import type { Instrument } from '../../market/types.js';

export type Value = string | number | undefined;
export type Values = Record<string, Value>;

/** What KIS puts in a field we do not model: flags "N", names/codes/dates empty, numbers "0". */
export function defaultFor(field: string): string {
  if (field.endsWith('_yn')) return 'N';
  if (/(name|isnm|_code|date|hour|_cd$|reas)/.test(field)) return '';
  return '0';
}

const str = (v: Value): string | undefined =>
  v === undefined ? undefined : typeof v === 'number' ? String(v) : v;

/** Endpoint and block of each layout field list that has money fields (the lists are shared by identity). */
let moneyBlocks: WeakMap<readonly string[], { endpoint: string; block: string }> | undefined;
function moneyBlockOf(fields: readonly string[]): { endpoint: string; block: string } | undefined {
  if (!moneyBlocks) {
    moneyBlocks = new WeakMap();
    for (const [endpoint, blocks] of Object.entries(REST_VALUE_UNITS)) {
      const ep = ENDPOINTS[endpoint as EndpointName] as RestEndpointLayout;
      for (const block of Object.keys(blocks)) moneyBlocks.set(fieldsOf(ep, block), { endpoint, block });
    }
  }
  return moneyBlocks.get(fields);
}

/**
 * One response block in the layout's order. Money fields given as numbers are amounts in won and go out in
 * KIS's unit for the block (`REST_VALUE_UNITS`; F/O trading value in thousands), so handlers never scale by
 * hand; `division` (the request's market division) picks that unit on derivatives endpoints. A money field
 * given as a string is sent as is.
 */
export function fillBlock(fields: readonly string[], values: Values, where: string, division?: string): Record<string, string> {
  for (const k of Object.keys(values)) {
    if (!fields.includes(k)) throw new Error(`simulator bug: ${where} has no field ${k}`);
  }
  const money = moneyBlockOf(fields);
  const units = money ? restValueUnits(money.endpoint, money.block, division) : undefined;
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f];
    const unit = typeof v === 'number' ? units?.get(f) : undefined;
    out[f] = unit !== undefined ? String(toKisUnits(v as number, unit)) : str(v) ?? defaultFor(f);
  }
  return out;
}

/** Prices: stocks in whole KRW, derivatives with 2 decimals (index points). */
export function priceDecimals(inst: Pick<Instrument, 'kind'>): number {
  return inst.kind === 'stock' ? 0 : 2;
}

export const fmt = (n: number, decimals: number): string =>
  Number.isFinite(n) ? n.toFixed(decimals) : 'nan';
export const int = (n: number): string => String(Math.round(n));

/** KIS `prdy_vrss_sign`: 1 상한, 2 상승, 3 보합, 4 하한, 5 하락. */
export function changeSign(price: number, prevClose: number, upper?: number, lower?: number): string {
  if (upper !== undefined && price >= upper && price > prevClose) return '1';
  if (lower !== undefined && price <= lower && price < prevClose) return '4';
  return price > prevClose ? '2' : price < prevClose ? '5' : '3';
}

export const changeRate = (price: number, prevClose: number): string =>
  fmt(prevClose ? ((price - prevClose) / prevClose) * 100 : 0, 2);

/** Right-pads like KIS's fixed-width `msg1` and `ctx_area_*` values. */
export const padRight = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** Field list of a response block of a shared endpoint layout. */
export function fieldsOf(ep: RestEndpointLayout, block: string): readonly string[] {
  const b = ep.blocks[block];
  if (!b) throw new Error(`simulator bug: ${ep.path} has no response block ${block}`);
  return b.fields;
}

/** Keeps the values a layout has: for summaries shared by several endpoints whose field sets differ. */
export function pick(fields: readonly string[], values: Values): Values {
  return Object.fromEntries(fields.filter((f) => f in values).map((f) => [f, values[f]]));
}
