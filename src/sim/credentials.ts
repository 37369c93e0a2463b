/**
 * Simulated KIS credentials: app keys, access tokens (JWT-looking, jti = app key, same token re-served
 * for 6 h, one issuance per minute) and WebSocket approval keys. Token timing follows the simulator clock,
 * so an accelerated demo sees tokens expire on simulated time.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../time/clock.js';
import { type Instant, formatKst, toKst } from '../time/kst.js';

export type SimMode = 'real' | 'paper';

export interface SimAccount {
  appKey: string;
  appSecret: string;
  mode: SimMode;
  /** HTS ID: the tr_key of execution-notice TRs. */
  htsId: string;
  /** 10-digit account number (8 + 2) used in notices. */
  accountNo: string;
}

export interface SimAccountInput {
  appKey: string;
  appSecret: string;
  mode?: SimMode;
  htsId?: string;
  accountNo?: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Deterministic pseudo-random text of `len` characters from a label (so `krtrade sim --seed 7` always prints the same key). */
function derived(label: string, len: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; out.length < len; i++) {
    for (const byte of createHash('sha256').update(`${label}:${i}`).digest()) {
      if (out.length < len) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** A KIS-shaped credential: app key 36 chars (`PS` prefix like real keys), secret 180 chars. */
export function defaultAccount(seed: number, mode: SimMode, index = 0): SimAccount {
  const label = `krtrade-sim:${seed}:${mode}:${index}`;
  return {
    appKey: 'PS' + derived(label + ':key', 34),
    appSecret: derived(label + ':secret', 180),
    mode,
    htsId: `simuser${index + 1}`,
    accountNo: derived(label + ':acct', 8, '0123456789') + '03',
  };
}

export function completeAccount(input: SimAccountInput, defaultMode: SimMode, index: number): SimAccount {
  const fallback = defaultAccount(0, defaultMode, index);
  return {
    appKey: input.appKey,
    appSecret: input.appSecret,
    mode: input.mode ?? defaultMode,
    htsId: input.htsId ?? fallback.htsId,
    accountNo: input.accountNo ?? fallback.accountNo,
  };
}

interface TokenRecord {
  token: string;
  appKey: string;
  issuedAt: Instant;
  expiresAt: Instant;
}

export type IssueResult =
  | {
      ok: true;
      token: string;
      expiresAt: Instant;
      expiresInSec: number;
      expiresText: string;
      reused: boolean;
    }
  | { ok: false; code: 'EGW00133' };

export type TokenCheck = 'ok' | 'EGW00121' | 'EGW00123';

export interface TokenRules {
  lifetimeMs: number;
  /** A new request inside this window after issuance gets the same token back. */
  sameTokenWindowMs: number;
  /** At most one tokenP answer per app key inside this window (EGW00133). */
  issueIntervalMs: number;
}

const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

export class TokenStore {
  private readonly byToken = new Map<string, TokenRecord>();
  private readonly current = new Map<string, TokenRecord>();
  private readonly lastAnswer = new Map<string, number>();
  private readonly secret = randomBytes(32);

  constructor(
    private readonly clock: Clock,
    readonly rules: TokenRules,
  ) {}

  issue(appKey: string): IssueResult {
    const now = this.clock.now();
    const last = this.lastAnswer.get(appKey);
    if (last !== undefined && now - last < this.rules.issueIntervalMs) return { ok: false, code: 'EGW00133' };
    this.lastAnswer.set(appKey, now);
    let rec = this.current.get(appKey);
    const reusable = rec && now - rec.issuedAt < this.rules.sameTokenWindowMs && now < rec.expiresAt;
    if (!rec || !reusable) {
      rec = this.mint(appKey, now);
      this.current.set(appKey, rec);
      this.byToken.set(rec.token, rec);
    }
    return {
      ok: true,
      token: rec.token,
      expiresAt: rec.expiresAt,
      expiresInSec: Math.max(0, Math.floor((rec.expiresAt - now) / 1000)),
      expiresText: formatKst(toKst(rec.expiresAt)).slice(0, 19),
      reused: !!reusable,
    };
  }

  check(token: string, appKey: string): TokenCheck {
    const rec = this.byToken.get(token);
    if (!rec || rec.appKey !== appKey) return 'EGW00121';
    return this.clock.now() >= rec.expiresAt ? 'EGW00123' : 'ok';
  }

  revoke(token: string, appKey: string): boolean {
    const rec = this.byToken.get(token);
    if (!rec || rec.appKey !== appKey) return false;
    this.byToken.delete(token);
    if (this.current.get(appKey) === rec) this.current.delete(appKey);
    return true;
  }

  /** Expires every token now. Real expiry happens ≥ 24 h after issuance, so the per-minute throttle is lifted too. */
  expireAll(): number {
    const now = this.clock.now();
    let n = 0;
    for (const rec of this.byToken.values()) {
      if (rec.expiresAt > now) {
        rec.expiresAt = now;
        n++;
      }
    }
    this.lastAnswer.clear();
    return n;
  }

  private mint(appKey: string, now: Instant): TokenRecord {
    const iat = Math.floor(now / 1000);
    const exp = iat + Math.floor(this.rules.lifetimeMs / 1000);
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS512' }));
    const payload = b64url(
      JSON.stringify({ sub: 'token', aud: randomUUID(), prdt_cd: '', iss: 'unogw', exp, iat, jti: appKey }),
    );
    const sig = createHmac('sha512', this.secret).update(`${header}.${payload}`).digest('base64url');
    return {
      token: `${header}.${payload}.${sig}`,
      appKey,
      issuedAt: now,
      expiresAt: (now + this.rules.lifetimeMs) as Instant,
    };
  }
}

/**
 * WebSocket approval keys: any number per app key, each valid 24 h. KIS checks a key when a session starts;
 * an authenticated session stays usable after its key expires ("365일"), so expiry matters only then.
 */
export class ApprovalStore {
  private readonly keys = new Map<string, { appKey: string; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly lifetimeMs = 86_400_000,
  ) {}

  issue(appKey: string): string {
    const key = randomUUID();
    this.keys.set(key, { appKey, expiresAt: this.clock.now() + this.lifetimeMs });
    return key;
  }

  /** The app key an approval key belongs to, or undefined when unknown or expired (the session-start check). */
  appKeyOf(approvalKey: string): string | undefined {
    const rec = this.keys.get(approvalKey);
    if (!rec || this.clock.now() >= rec.expiresAt) return undefined;
    return rec.appKey;
  }

  /** The app key an approval key was issued to, expired or not (undefined when never issued). */
  issuedTo(approvalKey: string): string | undefined {
    return this.keys.get(approvalKey)?.appKey;
  }
}

/** The shape of an approval key (uuid-like, 36 characters), which KIS's per-message check can still verify. */
export const APPROVAL_KEY_FORMAT =
  /^[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}$/;
