/**
 * Per-field type knowledge for KIS REST responses (one table for client and simulator) and the zod
 * schemas built from the shared layout field lists. KIS sends every value as a string; we turn numbers
 * into numbers, `YYYYMMDD` into `KstDate`, and check `HHMMSS`. Fields not named below are numeric.
 */
import { z } from 'zod';
import { type KstDate, parseKstDate } from '../time/kst.js';

export type FieldKind = 'number' | 'text' | 'date' | 'hhmmss';
export type FieldValue = number | string;
export type Row = Readonly<Record<string, FieldValue | undefined>>;

/** Codes, names, flags (Y/N), sign codes (1–5) and month labels: kept as text. */
const TEXT_FIELDS = [
  'antc_cntg_vrss_sign', 'atm_cls_name', 'bstp_cls_code', 'bstp_kor_isnm', 'bzdy_yn', 'clpr_rang_cont_yn',
  'cpfn_cnnm', 'crdt_able_yn', 'elw_pblc_yn', 'fcam_cnnm', 'flng_cls_code', 'futs_shrn_iscd', 'grmn_rate_cls_code',
  'hts_kor_isnm', 'invt_caful_yn', 'iscd_stat_cls_code', 'kospi200_prdy_vrss_sign', 'mang_issu_cls_code', 'mod_yn',
  'mrkt_warn_cls_code', 'mtrt_yymm', 'mtrt_yymm_code', 'new_hgpr_lwpr_cls_code', 'opnd_yn', 'oprc_rang_cont_yn',
  'optn_shrn_iscd', 'ovtm_vi_cls_code', 'prdy_vrss_sign', 'revl_issu_reas', 'rprs_mrkt_kor_name', 'short_over_yn',
  'sltr_yn', 'ssts_yn', 'stac_month', 'stck_shrn_iscd', 'sttl_day_yn', 'temp_stop_yn', 'tr_day_yn',
  'unas_prdy_vrss_sign', 'vi_cls_code', 'wday_dvsn_cd',
];
/** `YYYYMMDD` dates. */
const DATE_FIELDS = [
  'bass_dt', 'd250_hgpr_date', 'd250_lwpr_date', 'date1', 'date2', 'date3', 'date4', 'date5', 'dryy_hgpr_date',
  'dryy_lwpr_date', 'futs_last_tr_date', 'stck_bsop_date', 'today', 'w52_hgpr_date', 'w52_lwpr_date',
];
/** `HHMMSS` times (hours may reach 47 in night data). */
const HHMMSS_FIELDS = ['aspr_acpt_hour', 'e_time', 's_time', 'stck_cntg_hour', 'time'];

const KINDS = new Map<string, FieldKind>([
  ...TEXT_FIELDS.map((f) => [f, 'text'] as const),
  ...DATE_FIELDS.map((f) => [f, 'date'] as const),
  ...HHMMSS_FIELDS.map((f) => [f, 'hhmmss'] as const),
]);

export const fieldKind = (name: string): FieldKind => KINDS.get(name) ?? 'number';

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

type Converted = { ok: true; value: FieldValue | undefined } | { ok: false; problem: string };

/** Converts one raw value; blank means absent. */
export function convertField(kind: FieldKind, raw: unknown): Converted {
  if (raw === undefined || raw === null) return { ok: true, value: undefined };
  if (typeof raw === 'number') {
    return kind === 'number' && Number.isFinite(raw) ? { ok: true, value: raw } : convertField(kind, String(raw));
  }
  if (typeof raw !== 'string') return { ok: false, problem: `is a ${Array.isArray(raw) ? 'array' : typeof raw}, expected a string` };
  const s = raw.trim();
  if (s === '') return { ok: true, value: undefined };
  switch (kind) {
    case 'text':
      return { ok: true, value: s };
    case 'number':
      return NUMBER_RE.test(s) ? { ok: true, value: Number(s) } : { ok: false, problem: `is ${JSON.stringify(raw)}, expected a number` };
    case 'hhmmss':
      return /^\d{6}$/.test(s) && +s.slice(2, 4) < 60 && +s.slice(4, 6) < 60
        ? { ok: true, value: s }
        : { ok: false, problem: `is ${JSON.stringify(raw)}, expected HHMMSS` };
    case 'date':
      try {
        return { ok: true, value: parseKstDate(s) satisfies KstDate };
      } catch {
        return { ok: false, problem: `is ${JSON.stringify(raw)}, expected YYYYMMDD` };
      }
  }
}

/** A row that failed: the first offending field and what is wrong with it. */
export class RowProblem {
  constructor(readonly field: string, readonly problem: string) {}
}

export type RowReader = (raw: Readonly<Record<string, unknown>>) => Row | RowProblem;

/** Compiled readers by layout field list, then by required list (both are module-level arrays, so identity is a cheap key). */
const readerCache = new WeakMap<readonly string[], WeakMap<readonly string[], RowReader>>();

/**
 * One response row, converted: every layout field by its kind; `required` fields must be present and
 * well-formed; other fields become undefined when blank or malformed (KIS leaves many blank); fields the
 * layout does not know are dropped. Compiled once per (fields, required) pair: it runs for every row of
 * every response, so it is a plain loop rather than a zod pipeline.
 */
export function rowReader(fields: readonly string[], required: readonly string[]): RowReader {
  let byRequired = readerCache.get(fields);
  const cached = byRequired?.get(required);
  if (cached) return cached;
  for (const f of required) if (!fields.includes(f)) throw new Error(`required field ${f} is not in the layout`);
  const req = new Set(required);
  const plan = fields.map((f) => ({ name: f, kind: fieldKind(f), required: req.has(f) }));
  const reader: RowReader = (raw) => {
    const out: Record<string, FieldValue | undefined> = {};
    for (const p of plan) {
      const v = raw[p.name];
      const c = convertField(p.kind, v);
      if (!p.required) out[p.name] = c.ok ? c.value : undefined;
      else if (!c.ok) return new RowProblem(p.name, c.problem);
      else if (c.value === undefined) return new RowProblem(p.name, v === undefined ? 'is missing' : 'is blank');
      else out[p.name] = c.value;
    }
    return out as Row;
  };
  if (!byRequired) readerCache.set(fields, (byRequired = new WeakMap()));
  byRequired.set(required, reader);
  return reader;
}

const schemaCache = new Map<string, z.ZodType<Row>>();

/** `rowReader` as a zod schema (for callers composing zod schemas); the client itself uses `rowReader`. */
export function rowSchema(fields: readonly string[], required: readonly string[]): z.ZodType<Row> {
  const cacheKey = `${fields.join(',')}|${required.join(',')}`;
  const cached = schemaCache.get(cacheKey);
  if (cached) return cached;
  const read = rowReader(fields, required);
  const schema = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
    const r = read(raw);
    if (r instanceof RowProblem) ctx.addIssue({ code: 'custom', path: [r.field], message: r.problem });
    return r as Row;
  });
  schemaCache.set(cacheKey, schema);
  return schema;
}

/** Typed reads of fields already validated as required by `rowSchema`. */
export const num = (row: Row, f: string): number => row[f] as number;
export const text = (row: Row, f: string): string => row[f] as string;
export const date = (row: Row, f: string): KstDate => row[f] as KstDate;
export const optNum = (row: Row, f: string): number | undefined => (typeof row[f] === 'number' ? row[f] : undefined);
export const optText = (row: Row, f: string): string | undefined => (typeof row[f] === 'string' ? row[f] : undefined);
