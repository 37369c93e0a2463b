/** Public types of the realtime client: options, settings, events, approval-key source. */
import type { RedisClient } from '../../redis/client.js';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { Clock } from '../../time/clock.js';
import type { KstTime } from '../../time/kst.js';
import type { TradingDayCalendar } from './dating.js';
import type { WsError } from './errors.js';
import type { WsRecord } from './records.js';
import type { SubscriptionId } from './subscriptions.js';

export type WsState = 'idle' | 'connecting' | 'open' | 'backoff' | 'waiting-for-key' | 'closed';

export interface WsGap {
  from: KstTime;
  to: KstTime;
  subscriptions: SubscriptionId[];
  reason: string;
}

/**
 * A harmless KIS control answer worth knowing about: OPSP0002 (already subscribed: treated as an ACK,
 * common after a reconnect when KIS kept the old registration) or OPSP0003 (unsubscribed something KIS
 * did not have).
 */
export interface WsNotice {
  kind: 'already-subscribed' | 'not-subscribed';
  code: string;
  trId: string | null;
  trKey: string | null;
  message: string;
}

export interface KisWsEvents {
  record: [record: WsRecord];
  gap: [gap: WsGap];
  error: [error: WsError];
  notice: [notice: WsNotice];
  state: [state: WsState, detail: string];
}

export interface ApprovalKeySource {
  get(): Promise<string>;
  /**
   * Called with the key KIS rejected (OPSP0011); awaited before the next get(). Without it a cached key
   * would be offered again until it expires — use `approvalKeyFrom(kisClient)`, not a bare function.
   */
  invalidate?(rejectedKey: string): void | Promise<unknown>;
}

export type WsSettings = Config['kis']['ws'];

export interface KisWsClientOptions {
  /** WebSocket base URL (KIS_HOSTS.real.ws, or the simulator's wsUrl); `/tryitout` is added when it has no path. */
  url: string;
  /** Identifies the session for the one-session-per-key lease (only its hash is stored). Never sent. */
  appKey: string;
  approvalKey: (() => Promise<string>) | ApprovalKeySource;
  custtype?: 'P' | 'B';
  clock?: Clock;
  calendar?: TradingDayCalendar;
  /** `kis.ws` from the config. */
  settings?: Partial<WsSettings>;
  /** With Redis, processes sharing it never open two sessions for one app key. */
  redis?: RedisClient;
  redisPrefix?: string;
  leaseTtlMs?: number;
  /** Wait after OPSP8996 or a busy lease (default: reconnectMaxMs). */
  keyInUseBackoffMs?: number;
  /** Pause between subscribe messages (default: settings.subscribeIntervalMs). */
  subscribeIntervalMs?: number;
  connectTimeoutMs?: number;
  logger?: Logger;
  random?: () => number;
}
