/**
 * Per-app-key request limiter, as KIS's gateway applies it (20/s real, 2/s paper → EGW00201).
 * Sliding one-second window over real time: the limit protects the server from load, which does not
 * speed up with the simulated clock. Rejected calls do not count against the window.
 */
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, number[]>();
  /** EGW00201 answers per key (tests read these). */
  readonly rejections = new Map<string, number>();

  constructor(private readonly windowMs = 1000) {}

  /** Records a call and returns true when it is within `limit` calls per window. */
  tryAcquire(key: string, limit: number, now = performance.now()): boolean {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = []));
    while (w.length > 0 && now - w[0]! >= this.windowMs) w.shift();
    if (w.length >= limit) {
      this.reject(key);
      return false;
    }
    w.push(now);
    return true;
  }

  /** Counts a rejection decided elsewhere (e.g. a rate-limit storm fault). */
  reject(key: string): void {
    this.rejections.set(key, (this.rejections.get(key) ?? 0) + 1);
  }

  rejectionsOf(key: string): number {
    return this.rejections.get(key) ?? 0;
  }
}
