/**
 * Authenticated, rate-limited KIS quotation calls. Headers per reference §2.5; the tr_id comes from
 * the shared layout for the account's environment (refused locally when KIS does not offer the
 * endpoint on paper). The only retry here is one transparent token refresh on EGW00123/EGW00121;
 * every other failure is thrown as a typed error for the job system to act on.
 */
import type { Logger } from '../log.js';
import type { CallMeter } from './call-meter.js';
import { KisTokenExpiredError, KisUnsupportedError } from './errors.js';
import { failureOf, type JsonObject } from './envelope.js';
import type { KisRateLimiter } from './rate-limit.js';
import { ENDPOINTS, type EndpointFacts, type EndpointName, type RestEndpointLayout } from './spec/index.js';
import type { KisTokenManager } from './token.js';
import { header, type KisTransport } from './transport.js';

export type KisEnv = 'real' | 'paper';

/** Endpoints described by a generated layout (everything but the hashkey helper). */
export type RestEndpointName = Exclude<EndpointName, 'hashkey'>;
export const layoutOf = (name: RestEndpointName): RestEndpointLayout & EndpointFacts => ENDPOINTS[name];

/** Rows per call of a paged endpoint (from the shared layout facts). */
export function rowCapOf(name: RestEndpointName): number {
  const cap = layoutOf(name).rowCap;
  if (!cap) throw new Error(`${name} has no row cap in the KIS layout facts`);
  return cap;
}

export interface KisCallOptions {
  /** `N` asks for the next page of a `tr_cont`-paged endpoint. */
  trCont?: 'N';
  signal?: AbortSignal;
}

export interface KisCallResult {
  body: JsonObject;
  /** Response `tr_cont` header: `F`/`M` more pages, `D`/`E` (or blank) last. */
  trCont: string;
}

export interface KisHttpOptions {
  transport: KisTransport;
  tokens: KisTokenManager;
  limiter: KisRateLimiter;
  env: KisEnv;
  appKey: string;
  appSecret: string;
  custtype: 'P' | 'B';
  logger?: Logger;
  /** Counts the calls sent (deployment-wide use per app key). */
  meter?: CallMeter;
}

export class KisHttp {
  readonly env: KisEnv;
  constructor(private readonly o: KisHttpOptions) {
    this.env = o.env;
  }

  /** The tr_id for this account's environment, or a clear local refusal. */
  trId(name: RestEndpointName): string {
    const layout = layoutOf(name);
    const id = this.o.env === 'real' ? layout.trIdReal : layout.trIdPaper;
    if (!id) {
      throw new KisUnsupportedError(
        layout.path,
        `${name} (${layout.name}) is not offered on ${this.o.env} accounts (모의투자 미지원); use a real account's app key for it`,
      );
    }
    return id;
  }

  /** Whether this account can call `name` at all. */
  supports(name: RestEndpointName): boolean {
    const layout = layoutOf(name);
    return Boolean(this.o.env === 'real' ? layout.trIdReal : layout.trIdPaper);
  }

  async get(name: RestEndpointName, query: Record<string, string>, opts: KisCallOptions = {}): Promise<KisCallResult> {
    const layout = layoutOf(name);
    const trId = this.trId(name);
    const known = new Set(layout.query.map((q) => q.name));
    for (const k of Object.keys(query)) if (!known.has(k)) throw new Error(`${name}: query parameter ${k} is not in the KIS layout`);
    let refreshed = false;
    for (;;) {
      const token = await this.o.tokens.get(opts.signal);
      await this.o.limiter.acquire(name, opts.signal);
      this.o.meter?.record();
      const res = await this.o.transport.send(layout.path, {
        method: 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          appkey: this.o.appKey,
          appsecret: this.o.appSecret,
          tr_id: trId,
          custtype: this.o.custtype,
          ...(opts.trCont ? { tr_cont: opts.trCont } : {}),
        },
        query,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const failure = failureOf(layout.path, res.status, res.body, this.o.transport.scrub);
      if (failure instanceof KisTokenExpiredError && !refreshed) {
        this.o.logger?.warn({ endpoint: name, code: failure.code }, 'KIS rejected the access token; refreshing once');
        refreshed = true;
        await this.o.tokens.invalidate(token);
        continue;
      }
      if (failure) throw failure;
      return { body: res.body, trCont: header(res.headers, 'tr_cont') };
    }
  }
}
