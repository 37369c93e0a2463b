/** The `calendar_overrides` table (migration 0001) ↔ `CalendarOverride`. */
import type { Pool } from '../../db/pool.js';
import { parseCalendarOverrides, type CalendarOverride } from './overrides.js';

interface OverrideRow {
  date: string;
  product: string;
  kind: string;
  open_time: string | null;
  close_time: string | null;
  reason: string;
  source: string;
}

/** All overrides in the table, validated like the JSON file (a bad row is an error naming it). */
export async function loadCalendarOverrides(pool: Pool): Promise<CalendarOverride[]> {
  const { rows } = await pool.query<OverrideRow>(
    'SELECT date::text AS date, product, kind, open_time, close_time, reason, source FROM calendar_overrides ORDER BY date, product',
  );
  const raw = rows.map((r) => ({
    date: r.date,
    product: r.product,
    kind: r.kind,
    openTime: r.open_time,
    closeTime: r.close_time,
    reason: r.reason,
    source: r.source,
  }));
  return parseCalendarOverrides(raw, 'table calendar_overrides');
}

/** Inserts or replaces the override for (date, product). */
export async function saveCalendarOverride(pool: Pool, o: CalendarOverride): Promise<void> {
  const [valid] = parseCalendarOverrides([o], 'calendar override');
  await pool.query(
    `INSERT INTO calendar_overrides (date, product, kind, open_time, close_time, reason, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (date, product) DO UPDATE SET kind = EXCLUDED.kind, open_time = EXCLUDED.open_time,
       close_time = EXCLUDED.close_time, reason = EXCLUDED.reason, source = EXCLUDED.source`,
    [
      valid!.date,
      valid!.product,
      valid!.kind,
      valid!.openTime ?? null,
      valid!.closeTime ?? null,
      valid!.reason,
      valid!.source,
    ],
  );
}
