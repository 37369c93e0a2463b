/**
 * At most one log line per component per window. An outage makes every client emit an error per retry
 * (ioredis per reconnect, BullMQ per blocked call, pg per query); an operator needs one line saying "still
 * failing, N more like it", not hundreds a second. The first line of a window is written at once, the rest
 * are counted and reported as `suppressed` on the next line written for that component.
 */
import type { Logger } from './log.js';

export const LOG_THROTTLE_WINDOW_MS = 10_000;

type Level = 'warn' | 'error' | 'info';

interface Slot {
  lastAt: number;
  suppressed: number;
}

export class LogThrottle {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly log: Logger,
    private readonly windowMs = LOG_THROTTLE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs unless `component` already logged within the window; returns whether a line was written. */
  write(level: Level, component: string, fields: Record<string, unknown>, message: string): boolean {
    const t = this.now();
    const slot = this.slots.get(component);
    if (slot && t - slot.lastAt < this.windowMs) {
      slot.suppressed++;
      return false;
    }
    const suppressed = slot?.suppressed ?? 0;
    this.slots.set(component, { lastAt: t, suppressed: 0 });
    this.log[level]({ component, ...fields, ...(suppressed ? { suppressed } : {}) }, suppressed ? `${message} (${suppressed} similar lines suppressed in the last ${Math.round((t - slot!.lastAt) / 1000)} s)` : message);
    return true;
  }

  warn(component: string, fields: Record<string, unknown>, message: string): boolean {
    return this.write('warn', component, fields, message);
  }

  error(component: string, fields: Record<string, unknown>, message: string): boolean {
    return this.write('error', component, fields, message);
  }

  /** Lines held back for `component` since its last written line. */
  suppressedFor(component: string): number {
    return this.slots.get(component)?.suppressed ?? 0;
  }
}
