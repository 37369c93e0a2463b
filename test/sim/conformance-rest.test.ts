/**
 * REST conformance, driven by KIS's workbook tables (REST_LAYOUTS, not the simulator's route list): every
 * endpoint in the tables is called over a bare socket and must answer with exactly its layout's top-level
 * keys and blocks (names as on the wire), every block field in the layout's order, every value a string
 * (KIS's two documented numbers aside), and KIS's response headers with KIS's casing. An endpoint added to the
 * tables without a simulator route fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENDPOINTS,
  TR_CONT_LAST,
  TR_CONT_MORE,
  type EndpointFacts,
  type RestEndpointLayout,
} from '../../src/kis/spec/index.js';
import { REST_LAYOUTS } from '../../src/kis/spec/generated/rest.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { type KstDate, addDays } from '../../src/time/kst.js';
import { ManualClock, authHeaders, issueToken } from './helpers.js';
import { type RawAnswer, rawRequest } from './raw-http.js';
import { expectKisHeaderCasing, expectWireValue } from './conformance-rules.js';
import {
  FO_INSTRUMENT_ENDPOINTS,
  type WalkCodes,
  type WalkVariant,
  endpointNameOf,
  quotationTarget,
  walkCodes,
} from './conformance-requests.js';

const TODAY = '2026-11-24' as KstDate;
const ACCOUNTS = ['quotes', 'token-issue', 'token-revoke'].map((who, i) => ({
  appKey: `PSconformance${who}`.padEnd(36, String(i)),
  appSecret: `secret-${who}`.padEnd(180, 'x'),
}));
const [QUOTES, ISSUER, REVOKER] = ACCOUNTS as [
  (typeof ACCOUNTS)[0],
  (typeof ACCOUNTS)[0],
  (typeof ACCOUNTS)[0],
];
/** The only non-string values KIS sends (reference §1: tokenP `expires_in`, revokeP `code`). */
const KIS_NUMBERS: Record<string, readonly string[]> = {
  '/oauth2/tokenP': ['expires_in'],
  '/oauth2/revokeP': ['code'],
};

let sim: SimulatorHandle;
let token: string;
let revokable: string;
let codes: WalkCodes;
const gtUids = new Set<string>();

beforeAll(async () => {
  const clock = ManualClock.at('2026-11-24T13:30:30');
  // Back-to-back calls must not trip the 20/s window (rate limits are tested in server-auth).
  sim = await startSimulator({
    clock,
    seed: 11,
    noticeEveryMs: 0,
    rateLimitPerSecond: 1000,
    accounts: ACCOUNTS,
  });
  token = await issueToken(sim, QUOTES.appKey, QUOTES.appSecret);
  revokable = await issueToken(sim, REVOKER.appKey, REVOKER.appSecret);
  codes = walkCodes(sim, TODAY);
});
afterAll(() => sim.close());

type Layout = RestEndpointLayout & Partial<EndpointFacts>;

/** An oauth body by field name: tokenP and revokeP each on an app key of their own (one tokenP a minute). */
function oauthBody(layout: Layout): Record<string, string> {
  const account =
    layout.path === '/oauth2/tokenP' ? ISSUER : layout.path === '/oauth2/revokeP' ? REVOKER : QUOTES;
  const values: Record<string, string> = {
    grant_type: 'client_credentials',
    appkey: account.appKey,
    appsecret: account.appSecret,
    secretkey: account.appSecret,
    token: revokable,
  };
  return Object.fromEntries(layout.query.map((q) => [q.name, values[q.name] ?? '']));
}

async function call(layout: Layout, variant: WalkVariant): Promise<RawAnswer> {
  if (layout.method === 'POST') {
    const body = JSON.stringify(oauthBody(layout));
    return rawRequest(sim.restUrl, 'POST', layout.path, { 'content-type': 'application/json' }, body);
  }
  const headers = authHeaders(sim, token, layout.trIdReal!, QUOTES.appKey, QUOTES.appSecret);
  return rawRequest(sim.restUrl, 'GET', quotationTarget(layout, codes, variant), headers);
}

const layouts = REST_LAYOUTS as readonly Layout[];
/** Every layout once; the F/O endpoints that serve futures and options alike once for each. */
const walk = layouts.flatMap((l) => {
  const both = FO_INSTRUMENT_ENDPOINTS.has(endpointNameOf(l.path) ?? '');
  return (both ? (['future', 'option'] as const) : (['future'] as const)).map(
    (v) => [both ? `${l.path} (${v})` : l.path, l, v] as const,
  );
});

