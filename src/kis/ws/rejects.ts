/**
 * Why a realtime frame or record was rejected instead of delivered. A record reaches `record` listeners
 * only when it decoded exactly; everything else is counted under one of these reasons (on
 * `KisWsClient.counters.rejected`) and reported as a `WsFrameError` carrying the reason.
 */
export const REJECT_REASONS = [
  /** The bytes are not valid UTF-8, or the text holds U+FFFD (a substitution made before us). */
  'utf8',
  /** Not a frame at all: bad prefix, tr_id or record count, broken control JSON. */
  'malformed',
  /** Encrypted payload that does not decrypt (no key from an ACK, wrong key, corrupt ciphertext). */
  'decrypt',
  /** Fields ≠ the TR's layout width × the record count (a missing/extra `^`, a cut frame, a changed layout). */
  'field-count',
  /** A numeric field the record exposes is neither a number nor KIS's "missing" (empty, nan). */
  'number',
  /** A text field the record exposes is not in its format (date, class code, account, …). */
  'text',
  /** The instrument code is not a valid KRX/KIS code. */
  'code',
  /** HHMMSS malformed, or no trading date for it. */
  'time',
  /** A data frame for a TR without a typed parser. */
  'unsupported',
  /** A well-formed record for a tr_id/code this session has not subscribed (e.g. just unsubscribed). */
  'not-subscribed',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];
export type RejectCounts = Record<RejectReason, number>;

export const emptyRejectCounts = (): RejectCounts =>
  Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as RejectCounts;

/** One rejected record (or a whole frame, when the frame could not be split into records). */
export interface Rejection {
  reason: RejectReason;
  detail: string;
}
