/**
 * Over real sockets, on a hand-moved clock: every trade record of stocks, futures (day and night) and
 * options has best bid ≤ last ≤ best ask, the book records sent with them bracket the latest trade, and the
 * REST order book / futures board read at the same moment agree (issue #10 item 5). The realtime fields of
 * issue #10 item 7 are checked in server-ws-fields.test.ts.
 */
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import type { Instrument } from '../../src/market/types.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { type KstDate, toKst } from '../../src/time/kst.js';
import { ManualClock, WsClient, approvalKey, authHeaders, issueToken } from './helpers.js';
import { type Rec, frontKospi200Future, waitForRecords } from './ws-records-helpers.js';

const DATE = '2026-11-25' as KstDate;
let sim: SimulatorHandle;
let clock: ManualClock;
let token: string;
let future: Instrument;
let options: Instrument[];
/** One session for both runs (one app key has one live session). */
let c: WsClient;
/** Fetched once: a REST call after this process was blocked for seconds can race the server's idle timer. */
let key: string;

beforeAll(async () => {
  clock = ManualClock.at('2026-11-25T10:00:00');
  // The clock moves only when the test moves it (and pumps the stream); the loop's own ticks in between read
  // nothing new. Its interval also bounds the replay window after a jump (60 s here).
  sim = await startSimulator({ clock, seed: 13, noticeEveryMs: 0, streamIntervalMs: 2_000 });
  token = await issueToken(sim);
  future = frontKospi200Future(sim, DATE);
  const expiry = sim.market.optionExpiries('KOSPI200', 'monthly', DATE)[0]!;
  const board = sim.market.optionBoard('KOSPI200', 'monthly', expiry, toKst(clock.now()));
  const atm = board.calls.findIndex((r) => r.atm === 'ATM');
  options = [...board.calls.slice(atm - 1, atm + 2), ...board.puts.slice(atm - 1, atm + 2)].map(
    (r) => r.instrument,
  );
  c = await WsClient.open(`${sim.wsUrl}/tryitout`);
  key = await approvalKey(sim);
});
afterAll(async () => {
  c.close();
  await sim.close();
});

/** Best bid/ask and last price of a record, whatever the TR's field prefixes. */
function touch(r: Rec): { bid: number; ask: number; last?: number } {
  const pick = (names: string[]): number | undefined => {
    const n = names.find((x) => x in r.f);
    return n === undefined ? undefined : Number(r.f[n]);
  };
  return {
    bid: pick(['bidp1', 'futs_bidp1', 'optn_bidp1'])!,
    ask: pick(['askp1', 'futs_askp1', 'optn_askp1'])!,
    last: pick(['stck_prpr', 'futs_prpr', 'optn_prpr']),
  };
}

const brackets = (bid: number, last: number, ask: number): boolean =>
  bid > 0 && bid < ask && bid <= last && last <= ask;

/** Subscribes, moves the clock `minutes` in 20 s steps pumping the stream, and returns every record. */
async function run(subs: [string, string][], minutes: number): Promise<Rec[]> {
  for (const [trId, code] of subs) {
    c.subscribe(key, trId, code);
    await c.control((j) => j.header.tr_id === trId && j.header.tr_key === code);
  }
  const from = toKst(clock.now());
  const bad: string[] = [];
  for (let s = 0; s < minutes * 3; s++) {
    clock.advance(20_000);
    sim.pumpStream();
    // REST at the same moment: the F/O order book and the futures board read the same book.
    if (s % 6 === 5) bad.push(...(await restChecks()));
  }
  expect(bad).toEqual([]);
  const to = toKst(clock.now());
  const expected = subs
    .filter(([trId]) => trId.endsWith('CNT0'))
    .reduce((n, [, code]) => n + sim.market.trades(code, from, to).length, 0);
  return waitForRecords(c, expected);
}

/**
 * A quotation GET with the endpoint's own parameter list (blank where not given), on a new connection: the
 * pumps block this process (the simulator's too) for seconds, after which a pooled keep-alive socket may be
 * closed by the server's overdue idle timer just as it is reused.
 */
