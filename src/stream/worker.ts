/**
 * A stream worker: shares the configured app keys with the other stream workers of the deployment
 * (any host, same Redis) and holds the WebSocket session of each key it wins. Each worker announces
 * itself with a heartbeat and takes at most its fair share of keys, so several workers spread out; a
 * key whose holder dies is taken over once its lease expires (≤ `takeoverMs` in all).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { RedisClient } from '../redis/client.js';
import type { SubscriptionId, WsSettings } from '../kis/ws/index.js';
import type { TradingDayCalendar } from '../kis/ws/dating.js';
import type { Clock } from '../time/clock.js';
import { type KstTime, toKst } from '../time/kst.js';
import type { Logger } from '../log.js';
import { errorMessage } from '../errors.js';
import { FencedLease, type LeaseGrant } from './lease.js';
import { KeySession, lastSeenKey, type StreamAccount, type StreamDrop } from './key-session.js';
import type { RecordSink, StreamGap } from './types.js';
import { StreamDownWatch } from './down-watch.js';

export interface StreamWorkerOptions {
  accounts: StreamAccount[];
  /** The registrations of each account (by name); asked again on every `reassign()`. */
  registrations(account: string): SubscriptionId[];
  sink: RecordSink;
  redis: RedisClient;
  prefix: string;
  clock: Clock;
  /** A dead holder's keys are held again by another worker within this many (real) ms. */
  takeoverMs: number;
  calendar?: TradingDayCalendar;
  settings?: Partial<WsSettings>;
  custtype?: 'P' | 'B';
  logger?: Logger;
  holderId?: string;
}

export interface StreamWorkerEvents {
  acquired: [account: string, grant: LeaseGrant];
  /** Fenced out: the lease expired under us (we stalled) and may be someone else's now. */
  lost: [account: string];
  /** Handed over cleanly to even out the shares. */
  released: [account: string];
  gap: [gap: StreamGap];
  /** A held session's socket dropped; its `gap` follows once it is registered again. */
  drop: [drop: StreamDrop];
}

export const workersKey = (prefix: string): string => `${prefix}:stream:workers`;

interface Held {
  lease: FencedLease;
  session: KeySession;
  grant: LeaseGrant;
  since: KstTime;
}

export class StreamWorker extends EventEmitter<StreamWorkerEvents> {
  readonly holderId: string;
  private readonly leases = new Map<string, FencedLease>();
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private ticks = 0;
  private readonly handovers = new Set<Promise<void>>();
  private beats: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private readonly ttlMs: number;
  private closing: Promise<void> | undefined;
  readonly counters = { takeovers: 0, acquired: 0, lost: 0 };
  /** Emits `stream_down` for a key nobody holds past the takeover time. */
  private readonly downWatch: StreamDownWatch;

  constructor(private readonly o: StreamWorkerOptions) {
    super();
    this.holderId = o.holderId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    // The lease outlives a missed heartbeat or two; a poll every fifth leaves time to connect.
    this.ttlMs = Math.max(300, Math.floor(o.takeoverMs * 0.6));
    for (const a of o.accounts) this.leases.set(a.name, new FencedLease(o.redis, o.prefix, a.appKey, this.holderId, this.ttlMs));
    this.downWatch = new StreamDownWatch({ redis: o.redis, prefix: o.prefix, clock: o.clock, accounts: o.accounts, takeoverMs: o.takeoverMs, ...(o.logger ? { logger: o.logger } : {}) });
  }

  private get pollMs(): number {
    return Math.max(100, Math.floor(this.o.takeoverMs / 5));
  }

  /** Starts competing for keys; idempotent. */
  start(): void {
    if (this.timer || this.closing) return;
    this.timer = setInterval(() => void this.tick(), this.pollMs);
    this.beats = setInterval(() => void this.heartbeat(), Math.max(100, Math.floor(this.ttlMs / 3)));
    this.downWatch.start();
    void this.tick();
  }

  /** Accounts this worker holds now. */
  holding(): string[] {
    return [...this.held.keys()];
  }

  /** Fencing token of a held key. */
  fence(account: string): number | undefined {
    return this.held.get(account)?.grant.fence;
  }

  session(account: string): KeySession | undefined {
    return this.held.get(account)?.session;
  }

  /** Re-reads the registrations of every held key (after a rollover or an ATM move). */
  async reassign(): Promise<void> {
    await Promise.all([...this.held].map(([name, h]) => h.session.assign(this.o.registrations(name))));
  }

