/**
 * How long a worker waits before its next try while a dependency is down: doubling from a short first wait
 * (a blip costs little) to a ceiling (a long outage is noticed within seconds of ending). Real milliseconds:
 * an outage is wall-clock, whatever the pipeline's clock speed.
 */
import type { Dependency } from '../jobs/dependency.js';

export const FIRST_WAIT_MS = 250;
export const MAX_WAIT_MS = 4_000;

export class DependencyWait {
  private failures = 0;
  /** Dependencies seen down since the last success, for health reporting. */
  readonly down = new Set<Dependency>();

  failed(d: Dependency): number {
    this.down.add(d);
    const ms = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** this.failures);
    this.failures++;
    return ms;
  }

  succeeded(): void {
    this.failures = 0;
    this.down.clear();
  }
}

/** Resolves after `ms` (or at once when `signal` aborts: the worker is closing and hands the job back). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
