/**
 * Turns a classified data frame into typed, dated records (one pass over the flat field array) and
 * delivers only records that decoded exactly. KIS frames carry no checksum, so "exactly" is what can be
 * checked: the field count is the TR's layout width × the record count (a missing or extra `^`, a cut
 * frame or a wrong count all change it), the instrument code is a KRX/KIS code this session asked for,
 * HHMMSS is a time, every numeric field a record exposes is a plain decimal or KIS's "missing" (empty,
 * nan), and its text fields have their format. Anything else is rejected with a counted reason.
 */
import { isInstrumentCode } from '../../market/instruments/codes.js';
import type { Dated, SessionKind } from './dating.js';
import { fieldText, unreadableFields } from './fields.js';
import type { DataFrame } from './frame.js';
import { planFor, type TrPlan } from './parsers.js';
import type { WsRecord } from './records.js';
import type { RejectReason, Rejection } from './rejects.js';

export interface Dater {
  /** The record's time and trading date, or why it cannot be dated. */
  date(hhmmss: string, session: SessionKind): Dated | string;
}

export interface Decoded {
  records: WsRecord[];
  /** Records that were not delivered, each with the reason it is counted under. */
  rejected: Rejection[];
}

export interface DecodeChecks {
  /**
   * Whether this session subscribed `trId`/`code`; market-data records of anything else are rejected
   * as 'not-subscribed' (a bit flip can turn H0IFASP0 into H0MFASP0, same layout). Notices are keyed by
   * HTS ID, not by code, so only their code's format is checked.
   */
  subscribed?(trId: string, code: string): boolean;
}

/** Never throws: a frame that cannot be split into records at all comes back as `{ error, reason }`. */
export function decodeRecords(frame: DataFrame, dater: Dater, checks: DecodeChecks = {}): Decoded | { error: string; reason: RejectReason } {
  const plan = planFor(frame.trId);
  if (!plan) return { error: `no typed parser for ${frame.trId}`, reason: 'unsupported' };
  const { payload: p, ends: e, width: w, count } = frame;
  if (w !== plan.layoutWidth) {
    return {
      error: `${frame.trId} records have ${w} fields, the layout has ${plan.layoutWidth} (a missing or extra "^", a cut frame, or KIS changed the layout in src/kis/spec)`,
      reason: 'field-count',
    };
  }
  const subscribed = plan.kind === 'fo-notice' ? undefined : checks.subscribed;
  const records: WsRecord[] = [];
  const rejected: Rejection[] = [];
  for (let r = 0, o = 0; r < count; r++, o += w) {
    const code = fieldText(p, e, o + plan.codeIdx);
    let reason: RejectReason | undefined;
    let detail = '';
    if (!validCode(code)) {
      reason = 'code';
      detail = `${quote(code)} is not a KRX/KIS instrument code`;
    } else if (subscribed && !subscribed(frame.trId, code)) {
      reason = 'not-subscribed';
      detail = `${frame.trId}/${code} is not subscribed`;
    } else {
      const hhmmss = fieldText(p, e, o + plan.timeIdx);
      const dated = dater.date(hhmmss, plan.session);
      if (typeof dated === 'string') {
        reason = 'time';
        detail = dated;
      } else {
        const unreadable = unreadableFields();
        const rec = plan.parse(p, e, o, w, frame.trId, code, hhmmss, dated);
        if (rec === null) {
          reason = 'number';
          detail = explain(plan, p, e, o);
        } else if (unreadableFields() !== unreadable) {
          reason = 'number';
          detail = `an optional ${plan.trId} numeric field is neither a number nor empty/nan`;
        } else {
          const bad = textProblem(rec);
          if (bad === null) records.push(rec);
          else {
            reason = 'text';
            detail = bad;
          }
        }
      }
    }
    if (reason) rejected.push({ reason, detail: `record ${r + 1}/${count}: ${detail}` });
  }
  return { records, rejected };
}

const quote = (s: string): string => JSON.stringify(s.length > 20 ? `${s.slice(0, 20)}…` : s);

/** Codes seen valid, so the regexes run once per code, not once per record. Bounded: corrupt codes are all different. */
const validCodes = new Set<string>();
function validCode(code: string): boolean {
  if (validCodes.has(code)) return true;
  if (!isInstrumentCode(code)) return false;
  if (validCodes.size >= 10_000) validCodes.clear();
  validCodes.add(code);
  return true;
}

/** Empty or 8 digits (YYYYMMDD); a loop, not a regex: it runs on every stock trade. */
function date8OrEmpty(v: string): boolean {
  if (v.length === 0) return true;
  if (v.length !== 8) return false;
  for (let i = 0; i < 8; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
/** Empty or one of 0-9, A-Z. */
const classCode = (v: string): boolean => v.length === 0 || (v.length === 1 && ((v >= '0' && v <= '9') || (v >= 'A' && v <= 'Z')));
const ID_TEXT = /^[0-9A-Za-z_-]*$/;
const DIGITS = /^\d*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Formats of the text fields a record exposes (numbers and codes are checked before). */
function textProblem(r: WsRecord): string | null {
  switch (r.kind) {
    case 'stock-trade':
      if (!date8OrEmpty(r.businessDate)) return `bsop_date ${quote(r.businessDate)} is not YYYYMMDD`;
      if (!classCode(r.hourClass)) return `hour_cls_code ${quote(r.hourClass)} is not a class code`;
      return null;
    case 'fo-notice':
      for (const [name, v] of [['cust_id', r.customerId], ['acnt_no', r.account], ['oder_no', r.orderNo], ['ooder_no', r.originalOrderNo]] as const) {
        if (!ID_TEXT.test(v)) return `${name} has characters an ID or number never has`;
      }
      if (!DIGITS.test(r.acceptance)) return `acpt_yn ${quote(r.acceptance)} is not a digit`;
      if (CONTROL.test(r.name)) return 'cntg_isnm holds control characters';
      return null;
    default:
      return null;
  }
}

/** Slow path, only for rejected records: names the first required field that is not a number. */
function explain(plan: TrPlan, p: string, e: Int32Array, o: number): string {
  for (const { name, idx, numeric } of plan.required) {
    if (!numeric) continue;
    const v = fieldText(p, e, o + idx);
    if (!/^-?(?:\d+\.?\d*|\.\d+)$/.test(v)) return `${plan.trId} field ${name} (#${idx}) is ${quote(v)}, expected a number`;
  }
  return `${plan.trId} record rejected`;
}
