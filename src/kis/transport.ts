/**
 * One HTTP exchange with a KIS host (got@14): timeouts, abort, no got-level retries (retries belong to
 * the job system), JSON parsed regardless of status. Transport failures become `KisTransportError`;
 * every server text is scrubbed of this account's secrets before it can reach an error message.
 */
import got, { type Got, type Headers } from 'got';
import { KisTransportError } from './errors.js';
import { type JsonObject, parseJsonObject } from './envelope.js';

export interface TransportOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Current secrets to scrub from any text we pass on (app key, secret, token, approval key). */
  secrets: () => Array<string | undefined>;
}

export interface SendInit {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  query?: Record<string, string>;
  json?: Record<string, string>;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: JsonObject;
}

export class KisTransport {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly secrets: TransportOptions['secrets'];
  /** Options fixed for every call merged once here, not per request (got's option merging is per-call CPU). */
  private readonly got: Got;

  constructor(opts: TransportOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs;
    this.secrets = opts.secrets;
    this.got = got.extend({
      headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      timeout: { request: this.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
  }

  /** Replaces any secret of this account found in `s`. */
  scrub = (s: string): string => {
    let out = s;
    for (const secret of this.secrets()) if (secret && secret.length >= 6) out = out.split(secret).join('[redacted]');
    return out;
  };

  async send(path: string, init: SendInit): Promise<RawResponse> {
    let res;
    try {
      res = await this.got(`${this.baseUrl}${path}`, {
        method: init.method,
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.query ? { searchParams: init.query } : {}),
        ...(init.json ? { json: init.json } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (e) {
      if (init.signal?.aborted) throw init.signal.reason;
      const err = e as { code?: string; name?: string; message?: string };
      const detail = err.code === 'ETIMEDOUT' ? `no response within ${this.timeoutMs} ms` : `${err.code ?? err.name ?? 'error'}: ${err.message ?? ''}`;
      throw new KisTransportError({ endpoint: path }, this.scrub(detail));
    }
    return { status: res.statusCode, headers: res.headers, body: parseJsonObject(path, res.statusCode, res.body, this.scrub) };
  }
}

/** A response header as one string ('' when absent). */
export const header = (h: Headers, name: string): string => {
  const v = h[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
};
