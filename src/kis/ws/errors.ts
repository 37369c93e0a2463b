/**
 * Typed errors of the realtime client. Each says what happened and what the client (or the operator)
 * does next; none carries an approval key, app key or decryption key.
 */
import { KrtradeError } from '../../errors.js';
import { scrubSecrets } from '../../log.js';
import type { RejectReason } from './rejects.js';

export abstract class WsError extends KrtradeError {
  /** KIS `msg_cd` when the server sent one. */
  readonly code: string | undefined;
  constructor(message: string, code?: string, options?: { cause?: unknown }) {
    // Server text ends up in these messages (msg1, socket errors): never a secret value.
    super(scrubSecrets(message), options);
    this.code = code;
  }
}

/** More registrations than one KIS session allows (41 across all TRs). Shard across app keys instead. */
export class WsSubscriptionLimitError extends WsError {
  constructor(
    readonly limit: number,
    readonly trId: string,
    readonly trKey: string,
    source: 'client' | 'server',
  ) {
    super(
      source === 'client'
        ? `cannot subscribe ${trId}/${trKey}: a KIS session allows at most ${limit} registrations; unsubscribe something or shard across app keys (createShardedStream)`
        : `KIS refused ${trId}/${trKey} with OPSP0008 MAX SUBSCRIBE OVER; the session is full`,
      source === 'server' ? 'OPSP0008' : undefined,
    );
  }
}

/** The server refused one registration (unknown tr_id/tr_key, wrong HTS ID, …). Not retried on reconnect. */
export class WsSubscriptionError extends WsError {
  constructor(
    readonly trId: string,
    readonly trKey: string,
    code: string,
    serverMessage: string,
  ) {
    super(`KIS refused subscription ${trId}/${trKey}: ${code} ${serverMessage}; check the code / HTS ID`, code);
  }
}

/** The approval key was rejected (OPSP0011) or could not be obtained; a fresh one is fetched before the next attempt. */
export class WsApprovalError extends WsError {
  constructor(detail: string, code?: string, options?: { cause?: unknown }) {
    super(`WebSocket approval failed: ${detail}; a new approval key will be requested before reconnecting`, code, options);
  }
}

/** Another session holds this app key (OPSP8996 from KIS, or our own Redis lease). Reconnects after a long back-off. */
export class WsKeyInUseError extends WsError {
  constructor(
    readonly source: 'server' | 'lease',
    readonly retryInMs: number,
  ) {
    super(
      source === 'server'
        ? `KIS says the app key is already in use (OPSP8996): another process or a stale session holds it; retrying in ${Math.round(retryInMs / 1000)} s`
        : `another krtrade process holds the WebSocket lease for this app key; retrying in ${Math.round(retryInMs / 1000)} s`,
      source === 'server' ? 'OPSP8996' : undefined,
    );
  }
}

/**
 * A frame (or one of its records) that could not be used. The stream continues. `raw` is the frame
 * for display: secrets scrubbed (an ACK carries the session's AES key/iv), then truncated; the reason
 * is scrubbed too, since it may quote the frame.
 */
export class WsFrameError extends WsError {
  readonly reason: string;
  readonly raw: string;
  constructor(
    reason: string,
    raw: string,
    /** The counter it was counted under, when the frame or record was rejected. */
    readonly rejection?: RejectReason,
  ) {
    const why = scrubSecrets(reason);
    const shown = displayFrame(raw);
    super(`bad KIS WebSocket frame: ${why} (frame: ${shown})`);
    this.reason = why;
    this.raw = shown;
  }
}

/** Any other connection-level problem (socket error, server error frame); the client reconnects. */
export class WsConnectionError extends WsError {
  constructor(detail: string, code?: string, options?: { cause?: unknown }) {
    super(`WebSocket connection problem: ${detail}; reconnecting with back-off`, code, options);
  }
}

export const truncateRaw = (raw: string, max = 200): string =>
  raw.length <= max ? raw : `${raw.slice(0, max)}…(${raw.length} chars)`;

/** Scrubbing looks this far into a frame; it is cut before, so a huge frame costs no more. */
const SCRUB_WINDOW = 2000;

/**
 * A frame as shown in errors and logs: secret values censored (by name, in any spelling, including a
 * value cut off by the truncation), then truncated to `max` characters.
 */
export function displayFrame(raw: string, max = 200): string {
  const scrubbed = scrubSecrets(raw.length > SCRUB_WINDOW ? raw.slice(0, SCRUB_WINDOW) : raw);
  return scrubbed.length <= max && raw.length <= SCRUB_WINDOW ? scrubbed : `${scrubbed.slice(0, max)}…(${raw.length} chars)`;
}
