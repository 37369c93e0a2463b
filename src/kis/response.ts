/**
 * Reading response blocks by the shared layouts. Block names are matched case-insensitively and
 * `output` ↔ `output1` are interchangeable (KIS's tables and examples disagree, reference §9.6);
 * an array block that arrives as a single object (and vice versa) is accepted. Money fields come out in
 * won whatever unit KIS sent them in (`restValueUnits`, e.g. F/O trading value in thousands of won).
 */
import { layoutOf, type RestEndpointName as EndpointName } from './http.js';
import { KisResponseFormatError } from './errors.js';
import { type Row, RowProblem, rowReader } from './fields.js';
import type { JsonObject } from './envelope.js';
import { restValueUnits } from './spec/index.js';

function lookup(body: JsonObject, name: string): unknown {
  if (name in body) return body[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(body)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The value of a block, trying the documented name first, then its `output`/`output1` twin. */
export function findBlock(body: JsonObject, name: string): unknown {
  const direct = lookup(body, name);
  if (direct !== undefined) return direct;
  if (name === 'output') return lookup(body, 'output1');
  if (name === 'output1') return lookup(body, 'output');
  return undefined;
}

function isBlankRow(item: unknown): boolean {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
  for (const k in item) {
    const v = (item as Record<string, unknown>)[k];
    if (v !== '' && v !== null) return false;
  }
  return true;
}

function layoutFields(endpoint: EndpointName, block: string): readonly string[] {
  const b = layoutOf(endpoint).blocks[block];
  if (!b) throw new Error(`layout ${endpoint} has no block ${block}`);
  return b.fields;
}

/** Money fields of a converted row, from KIS's unit to won (in place: the row is the reader's fresh object). */
function toWon(row: Row, units: ReadonlyMap<string, number>): Row {
  for (const [field, unit] of units) {
    const v = row[field];
    if (typeof v === 'number') (row as Record<string, unknown>)[field] = v * unit;
  }
  return row;
}

/** `path` names the row in errors; a function so the per-row happy path builds no string. */
function parseRow(endpoint: EndpointName, path: () => string, raw: unknown, fields: readonly string[], required: readonly string[]): Row {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new KisResponseFormatError(layoutOf(endpoint).path, path(), `is ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}, expected an object`);
  }
  const r = rowReader(fields, required)(raw as Record<string, unknown>);
  if (r instanceof RowProblem) throw new KisResponseFormatError(layoutOf(endpoint).path, `${path()}.${r.field}`, r.problem);
  return r;
}

/**
 * One object block; `required` fields must be present and well-formed. `division` is the request's market
 * division (`FID_COND_MRKT_DIV_CODE`): derivatives endpoints need it to know their money unit.
 */
export function readObject(endpoint: EndpointName, body: JsonObject, block: string, required: readonly string[], division?: string): Row {
  let raw = findBlock(body, block);
  if (Array.isArray(raw)) raw = raw[0];
  if (raw === undefined) throw new KisResponseFormatError(layoutOf(endpoint).path, block, 'is missing');
  return toWon(parseRow(endpoint, () => block, raw, layoutFields(endpoint, block), required), restValueUnits(endpoint, block, division));
}

/** One array block; a missing block or an empty object means no rows (KIS's "no data" answers). */
export function readArray(endpoint: EndpointName, body: JsonObject, block: string, required: readonly string[], division?: string): Row[] {
  const raw = findBlock(body, block);
  if (raw === undefined || raw === null || raw === '') return [];
  const items = Array.isArray(raw) ? raw : typeof raw === 'object' && Object.keys(raw).length === 0 ? [] : [raw];
  const fields = layoutFields(endpoint, block);
  const units = restValueUnits(endpoint, block, division);
  const rows: Row[] = [];
  items.forEach((item, i) => {
    // KIS pads "no data" answers with one row of blank strings.
    if (isBlankRow(item)) return;
    rows.push(toWon(parseRow(endpoint, () => `${block}[${i}]`, item, fields, required), units));
  });
  return rows;
}
