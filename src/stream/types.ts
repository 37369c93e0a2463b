/**
 * The contract between the realtime session holder (who receives records from KIS) and the recorder
 * (who stores them and builds minute bars from trades). Backpressure is explicit: a WebSocket cannot
 * await, so `write` says whether there is room and the holder pauses its sockets until `drained()`.
 */
import type { WsGap, WsRecord } from '../kis/ws/index.js';
import type { KstTime } from '../time/kst.js';

export interface RecordSink {
  /** Takes one record. Returns false when the buffer is full: pause reading until `drained()` resolves. */
  write(record: WsRecord): boolean;
  /** Resolves when the buffer has room again (at once if it has room now). */
  drained(): Promise<void>;
  /** Resolves when every record accepted so far is committed to PostgreSQL. */
  flush(): Promise<void>;
  /** Flushes, then releases; idempotent. */
  close(): Promise<void>;
}

/** A stretch of time in which records of `codes` may have been missed (reconnect, takeover, crash). */
export interface StreamGap {
  appKeyName: string;
  codes: string[];
  /** KST wall-clock bounds, from the last record seen to the first record after. */
  from: KstTime;
  to: KstTime;
  reason: 'reconnect' | 'takeover' | 'crash' | 'pingpong-silence' | 'server-close' | 'rejected';
}

export type { WsGap, WsRecord };
