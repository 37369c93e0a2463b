/** Builds realtime frames from REALTIME_LAYOUTS by field name (never restating field lists). */
import { REALTIME_LAYOUTS, type RealtimeTrId } from '../../src/kis/spec/index.js';
import { encryptPayload, type AesKey } from '../../src/kis/ws/crypto.js';

/** One record's fields in layout order: named values, everything else `fill`. */
export function recordFields(tr: RealtimeTrId, values: Record<string, string>, fill = '0'): string[] {
  const fields = REALTIME_LAYOUTS[tr].fields as readonly string[];
  for (const k of Object.keys(values)) if (!fields.includes(k)) throw new Error(`${tr} has no field ${k}`);
  return fields.map((f) => values[f] ?? fill);
}

export function dataFrame(tr: string, records: string[][]): string {
  return `0|${tr}|${String(records.length).padStart(3, '0')}|${records.map((r) => r.join('^')).join('^')}`;
}

export function encryptedFrame(tr: string, records: string[][], aes: AesKey): string {
  return `1|${tr}|${String(records.length).padStart(3, '0')}|${encryptPayload(records.map((r) => r.join('^')).join('^'), aes)}`;
}

export const ACK = (tr: string, key: string, aes: AesKey): string =>
  JSON.stringify({ header: { tr_id: tr, tr_key: key, encrypt: 'N' }, body: { rt_cd: '0', msg_cd: 'OPSP0000', msg1: 'SUBSCRIBE SUCCESS', output: aes } });

/** KIS's own sample frames (spec workbook response examples; line breaks of the document removed). */
export const SAMPLES = {
  // 46 fields: the current H0MFCNT0 layout has 49 (fields appended since the sample was written).
  H0MFCNT0:
    '0|H0MFCNT0|001|101V06^190215^0.75^2^0.20^367.30^367.10^367.60^367.05^2^1596^146552687^366.08^1.22^0.33^0.00^0.00^0.00^268223^0^000000^2^0.20^000000^5^-0.30^000000^2^0.25^0.49^96.31^1.22^0^0.00^367.35^367.30^0^0^345^358^13^813^783^0^0^0.00',
  H0ZFCNT0:
    '0|H0ZFCNT0|001|111V06^091639^77900^5^-100^-0.13^77900^77900^77300^5^1724^1337128000^77899.50^400.00^0.00^0.00^0.00^-500.00^32053^219^000000^3^0^000000^3^0^000000^2^600^0.36^58.23^0.50^-1^399.50^77900^77800^0^0^105^36^-69^1075^626^0^0^6.23^0^0^0',
  // The workbook shows only the payload; the prefix is added here.
  H0STCNT0:
    '0|H0STCNT0|001|005930^093354^71900^5^-100^-0.14^72023.83^72100^72400^71700^71900^71800^1^3052507^219853241700^5105^6937^1832^84.90^1366314^1159996^1^0.39^20.28^090020^5^-200^090820^5^-500^092619^2^200^20230612^20^N^65945^216924^1118750^2199206^0.05^2424142^125.92^0^^72100',
  // 53 fields (layout 56), with nan/-nan greeks.
  H0EUCNT0:
    '0|H0EUCNT0|001|301V06362^190612^2.98^5^-0.35^-10.51^3.06^3.09^2.98^1^106^0^-nan^0^0^000000^5^-0.08^000000^5^-0.11^000000^3^0.00^0.25^0.00^0.00^2.98^-nan^-nan^-nan^nan^-nan^84.55^-nan^0^-nan^nan^32.50^-nan^-363.10^3.00^2.98^15^1^33^18^-15^80^26^37^27^0.00',
  // 46 fields (layout 38): more than the layout, extras ignored.
  H0MFASP0:
    '0|H0MFASP0|001|101V06^190215^367.35^367.40^367.45^0.00^0.00^367.30^367.25^367.20^0.00^0.00^0^0^0^0^0^0^0^0^0^0^24^21^21^0^0^2^28^20^0^0^0^0^0^0^^0^0^0^0^0^^000000^2^',
  // Encrypted with KIS's real key; the workbook's placeholder key cannot decrypt it.
  H0EUCNI0:
    '1|H0EUCNI0|001|qWVvLmhf0Iax57SI6HYSTc30qiWTnUjWAT+BxQD4RaljIiBLp3XqzoA0eeEFa7yn8afBUfvo32b/Ivf9rxtl1VZU+oouQlH9rwuNjUnC40gkB+2lm2Q8sTkc4wMYKJuOn8SnLrfGjilAIzueLOLCndSy5xkv4qmPAXk+NKC6xnimfxBoVTVtcrpzOaHPvwvD',
} as const;

/** The workbook's example ACK key (used in every sample ACK). */
export const DOC_AES: AesKey = { iv: '0123456789abcdef', key: 'abcdefghijklmnopabcdefghijklmnop' };

/** A workbook sample frame brought to the current layout's width (missing fields empty, extras dropped). */
export function atLayoutWidth(sample: string): string {
  const [enc, tr, count, payload] = sample.split('|') as [string, RealtimeTrId, string, string];
  const width = REALTIME_LAYOUTS[tr].fields.length;
  const fields = payload.split('^');
  return `${enc}|${tr}|${count}|${Array.from({ length: width }, (_, i) => fields[i] ?? '').join('^')}`;
}
