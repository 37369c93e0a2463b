/**
 * Basis fields: one definition (futures price − index; theoretical − index; an option carries its front
 * future's) and the same value on the F/O price endpoint, the F/O chart summary and the realtime records at
 * the same moment — over real sockets, with a hand-moved clock so "the same moment" is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, REALTIME_LAYOUTS, type RealtimeTrLayout } from '../../src/kis/spec/index.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { frontFuture } from '../../src/market/instruments/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { type KstTime, dateOf, toKst } from '../../src/time/kst.js';
import { ManualClock, WsClient, approvalKey, authHeaders, get, issueToken, splitFrame } from './helpers.js';

const START = '2026-11-24T10:30:00.500';
let sim: SimulatorHandle;
let clock: ManualClock;
let token: string;

beforeAll(async () => {
  clock = ManualClock.at(START);
  // One frame per stream pass, so the frame's last record is the newest trade.
  sim = await startSimulator({ clock, seed: 11, noticeEveryMs: 0, streamIntervalMs: 20, maxRecordsPerFrame: 10_000 });
  token = await issueToken(sim);
});
afterAll(() => sim.close());

const now = (): KstTime => toKst(clock.now());

async function rest(ep: 'foPrice' | 'foMinutes', code: string, div: 'F' | 'O'): Promise<Record<string, string>> {
  const e = ENDPOINTS[ep];
  const query: Record<string, string> = { FID_COND_MRKT_DIV_CODE: div, FID_INPUT_ISCD: code };
  if (ep === 'foMinutes')
    Object.assign(query, {
      FID_HOUR_CLS_CODE: '60',
      FID_PW_DATA_INCU_YN: 'N',
      FID_FAKE_TICK_INCU_YN: 'N',
      FID_INPUT_DATE_1: '',
      FID_INPUT_HOUR_1: '',
    });
  const r = await get(sim, e.path, query, authHeaders(sim, token, e.trIdReal!));
  expect(r.json.rt_cd).toBe('0');
  return r.json.output1 as Record<string, string>;
}

/** The newest record of the next data frame of `trId` for `code`, as a field map. */
async function newestRecord(c: WsClient, trId: string): Promise<Record<string, string>> {
  const layout = (REALTIME_LAYOUTS as Record<string, RealtimeTrLayout>)[trId]!;
  const frame = splitFrame(await c.next((m) => m.startsWith(`0|${trId}|`), 10_000));
  const fields = frame.payload.split('^');
  const n = layout.fields.length;
  const rec = fields.slice((frame.count - 1) * n, frame.count * n);
  return Object.fromEntries(layout.fields.map((f, i) => [f, rec[i]!]));
}

describe('basis: one definition, the same on REST price, chart and realtime records', () => {
  it('futures and options agree across the three surfaces at the same moment', async () => {
    const future = frontFuture('kospi200', dateOf(now()), defaultCalendar()).code;
    // The most traded nearest-monthly option of the coming minute, so its stream has a record to compare.
    const expiry = sim.market.optionExpiries('KOSPI200', 'monthly', dateOf(now()))[0]!;
    const board = sim.market.optionBoard('KOSPI200', 'monthly', expiry, now());
    const until = (now() + 60_000) as KstTime;
    const option = [...board.calls, ...board.puts]
      .map((r) => ({ code: r.instrument.code, n: sim.market.trades(r.instrument.code, now(), until).length }))
      .sort((a, b) => b.n - a.n)[0]!;
    expect(option.n).toBeGreaterThan(0);

    const key = await approvalKey(sim);
    const c = await WsClient.open(sim.wsUrl);
    try {
      c.subscribe(key, 'H0IFCNT0', future);
      await c.control((j) => j.header.tr_id === 'H0IFCNT0');
      c.subscribe(key, 'H0IOCNT0', option.code);
      await c.control((j) => j.header.tr_id === 'H0IOCNT0');
      clock.advance(60_000);
      const [fRec, oRec] = [await newestRecord(c, 'H0IFCNT0'), await newestRecord(c, 'H0IOCNT0')];
      // The clock has not moved since the stream read the trades: REST answers for the same moment.
      const fPrice = await rest('foPrice', future, 'F');
      const oPrice = await rest('foPrice', option.code, 'O');
      const fChart = await rest('foMinutes', future, 'F');
      const oChart = await rest('foMinutes', option.code, 'O');

      // The definition: futures price − index, theoretical price − index.
      const index = sim.market.indexLevel('KOSPI200', now());
      expect(Number(fPrice.mrkt_basis)).toBeCloseTo(Number(fPrice.futs_prpr) - index, 1);
      expect(Number(fPrice.basis)).toBeCloseTo(Number(fPrice.hts_thpr) - index, 1);
      expect(Math.abs(Number(fPrice.mrkt_basis))).toBeLessThan(50);

      // Futures: REST price = chart = the newest realtime record.
      expect(fRec.mrkt_basis).toBe(fPrice.mrkt_basis);
      expect(fRec.thpr_basis).toBe(fPrice.basis);
      expect(fChart.basis).toBe(fPrice.basis);
      // Options carry their front future's basis everywhere (never option price − index, never 0).
      expect(oPrice.mrkt_basis).toBe(fPrice.mrkt_basis);
      expect(oPrice.basis).toBe(fPrice.basis);
      expect(oChart.basis).toBe(fPrice.basis);
      expect(oRec.mrkt_basis).toBe(fPrice.mrkt_basis);
      expect(oRec.thpr_basis).toBe(fPrice.basis);
    } finally {
      c.close();
    }
  });
});
