/** zod building blocks for job payloads. Times travel as numbers (KstTime: wall-clock ms) and are re-branded here. */
import { z } from 'zod';
import type { KstDate, KstTime } from '../src/time/kst.js';

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

/** One option of a board, normalised from KIS (`display-board-callput` rows). */
export const boardQuoteSchema = z.strictObject({
  code: codeSchema,
  right: z.enum(['call', 'put']),
  strike: z.number().positive(),
  price,
  bid: price,
  ask: price,
  volume,
  openInterest: volume,
  iv: z.number().finite(),
  delta: z.number().finite(),
  gamma: z.number().finite(),
  theta: z.number().finite(),
  vega: z.number().finite(),
});
export type BoardQuotePayload = z.infer<typeof boardQuoteSchema>;

export const boardSchema = z.strictObject({
  underlying: z.string().min(1),
  series: seriesSchema,
  expiry: kstDateSchema,
  /** The minute the snapshot stands for (its start). */
  minute: kstTimeSchema,
  /** Underlying index level when the board was taken, if KIS gave it. */
  spot: z.number().positive().optional(),
  quotes: z.array(boardQuoteSchema).max(400),
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
