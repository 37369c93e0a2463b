/**
 * Typed KIS REST errors. Each says what the caller does next (`action`), whether a retry can help
 * (`retryable`), and how long to wait where that is known. BullMQ workers map them:
 * `retryable === false` → `UnrecoverableError`; `action === 'wait'` → `worker.rateLimit(retryAfterMs)`
 * + `Worker.RateLimitError()` (does not burn an attempt); the rest → a normal failed attempt with backoff.
 * No message ever carries an app key, app secret, token or approval key.
 */
import { KrtradeError } from '../errors.js';

/** What to do next about a failed KIS call. */
export type KisErrorAction =
  /** Retry after `retryAfterMs` without counting an attempt (rate limited / token issuance throttled). */
  | 'wait'
  /** Get a fresh access token, then retry once (the HTTP client does this itself). */
  | 'refresh-token'
  /** A passing server or network fault: retry with backoff. */
  | 'retry'
  /** The request or our understanding of the response is wrong: retrying will not help. */
  | 'give-up';

export interface KisErrorContext {
  /** Endpoint path (e.g. `/uapi/domestic-stock/v1/quotations/inquire-price`) or name. */
  endpoint: string;
  /** KIS `msg_cd` / `error_code`, when the server sent one. */
  code?: string;
  /** HTTP status, when a response arrived. */
  status?: number;
}

export abstract class KisError extends KrtradeError {
  abstract readonly action: KisErrorAction;
  readonly endpoint: string;
  readonly code: string | undefined;
  readonly status: number | undefined;
  /** Suggested wait before the next try (ms of clock time), when known. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, ctx: KisErrorContext & { retryAfterMs?: number }, options?: { cause?: unknown }) {
    super(message, options);
    this.endpoint = ctx.endpoint;
    this.code = ctx.code;
    this.status = ctx.status;
    this.retryAfterMs = ctx.retryAfterMs;
  }

  get retryable(): boolean {
    return this.action !== 'give-up';
  }
}

const where = (c: KisErrorContext): string => `${c.endpoint}${c.status ? ` (HTTP ${c.status})` : ''}`;

/** EGW00201: more calls per second than KIS allows for this app key. Wait; it is not a failed attempt. */
export class KisRateLimitError extends KisError {
  readonly action = 'wait';
  constructor(ctx: KisErrorContext, serverMessage = '', retryAfterMs = 1_000) {
    super(`KIS rate limit exceeded on ${where(ctx)}: ${ctx.code ?? ''} ${serverMessage}`.trim() + `; wait ${retryAfterMs} ms and retry`, { ...ctx, retryAfterMs });
  }
}

/** EGW00123 (expired) / EGW00121 (invalid) / EGW00122 (not found): refresh the token once and retry. */
export class KisTokenExpiredError extends KisError {
  readonly action = 'refresh-token';
  constructor(ctx: KisErrorContext, serverMessage = '') {
    super(`KIS rejected the access token on ${where(ctx)}: ${ctx.code ?? ''} ${serverMessage}`.trim() + '; refresh the token and retry once', ctx);
  }
}

/** EGW00133: a token was issued for this app key less than a minute ago. Wait, then re-read the shared token. */
export class KisTokenIssueThrottledError extends KisError {
  readonly action = 'wait';
  constructor(ctx: KisErrorContext, serverMessage = '', retryAfterMs = 61_000) {
    super(
      `KIS refused to issue a token on ${where(ctx)}: ${ctx.code ?? ''} ${serverMessage}`.trim() +
        `; one token per minute per app key — wait ${Math.ceil(retryAfterMs / 1000)} s and re-read the shared token`,
      { ...ctx, retryAfterMs },
    );
  }
}

/** A business or request error (bad code, bad parameter, wrong app key, paper-only limits…). Not retryable. */
export class KisBadRequestError extends KisError {
  readonly action = 'give-up';
  readonly serverMessage: string;
  constructor(ctx: KisErrorContext, serverMessage: string, hint?: string) {
    super(`KIS rejected ${where(ctx)}: ${ctx.code ?? '(no code)'} ${serverMessage}`.trim() + (hint ? `; ${hint}` : ''), ctx);
    this.serverMessage = serverMessage;
  }
}

/** The request cannot be made on this account (e.g. a real-only endpoint on a paper account). */
export class KisUnsupportedError extends KisError {
  readonly action = 'give-up';
  constructor(endpoint: string, reason: string) {
    super(`${endpoint}: ${reason}`, { endpoint });
  }
}

/** KIS answered with a server-side fault (HTTP 5xx without a known code, EGW00001/2, routing errors). */
export class KisServerError extends KisError {
  readonly action = 'retry';
  constructor(ctx: KisErrorContext, detail: string) {
    super(`KIS server error on ${where(ctx)}: ${detail}; retry with backoff`, ctx);
  }
}

/** No usable response: connection refused/reset, DNS, timeout. */
export class KisTransportError extends KisError {
  readonly action = 'retry';
  constructor(ctx: KisErrorContext, detail: string, options?: { cause?: unknown }) {
    super(`cannot reach KIS for ${ctx.endpoint}: ${detail}; retry with backoff`, ctx, options);
  }
}

/** A response that does not match the layout: a missing or malformed field. Names endpoint and field. */
export class KisResponseFormatError extends KisError {
  readonly action = 'give-up';
  constructor(
    endpoint: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`unexpected KIS response from ${endpoint}: field ${field} ${problem}`, { endpoint });
  }
}

/**
 * An HTTP 2xx/4xx body that is not JSON at all: broken or cut short on the way (KIS does this now and then).
 * A later try usually gets a whole body, so it is retried; `rawBody` (scrubbed of secrets, capped) is kept so
 * that a body still broken after the last attempt can be quarantined for diagnosis.
 */
export class KisMalformedBodyError extends KisError {
  readonly action = 'retry';
  static readonly RAW_BODY_CAP = 16_384;
  readonly rawBody: string;
  constructor(ctx: KisErrorContext, rawBody: string) {
    super(`broken KIS response body from ${where(ctx)}: not JSON (${rawBody.length} bytes, cut short or malformed); retry, the next answer is usually whole`, ctx);
    this.rawBody = rawBody.slice(0, KisMalformedBodyError.RAW_BODY_CAP);
  }
}

export const isKisError = (e: unknown): e is KisError => e instanceof KisError;

/** A call argument KIS would reject (bad expiry format, unsupported series…), caught before sending. */
export class KisInvalidArgumentError extends KisError {
  readonly action = 'give-up';
  constructor(endpoint: string, readonly argument: string, problem: string) {
    super(`${endpoint}: ${argument} ${problem}`, { endpoint });
  }
}
