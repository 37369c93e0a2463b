/**
 * Access tokens and WebSocket approval keys, one per app key, shared by every process through Redis.
 *
 * KIS issues at most one token per minute per app key (EGW00133) and each real-account issuance sends
 * the user a KakaoTalk notice, so: the token lives in Redis with its expiry; a refresh happens
 * `refreshBeforeMs` ahead of expiry; only the holder of a Redis lock (`SET NX PX`) issues, and never
 * within 60 s of the `lastIssuedAt` record; others wait and re-read. Waits are bounded.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/client.js';
import type { Logger } from '../log.js';
import type { Clock } from '../time/clock.js';
import { type Instant, formatKstIso, parseKst, toInstant, toKst } from '../time/kst.js';
import { KisResponseFormatError, KisTokenIssueThrottledError } from './errors.js';
import { failureOf } from './envelope.js';
import { ENDPOINTS } from './spec/index.js';
import type { KisTransport } from './transport.js';

export interface TokenInfo {
  token: string;
  expiresAt: Instant;
  issuedAt: Instant;
}

export interface TokenManagerOptions {
  transport: KisTransport;
  redis: RedisClient;
  /** Namespace of this app key's records, e.g. `krtrade:kis:<app key id>`. */
  keyPrefix: string;
  appKey: string;
  appSecret: string;
  clock: Clock;
  refreshBeforeMs: number;
  logger?: Logger;
  /** Give up waiting for a token after this much clock time (default 3 min). */
  maxWaitMs?: number;
  /**
   * Least clock time between two issuances for this app key (default 60 s: KIS answers EGW00133 within a
   * minute; one KIS FAQ once said five minutes, so it is configurable as `kis.tokenIssueIntervalMs`).
   */
  issueIntervalMs?: number;
}

const DEFAULT_ISSUE_INTERVAL_MS = 60_000;
const LOCK_TTL_REAL_MS = 30_000;
/** Approval keys are valid 24 h; we re-issue a little earlier. */
const APPROVAL_TTL_MS = 23 * 3_600_000;

