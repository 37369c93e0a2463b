/** Builds the calendar a process should use: shipped data + the overrides file + the overrides table. */
import type { Config } from '../../config/schema.js';
import type { Pool } from '../../db/pool.js';
import {
  createCalendar,
  loadCalendarOverridesFile,
  type CalendarOverride,
  type TradingCalendar,
} from './index.js';
import { loadCalendarOverrides } from './overrides-db.js';

/** File overrides come first, table rows after them, so the table wins for the same date and product. */
export async function loadCalendar(config: Pick<Config, 'calendar'>, pool?: Pool): Promise<TradingCalendar> {
  const overrides: CalendarOverride[] = [];
  if (config.calendar.overridesFile)
    overrides.push(...loadCalendarOverridesFile(config.calendar.overridesFile));
  if (pool) overrides.push(...(await loadCalendarOverrides(pool)));
  return createCalendar({ overrides });
}