  private tick(): Promise<void> {
    // One tick at a time: a slow Redis must not stack them up.
    this.ticking ??= this.runTick()
      .catch((e: unknown) => this.o.logger?.warn({ err: errorMessage(e) }, 'stream worker could not reach Redis to share keys; retrying'))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /**
   * Renews every lease we hold, on its own timer: nothing slow (closing a socket, a busy tick) may delay
   * it, or the key would be taken over from a healthy holder.
   */
  private heartbeat(): Promise<void> {
    this.beating ??= this.runHeartbeat()
      .catch((e: unknown) => this.o.logger?.warn({ err: errorMessage(e) }, 'stream worker heartbeat failed (Redis); retrying'))
      .finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async runHeartbeat(): Promise<void> {
    const { redis, prefix } = this.o;
    await redis.zadd(workersKey(prefix), Date.now(), this.holderId);
    await Promise.all(
      [...this.leases].filter(([, l]) => l.held).map(async ([name, lease]) => {
        if (await lease.renew()) return this.held.get(name)?.session.saveLastSeen();
        const h = this.held.get(name);
        if (!h || this.closing) return;
        // Fenced out (we stalled past the lease): someone else may hold the key now.
        this.o.logger?.warn({ account: name, fence: h.grant.fence }, 'lost the WebSocket lease; closing the session');
        this.held.delete(name);
        this.counters.lost++;
        this.emit('lost', name);
        await h.session.close();
      }),
    );
  }

  private async runTick(): Promise<void> {
    const { redis, prefix } = this.o;
    const live = workersKey(prefix);
    await redis.zadd(live, Date.now(), this.holderId);
    // A worker silent for a lease's lifetime is dead: its keys are free, and it no longer counts in the shares.
    await redis.zremrangebyscore(live, 0, Date.now() - this.ttlMs);
    // The first tick only announces us, so workers started together see each other before taking keys.
    if (this.ticks++ === 0) return;
    const workers = Math.max(1, await redis.zcard(live));
    const share = Math.ceil(this.o.accounts.length / workers);
    if (this.held.size > share) return this.handOver(workers);
    for (const a of this.o.accounts) {
      if (this.closing || this.held.size >= share) return;
      if (this.held.has(a.name) || this.leases.get(a.name)!.held) continue;
      const lease = this.leases.get(a.name)!;
      const grant = await lease.acquire();
      if (grant) await this.hold(a, lease, grant);
    }
  }

  /** More than our share (a worker joined): one key per tick goes back, socket closed before the lease. */
  private handOver(workers: number): void {
    const [name, h] = [...this.held].at(-1)!;
    this.held.delete(name);
    this.emit('released', name);
    this.o.logger?.info({ account: name, workers }, 'handing an app key over to another stream worker');
    // In the background: the heartbeat keeps the lease until the socket is closed, so the next holder
    // never meets our session (OPSP8996).
    const done = h.session
      .close()
      .then(() => h.lease.release())
      .catch((e: unknown) => this.o.logger?.warn({ err: errorMessage(e), account: name }, 'could not release the app key cleanly; it frees itself when the lease expires'))
      .finally(() => this.handovers.delete(done));
    this.handovers.add(done);
  }

  private async hold(account: StreamAccount, lease: FencedLease, grant: LeaseGrant): Promise<void> {
    const o = this.o;
    const since = toKst(o.clock.now());
    const session = new KeySession({
      account, fence: grant.fence, sink: o.sink, redis: o.redis, prefix: o.prefix, clock: o.clock,
      onGap: (g) => this.emit('gap', g), onDrop: (d) => this.emit('drop', d),
      ...(o.calendar ? { calendar: o.calendar } : {}), ...(o.settings ? { settings: o.settings } : {}),
      ...(o.custtype ? { custtype: o.custtype } : {}), ...(o.logger ? { logger: o.logger } : {}),
    });
    this.held.set(account.name, { lease, session, grant, since });
    this.counters.acquired++;
    if (grant.takeover) this.counters.takeovers++;
    o.logger?.info({ account: account.name, fence: grant.fence, takeover: grant.takeover }, 'holding the WebSocket session of an app key');
    this.emit('acquired', account.name, grant);
    const subs = o.registrations(account.name);
    const lastSeen = grant.handover ? await o.redis.hgetall(lastSeenKey(o.prefix, account.appKey)) : {};
    // Not awaited: registrations wait for ACKs (across reconnects), the heartbeat must not.
    void session.assign(subs).then(() => {
      if (grant.handover && this.held.get(account.name)?.session === session) this.emitTakeoverGaps(account.name, subs, lastSeen, since, grant.takeover ? 'crash' : 'takeover');
    });
  }

  /** The predecessor died: per instrument, from its last record to the moment we were registered again. */
  private emitTakeoverGaps(account: string, subs: SubscriptionId[], lastSeen: Record<string, string>, since: KstTime, reason: 'takeover' | 'crash'): void {
    const to = toKst(this.o.clock.now());
    const byFrom = new Map<number, string[]>();
    for (const code of new Set(subs.map((s) => s.trKey))) {
      const seen = lastSeen[code];
      const from = seen ? Number(seen) : since;
      byFrom.set(from, [...(byFrom.get(from) ?? []), code]);
    }
    for (const [from, codes] of byFrom) this.emit('gap', { appKeyName: account, codes, from: from as KstTime, to, reason });
  }

  /** Idempotent: closes every held session, then releases the leases (a clean hand-over, no gap). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.downWatch.close();
      await this.ticking;
      // The heartbeat keeps the leases while the sockets close, so the next holder meets no session of ours.
      await Promise.all([...this.held.values()].map((h) => h.session.close()));
      await Promise.all(this.handovers);
      clearInterval(this.beats);
      await this.beating;
      await Promise.all([...this.held.values()].map((h) => h.lease.release().catch(() => undefined)));
      this.held.clear();
      await this.o.redis.zrem(workersKey(this.o.prefix), this.holderId).catch(() => undefined);
    })();
    return this.closing;
  }
}
