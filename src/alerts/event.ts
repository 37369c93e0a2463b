/** An alert: a strategy signal or an operational event (gap, stream down, verification failed, …). */
import { z } from 'zod';
import { formatKst, type KstTime } from '../time/kst.js';
import { ALERT_SEVERITIES, type AlertSeverity } from './config.js';

/** Kinds other components emit; any lower-case kind is accepted, these are the documented ones. */
export const KNOWN_ALERT_KINDS = ['signal', 'gap', 'stream_down', 'stream_up', 'verification_failed'] as const;

export const alertEventSchema = z.strictObject({
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits, _'),
  severity: z.enum(ALERT_SEVERITIES),
  title: z.string().min(1).max(200),
  text: z.string().max(2_000).default(''),
  /** When it happened, KST wall-clock ms. */
  time: z.number().int(),
  /** Same key = same alert: emitting it again does not send it twice. */
  key: z.string().min(1).max(200),
  /** Small, non-secret details (symbol, value, component …). */
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
});
export type AlertEventInput = z.input<typeof alertEventSchema>;
export type AlertEvent = z.output<typeof alertEventSchema> & { time: KstTime };

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
export const atLeast = (s: AlertSeverity, min: AlertSeverity): boolean => RANK[s] >= RANK[min];

/** The time as a person reads it in a message. */
export const alertTimeText = (t: KstTime): string => `${formatKst(t)} KST`;
