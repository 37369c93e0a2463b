/**
 * The three KIS response envelopes (reference §4.1) and their classification into typed errors:
 * `/uapi` → `{rt_cd, msg_cd, msg1, output…}`; `/oauth2` failures → `{error_code, error_description}`;
 * revoke → `{code, message}`. The body decides, not the HTTP status (EGW errors come as 500 or 200).
 */
import {
  KisBadRequestError,
  type KisError,
  KisMalformedBodyError,
  KisRateLimitError,
  KisResponseFormatError,
  KisServerError,
  KisTokenExpiredError,
  KisTokenIssueThrottledError,
} from './errors.js';

export type JsonObject = Record<string, unknown>;

const TOKEN_CODES = new Set(['EGW00121', 'EGW00122', 'EGW00123']);
/** Gateway faults that a later try can get past. */
const TRANSIENT_CODES = new Set(['EGW00001', 'EGW00002', 'EGW00202', 'EGW00203', 'EGW00300', 'EGW00301', 'OPSQ1002']);
const HINTS: Record<string, string> = {
  EGW00102: 'set kis.accounts[].appKey',
  EGW00103: 'check kis.accounts[].appKey (and that env real/paper matches the key)',
  EGW00104: 'set kis.accounts[].appSecret',
  EGW00105: 'check kis.accounts[].appSecret',
  EGW00206: 'enable this API for the app key on the KIS portal',
  EGW00210: 'corporate customers cannot use paper trading',
  EGW00213: 'this tr_id is not available on paper accounts',
  OPSQ0002: 'unknown tr_id for this endpoint',
};

/**
 * Parses a response body as a JSON object, or throws an error naming the endpoint. A body that is not JSON is
 * a transient fault (retried): `scrub` removes this account's secrets from the raw text it keeps for diagnosis.
 */
export function parseJsonObject(endpoint: string, status: number, text: string, scrub: (s: string) => string = (s) => s): JsonObject {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (status >= 500) throw new KisServerError({ endpoint, status }, `non-JSON body (${text.length} bytes)`);
    throw new KisMalformedBodyError({ endpoint, status }, scrub(text));
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new KisResponseFormatError(endpoint, '(body)', 'is not a JSON object');
  }
  return json as JsonObject;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** Maps a KIS error code + message to the error type that says what to do next. */
export function errorForCode(endpoint: string, status: number, code: string, message: string): KisError {
  const ctx = { endpoint, status, code };
  if (code === 'EGW00201') return new KisRateLimitError(ctx, message);
  if (code === 'EGW00133') return new KisTokenIssueThrottledError(ctx, message);
  if (TOKEN_CODES.has(code)) return new KisTokenExpiredError(ctx, message);
  if (TRANSIENT_CODES.has(code)) return new KisServerError(ctx, `${code} ${message}`.trim());
  return new KisBadRequestError(ctx, message, HINTS[code]);
}

/**
 * Returns the error a body describes, or undefined when it is a success.
 * `scrub` removes secrets a server message might echo (KIS echoes keys in some error texts).
 */
export function failureOf(endpoint: string, status: number, body: JsonObject, scrub: (s: string) => string = (s) => s): KisError | undefined {
  const errorCode = str(body.error_code);
  if (errorCode) return errorForCode(endpoint, status, errorCode, scrub(str(body.error_description)?.trim() ?? ''));
  const rtCd = str(body.rt_cd);
  if (rtCd !== undefined) {
    if (rtCd === '0') return undefined;
    const msgCd = str(body.msg_cd)?.trim() ?? '';
    return errorForCode(endpoint, status, msgCd, scrub(str(body.msg1)?.trim() ?? ''));
  }
  if ('code' in body && 'message' in body) {
    const code = str(body.code) ?? '';
    return code === '200' ? undefined : errorForCode(endpoint, status, code, scrub(str(body.message)?.trim() ?? ''));
  }
  if (status >= 500) return new KisServerError({ endpoint, status }, 'no KIS error code in the body');
  if (status >= 400) return new KisBadRequestError({ endpoint, status }, `HTTP ${status} without a KIS error code`);
  return undefined;
}
