/**
 * Response header names as a case-sensitive client sees them, on every kind of answer (success, business
 * error, gateway error, oauth, hashkey, the WebSocket port's plain HTTP). KIS's official Python client keeps
 * the all-lower-case names of `resp.headers` and makes them namedtuple fields: the sketch below does the
 * same, so a lower-case `content-type` (not an identifier) fails as it crashes that client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, type RestEndpointLayout } from '../../src/kis/spec/index.js';
import { REST_LAYOUTS } from '../../src/kis/spec/generated/rest.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { ManualClock, authHeaders, issueToken } from './helpers.js';
import { expectKisHeaderCasing } from './conformance-rules.js';
import { rawHeadersOf, rawRequest } from './raw-http.js';
import { type WalkCodes, quotationTarget, walkCodes } from './conformance-requests.js';
import type { KstDate } from '../../src/time/kst.js';

let sim: SimulatorHandle;
let token: string;
let codes: WalkCodes;

beforeAll(async () => {
  sim = await startSimulator({ clock: ManualClock.at('2026-11-24T13:30:30'), seed: 3, noticeEveryMs: 0 });
  token = await issueToken(sim);
  codes = walkCodes(sim, '2026-11-24' as KstDate);
});
afterAll(() => sim.close());

/** KIS's `APIResp._setHeader`: lower-case names become identifiers; anything else is dropped. */
function officialClientHeader(pairs: [string, string][]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of pairs) {
    if (name !== name.toLowerCase() || name === name.toUpperCase()) continue; // Python's str.islower()
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`namedtuple: invalid field name ${name}`);
    fields[name] = value;
  }
  return fields;
}

const PRICE = ENDPOINTS.stockPrice;
const priceQuery = `${PRICE.path}?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930`;

describe('a header-case-sensitive client', () => {
  const quotations = (REST_LAYOUTS as readonly RestEndpointLayout[]).filter((l) => l.trIdReal !== null);

  it.each(quotations.map((l) => [l.path, l] as const))('reads KIS headers of %s', async (path, layout) => {
    const url = `${sim.restUrl}${quotationTarget(layout, codes)}`;
    const pairs = await rawHeadersOf(url, authHeaders(sim, token, layout.trIdReal!));
    expect(pairs.filter(([n]) => n === 'Content-Type').map(([, v]) => v)).toEqual([
      'application/json; charset=utf-8',
    ]);
    const fields = officialClientHeader(pairs);
    // Exactly the layout's own headers, with the layout's (lower-case) names.
    const own = layout.responseHeaders.filter((h) => h !== 'content-type');
    expect(Object.keys(fields).sort()).toEqual([...own].sort());
    expect(fields.tr_id).toBe(layout.trIdReal);
    expect(fields.gt_uid).toMatch(/^\w{32}$/);
    if (own.includes('tr_cont')) expect(['F', 'M', 'D', 'E']).toContain(fields.tr_cont);
  });
});

describe('header casing on every kind of answer', () => {
  const quoteHeaders = () => authHeaders(sim, token, PRICE.trIdReal!);

  it('business error (HTTP 200, rt_cd 1) keeps tr_id, tr_cont and gt_uid', async () => {
    const r = await rawRequest(sim.restUrl, 'GET', priceQuery.replace('005930', '999999'), quoteHeaders());
    expect([r.status, r.json.rt_cd]).toEqual([200, '1']);
    expectKisHeaderCasing(r.headers, PRICE.responseHeaders);
  });

  it('gateway error (HTTP 500) is Content-Type plus the echoed tr_id and a gt_uid', async () => {
    const r = await rawRequest(sim.restUrl, 'GET', priceQuery, {
      ...quoteHeaders(),
      authorization: 'Basic x',
    });
    expect([r.status, r.json.msg_cd]).toEqual([500, 'EGW00205']);
    expectKisHeaderCasing(r.headers, ['tr_id', 'gt_uid']);
  });

  it('unknown path (404) and oauth answers (200, 403) use standard names only', async () => {
    const notFound = await rawRequest(sim.restUrl, 'GET', '/uapi/nowhere', {});
    expect(notFound.status).toBe(404);
    expectKisHeaderCasing(notFound.headers, ['gt_uid']);
    const body = (secret: string) =>
      JSON.stringify({ grant_type: 'client_credentials', appkey: sim.appKey, secretkey: secret });
    const ok = await rawRequest(sim.restUrl, 'POST', '/oauth2/Approval', {}, body(sim.appSecret));
    const refused = await rawRequest(sim.restUrl, 'POST', '/oauth2/Approval', {}, body('wrong'));
    expect([ok.status, refused.status]).toEqual([200, 403]);
    for (const r of [ok, refused]) expectKisHeaderCasing(r.headers, []);
  });

  it('hashkey answers with standard names and a gt_uid', async () => {
    const r = await rawRequest(
      sim.restUrl,
      'POST',
      '/uapi/hashkey',
      { appkey: sim.appKey, appsecret: sim.appSecret },
      JSON.stringify({ ORD_QTY: '1' }),
    );
    expect(r.status).toBe(200);
    expectKisHeaderCasing(r.headers, ['gt_uid']);
  });

  it('the WebSocket port answers plain HTTP with standard names', async () => {
    const r = await rawRequest(sim.wsUrl.replace(/^ws/, 'http'), 'GET', '/', {});
    expect(r.status).toBe(426);
    expectKisHeaderCasing(r.headers, []);
  });
});
