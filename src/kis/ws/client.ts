/**
 * KIS realtime WebSocket client: one session per app key, typed records, reconnect with back-off,
 * resubscription and `gap` events for the backfill.
 *
 * Events (a typed EventEmitter; listeners run synchronously on the socket's message handler):
 * - `record` (WsRecord): one typed, dated record.
 * - `gap` ({ from, to, subscriptions, reason }): data may be missing for `subscriptions` between `from`
 *   (the last frame before the drop) and `to` (all subscriptions restored) — backfill it.
 * - `error` (WsError subclasses): refusals, bad frames, approval/key-in-use problems. Never fatal; when no
 *   `error` listener is attached they are logged instead of throwing.
 * - `notice` (WsNotice): OPSP0002 already subscribed (counts as the ACK) / OPSP0003 not subscribed.
 * - `state` (WsState, detail).
 */
import { EventEmitter } from 'node:events';
import { KrtradeError } from '../../errors.js';
import { defaultCalendar } from '../../market/calendar/index.js';
import { type Clock, RealClock } from '../../time/clock.js';
import { type KstTime, toKst } from '../../time/kst.js';
import { backoffDelay } from './backoff.js';
import type { ApprovalKeySource, KisWsClientOptions, KisWsEvents, WsSettings, WsState } from './client-types.js';
import { FrameDater } from './dating.js';
import { WsApprovalError, WsConnectionError, type WsError, WsFrameError, WsKeyInUseError, WsSubscriptionError } from './errors.js';
import { SessionLease } from './lease.js';
import { sessionUrl } from './messages.js';
import { planFor, SUPPORTED_TRS } from './parsers.js';
import type { WsRecord } from './records.js';
import { emptyRejectCounts } from './rejects.js';
import { type SessionEnd, WsSession } from './session.js';
import { type SubscriptionId, SubscriptionTable } from './subscriptions.js';

export type { ApprovalKeySource, KisWsClientOptions, KisWsEvents, WsGap, WsNotice, WsSettings, WsState } from './client-types.js';

const DEFAULTS: WsSettings = {
  maxSubscriptionsPerSession: 41, reconnectMinMs: 2_000, reconnectMaxMs: 90_000, silenceTimeoutMs: 150_000,
  subscribeIntervalMs: 100, pingReply: 'echo',
};
/** A connection that lasted this long resets the back-off. */
const STABLE_MS = 60_000;

export class KisWsClient extends EventEmitter<KisWsEvents> {
  readonly settings: WsSettings;
  private readonly clock: Clock;
  private readonly table: SubscriptionTable;
  private readonly dater: FrameDater;
  private readonly lease: SessionLease | undefined;
  private readonly approval: ApprovalKeySource;
  private readonly keyInUseMs: number;
  private readonly stop = new AbortController();
  private session: WsSession | undefined;
  private loop: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  /** The invalidation of a rejected approval key, awaited before asking for the next key. */
  private approvalInvalidation: Promise<void> | undefined;
  private pendingGap: { from: KstTime; subscriptions: SubscriptionId[]; reason: string } | undefined;
  private openWaiters: (() => void)[] = [];
  private currentState: WsState = 'idle';
  /** `rejected`: frames and records not delivered, per reason (see rejects.ts); each is also an `error` event. */
  readonly counters = { frames: 0, records: 0, badFrames: 0, connects: 0, gaps: 0, rejected: emptyRejectCounts() };

  constructor(private readonly opts: KisWsClientOptions) {
    super();
    this.settings = { ...DEFAULTS, ...opts.settings };
    if (this.settings.maxSubscriptionsPerSession > 41) throw new KrtradeError('kis.ws.maxSubscriptionsPerSession cannot exceed 41 (KIS limit)');
    this.clock = opts.clock ?? new RealClock();
    this.table = new SubscriptionTable(this.settings.maxSubscriptionsPerSession);
    this.dater = new FrameDater(this.clock, opts.calendar ?? defaultCalendar());
    this.approval = typeof opts.approvalKey === 'function' ? { get: opts.approvalKey } : opts.approvalKey;
    this.keyInUseMs = opts.keyInUseBackoffMs ?? this.settings.reconnectMaxMs;
    if (opts.redis) this.lease = new SessionLease(opts.redis, opts.redisPrefix ?? 'krtrade', opts.appKey, opts.leaseTtlMs ?? 30_000);
  }

