/** Token rules, gateway error codes and HTTP statuses (reference §2, §4), rate limits, paper mode. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { ManualClock, authHeaders, get, issueToken, post } from './helpers.js';

const PRICE = ENDPOINTS.stockPrice.path;
const Q = { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: '005930' };
const PAPER = {
  appKey: 'PSpaperpaperpaperpaperpaperpaperpape',
  appSecret: 'paper-secret',
  mode: 'paper' as const,
};
let sim: SimulatorHandle;
let clock: ManualClock;

beforeAll(async () => {
  clock = ManualClock.at('2026-11-24T10:00:00');
  sim = await startSimulator({
    clock,
    noticeEveryMs: 0,
    accounts: [{ appKey: 'PSrealrealrealrealrealrealrealrealre', appSecret: 'real-secret' }, PAPER],
  });
});
afterAll(() => sim.close());

const tokenReq = (appkey = sim.appKey, appsecret = sim.appSecret) =>
  post(sim, '/oauth2/tokenP', { grant_type: 'client_credentials', appkey, appsecret });

describe('access token', () => {
  let first: Record<string, unknown>;

  it('issues a JWT whose jti is the app key, 24 h, expiry as KST text', async () => {
    const r = await tokenReq();
    expect(r.status).toBe(200);
    first = r.json;
    expect(Object.keys(r.json)).toEqual([...ENDPOINTS.tokenIssue.topFields]);
    expect(r.json.token_type).toBe('Bearer');
    expect(r.json.expires_in).toBe(86_400);
    expect(r.json.access_token_token_expired).toBe('2026-11-25 10:00:00');
    const payload = JSON.parse(
      Buffer.from(String(r.json.access_token).split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(payload.jti).toBe(sim.appKey);
    expect(payload.iss).toBe('unogw');
  });

  it('refuses a second issuance within a minute with 403 EGW00133 (oauth envelope)', async () => {
    clock.advance(30_000);
    const r = await tokenReq();
    expect(r.status).toBe(403);
    expect(r.json.error_code).toBe('EGW00133');
    expect(typeof r.json.error_description).toBe('string');
  });

  it('returns the same token within 6 h and a new one after', async () => {
    clock.advance(2 * 60_000);
    const same = await tokenReq();
    expect(same.json.access_token).toBe(first.access_token);
    expect(same.json.expires_in).toBe(86_400 - 150);
    clock.advance(6 * 3_600_000);
    const fresh = await tokenReq();
    expect(fresh.json.access_token).not.toBe(first.access_token);
    // The old token is still valid until its own expiry.
    const r = await get(sim, PRICE, Q, authHeaders(sim, String(first.access_token), 'FHKST01010100'));
    expect(r.json.rt_cd).toBe('0');
  });

  it('answers an expired token with HTTP 500 EGW00123 and an unknown one with EGW00121', async () => {
    clock.advance(18 * 3_600_000);
    const expired = await get(sim, PRICE, Q, authHeaders(sim, String(first.access_token), 'FHKST01010100'));
    expect(expired.status).toBe(500);
    expect(expired.json).toMatchObject({ rt_cd: '1', msg_cd: 'EGW00123' });
    const bogus = await get(sim, PRICE, Q, authHeaders(sim, 'not-a-token', 'FHKST01010100'));
    expect(bogus.status).toBe(500);
    expect(bogus.json.msg_cd).toBe('EGW00121');
  });

  it('revokes a token ({code, message}) after which it is unknown', async () => {
    clock.advance(2 * 60_000);
    const t = await issueToken(sim);
    const r = await post(sim, '/oauth2/revokeP', { appkey: sim.appKey, appsecret: sim.appSecret, token: t });
    expect(r.json).toEqual({ code: 200, message: expect.any(String) });
    const after = await get(sim, PRICE, Q, authHeaders(sim, t, 'FHKST01010100'));
    expect(after.json.msg_cd).toBe('EGW00121');
  });

  it.each([
    [{ grant_type: 'client_credentials', appkey: 'nope', appsecret: 'x' }, 'EGW00103'],
    [{ grant_type: 'client_credentials', appsecret: 'x' }, 'EGW00102'],
    [
      {
        grant_type: 'client_credentials',
        appkey: 'PSrealrealrealrealrealrealrealrealre',
        appsecret: 'wrong',
      },
      'EGW00105',
    ],
    [{ appkey: 'PSrealrealrealrealrealrealrealrealre', appsecret: 'real-secret' }, 'EGW00115'],
    [
      { grant_type: 'password', appkey: 'PSrealrealrealrealrealrealrealrealre', appsecret: 'real-secret' },
      'EGW00116',
    ],
  ])('oauth error %j → 403 %s', async (body, code) => {
    const r = await post(sim, '/oauth2/tokenP', body);
    expect(r.status).toBe(403);
    expect(r.json.error_code).toBe(code);
  });

  it('issues approval keys from `secretkey` (not appsecret) and hashes bodies', async () => {
    const ok = await post(sim, '/oauth2/Approval', {
      grant_type: 'client_credentials',
      appkey: sim.appKey,
      secretkey: sim.appSecret,
    });
    expect(ok.json.approval_key).toMatch(/^[0-9a-f-]{36}$/);
    const wrongName = await post(sim, '/oauth2/Approval', {
      grant_type: 'client_credentials',
      appkey: sim.appKey,
      appsecret: sim.appSecret,
    });
    expect(wrongName.json.error_code).toBe('EGW00104');
    const h = await post(
      sim,
      '/uapi/hashkey',
      { CANO: '1', ORD_QTY: '2' },
      { appkey: sim.appKey, appsecret: sim.appSecret },
    );
    expect(h.json.HASH).toMatch(/^[0-9a-f]{64}$/);
    expect(h.json.BODY).toEqual({ CANO: '1', ORD_QTY: '2' });
  });
});

describe('gateway checks on /uapi', () => {
  let token: string;
  beforeAll(async () => {
    clock.advance(5 * 60_000);
    token = await issueToken(sim);
  });

  it.each([
    ['missing appkey', { appkey: undefined }, 500, 'EGW00102'],
    ['unknown appkey', { appkey: 'PSunknown' }, 500, 'EGW00103'],
    ['missing appsecret', { appsecret: undefined }, 500, 'EGW00104'],
    ['wrong appsecret', { appsecret: 'wrong' }, 500, 'EGW00105'],
    ['no Bearer', { authorization: 'Basic abc' }, 500, 'EGW00205'],
    ['missing custtype', { custtype: undefined }, 500, 'EGW00208'],
    ['missing tr_id', { tr_id: undefined }, 500, 'OPSQ9999'],
    ['tr_id of another endpoint', { tr_id: 'FHKST03010200' }, 500, 'OPSQ0002'],
  ])('%s → HTTP %i %s', async (_label, change: Record<string, string | undefined>, status, code) => {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...authHeaders(sim, token, 'FHKST01010100'), ...change }))
      if (v !== undefined) h[k] = v;
    const r = await get(sim, PRICE, Q, h);
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ rt_cd: '1', msg_cd: code });
  });

  it('matches header and query names case-insensitively', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const url = new URL(`${sim.restUrl}${PRICE}?fid_cond_mrkt_div_code=J&Fid_Input_Iscd=005930`);
      const req = request(
        url,
        {
          headers: {
            Authorization: `Bearer ${token}`,
            AppKey: sim.appKey,
            AppSecret: sim.appSecret,
            TR_ID: 'FHKST01010100',
            CustType: 'P',
          },
        },
        (res) => {
          let s = '';
          res.on('data', (c: Buffer) => (s += c.toString()));
          res.on('end', () => resolve(s));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({ rt_cd: '0', output: { stck_shrn_iscd: '005930' } });
  });

  it('answers a missing required parameter with rt_cd 1 naming it', async () => {
    const r = await get(
      sim,
      PRICE,
      { FID_COND_MRKT_DIV_CODE: 'J' },
      authHeaders(sim, token, 'FHKST01010100'),
    );
    expect(r.status).toBe(200);
    expect(r.json.rt_cd).toBe('1');
    expect(String(r.json.msg1)).toContain('FID_INPUT_ISCD');
  });

  it('404s unknown paths', async () => {
    const r = await get(
      sim,
      '/uapi/domestic-stock/v1/quotations/nope',
      {},
      authHeaders(sim, token, 'FHKST01010100'),
    );
    expect(r.status).toBe(404);
  });
});

describe('rate limits', () => {
  it('allows 20 calls per second per app key, answers the rest HTTP 500 EGW00201 and counts them', async () => {
    clock.advance(5 * 60_000);
    const token = await issueToken(sim);
    await new Promise((r) => setTimeout(r, 1100));
    const before = sim.rateLimitRejections(sim.appKey);
    const all = await Promise.all(
      Array.from({ length: 30 }, () => get(sim, PRICE, Q, authHeaders(sim, token, 'FHKST01010100'))),
    );
    const ok = all.filter((r) => r.status === 200 && r.json.rt_cd === '0');
    const limited = all.filter((r) => r.status === 500 && r.json.msg_cd === 'EGW00201');
    expect(ok.length).toBe(20);
    expect(limited.length).toBe(10);
    expect(sim.rateLimitRejections(sim.appKey) - before).toBe(10);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get(sim, PRICE, Q, authHeaders(sim, token, 'FHKST01010100'))).status).toBe(200);
  });

  it('paper keys get 2 per second and are refused real-only endpoints with EGW00213', async () => {
    const token = await issueToken(sim, PAPER.appKey, PAPER.appSecret);
    await new Promise((r) => setTimeout(r, 1100));
    const h = authHeaders(sim, token, 'FHKST01010100', PAPER.appKey, PAPER.appSecret);
    const all = await Promise.all(Array.from({ length: 4 }, () => get(sim, PRICE, Q, h)));
    expect(all.map((r) => r.json.msg_cd).sort()).toEqual(['EGW00201', 'EGW00201', 'MCA00000', 'MCA00000']);
    await new Promise((r) => setTimeout(r, 1100));
    const ep = ENDPOINTS.foMinutes;
    const r = await get(
      sim,
      ep.path,
      {},
      authHeaders(sim, token, ep.trIdReal!, PAPER.appKey, PAPER.appSecret),
    );
    expect(r.status).toBe(500);
    expect(r.json.msg_cd).toBe('EGW00213');
  });
});
