/**
 * Stream-down alerts: an app key whose WebSocket lease nobody has held for longer than the takeover time is
 * down (every worker that could take it over is gone or failing). Every stream worker watches all keys; the
 * alert key names the last fencing token, so all watchers emit the same alert once per outage, and a
 * `stream_up` follows when a holder is back.
 */
import type { RedisClient } from '../redis/client.js';
import type { Clock } from '../time/clock.js';
import type { Logger } from '../log.js';
import { emitAlert } from '../alerts/emit.js';
import { errorMessage } from '../errors.js';
import { toKst } from '../time/kst.js';
import { currentHolder, streamLeaseKeys } from './lease.js';

export interface StreamDownWatchOptions {
  redis: RedisClient;
  prefix: string;
  clock: Clock;
  accounts: readonly { name: string; appKey: string }[];
  /** Real ms a key may stay unheld (a takeover in progress) before it counts as down. */
  takeoverMs: number;
  logger?: Logger;
}

interface KeyState {
  /** Real ms since which nobody holds the key. */
  unheldSince?: number;
  /** Fencing token of the outage an alert was sent for. */
  alerted?: number;
}

export class StreamDownWatch {
  private readonly state = new Map<string, KeyState>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly o: StreamDownWatchOptions) {}

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.poll(), Math.max(100, Math.floor(this.o.takeoverMs / 5)));
    this.timer.unref();
  }

  /** One check of every key (also called by the timer); never throws. */
  poll(): Promise<void> {
    this.polling ??= this.check()
      .catch((e: unknown) => this.o.logger?.warn({ err: errorMessage(e) }, 'stream-down check failed (Redis); retrying'))
      .finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async check(): Promise<void> {
    const { redis, prefix } = this.o;
    for (const a of this.o.accounts) {
      if (this.closed) return;
      const s = this.state.get(a.name) ?? {};
      this.state.set(a.name, s);
      const holder = await currentHolder(redis, prefix, a.appKey);
      const time = toKst(this.o.clock.now());
      if (holder) {
        if (s.alerted !== undefined) {
          await emitAlert({
            kind: 'stream_up', severity: 'info', time,
            title: `KIS stream back: app key ${a.name}`,
            text: `a stream worker holds the WebSocket session of ${a.name} again; its gap is being backfilled`,
            key: `stream_up|${prefix}|${a.name}|${s.alerted}`,
            data: { account: a.name, fence: holder.fence },
          });
        }
        this.state.set(a.name, {});
        continue;
      }
      s.unheldSince ??= Date.now();
      const downMs = Date.now() - s.unheldSince;
      if (s.alerted !== undefined || downMs <= this.o.takeoverMs) continue;
      // The fence counter stays at the last holder's token while nobody holds the key: one outage, one key.
      const fence = Number((await redis.get(streamLeaseKeys(prefix, a.appKey).fence)) ?? 0);
      s.alerted = fence;
      await emitAlert({
        kind: 'stream_down', severity: 'critical', time,
        title: `KIS stream down: app key ${a.name}`,
        text: `no stream worker has held the WebSocket session of ${a.name} for ${Math.round(downMs / 1000)} s (takeover time ${Math.round(this.o.takeoverMs / 1000)} s); start or check \`krtrade worker stream\` (see \`krtrade status\`)`,
        key: `stream_down|${prefix}|${a.name}|${fence}`,
        data: { account: a.name, fence },
      });
    }
  }

  /** Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.polling;
  }
}