  get state(): WsState {
    return this.currentState;
  }

  /** Starts connecting (and keeps reconnecting until close()). Idempotent. */
  start(): void {
    if (this.loop || this.stop.signal.aborted) return;
    this.loop = this.run();
  }

  /** Resolves once a connection is open (starts the client if needed). */
  async connected(): Promise<void> {
    this.start();
    if (this.currentState === 'open') return;
    await new Promise<void>((resolve) => this.openWaiters.push(resolve));
  }

  /**
   * Registers `trId`/`trKey` (code, or HTS ID for notices). Resolves on the ACK; rejects with
   * WsSubscriptionLimitError (client-side limit or OPSP0008) or WsSubscriptionError (refused).
   * Survives reconnects: everything subscribed is re-registered on each new connection.
   */
  subscribe(trId: string, trKey: string): Promise<void> {
    let p: Promise<void>;
    if (!planFor(trId)) {
      p = Promise.reject(new WsSubscriptionError(trId, trKey, 'UNSUPPORTED', `no typed parser; supported: ${SUPPORTED_TRS.join(', ')}`));
    } else if (this.stop.signal.aborted) {
      p = Promise.reject(new KrtradeError('the WebSocket client is closed'));
    } else {
      const r = this.table.add(trId, trKey);
      p = r.promise;
      if (r.added) this.session?.flush();
    }
    // Marked handled so an ignored refusal never becomes an unhandled rejection; callers still see it.
    p.catch(() => undefined);
    return p;
  }

  /** Unregisters (tr_type "2") and stops re-registering it after reconnects. */
  unsubscribe(trId: string, trKey: string): void {
    if (this.table.remove(trId, trKey)) this.session?.unregister(trId, trKey);
  }

  subscriptions(): SubscriptionId[] {
    return this.table.all();
  }

