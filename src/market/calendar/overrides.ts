/**
 * Calendar overrides: closures or session changes announced after release (KRX notices, KIS chk-holiday,
 * or the operator). Same shape in the JSON file (`calendar.overridesFile`) and the `calendar_overrides` table.
 * No database code here: see `overrides-db.ts`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { parseKstDate, type KstDate } from '../../time/kst.js';

export type OverrideProduct = 'all' | 'stocks' | 'derivatives' | 'night';
export type OverrideKind = 'closed' | 'open' | 'session';

export interface CalendarOverride {
  /** For `night`: the evening the session opens (how KRX announces it), not its trading date. */
  date: KstDate;
  product: OverrideProduct;
  /**
   * `closed`: no session. `open`: a normal session even though the shipped data says closed.
   * `session`: open with `openTime`/`closeTime` (`HH:MM`; an omitted one keeps the normal time).
   */
  kind: OverrideKind;
  openTime?: string;
  closeTime?: string;
  reason: string;
  source: string;
}

export class CalendarOverrideError extends UserError {}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const dateField = z.string().transform((s, ctx) => {
  try {
    return parseKstDate(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected a real date YYYY-MM-DD, got ${JSON.stringify(s)}` });
    return z.NEVER;
  }
});
const timeField = z
  .string()
  .regex(HHMM, 'expected HH:MM (00:00–23:59)')
  .nullish()
  .transform((v) => v ?? undefined);

export const calendarOverrideSchema = z
  .object({
    date: dateField,
    product: z.enum(['all', 'stocks', 'derivatives', 'night']).default('all'),
    kind: z.enum(['closed', 'open', 'session']),
    openTime: timeField,
    closeTime: timeField,
    reason: z.string().default(''),
    source: z.string().default('user'),
  })
  .refine((o) => o.kind === 'session' || (o.openTime === undefined && o.closeTime === undefined), {
    message: 'openTime/closeTime are only allowed with kind "session"',
  });

/** Validates raw override objects; `where` names the source (file path or table) in errors. */
export function parseCalendarOverrides(raw: unknown, where: string): CalendarOverride[] {
  const list = Array.isArray(raw) ? raw : (raw as { overrides?: unknown } | null)?.overrides;
  if (!Array.isArray(list)) {
    throw new CalendarOverrideError(
      `${where}: expected a JSON array of overrides (or { "overrides": [...] })`,
    );
  }
  return list.map((item, i) => {
    const r = calendarOverrideSchema.safeParse(item);
    if (r.success) return r.data as CalendarOverride;
    const issues = r.error.issues.map(
      (is) => `${is.path.length ? is.path.join('.') : '(entry)'}: ${is.message}`,
    );
    throw new CalendarOverrideError(`${where}: override #${i}: ${issues.join('; ')}`);
  });
}

/** Reads the overrides JSON file named by `calendar.overridesFile`. */
export function loadCalendarOverridesFile(path: string): CalendarOverride[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CalendarOverrideError(
      `calendar overrides file ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CalendarOverrideError(
      `calendar overrides file ${path}: invalid JSON (${(e as Error).message})`,
    );
  }
  return parseCalendarOverrides(json, `calendar overrides file ${path}`);
}

/** `HH:MM` → minutes after midnight. */
export const hhmmToMinutes = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
