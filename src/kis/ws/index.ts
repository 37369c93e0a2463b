/**
 * KIS realtime (WebSocket) client. Start with `KisWsClient` (one session per app key) or
 * `ShardedWsStream` (many subscriptions over several app keys); the frame/record layers are exported
 * for the simulator, tests and benches.
 */
export {
  KisWsClient, type KisWsClientOptions, type KisWsEvents, type WsGap, type WsNotice, type WsState, type WsSettings, type ApprovalKeySource,
} from './client.js';
export { approvalKeyFrom } from './approval.js';
export { ShardedWsStream, type ShardedWsOptions, type WsShardAccount } from './shard.js';
export * from './errors.js';
export type * from './records.js';
export { parseFrame, frameText, type Frame, type DataFrame, type AckFrame, type RefusalFrame, type BadFrame, type KeyLookup } from './frame.js';
export { decryptPayload, encryptPayload, type AesKey } from './crypto.js';
export { decodeRecords, type Decoded, type DecodeChecks, type Dater } from './decode.js';
export { REJECT_REASONS, emptyRejectCounts, type RejectReason, type RejectCounts, type Rejection } from './rejects.js';
export { FrameDater, dateKisTime, hhmmssSeconds, type TradingDayCalendar, type SessionKind, type Dated } from './dating.js';
export { planFor, SUPPORTED_TRS, type TrPlan } from './parsers.js';
export { subscriptionMessage, sessionUrl } from './messages.js';
export { backoffDelay } from './backoff.js';
export { SessionLease, leaseKey } from './lease.js';
export type { SubscriptionId } from './subscriptions.js';
