/** KRX trading calendar: shipped data (2020–2027) + overrides. The contract is documented in `api.ts`. */
import type { TradingCalendar } from './api.js';
import type { CalendarOverride } from './overrides.js';
import { KrxTradingCalendar } from './trading-calendar.js';

export type { DayInfo, SessionOptions, TradingCalendar } from './api.js';
export { CalendarRangeError } from './day-plan.js';
export { KRX_DATA_FROM, KRX_DATA_TO } from './krx-days.js';
export {
  CalendarOverrideError,
  loadCalendarOverridesFile,
  parseCalendarOverrides,
  type CalendarOverride,
} from './overrides.js';
export { sessionCandleMinutes } from './trading-calendar.js';

let shipped: TradingCalendar | undefined;

/** The shipped data without overrides, memoised. */
export function defaultCalendar(): TradingCalendar {
  shipped ??= new KrxTradingCalendar();
  return shipped;
}

/** A calendar with overrides applied (later entries for the same date and product win). */
export function createCalendar(opts: { overrides?: CalendarOverride[] } = {}): TradingCalendar {
  return new KrxTradingCalendar([...(opts.overrides ?? [])]);
}
