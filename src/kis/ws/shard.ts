/**
 * Spreads many subscriptions over several app keys: KIS allows one session per app key and 41
 * registrations per session. Each account gets its own KisWsClient (started on its first subscription);
 * a subscription goes to the first session with room. Events of all sessions are re-emitted, tagged.
 */
import { EventEmitter } from 'node:events';
import { KrtradeError } from '../../errors.js';
import { type ApprovalKeySource, KisWsClient, type KisWsClientOptions, type WsGap, type WsNotice, type WsState } from './client.js';
import { WsFrameError, WsSubscriptionLimitError, type WsError } from './errors.js';
import type { WsRecord } from './records.js';
import { emptyRejectCounts, REJECT_REASONS, type RejectCounts } from './rejects.js';
import type { SubscriptionId } from './subscriptions.js';

export interface WsShardAccount {
  /** Label for events and logs. */
  name: string;
  appKey: string;
  approvalKey: (() => Promise<string>) | ApprovalKeySource;
  url: string;
}

export type ShardedWsOptions = Omit<KisWsClientOptions, 'url' | 'appKey' | 'approvalKey'> & { accounts: WsShardAccount[] };

export interface ShardedWsEvents {
  record: [record: WsRecord, shard: string];
  gap: [gap: WsGap, shard: string];
  error: [error: WsError, shard: string];
  notice: [notice: WsNotice, shard: string];
  state: [state: WsState, detail: string, shard: string];
}

export class ShardedWsStream extends EventEmitter<ShardedWsEvents> {
  private readonly shards: { name: string; client: KisWsClient }[];
  private closed = false;

  constructor(opts: ShardedWsOptions) {
    super();
    const { accounts, ...common } = opts;
    if (accounts.length === 0) throw new KrtradeError('ShardedWsStream needs at least one KIS account');
    this.shards = accounts.map((a) => {
      const client = new KisWsClient({ ...common, url: a.url, appKey: a.appKey, approvalKey: a.approvalKey });
      client.on('record', (r) => this.emit('record', r, a.name));
      client.on('gap', (g) => this.emit('gap', g, a.name));
      client.on('error', (e) => {
        if (this.listenerCount('error') > 0) this.emit('error', e, a.name);
        // Rejections are logged by the session already (rate-limited).
        else if (!(e instanceof WsFrameError && e.rejection)) common.logger?.warn({ err: { name: e.name, message: e.message, code: e.code }, shard: a.name }, 'KIS WebSocket');
      });
      client.on('notice', (n) => this.emit('notice', n, a.name));
      client.on('state', (s, d) => this.emit('state', s, d, a.name));
      return { name: a.name, client };
    });
  }

  /** Frames and records not delivered, per reason, over all sessions (see KisWsClient.counters.rejected). */
  rejected(): RejectCounts {
    const out = emptyRejectCounts();
    for (const s of this.shards) for (const r of REJECT_REASONS) out[r] += s.client.counters.rejected[r];
    return out;
  }

  /** Total registrations all sessions allow. */
  get capacity(): number {
    return this.shards.reduce((n, s) => n + s.client.settings.maxSubscriptionsPerSession, 0);
  }

  subscribe(trId: string, trKey: string): Promise<void> {
    const owner = this.shards.find((s) => s.client.subscriptions().some((x) => x.trId === trId && x.trKey === trKey));
    const target = owner ?? this.shards.find((s) => s.client.subscriptions().length < s.client.settings.maxSubscriptionsPerSession);
    if (!target || this.closed) {
      const p = Promise.reject(
        this.closed ? new KrtradeError('the sharded stream is closed') : new WsSubscriptionLimitError(this.capacity, trId, trKey, 'client'),
      );
      p.catch(() => undefined);
      return p;
    }
    target.client.start();
    return target.client.subscribe(trId, trKey);
  }

  unsubscribe(trId: string, trKey: string): void {
    for (const s of this.shards) s.client.unsubscribe(trId, trKey);
  }

  /** Which session carries each subscription. */
  assignments(): { shard: string; subscriptions: SubscriptionId[] }[] {
    return this.shards.map((s) => ({ shard: s.name, subscriptions: s.client.subscriptions() }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.shards.map((s) => s.client.close()));
  }
}
