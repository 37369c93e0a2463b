/** zod building blocks for job payloads. Times travel as numbers (KstTime: wall-clock ms) and are re-branded here. */
import { z } from 'zod';
import type { KstDate, KstTime } from '../src/time/kst.js';
import { IV_MISSING_REASONS } from '../src/market/types.js';

export const kstTimeSchema = z
  .number()
  .int()
  .refine((n) => n % 60_000 === 0, 'must be a whole minute (KST wall-clock ms)')
  .transform((n) => n as KstTime);
export const kstDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .transform((s) => s as KstDate);

/** KIS short code: stocks 6 chars, futures 6, options 9; letters and digits only. */
export const codeSchema = z.string().regex(/^[0-9A-Z]{6,9}$/, 'must be a KIS short code (6–9 letters/digits)');
/** The KIS account's NAME from config; never keys or secrets. */
export const accountNameSchema = z.string().min(1).max(64).regex(/^[\w.-]+$/, 'must be an account name from config');
export const familySchema = z.enum(['stock', 'kospi200', 'mini', 'kosdaq150']);
export const seriesSchema = z.enum(['monthly', 'weekly-thu', 'weekly-mon']);
/** `<UNDERLYING>-<series>`, e.g. `KOSPI200-monthly`: the board's stable name across expiries. */
export const boardKeySchema = z.string().regex(/^[A-Z0-9]+-[a-z-]+$/, 'must look like KOSPI200-monthly');

const price = z.number().finite();
const volume = z.number().finite().nonnegative();

export const candleSchema = z.strictObject({
  code: codeSchema,
  time: kstTimeSchema,
  open: price,
  high: price,
  low: price,
  close: price,
  volume,
});
export type CandlePayload = z.infer<typeof candleSchema>;

/** A value KIS may not have: null, never 0 (src/kis/not-computed.ts says which zeros mean "none"). */
const maybe = <T extends z.ZodTypeAny>(t: T) => t.nullable();

/** One option of a board, normalised from KIS (`display-board-callput` rows); null = KIS had no value. */
export const boardQuoteSchema = z.strictObject({
  code: codeSchema,
  right: z.enum(['call', 'put']),
  strike: z.number().positive(),
  /** This session's last trade; null when nothing traded. */
  price: maybe(price.positive()),
  /** Best bid/ask; null when that side of the book is empty. */
  bid: maybe(price.positive()),
  ask: maybe(price.positive()),
  volume: maybe(volume),
  openInterest: maybe(volume),
  /** KIS's IV in percent; null with the reason in `ivMissing`. */
  iv: maybe(z.number().finite().positive()),
  ivMissing: z.enum(IV_MISSING_REASONS).nullable().optional(),
  delta: maybe(z.number().finite()),
  gamma: maybe(z.number().finite()),
  theta: maybe(z.number().finite()),
  vega: maybe(z.number().finite()),
});
export type BoardQuotePayload = z.infer<typeof boardQuoteSchema>;

export const boardSchema = z.strictObject({
  underlying: z.string().min(1),
  series: seriesSchema,
  expiry: kstDateSchema,
  /** The minute the snapshot stands for (its start). */
  minute: kstTimeSchema,
  /** KOSPI200 index level when the board was taken (KIS's underlying bar), if KIS gave one. */
  spot: z.number().positive().optional(),
  quotes: z.array(boardQuoteSchema).max(400),
  /** The front KOSPI200 future's close at this minute: the forward's fallback when parity finds none (rebuilt boards). */
  futures: z.strictObject({ code: codeSchema, price: price.positive(), expiry: kstDateSchema }).optional(),
  /** Rebuilt after the fact from per-strike minute candles (src/repair/boards-rebuild.ts), not a board KIS sent. */
  rebuilt: z.literal(true).optional(),
});
export type BoardPayload = z.infer<typeof boardSchema>;

/** One metric of an ATM-relative option matrix (see `OptionMatrixRow` in src/db/types.ts); time = the board's minute. */
export const matrixRowSchema = z.strictObject({
  underlyingSymbol: z.string().regex(/^[A-Z0-9]+:\d{8}$/, 'must look like KOSPI200:20261210'),
  metric: z.enum(['iv', 'delta', 'gamma', 'theta', 'vega', 'price', 'volume', 'open_interest']),
  atmStrike: z.number().positive(),
  strikeStep: z.number().positive(),
  calls: z.array(z.number().finite().nullable()).max(201),
  puts: z.array(z.number().finite().nullable()).max(201),
});
export type MatrixRowPayload = z.infer<typeof matrixRowSchema>;