  /** Idempotent: stops reconnecting, closes the socket, releases the lease. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stop.abort(new KrtradeError('closed'));
      clearInterval(this.leaseTimer);
      await this.session?.close();
      await this.loop?.catch(() => undefined);
      this.table.rejectAll(new KrtradeError('the WebSocket client was closed before the subscription was answered'));
      await this.lease?.release().catch((e: unknown) => this.opts.logger?.warn({ err: e }, 'could not release the WebSocket lease'));
      this.setState('closed', 'closed by the application');
      for (const w of this.openWaiters.splice(0)) w();
    })();
    return this.closing;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stop.signal.aborted) {
      const end = await this.connectOnce().catch((e: unknown): SessionEnd => {
        this.report(new WsConnectionError(e instanceof Error ? e.message : String(e), undefined, { cause: e }));
        return { kind: 'failed', openedMs: 0 };
      });
      if (this.stop.signal.aborted) break;
      let delay: number;
      if (end.kind === 'lease-busy' || end.kind === 'key-in-use') {
        if (end.kind === 'lease-busy') this.report(new WsKeyInUseError('lease', this.keyInUseMs));
        delay = this.keyInUseMs;
        this.setState('waiting-for-key', `app key busy; retrying in ${delay} ms`);
      } else {
        if (end.openedMs >= STABLE_MS) attempt = 0;
        delay = backoffDelay(attempt++, this.settings.reconnectMinMs, this.settings.reconnectMaxMs, this.opts.random);
        this.setState('backoff', `${end.kind}; reconnecting in ${delay} ms`);
      }
      await this.clockless(delay);
    }
  }

  /** Back-off waits are real time: they protect KIS, whatever the simulated clock does. */
  private clockless(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.stop.signal;
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async connectOnce(): Promise<SessionEnd> {
    if (this.lease && !(await this.lease.acquire())) return { kind: 'lease-busy', openedMs: 0 };
    this.keepLease();
    let approvalKey: string;
    try {
      await this.approvalInvalidation;
      this.approvalInvalidation = undefined;
      approvalKey = await this.approval.get();
    } catch (e) {
      this.report(new WsApprovalError(e instanceof Error ? e.message : String(e), undefined, { cause: e }));
      return { kind: 'failed', openedMs: 0 };
    }
    if (this.stop.signal.aborted) return { kind: 'closed', openedMs: 0 };
    this.setState('connecting', 'opening the WebSocket');
    const session = new WsSession({
      url: sessionUrl(this.opts.url),
      approvalKey,
      custtype: this.opts.custtype ?? 'P',
      table: this.table,
      dater: this.dater,
      silenceTimeoutMs: this.settings.silenceTimeoutMs,
      connectTimeoutMs: this.opts.connectTimeoutMs ?? 10_000,
      subscribeIntervalMs: this.opts.subscribeIntervalMs ?? this.settings.subscribeIntervalMs,
      pingReply: this.settings.pingReply,
      keyInUseMs: this.keyInUseMs,
      nowKst: () => toKst(this.clock.now()),
      logger: this.opts.logger,
      hooks: {
        open: () => this.onOpen(),
        record: (r) => this.emitRecord(r),
        error: (e) => this.report(e),
        notice: (n) => this.safeEmit('notice', n),
        settled: () => this.emitGap(),
        dropped: (from, reason) => this.noteGap(from, reason),
        invalidateApproval: (rejected) => this.invalidateApproval(rejected),
      },
      counters: this.counters,
    });
    this.session = session;
    const end = await session.run();
    this.session = undefined;
    return end;
  }

  private invalidateApproval(rejected: string): void {
    const previous = this.approvalInvalidation ?? Promise.resolve();
    this.approvalInvalidation = previous
      .then(() => this.approval.invalidate?.(rejected))
      .then(
        () => undefined,
        (e: unknown) => this.opts.logger?.warn({ err: { message: e instanceof Error ? e.message : String(e) } }, 'could not drop the rejected approval key'),
      );
  }

  private onOpen(): void {
    this.counters.connects++;
    this.setState('open', 'connected');
    for (const w of this.openWaiters.splice(0)) w();
  }

  private keepLease(): void {
    if (!this.lease || this.leaseTimer) return;
    this.leaseTimer = setInterval(() => {
      this.lease!.renew().then(
        (ok) => {
          if (ok || this.stop.signal.aborted) return;
          // Someone else holds it now: leave, and wait for it like for a busy key.
          clearInterval(this.leaseTimer);
          this.leaseTimer = undefined;
          this.report(new WsKeyInUseError('lease', this.keyInUseMs));
          this.session?.abandon({ kind: 'key-in-use' });
        },
        (e: unknown) => this.opts.logger?.warn({ err: e }, 'could not renew the WebSocket lease (Redis); keeping the session'),
      );
    }, Math.max(1000, Math.floor(this.lease.ttlMs / 3)));
    this.leaseTimer.unref();
  }

  private noteGap(from: KstTime, reason: string): void {
    const subs = this.table.all();
    if (subs.length === 0 || this.stop.signal.aborted) return;
    // A second drop before recovery keeps the earlier start.
    this.pendingGap ??= { from, subscriptions: subs, reason };
  }

  private emitGap(): void {
    const g = this.pendingGap;
    if (!g) return;
    this.pendingGap = undefined;
    this.counters.gaps++;
    this.safeEmit('gap', { from: g.from, to: toKst(this.clock.now()), subscriptions: g.subscriptions, reason: g.reason });
  }

  private emitRecord(r: WsRecord): void {
    this.counters.records++;
    this.safeEmit('record', r);
  }

  private report(e: WsError): void {
    if (e instanceof WsFrameError) this.counters.badFrames++;
    if (this.listenerCount('error') > 0) this.safeEmit('error', e);
    // A rejection was logged by the session already (rate-limited).
    else if (!(e instanceof WsFrameError && e.rejection)) this.opts.logger?.warn({ err: { name: e.name, message: e.message, code: e.code } }, 'KIS WebSocket');
  }

  private setState(s: WsState, detail: string): void {
    this.currentState = s;
    this.opts.logger?.debug({ state: s, detail }, 'KIS WebSocket state');
    this.safeEmit('state', s, detail);
  }

  /** A throwing listener must not take the socket handler down with it. */
  private safeEmit<K extends keyof KisWsEvents>(event: K, ...args: KisWsEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: KisWsEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      this.opts.logger?.error({ err: e, event }, 'a KIS WebSocket listener threw');
    }
  }
}