describe('every endpoint of the KIS tables answers as its layout says', () => {
  it('the tables list the endpoints krtrade uses, and nothing is walked twice', () => {
    expect(new Set(layouts.map((l) => l.path)).size).toBe(layouts.length);
    for (const ep of Object.values(ENDPOINTS))
      if (ep.path !== '/uapi/hashkey') expect(layouts.map((l) => l.path)).toContain(ep.path);
  });

  it.each(walk)('%s', async (_label, layout, variant) => {
    const path = layout.path;
    const r = await call(layout, variant);
    expect(r.status, `no simulator route for ${path}? ${r.body.slice(0, 200)}`).toBe(200);
    const quotation = layout.trIdReal !== null;
    const facts = ENDPOINTS[endpointNameOf(path) as keyof typeof ENDPOINTS] as Layout;

    // Headers: KIS's casing, the layout's headers present (tr_cont on paging answers a F/M/D/E value).
    expectKisHeaderCasing(r.headers, quotation ? layout.responseHeaders : []);
    const headers = new Map(r.headers);
    if (quotation) {
      expect(headers.get('tr_id')).toBe(layout.trIdReal);
      const gtUid = headers.get('gt_uid')!;
      expect(gtUid).toHaveLength(32);
      expect(gtUids.has(gtUid), 'gt_uid unique per response').toBe(false);
      gtUids.add(gtUid);
      if (layout.responseHeaders.includes('tr_cont')) {
        const more = facts.paging === 'tr_cont' ? TR_CONT_MORE : [];
        expect([...more, ...TR_CONT_LAST]).toContain(headers.get('tr_cont'));
      }
    }

    // Top level: the blocks (wire names, in the layout's order) then the scalar fields; paged account-style
    // endpoints add their ctx_area cursors in front (as KIS's chk-holiday example does).
    const keys = Object.keys(r.json);
    const cursors = keys.filter((k) => k.startsWith('ctx_area_'));
    if (cursors.length) expect(facts.paging, `${path}: cursors on a non-tr_cont endpoint`).toBe('tr_cont');
    expect(keys.filter((k) => !cursors.includes(k))).toEqual([
      ...Object.keys(layout.blocks),
      ...layout.topFields,
    ]);
    if (quotation) expect(r.json.rt_cd, r.body.slice(0, 300)).toBe('0');
    const numbers = KIS_NUMBERS[path] ?? [];
    for (const f of layout.topFields)
      expect(typeof r.json[f], `${path} ${f}`).toBe(numbers.includes(f) ? 'number' : 'string');

    for (const [block, spec] of Object.entries(layout.blocks)) {
      const value = r.json[block];
      expect(Array.isArray(value), `${path} ${block} kind`).toBe(spec.kind === 'array');
      const rows = (spec.kind === 'array' ? value : [value]) as Record<string, unknown>[];
      // KIS's own example has an empty display-board-top output2; everything else must carry data here.
      if (!(path.endsWith('/display-board-top') && block === 'output2'))
        expect(rows.length, `${path} ${block} rows`).toBeGreaterThan(0);
      for (const row of rows) {
        expect(Object.keys(row), `${path} ${block} field order`).toEqual([...spec.fields]);
        for (const [f, v] of Object.entries(row)) expectWireValue(`${path} ${block}.${f}`, f, v);
      }
      checkRows(path, block, rows, facts);
    }
  });
});

/** Row caps and newest-first order of the chart endpoints. */
function checkRows(path: string, block: string, rows: Record<string, unknown>[], facts: Layout): void {
  if (block !== 'output2' || !facts.rowCap) return;
  expect(rows.length).toBeLessThanOrEqual(facts.rowCap);
  // Minute ranges hold more history than one page, so a full page comes back.
  if (facts.paging === 'time') expect(rows.length, `${path} rows`).toBe(facts.rowCap);
  if (facts.paging === 'date') {
    let days = 0;
    for (let d = '2026-11-01' as KstDate; d <= TODAY; d = addDays(d, 1))
      if (defaultCalendar().isTradingDay(d)) days++;
    expect(rows.length, `${path} one row per trading day`).toBe(days);
  }
  if (!rows[0] || !('stck_bsop_date' in rows[0])) return;
  const stamps = rows.map(
    (x) => `${String(x.stck_bsop_date ?? '')}${String(x.stck_cntg_hour ?? '').padStart(6, '0')}`,
  );
  for (let i = 1; i < stamps.length; i++)
    expect(stamps[i]! < stamps[i - 1]!, `${path} newest first at ${i}`).toBe(true);
}
