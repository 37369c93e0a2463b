/**
 * The option board over real sockets is free of arbitrage minute after minute: put–call parity within the
 * quoted spreads and IVs the quotes allow on every strike (as `option-parity.test.ts` checks on the model
 * for whole sessions), the F/O price endpoint shows the board's IV and greeks, and the parity-implied
 * forward is the same-expiry future's theoretical price.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, REALTIME_LAYOUTS } from '../../src/kis/spec/index.js';
import { impliedForward } from '../../src/options/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { formatKst, type KstDate, dateOf, toKst } from '../../src/time/kst.js';
import { ManualClock, WsClient, approvalKey, authHeaders, get, issueToken, splitFrame } from './helpers.js';
import { strikeViolations } from './option-parity-check.js';

const DAY = '2026-11-26' as KstDate;
let sim: SimulatorHandle;
let token: string;
let clock: ManualClock;

beforeAll(async () => {
  clock = ManualClock.at(`${DAY}T08:52:00`);
  sim = await startSimulator({ clock, seed: 10, noticeEveryMs: 0, rateLimitPerSecond: 1000 });
  token = await issueToken(sim);
});
afterAll(() => sim.close());

type Row = Record<string, string>;

async function quote(
  name: 'optionBoard' | 'foPrice',
  query: Record<string, string>,
): Promise<Record<string, unknown>> {
  const ep = ENDPOINTS[name];
  const full = Object.fromEntries(ep.query.map((q) => [q.name, query[q.name] ?? '']));
  const r = await get(sim, ep.path, full, authHeaders(sim, token, ep.trIdReal!));
  expect(r.status, JSON.stringify(r.json).slice(0, 300)).toBe(200);
  expect(r.json.rt_cd, JSON.stringify(r.json).slice(0, 300)).toBe('0');
  return r.json;
}

/** The board's calls and puts over REST: monthly by YYYYMM, the Thursday weekly (WKI) by YYMMWW. */
async function restBoard(
  series: 'monthly' | 'weekly-thu',
  expiry: KstDate,
): Promise<{ calls: Row[]; puts: Row[] }> {
  const mtrt =
    series === 'monthly'
      ? expiry.slice(0, 4) + expiry.slice(5, 7)
      : expiry.slice(2, 4) +
        expiry.slice(5, 7) +
        String(Math.ceil(Number(expiry.slice(8, 10)) / 7)).padStart(2, '0');
  const json = await quote('optionBoard', {
    FID_COND_MRKT_DIV_CODE: 'O',
    FID_COND_SCR_DIV_CODE: '20503',
    FID_MRKT_CLS_CODE: 'CO',
    FID_MRKT_CLS_CODE1: 'PO',
    FID_MTRT_CNT: mtrt,
    FID_COND_MRKT_CLS_CODE: series === 'monthly' ? '' : 'WKI',
  });
  return { calls: json.output1 as Row[], puts: json.output2 as Row[] };
}