async function quotation(
  name: 'foOrderBook' | 'futuresBoard',
  values: Record<string, string>,
): Promise<Record<string, unknown>> {
  const ep = ENDPOINTS[name];
  const query = new URLSearchParams(Object.fromEntries(ep.query.map((q) => [q.name, values[q.name] ?? ''])));
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpGet(
      `${sim.restUrl}${ep.path}?${query}`,
      { agent: false, headers: authHeaders(sim, token, ep.trIdReal!) },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
  });
  const json = JSON.parse(body) as Record<string, unknown>;
  expect(json.rt_cd, body.slice(0, 300)).toBe('0');
  return json;
}

async function restChecks(): Promise<string[]> {
  const bad: string[] = [];
  const ob = await quotation('foOrderBook', { FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_ISCD: future.code });
  const o1 = ob.output1 as Record<string, string>;
  const o2 = ob.output2 as Record<string, string>;
  if (!brackets(Number(o2.futs_bidp1), Number(o1.futs_prpr), Number(o2.futs_askp1)))
    bad.push(`order book ${o2.futs_bidp1} / ${o1.futs_prpr} / ${o2.futs_askp1}`);
  const fb = await quotation('futuresBoard', { FID_COND_MRKT_DIV_CODE: 'F', FID_COND_SCR_DIV_CODE: '20503' });
  for (const row of fb.output as Record<string, string>[]) {
    if (Number(row.acml_vol) === 0) continue;
    const [bid, ask, last] = [Number(row.futs_bidp), Number(row.futs_askp), Number(row.futs_prpr)];
    if (!brackets(bid, last, ask) || bid > Number(row.futs_hgpr) || ask < Number(row.futs_lwpr))
      bad.push(
        `board ${row.futs_shrn_iscd}: ${bid} / ${last} / ${ask}, day ${row.futs_lwpr}..${row.futs_hgpr}`,
      );
  }
  return bad;
}

/** Trade records bracket their price; each book record brackets the latest trade of its code before it. */
function bracketFailures(records: Rec[]): string[] {
  const bad: string[] = [];
  const lastTrade = new Map<string, number>();
  for (const r of records) {
    const t = touch(r);
    if (t.last !== undefined) {
      if (!brackets(t.bid, t.last, t.ask))
        bad.push(`${r.trId} ${r.code} ${r.time}: ${t.bid} / ${t.last} / ${t.ask}`);
      lastTrade.set(r.code, t.last);
      continue;
    }
    const last = lastTrade.get(r.code);
    if (last === undefined) bad.push(`${r.trId} ${r.code} ${r.time}: book record before any trade`);
    else if (!brackets(t.bid, last, t.ask))
      bad.push(`${r.trId} ${r.code} ${r.time}: ${t.bid} / ${last} / ${t.ask}`);
  }
  return bad;
}

describe('the book brackets the trades over real sockets', () => {
  it('day session: a stock, the front future and six options near the money', async () => {
    {
      const subs: [string, string][] = [
        ['H0STCNT0', '005930'],
        ['H0STASP0', '005930'],
        ['H0IFCNT0', future.code],
        ['H0IFASP0', future.code],
        ...options.flatMap((o): [string, string][] => [
          ['H0IOCNT0', o.code],
          ['H0IOASP0', o.code],
        ]),
      ];
      const records = await run(subs, 10);
      const trIds = new Set(records.map((r) => r.trId));
      for (const [trId] of subs) expect(trIds, trId).toContain(trId);
      expect(records.filter((r) => r.trId === 'H0IOCNT0').length).toBeGreaterThan(5);
      expect(bracketFailures(records).slice(0, 10)).toEqual([]);
    }
  });

  it('night session: the front future on H0MFCNT0/H0MFASP0', async () => {
    clock.t += 10 * 3_600_000; // 20:10: the night market
    {
      const records = await run(
        [
          ['H0MFCNT0', future.code],
          ['H0MFASP0', future.code],
        ],
        5,
      );
      expect(records.filter((r) => r.trId === 'H0MFASP0').length).toBeGreaterThan(0);
      expect(bracketFailures(records).slice(0, 10)).toEqual([]);
    }
  });
});
