/**
 * Per-app-key request limiter, as KIS's gateway applies it (20/s real, 2/s paper → EGW00201).
 * Sliding one-second window over real time: the limit protects the server from load, which does not
 * speed up with the simulated clock. Rejected calls do not count against the window.
 *
 * Calls are timestamped when this process handles them, not when the client sent them: a stall here
 * (GC, a busy event loop) bunches arrivals into one window, which is why clients keep headroom.
 */
export interface WindowLimit {
  /** The window's name (an app key, or an app key + path for per-endpoint limits). */
  key: string;
  /** Calls allowed per window. */
  limit: number;
}

export class SlidingWindowLimiter {
  private readonly windows = new Map<string, number[]>();
  /** EGW00201 answers per key (tests read these). */
  readonly rejections = new Map<string, number>();

  /**
   * `clock`: monotonic milliseconds (real time by default). Tests pin it, so that a loaded machine cannot
   * spread a burst they send "at once" over two windows.
   */
  constructor(
    private readonly windowMs = 1000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Records a call and returns true when it is within `limit` calls per window. */
  tryAcquire(key: string, limit: number, now = this.clock()): boolean {
    return this.tryAcquireAll([{ key, limit }], key, now);
  }

  /**
   * Records a call in every window only when all of them have room (so a call refused by one limit does
   * not use up another); otherwise counts one rejection against `rejectAs`.
   */
  tryAcquireAll(limits: readonly WindowLimit[], rejectAs: string, now = this.clock()): boolean {
    const windows = limits.map(({ key, limit }) => ({ w: this.window(key, now), limit }));
    if (windows.some(({ w, limit }) => w.length >= limit)) {
      this.reject(rejectAs);
      return false;
    }
    for (const { w } of windows) w.push(now);
    return true;
  }

  /** Counts a rejection decided elsewhere (e.g. a rate-limit storm fault). */
  reject(key: string): void {
    this.rejections.set(key, (this.rejections.get(key) ?? 0) + 1);
  }

  rejectionsOf(key: string): number {
    return this.rejections.get(key) ?? 0;
  }

  /** The key's timestamps still inside the window ending at `now`. */
  private window(key: string, now: number): number[] {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = []));
    while (w.length > 0 && now - w[0]! >= this.windowMs) w.shift();
    return w;
  }
}
