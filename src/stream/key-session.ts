/**
 * The WebSocket session of one app key while this process holds its lease: registers what the key is
 * assigned, hands every record to the sink, remembers the last record time per instrument (so a
 * successor can bound what a crash lost) and turns reconnects into per-instrument gaps.
 */
import type { RedisClient } from '../redis/client.js';
import { KisWsClient, WsSubscriptionError, WsSubscriptionLimitError, type ApprovalKeySource, type SubscriptionId, type WsSettings } from '../kis/ws/index.js';
import type { TradingDayCalendar } from '../kis/ws/dating.js';
import type { Clock } from '../time/clock.js';
import { type KstTime, toKst } from '../time/kst.js';
import type { Logger } from '../log.js';
import type { RecordSink, StreamGap } from './types.js';
import { keyHash } from './lease.js';

export interface StreamAccount {
  /** Label in status pages and gaps (the configured account name). */
  name: string;
  appKey: string;
  approvalKey: (() => Promise<string>) | ApprovalKeySource;
  url: string;
}

export interface KeySessionOptions {
  account: StreamAccount;
  fence: number;
  sink: RecordSink;
  redis: RedisClient;
  prefix: string;
  clock: Clock;
  calendar?: TradingDayCalendar;
  settings?: Partial<WsSettings>;
  custtype?: 'P' | 'B';
  logger?: Logger;
  onGap(gap: StreamGap): void;
  /**
   * The socket dropped (close, error, PINGPONG silence): known at once, while its gap is known only once the
   * session is registered again. `from` is the session's last record: trades after it may be missed.
   */
  onDrop?(drop: StreamDrop): void;
}

export interface StreamDrop {
  appKeyName: string;
  codes: string[];
  from: KstTime;
}

/** Where the last record time of each instrument of an app key is kept (Redis hash code → KST ms). */
export const lastSeenKey = (prefix: string, appKey: string): string => `${prefix}:stream:key:${keyHash(appKey)}:seen`;

const id = (s: SubscriptionId): string => `${s.trId}\u0000${s.trKey}`;

export class KeySession {
  readonly client: KisWsClient;
  /** Last record time per instrument code, not yet written to Redis. */
  private readonly seen = new Map<string, KstTime>();
  private readonly wanted = new Map<string, SubscriptionId>();
  readonly counters = { records: 0, refusedBySink: 0 };
  private closing: Promise<void> | undefined;
  /** Newest record time on this session (its start before the first): a drop may lose what follows. */
  private lastRecordAt: KstTime;

  constructor(private readonly o: KeySessionOptions) {
    this.lastRecordAt = toKst(o.clock.now());
    this.client = new KisWsClient({
      url: o.account.url, appKey: o.account.appKey, approvalKey: o.account.approvalKey, clock: o.clock,
      ...(o.calendar ? { calendar: o.calendar } : {}), ...(o.settings ? { settings: o.settings } : {}),
      ...(o.custtype ? { custtype: o.custtype } : {}), ...(o.logger ? { logger: o.logger } : {}),
    });
    this.client.on('record', (r) => {
      this.counters.records++;
      this.seen.set(r.code, r.time);
      if (r.time > this.lastRecordAt) this.lastRecordAt = r.time;
      // A full buffer cannot pause KIS: the record is still taken (the sink bounds memory by slowing
      // its flush); the count shows how often the database fell behind.
      if (!o.sink.write(r)) this.counters.refusedBySink++;
    });
    this.client.on('gap', (g) => {
      const codes = [...new Set(g.subscriptions.map((s) => s.trKey))];
      o.onGap({ appKeyName: o.account.name, codes, from: g.from, to: g.to, reason: g.reason.startsWith('silence') ? 'pingpong-silence' : g.reason.includes('1000') ? 'server-close' : 'reconnect' });
    });
    let state = this.client.state;
    this.client.on('state', (next) => {
      // Leaving 'open' for anything but our own close is a drop: every registration is in doubt at once.
      if (state === 'open' && next !== 'open' && next !== 'closed' && !this.closing) {
        const codes = [...new Set([...this.wanted.values()].map((s) => s.trKey))];
        if (codes.length) o.onDrop?.({ appKeyName: o.account.name, codes, from: this.lastRecordAt });
      }
      state = next;
    });
    this.client.on('error', (e) => {
      // A refused registration (OPSP codes) collects nothing from now on: a gap that stays open until
      // the registration is assigned again.
      if (e instanceof WsSubscriptionError || e instanceof WsSubscriptionLimitError) {
        const now = toKst(o.clock.now());
        o.onGap({ appKeyName: o.account.name, codes: [e.trKey], from: now, to: now, reason: 'rejected' });
      }
      o.logger?.warn({ err: { name: e.name, message: e.message, code: e.code }, account: o.account.name }, 'KIS WebSocket');
    });
  }

  /** Registers exactly `subs`: new ones are added, ones no longer wanted removed, the rest untouched. */
  assign(subs: readonly SubscriptionId[]): Promise<void> {
    const next = new Map(subs.map((s) => [id(s), s]));
    for (const [k, s] of this.wanted) if (!next.has(k)) this.client.unsubscribe(s.trId, s.trKey);
    const added = [...next].filter(([k]) => !this.wanted.has(k)).map(([, s]) => s);
    this.wanted.clear();
    for (const [k, s] of next) this.wanted.set(k, s);
    // No registrations, no session: KIS counts idle connections too.
    if (next.size > 0) this.client.start();
    return Promise.allSettled(added.map((s) => this.client.subscribe(s.trId, s.trKey))).then(() => undefined);
  }

  registrations(): SubscriptionId[] {
    return [...this.wanted.values()];
  }

  /** Writes the last record times to Redis (called with each heartbeat). */
  async saveLastSeen(): Promise<void> {
    if (this.seen.size === 0) return;
    const fields = [...this.seen].flatMap(([code, t]) => [code, String(t)]);
    this.seen.clear();
    await this.o.redis.hset(lastSeenKey(this.o.prefix, this.o.account.appKey), ...fields);
  }

  /** Idempotent: closes the socket and saves the last record times. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.client.close();
      await this.saveLastSeen().catch(() => undefined);
    })();
    return this.closing;
  }
}
