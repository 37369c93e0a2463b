/**
 * Expired contracts: the model can price any code it can decode, but KIS does not quote a contract after
 * its last trading day. Such a code is answered like an unknown one (rt_cd "1", MCA05918) on every F/O
 * endpoint; a listed contract, and the expiring one on its own last day, are still quoted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { ManualClock, authHeaders, get, issueToken } from './helpers.js';

let sim: SimulatorHandle;
let clock: ManualClock;
let token: string;

beforeAll(async () => {
  clock = ManualClock.at('2026-11-24T10:00');
  sim = await startSimulator({ clock, seed: 3, noticeEveryMs: 0 });
  token = await issueToken(sim);
});
afterAll(() => sim.close());

type Ep = 'foPrice' | 'foOrderBook' | 'foMinutes' | 'foDaily' | 'underlyingBar';
const QUERIES: Record<Ep, Record<string, string>> = {
  foPrice: { FID_COND_MRKT_DIV_CODE: 'F' },
  foOrderBook: { FID_COND_MRKT_DIV_CODE: 'F' },
  foMinutes: { FID_COND_MRKT_DIV_CODE: 'F', FID_HOUR_CLS_CODE: '60', FID_PW_DATA_INCU_YN: 'N', FID_FAKE_TICK_INCU_YN: 'N', FID_INPUT_DATE_1: '', FID_INPUT_HOUR_1: '' },
  foDaily: { FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_DATE_1: '20251101', FID_INPUT_DATE_2: '20251211', FID_PERIOD_DIV_CODE: 'D' },
  underlyingBar: { FID_COND_MRKT_DIV_CODE: 'F', FID_COND_MRKT_DIV_CODE1: '', FID_COND_SCR_DIV_CODE: '', FID_MTRT_CNT: '', FID_COND_MRKT_CLS_CODE: '' },
};

async function ask(ep: Ep, code: string): Promise<Record<string, unknown>> {
  const e = ENDPOINTS[ep];
  const r = await get(sim, e.path, { ...QUERIES[ep], FID_INPUT_ISCD: code }, authHeaders(sim, token, e.trIdReal!));
  expect(r.status).toBe(200);
  return r.json;
}

describe('expired contracts', () => {
  it.each(Object.keys(QUERIES) as Ep[])('%s: 101W12 (expired 2025-12-11) on 2026-11-24 is an unknown code', async (ep) => {
    const j = await ask(ep, '101W12');
    expect(j).toMatchObject({ rt_cd: '1', msg_cd: 'MCA05918' });
    expect(j.output1 ?? j.output).toBeUndefined();
    // The listed front month is quoted as before.
    expect((await ask(ep, 'A01612')).rt_cd).toBe('0');
  });

  it('a contract is quoted through its last trading day and refused from the next date; not-yet-listed months are refused', async () => {
    clock.t = ManualClock.at('2026-12-10T14:00').t;
    token = await issueToken(sim); // the first one expired on the way
    expect((await ask('foPrice', 'A01612')).rt_cd).toBe('0');
    clock.t = ManualClock.at('2026-12-11T09:30').t;
    token = await issueToken(sim);
    expect(await ask('foPrice', 'A01612')).toMatchObject({ rt_cd: '1', msg_cd: 'MCA05918' });
    expect((await ask('foPrice', 'A01703')).rt_cd).toBe('0');
    // KOSPI200 quarterly months listed on 2026-12-11 reach December 2029; March 2030 is not listed yet.
    expect(await ask('foPrice', 'A01003')).toMatchObject({ rt_cd: '1', msg_cd: 'MCA05918' });
  });
});
