/**
 * Failed logins are throttled per client address: after `points` wrong attempts within `windowS`
 * seconds the client gets 429 with Retry-After for `blockS` seconds, whatever it sends, so guessing a
 * password costs minutes, not milliseconds. A successful login clears the client's count.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface ThrottleOptions {
  points: number;
  windowS: number;
  blockS: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { points: 5, windowS: 60, blockS: 60 };

export class LoginThrottle {
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly o: ThrottleOptions = DEFAULT_THROTTLE) {
    this.limiter = new RateLimiterMemory({ points: o.points, duration: o.windowS, blockDuration: o.blockS });
  }

  /** Seconds the client must wait before trying again (0: it may try now). */
  async waitSeconds(client: string): Promise<number> {
    const r = await this.limiter.get(client);
    if (!r || r.remainingPoints > 0) return 0;
    return Math.max(1, Math.ceil(r.msBeforeNext / 1000));
  }

  async failed(client: string): Promise<void> {
    try {
      await this.limiter.consume(client);
    } catch (e) {
      // A rejection is the limiter saying "now blocked"; anything else is a real error.
      if (!(e instanceof RateLimiterRes)) throw e;
    }
  }

  async succeeded(client: string): Promise<void> {
    await this.limiter.delete(client);
  }
}