describe('option board over REST', () => {
  it('every minute from 08:52 to 09:01 (derivatives before and after the stock open): parity within the spread and IVs the quotes allow, monthly and weekly', async () => {
    const monthly = sim.market.optionExpiries('KOSPI200', 'monthly', DAY)[0]!;
    const weekly = sim.market.optionExpiries('KOSPI200', 'weekly-thu', DAY)[0]!;
    const problems: string[] = [];
    let strikes = 0;
    for (let minute = 0; minute < 10; minute++, clock.advance(60_000)) {
      const now = toKst(clock.now());
      for (const [series, expiry] of [
        ['monthly', monthly],
        ['weekly-thu', weekly],
      ] as const) {
        const rest = await restBoard(series, expiry);
        const model = sim.market.optionBoard('KOSPI200', series, expiry, now);
        const disc = { forward: model.forward, rate: model.rate, years: model.yearsToExpiry };
        expect(rest.calls.length).toBe(Math.min(model.calls.length, ENDPOINTS.optionBoard.rowCap!));
        const leg = (r: Row) => ({
          bid: Number(r.optn_bidp),
          ask: Number(r.optn_askp),
          iv: Number(r.hts_ints_vltl),
        });
        for (let i = 0; i < rest.calls.length; i++) {
          const c = rest.calls[i]!;
          const p = rest.puts[i]!;
          expect(p.acpr).toBe(c.acpr);
          problems.push(
            ...strikeViolations(Number(c.acpr), leg(c), leg(p), disc, `REST ${formatKst(now)} ${expiry}`),
          );
          strikes++;
        }
        // The forward the REST quotes imply (parity on mids, as the pipeline's matrices do) is the model's.
        const implied = impliedForward(
          rest.calls.map((c, i) => ({
            strike: Number(c.acpr),
            call: (Number(c.optn_bidp) + Number(c.optn_askp)) / 2,
            put: (Number(rest.puts[i]!.optn_bidp) + Number(rest.puts[i]!.optn_askp)) / 2,
          })),
          disc.rate,
          disc.years,
        )!;
        expect(Math.abs(implied.forward - disc.forward), `${expiry} at ${formatKst(now)}`).toBeLessThan(0.1);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(strikes).toBeGreaterThan(10 * 40);
  });

  it('the F/O price endpoint shows the board IV and greeks; the parity forward is the future theoretical price', async () => {
    const expiry = sim.market.optionExpiries('KOSPI200', 'monthly', DAY)[0]!;
    const rest = await restBoard('monthly', expiry);
    const now = toKst(clock.now());
    const atmIndex = rest.calls.findIndex((r) => r.atm_cls_name === 'ATM');
    for (const row of [rest.calls[atmIndex]!, rest.puts[atmIndex]!, rest.calls[atmIndex + 3]!]) {
      const price = await quote('foPrice', {
        FID_COND_MRKT_DIV_CODE: 'O',
        FID_INPUT_ISCD: row.optn_shrn_iscd!,
      });
      const o = price.output1 as Row;
      for (const f of ['hts_ints_vltl', 'delta_val', 'gama', 'vega', 'theta', 'rho'])
        expect(o[f], `${row.optn_shrn_iscd} ${f}`).toBe(row[f]);
      expect(o.hts_thpr).toBe(row.hts_thpr);
    }
    expect(rest.calls[atmIndex]!.hts_ints_vltl).toBe(rest.puts[atmIndex]!.hts_ints_vltl);
    // The Dec monthly expires with the Dec future: the options' forward is that future's fair value.
    const future = sim.market
      .instruments(dateOf(now))
      .find((i) => i.kind === 'future' && i.family === 'kospi200' && i.expiry === expiry);
    expect(future, `a KOSPI200 future expiring ${expiry}`).toBeDefined();
    const fut = (await quote('foPrice', { FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_ISCD: future!.code }))
      .output1 as Row;
    const board = sim.market.optionBoard('KOSPI200', 'monthly', expiry, now);
    const implied = impliedForward(
      rest.calls.map((c, i) => ({
        strike: Number(c.acpr),
        call: (Number(c.optn_bidp) + Number(c.optn_askp)) / 2,
        put: (Number(rest.puts[i]!.optn_bidp) + Number(rest.puts[i]!.optn_askp)) / 2,
      })),
      board.rate,
      board.yearsToExpiry,
    )!;
    expect(Math.abs(implied.forward - Number(fut.hts_thpr))).toBeLessThan(0.1);
  });

  it('H0IOCNT0 records carry one IV for the call and the put of a strike, and a current fair value', async () => {
    const layout = REALTIME_LAYOUTS.H0IOCNT0;
    const col = (name: (typeof layout.fields)[number]): number => layout.fields.indexOf(name);
    const now = toKst(clock.now());
    const expiry = sim.market.optionExpiries('KOSPI200', 'monthly', DAY)[0]!;
    const board = sim.market.optionBoard('KOSPI200', 'monthly', expiry, now);
    const atm = board.calls.findIndex((r) => r.atm === 'ATM');
    const codes = [board.calls[atm]!.instrument.code, board.puts[atm]!.instrument.code];
    const c = await WsClient.open(`${sim.wsUrl}/tryitout/H0IOCNT0`);
    try {
      const key = await approvalKey(sim);
      for (const code of codes) {
        c.subscribe(key, 'H0IOCNT0', code);
        await c.control((j) => j.header.tr_id === 'H0IOCNT0' && j.header.tr_key === code);
      }
      // code → minute (HHMM) → IVs seen; every record's price against its fair value.
      const ivs = new Map<string, Map<string, Set<string>>>(codes.map((k) => [k, new Map()]));
      const far: string[] = [];
      for (let step = 0; step < 40 && codes.some((k) => ivs.get(k)!.size < 5); step++) {
        clock.advance(30_000);
        const frame = splitFrame(await c.next((m) => m.startsWith('0|H0IOCNT0|'), 10_000));
        const fields = frame.payload.split('^');
        const n = layout.fields.length;
        for (let r = 0; r < frame.count; r++) {
          const rec = fields.slice(r * n, (r + 1) * n);
          const minute = rec[col('bsop_hour')]!.slice(0, 4);
          const byMinute = ivs.get(rec[0]!)!;
          if (!byMinute.has(minute)) byMinute.set(minute, new Set());
          byMinute.get(minute)!.add(rec[col('hts_ints_vltl')]!);
          const price = Number(rec[col('optn_prpr')]);
          const fair = Number(rec[col('hts_thpr')]);
          // Trades print at the rounded fair value; the record's fair value is the board's of that minute.
          if (Math.abs(price - fair) > 1) far.push(`${rec[0]} ${minute}: trade ${price}, hts_thpr ${fair}`);
        }
      }
      expect(far).toEqual([]);
      const [callIvs, putIvs] = codes.map((k) => ivs.get(k)!);
      let shared = 0;
      for (const [minute, set] of callIvs!) {
        const other = putIvs!.get(minute);
        if (!other) continue;
        expect([...set], minute).toEqual([...other]);
        shared++;
      }
      expect(shared).toBeGreaterThan(0);
    } finally {
      c.close();
    }
  });
});
