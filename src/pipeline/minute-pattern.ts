/**
 * The `pattern` of krtrade's BullMQ job schedulers. KRX sessions are not cron patterns (08:45 opens, a
 * 10:00 open on CSAT day, short expiry days, a night session dated to the next trading day, holidays), so
 * a per-minute scheduler names the sessions it follows and the calendar decides the minutes:
 *
 *   krx-minutes sessions=derivatives,night until=2026-12-10 buffer=2000ms
 *
 * = every candle minute of the day and night derivatives sessions up to the 2026-12-10 expiry, fired
 * 2000 ms after the minute closes. It is what bull-board shows and what an operator edits there.
 */
import { KrtradeError } from '../errors.js';
import type { SessionProduct } from '../market/types.js';
import { type KstDate, parseKstDate } from '../time/kst.js';

export const MINUTE_PATTERN_PREFIX = 'krx-minutes';
const PRODUCTS: readonly SessionProduct[] = ['stocks', 'derivatives', 'night'];

export interface MinutePattern {
  /** The sessions whose candle minutes fire (in this order in the pattern text). */
  products: SessionProduct[];
  /** Last trading date (an expiring contract): nothing fires after it. */
  expiry?: KstDate;
  /** How long after a minute closes its job fires (the bar has settled at KIS). */
  bufferMs: number;
}

export class MinutePatternError extends KrtradeError {
  constructor(pattern: string, why: string) {
    super(`invalid krtrade scheduler pattern ${JSON.stringify(pattern)}: ${why}; expected e.g. "${MINUTE_PATTERN_PREFIX} sessions=derivatives,night until=2026-12-10 buffer=2000ms"`);
  }
}

export function formatMinutePattern(p: MinutePattern): string {
  return [MINUTE_PATTERN_PREFIX, `sessions=${p.products.join(',')}`, ...(p.expiry ? [`until=${p.expiry}`] : []), `buffer=${p.bufferMs}ms`].join(' ');
}

/** Parses a pattern written by formatMinutePattern (or by hand in bull-board); throws MinutePatternError naming the bad part. */
export function parseMinutePattern(pattern: string): MinutePattern {
  const [head, ...parts] = pattern.trim().split(/\s+/);
  if (head !== MINUTE_PATTERN_PREFIX) throw new MinutePatternError(pattern, `it must start with "${MINUTE_PATTERN_PREFIX}"`);
  const fields = new Map<string, string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : part;
    if (eq <= 0 || !['sessions', 'until', 'buffer'].includes(key)) throw new MinutePatternError(pattern, `unknown part "${part}"`);
    if (fields.has(key)) throw new MinutePatternError(pattern, `"${key}" given twice`);
    fields.set(key, part.slice(eq + 1));
  }
  const sessions = fields.get('sessions')?.split(',') ?? [];
  const bad = sessions.filter((s) => !PRODUCTS.includes(s as SessionProduct));
  if (!sessions.length || bad.length) throw new MinutePatternError(pattern, `sessions must list ${PRODUCTS.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}`);
  const buffer = /^(\d{1,6})ms$/.exec(fields.get('buffer') ?? '');
  if (!buffer) throw new MinutePatternError(pattern, 'buffer must be milliseconds, e.g. buffer=2000ms');
  const out: MinutePattern = { products: [...new Set(sessions)] as SessionProduct[], bufferMs: Number(buffer[1]) };
  const until = fields.get('until');
  if (until !== undefined) {
    try {
      out.expiry = parseKstDate(until);
    } catch {
      throw new MinutePatternError(pattern, `until must be a date YYYY-MM-DD, not "${until}"`);
    }
  }
  return out;
}
