/** Tokens, approval keys and error mapping against the simulator; secrets never in errors or logs. */
import { Writable } from 'node:stream';
import got from 'got';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createKisClient } from '../../src/kis/client.js';
import {
  KisBadRequestError,
  KisRateLimitError,
  KisMalformedBodyError,
  KisServerError,
  KisTokenIssueThrottledError,
  KisTransportError,
} from '../../src/kis/errors.js';
import { REDIS_URL } from '../helpers/redis.js';
import { startSimClient, type SimClient } from './sim-harness.js';

const errorOf = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
};

describe('access tokens', () => {
  let h: SimClient;
  beforeAll(async () => {
    // 60× clock: the one-issuance-per-minute rule (ours and the simulator's) passes in a real second.
    h = await startSimClient({ speed: 60 });
  });
  afterAll(() => h?.close());

  it('issues once and shares the token through Redis with a second client', async () => {
    const info = await h.client.token();
    expect(info.expiresAt - info.issuedAt).toBeGreaterThan(23 * 3_600_000);
    const other = h.another();
    expect((await other.token()).token).toBe(info.token);
    expect(h.client.tokens.stats.issued + other.tokens.stats.issued).toBe(1);
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${h.prefix}:*`);
    r.disconnect();
    // Key names carry a hash of the app key, never the key itself.
    expect(keys.join(' ')).not.toContain(h.sim.appKey);
  });

  it('refreshes an expired token once, transparently', async () => {
    const before = (await h.client.token()).token;
    const issued = h.client.tokens.stats.issued;
    expect(h.sim.faults.expireAllTokens()).toBeGreaterThan(0);
    const q = await h.client.stockPrice({ code: '005930' });
    expect(q.price).toBeGreaterThan(0);
    expect(h.client.tokens.stats.issued).toBe(issued + 1);
    expect((await h.client.token()).token).not.toBe(before);
  });

  it('revokes on request, and the next call issues a new one', async () => {
    const old = (await h.client.token()).token;
    expect(await h.client.revokeToken()).toBe(true);
    expect(await h.client.revokeToken()).toBe(false);
    expect((await h.client.token()).token).not.toBe(old);
  });

  it('caches the WebSocket approval key for every client of the app key', async () => {
    const a = await h.client.approvalKey();
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(await h.another().approvalKey()).toBe(a);
  });

  it('drops the shared approval key only while it is still the rejected one, then every client gets a fresh one', async () => {
    const a = await h.client.approvalKey();
    // Another process already replaced it (simulated by naming a different key): nothing is dropped.
    expect(await h.client.invalidateApprovalKey('b1111111-2222-3333-4444-555555555555')).toBe(false);
    expect(await h.another().approvalKey()).toBe(a);
    expect(await h.client.invalidateApprovalKey(a)).toBe(true);
    expect(await h.client.invalidateApprovalKey(a)).toBe(false);
    const b = await h.another().approvalKey();
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).not.toBe(a);
    expect(await h.client.approvalKey()).toBe(b);
  });
});

describe('token refresh and issuance spacing', () => {
  it('refreshes the shared token ahead of its expiry (tokenRefreshBeforeMs)', async () => {
    // Refresh when less than 24 h − 2 min remain, i.e. two clock minutes after issuance (2 s at 60×);
    // the simulator re-serves the same token for 1 minute only.
    const h = await startSimClient({ speed: 60, sameTokenWindowMs: 60_000 }, { tokenRefreshBeforeMs: 24 * 3_600_000 - 120_000 });
    try {
      const first = await h.client.token();
      await h.sim.clock.sleep(45_000);
      expect((await h.client.token()).token).toBe(first.token);
      await h.sim.clock.sleep(90_000);
      const second = await h.client.token();
      expect(second.token).not.toBe(first.token);
      // Renewed while the old token still had almost a day to live, not after it failed.
      expect(first.expiresAt - h.sim.clock.now()).toBeGreaterThan(23 * 3_600_000);
      expect(h.client.tokens.stats.issued).toBe(2);
      expect((await h.another().token()).token).toBe(second.token);
    } finally {
      await h.close();
    }
  });

  it('spaces issuances by tokenIssueIntervalMs when configured longer than KIS’s minute', async () => {
    const h = await startSimClient({ speed: 60 }, { tokenIssueIntervalMs: 150_000 });
    try {
      const first = await h.client.token();
      expect(await h.client.revokeToken()).toBe(true);
      const second = await h.client.token();
      expect(second.token).not.toBe(first.token);
      expect(second.issuedAt - first.issuedAt).toBeGreaterThanOrEqual(150_000);
      // Waited out our own interval: KIS never had to answer EGW00133.
      expect(h.client.tokens.stats.throttled).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('EGW00133 (one token per minute)', () => {
  it('waits for the minute to pass and then issues, on an accelerated clock', async () => {
    const h = await startSimClient({ speed: 60 });
    try {
      // Someone outside this deployment takes this minute's issuance.
      await got.post(`${h.sim.restUrl}/oauth2/tokenP`, { json: { grant_type: 'client_credentials', appkey: h.sim.appKey, appsecret: h.sim.appSecret } });
      const t0 = Date.now();
      const info = await h.client.token();
      expect(info.token).toBeTruthy();
      expect(h.client.tokens.stats.throttled).toBe(1);
      expect(h.client.tokens.stats.issued).toBe(1);
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      await h.close();
    }
  });

  it('gives up with a typed error after the bounded wait', async () => {
    const h = await startSimClient({ speed: 60 });
    try {
      await got.post(`${h.sim.restUrl}/oauth2/tokenP`, { json: { grant_type: 'client_credentials', appkey: h.sim.appKey, appsecret: h.sim.appSecret } });
      const c = createKisClient({
        account: { name: 'x', env: 'real', appKey: h.sim.appKey, appSecret: h.sim.appSecret, restUrl: h.sim.restUrl },
        redisUrl: REDIS_URL, prefix: `${h.prefix}:bounded`, clock: h.sim.clock, tokenMaxWaitMs: 10_000,
      });
      const e = await errorOf(c.token());
      await c.close();
      expect(e).toBeInstanceOf(KisTokenIssueThrottledError);
      expect((e as KisTokenIssueThrottledError).action).toBe('wait');
      // One EGW00133, then no second try inside the minute: it never loops on KIS.
      expect(c.tokens.stats).toEqual({ issued: 0, throttled: 1 });
    } finally {
      await h.close();
    }
  });
});

describe('error mapping over the wire', () => {
  let h: SimClient;
  const lines: string[] = [];
  beforeAll(async () => {
    const stream = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) });
    h = await startSimClient({}, { logger: createLogger({ level: 'debug', stream }) });
  });
  afterAll(() => h?.close());

  it('a bad code is an unrecoverable bad request naming msg_cd and endpoint', async () => {
    const e = await errorOf(h.client.stockPrice({ code: '999999' }));
    expect(e).toBeInstanceOf(KisBadRequestError);
    expect((e as KisBadRequestError).retryable).toBe(false);
    expect((e as KisBadRequestError).code).toBeTruthy();
    expect(e.message).toContain('/inquire-price');
  });

  it('a rate-limit storm is EGW00201 → wait', async () => {
    h.sim.faults.rateLimitStorm(2_000);
    const e = await errorOf(h.client.stockPrice({ code: '005930' }));
    expect(e).toBeInstanceOf(KisRateLimitError);
    expect((e as KisRateLimitError).action).toBe('wait');
    h.sim.faults.clear();
  });

  it('server faults and broken bodies are retryable; a broken body keeps its raw text, scrubbed', async () => {
    h.sim.faults.set({ http5xxRate: 1 });
    const e = await errorOf(h.client.stockPrice({ code: '005930' }));
    expect(e).toBeInstanceOf(KisServerError);
    expect((e as KisServerError).retryable).toBe(true);
    h.sim.faults.set({ malformedJsonRate: 1 });
    const f = await errorOf(h.client.stockPrice({ code: '005930' }));
    expect(f).toBeInstanceOf(KisMalformedBodyError);
    expect((f as KisMalformedBodyError).retryable).toBe(true);
    expect((f as KisMalformedBodyError).rawBody).toContain('":,');
    h.sim.faults.set({ truncatedRate: 1 });
    const g = await errorOf(h.client.stockPrice({ code: '005930' }));
    expect(g).toBeInstanceOf(KisMalformedBodyError);
    expect((g as KisMalformedBodyError).action).toBe('retry');
    h.sim.faults.clear();
  });

  it('a slow answer is cut off by the request timeout (retryable) or by the caller’s AbortSignal', async () => {
    await h.client.token();
    h.sim.faults.set({ latencyMs: 3_000 });
    try {
      const c = createKisClient({
        account: { name: 'x', env: 'real', appKey: h.sim.appKey, appSecret: h.sim.appSecret, restUrl: h.sim.restUrl },
        redisUrl: REDIS_URL, prefix: h.prefix, clock: h.sim.clock, requestTimeoutMs: 300,
      });
      const t0 = Date.now();
      const e = await errorOf(c.stockPrice({ code: '005930' }));
      await c.close();
      expect(e).toBeInstanceOf(KisTransportError);
      expect(e.message).toMatch(/no response within 300 ms/);
      expect(Date.now() - t0).toBeLessThan(2_500);
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('caller gave up')), 200);
      const t1 = Date.now();
      await expect(h.client.stockPrice({ code: '005930' }, { signal: ac.signal })).rejects.toThrow('caller gave up');
      expect(Date.now() - t1).toBeLessThan(2_500);
    } finally {
      h.sim.faults.clear();
    }
  });

  it('an unreachable host is a retryable transport error', async () => {
    const c = createKisClient({
      account: { name: 'x', env: 'real', appKey: h.sim.appKey, appSecret: h.sim.appSecret, restUrl: 'http://127.0.0.1:9' },
      redisUrl: REDIS_URL, prefix: `${h.prefix}:dead`, clock: h.sim.clock, requestTimeoutMs: 2_000,
    });
    const e = await errorOf(c.token());
    await c.close();
    expect(e).toBeInstanceOf(KisTransportError);
    expect((e as KisTransportError).retryable).toBe(true);
  });

  it('a wrong app secret is a bad request that says which config field to check — and no secret is ever printed', async () => {
    const c = createKisClient({
      account: { name: 'x', env: 'real', appKey: h.sim.appKey, appSecret: 'WRONG-SECRET-0123456789', restUrl: h.sim.restUrl },
      redisUrl: REDIS_URL, prefix: `${h.prefix}:wrong`, clock: h.sim.clock,
    });
    const e = await errorOf(c.token());
    await c.close();
    expect(e).toBeInstanceOf(KisBadRequestError);
    expect(e.message).toContain('appSecret');
    const token = (await h.client.token()).token;
    const everything = [e.message, e.stack ?? '', ...lines].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [h.sim.appKey, h.sim.appSecret, token, 'WRONG-SECRET-0123456789']) expect(everything).not.toContain(secret);
  });
});
