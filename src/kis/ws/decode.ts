/** Turns a classified data frame into typed, dated records (one pass over the flat field array). */
import type { Dated, SessionKind } from './dating.js';
import { fieldText } from './fields.js';
import type { DataFrame } from './frame.js';
import { planFor, type TrPlan } from './parsers.js';
import type { WsRecord } from './records.js';

export interface Dater {
  /** The record's time and trading date, or why it cannot be dated. */
  date(hhmmss: string, session: SessionKind): Dated | string;
}

export interface Decoded {
  records: WsRecord[];
  /** Records that were skipped, each with the reason. */
  errors: string[];
  /** Layout fields absent from each record (KIS sent fewer than the spec lists; they read as null). */
  missingFields: number;
  /** Fields per record beyond the layout (KIS appended fields; ignored). */
  extraFields: number;
}

/** Never throws: a frame that cannot be used at all comes back as `{ error }`. */
export function decodeRecords(frame: DataFrame, dater: Dater): Decoded | { error: string } {
  const plan = planFor(frame.trId);
  if (!plan) return { error: `no typed parser for ${frame.trId}` };
  const { payload: p, ends: e, width: w, count } = frame;
  if (w < plan.minWidth) {
    return { error: `${frame.trId} records have ${w} fields; at least ${plan.minWidth} are needed (layout has ${plan.layoutWidth})` };
  }
  const records: WsRecord[] = [];
  const errors: string[] = [];
  for (let r = 0, o = 0; r < count; r++, o += w) {
    const hhmmss = fieldText(p, e, o + plan.timeIdx);
    const dated = dater.date(hhmmss, plan.session);
    if (typeof dated === 'string') {
      errors.push(`record ${r + 1}/${count}: ${dated}`);
      continue;
    }
    const rec = plan.parse(p, e, o, w, frame.trId, fieldText(p, e, o + plan.codeIdx), hhmmss, dated);
    if (rec === null) errors.push(`record ${r + 1}/${count}: ${explain(plan, p, e, o)}`);
    else records.push(rec);
  }
  return {
    records,
    errors,
    missingFields: Math.max(0, plan.layoutWidth - w),
    extraFields: Math.max(0, w - plan.layoutWidth),
  };
}

/** Slow path, only for rejected records: names the first required field that is not a number. */
function explain(plan: TrPlan, p: string, e: Int32Array, o: number): string {
  for (const { name, idx, numeric } of plan.required) {
    if (!numeric) continue;
    const v = fieldText(p, e, o + idx);
    const n = v === undefined || v === '' ? NaN : Number(v);
    if (!Number.isFinite(n)) return `${plan.trId} field ${name} (#${idx}) is ${JSON.stringify(v)}, expected a number`;
  }
  return `${plan.trId} record rejected`;
}