/** Deletes KEYS[1] only while it still holds ARGV[1] (our lock; the approval key KIS rejected). */
const DELETE_IF_EQUAL_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const DROP_TOKEN_LUA = `local v = redis.call('GET', KEYS[1]) if v and cjson.decode(v).token == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class KisTokenManager {
  /** What this process did (for metrics and tests): tokens it issued, EGW00133 answers it got. */
  readonly stats = { issued: 0, throttled: 0 };
  private cached: TokenInfo | undefined;
  /** The approval key this process last handed out (scrubbed from error texts like the token). */
  private lastApprovalKey: string | undefined;
  private inflight: Promise<TokenInfo> | undefined;
  private readonly o: TokenManagerOptions;
  private readonly keys: { token: string; lock: string; last: string; approval: string };

  constructor(opts: TokenManagerOptions) {
    this.o = opts;
    const p = opts.keyPrefix;
    this.keys = { token: `${p}:token`, lock: `${p}:token:lock`, last: `${p}:token:lastIssuedAt`, approval: `${p}:approval` };
  }

  /** Secrets this manager knows, for scrubbing. */
  currentSecrets(): string[] {
    return [this.cached?.token, this.lastApprovalKey].filter((s): s is string => s !== undefined);
  }

  /** A valid access token (issued, refreshed or read from Redis as needed). */
  async get(signal?: AbortSignal): Promise<string> {
    return (await this.info(signal)).token;
  }

  async info(signal?: AbortSignal): Promise<TokenInfo> {
    if (this.cached && this.fresh(this.cached)) return this.cached;
    // One in-process caller does the Redis dance; the others share its result (each may abort its own wait).
    this.inflight ??= this.obtain().finally(() => (this.inflight = undefined));
    return signal ? raceAbort(this.inflight, signal) : this.inflight;
  }

  /** Forgets `token` here and in Redis (after KIS said it is expired/invalid) so the next get() renews it. */
  async invalidate(token: string): Promise<void> {
    if (this.cached?.token === token) this.cached = undefined;
    await this.o.redis.eval(DROP_TOKEN_LUA, 1, this.keys.token, token);
  }

  /** Revokes the shared token at KIS (`/oauth2/revokeP`) and forgets it. Returns false when there was none. */
  async revoke(signal?: AbortSignal): Promise<boolean> {
    const stored = await this.read();
    this.cached = undefined;
    if (!stored) return false;
    const path = ENDPOINTS.tokenRevoke.path;
    const res = await this.o.transport.send(path, {
      method: 'POST',
      json: { appkey: this.o.appKey, appsecret: this.o.appSecret, token: stored.token },
      ...(signal ? { signal } : {}),
    });
    const failure = failureOf(path, res.status, res.body, this.o.transport.scrub);
    await this.invalidate(stored.token);
    if (failure) throw failure;
    this.o.logger?.info({ expiresAt: formatKstIso(toKst(stored.expiresAt)) }, 'revoked KIS access token');
    return true;
  }

  /** The WebSocket approval key (`/oauth2/Approval`), cached in Redis for all processes. */
  async approvalKey(signal?: AbortSignal): Promise<string> {
    const existing = await this.o.redis.get(this.keys.approval);
    if (existing) return (this.lastApprovalKey = existing);
    const path = ENDPOINTS.wsApproval.path;
    const res = await this.o.transport.send(path, {
      method: 'POST',
      json: { grant_type: 'client_credentials', appkey: this.o.appKey, secretkey: this.o.appSecret },
      ...(signal ? { signal } : {}),
    });
    const failure = failureOf(path, res.status, res.body, this.o.transport.scrub);
    if (failure) throw failure;
    const key = res.body.approval_key;
    if (typeof key !== 'string' || !key.trim()) throw new KisResponseFormatError(path, 'approval_key', 'is missing or blank');
    const ttl = Math.ceil(this.o.clock.toRealMs(APPROVAL_TTL_MS));
    const set = await this.o.redis.set(this.keys.approval, key, 'PX', ttl, 'NX');
    return (this.lastApprovalKey = set ? key : ((await this.o.redis.get(this.keys.approval)) ?? key));
  }

  /**
   * Forgets the shared approval key after KIS rejected it (WebSocket OPSP0011), so the next
   * approvalKey() asks KIS for a new one. Only drops it while it is still `key`: another process may
   * already have replaced it, and that newer key must survive. Returns whether it was dropped.
   */
  async invalidateApprovalKey(key: string): Promise<boolean> {
    const dropped = await this.o.redis.eval(DELETE_IF_EQUAL_LUA, 1, this.keys.approval, key);
    return dropped === 1;
  }

  private get issueIntervalMs(): number {
    return this.o.issueIntervalMs ?? DEFAULT_ISSUE_INTERVAL_MS;
  }

  private fresh(t: TokenInfo): boolean {
    return t.expiresAt - this.o.refreshBeforeMs > this.o.clock.now();
  }

  /** Still accepted by KIS (a little margin for the request in flight). */
  private usable(t: TokenInfo): boolean {
    return t.expiresAt - 5_000 > this.o.clock.now();
  }

  private async read(): Promise<TokenInfo | undefined> {
    const raw = await this.o.redis.get(this.keys.token);
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as TokenInfo;
      return typeof v.token === 'string' && typeof v.expiresAt === 'number' ? v : undefined;
    } catch {
      return undefined;
    }
  }

  /** Clock time for a real-time pause (polling must not spin under an accelerated clock). */
  private realPause(realMs: number, signal?: AbortSignal): Promise<void> {
    return this.o.clock.sleep(realMs * this.o.clock.speed, signal);
  }

  private async obtain(signal?: AbortSignal): Promise<TokenInfo> {
    const { clock, redis } = this.o;
    const deadline = clock.now() + (this.o.maxWaitMs ?? 180_000);
    let throttled: KisTokenIssueThrottledError | undefined;
    while (clock.now() < deadline) {
      signal?.throwIfAborted();
      const stored = await this.read();
      if (stored && this.fresh(stored)) return (this.cached = stored);
      const nonce = randomBytes(8).toString('hex');
      if ((await redis.set(this.keys.lock, nonce, 'PX', LOCK_TTL_REAL_MS, 'NX')) !== 'OK') {
        // Another process is issuing: the old token is still fine meanwhile, else wait for theirs.
        if (stored && this.usable(stored)) return (this.cached = stored);
        await this.realPause(100 + Math.random() * 100, signal);
        continue;
      }
      let waitUntil: number | undefined;
      try {
        const again = await this.read();
        if (again && this.fresh(again)) return (this.cached = again);
        const last = Number((await redis.get(this.keys.last)) ?? 0);
        if (clock.now() - last < this.issueIntervalMs) {
          if (again && this.usable(again)) return (this.cached = again);
          waitUntil = last + this.issueIntervalMs + 500;
        } else {
          try {
            return (this.cached = await this.issue(signal));
          } catch (e) {
            if (!(e instanceof KisTokenIssueThrottledError)) throw e;
            this.stats.throttled++;
            // Issued elsewhere (another deployment, a manual call): respect the minute from now.
            throttled = e;
            await redis.set(this.keys.last, String(clock.now()));
            if (again && this.usable(again)) return (this.cached = again);
            waitUntil = clock.now() + this.issueIntervalMs + 500;
          }
        }
      } finally {
        await redis.eval(DELETE_IF_EQUAL_LUA, 1, this.keys.lock, nonce);
      }
      waitUntil ??= clock.now() + 1_000;
      if (waitUntil > deadline) break;
      this.o.logger?.info({ waitMs: waitUntil - clock.now() }, 'waiting for the KIS one-token-per-minute window');
      await clock.sleep(waitUntil - clock.now(), signal);
    }
    throw throttled ?? new KisTokenIssueThrottledError({ endpoint: ENDPOINTS.tokenIssue.path }, 'no token became available in time');
  }

  private async issue(signal?: AbortSignal): Promise<TokenInfo> {
    const { clock, redis } = this.o;
    const path = ENDPOINTS.tokenIssue.path;
    const issuedAt = clock.now();
    const res = await this.o.transport.send(path, {
      method: 'POST',
      json: { grant_type: 'client_credentials', appkey: this.o.appKey, appsecret: this.o.appSecret },
      ...(signal ? { signal } : {}),
    });
    const failure = failureOf(path, res.status, res.body, this.o.transport.scrub);
    if (failure) throw failure;
    const token = res.body.access_token;
    if (typeof token !== 'string' || !token.trim()) throw new KisResponseFormatError(path, 'access_token', 'is missing or blank');
    const info: TokenInfo = { token, issuedAt, expiresAt: expiryOf(path, res.body, issuedAt) };
    const ttl = Math.max(1, Math.floor(clock.toRealMs(info.expiresAt - clock.now())));
    await redis.multi().set(this.keys.token, JSON.stringify(info), 'PX', ttl).set(this.keys.last, String(issuedAt)).exec();
    this.stats.issued++;
    this.o.logger?.info({ expiresAt: formatKstIso(toKst(info.expiresAt)) }, 'issued KIS access token');
    return info;
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Expiry from `access_token_token_expired` (KST wall-clock) and/or `expires_in` (s): the earlier wins. */
export function expiryOf(path: string, body: Record<string, unknown>, issuedAt: Instant): Instant {
  const candidates: number[] = [];
  const stamp = body.access_token_token_expired;
  if (typeof stamp === 'string' && stamp.trim()) {
    try {
      candidates.push(toInstant(parseKst(stamp)));
    } catch {
      throw new KisResponseFormatError(path, 'access_token_token_expired', `is ${JSON.stringify(stamp)}, expected YYYY-MM-DD HH:MM:SS`);
    }
  }
  const secs = typeof body.expires_in === 'string' ? Number(body.expires_in) : body.expires_in;
  if (typeof secs === 'number' && Number.isFinite(secs) && secs > 0) candidates.push(issuedAt + secs * 1000);
  if (!candidates.length) throw new KisResponseFormatError(path, 'access_token_token_expired', 'and expires_in are both missing');
  return Math.min(...candidates) as Instant;
}
