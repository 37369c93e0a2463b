/**
 * The option board's own limit (KIS asks for at most 1 call/s on display-board-callput): per app key,
 * on top of the key's 20/s window, answered HTTP 500 EGW00201; refused calls use up neither window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import type { KstDate } from '../../src/time/kst.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { ManualClock, authHeaders, get, issueToken, type Answer } from './helpers.js';

const OTHER = { appKey: 'PSotherotherotherotherotherotherothe', appSecret: 'other-secret' };
const PRICE_Q = { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: '005930' };
let sim: SimulatorHandle;
/** The limit windows' clock, moved by hand: a burst sent at once stays in one window however slow the machine. */
let windowNow = 0;
let boardQuery: Record<string, string>;
const tokens = new Map<string, string>();

beforeAll(async () => {
  const clock = ManualClock.at('2026-11-24T13:30:30');
  sim = await startSimulator({
    clock,
    seed: 11,
    noticeEveryMs: 0,
    rateLimitClock: () => windowNow,
    accounts: [{ appKey: 'PSboardboardboardboardboardboardboar', appSecret: 's' }, OTHER],
  });
  for (const a of sim.accounts) tokens.set(a.appKey, await issueToken(sim, a.appKey, a.appSecret));
  const expiry = sim.market.optionExpiries('KOSPI200', 'monthly', '2026-11-24' as KstDate)[0]!;
  boardQuery = {
    FID_COND_MRKT_DIV_CODE: 'O',
    FID_COND_SCR_DIV_CODE: '20503',
    FID_MRKT_CLS_CODE: 'CO',
    FID_MTRT_CNT: expiry.replace('-', '').slice(0, 6),
    FID_COND_MRKT_CLS_CODE: '',
    FID_MRKT_CLS_CODE1: 'PO',
  };
  // Build the board and the stock's reference ranges once so the timed calls below are quick.
  expect((await board(sim.appKey)).json.rt_cd).toBe('0');
  expect((await price()).json.rt_cd).toBe('0');
});
afterAll(() => sim.close());

function board(appKey: string): Promise<Answer> {
  const a = sim.accounts.find((x) => x.appKey === appKey)!;
  const h = authHeaders(sim, tokens.get(appKey)!, ENDPOINTS.optionBoard.trIdReal!, a.appKey, a.appSecret);
  return get(sim, ENDPOINTS.optionBoard.path, boardQuery, h);
}

const price = (): Promise<Answer> =>
  get(sim, ENDPOINTS.stockPrice.path, PRICE_Q, authHeaders(sim, tokens.get(sim.appKey)!, 'FHKST01010100'));

const outcome = (r: Answer): string =>
  r.status === 200 && r.json.rt_cd === '0' ? 'ok' : `${r.status} ${String(r.json.msg_cd)}`;

/** Lets the limit windows' time pass. */
const pause = (ms: number): void => {
  windowNow += ms;
};

describe('option board limit', () => {
  it('answers one board call per second per app key; the rest get HTTP 500 EGW00201', async () => {
    pause(1100);
    const before = sim.rateLimitRejections(sim.appKey);
    const answers = await Promise.all([board(sim.appKey), board(sim.appKey), board(sim.appKey)]);
    expect(answers.map(outcome).sort()).toEqual(['500 EGW00201', '500 EGW00201', 'ok']);
    expect(sim.rateLimitRejections(sim.appKey) - before).toBe(2);
    // Another app key has its own board window.
    expect(outcome(await board(OTHER.appKey))).toBe('ok');
    pause(1100);
    expect(outcome(await board(sim.appKey))).toBe('ok');
  });

  it('is independent of the 20/s key window: refused board calls do not use it up', async () => {
    pause(1100);
    const boards = await Promise.all([board(sim.appKey), board(sim.appKey), board(sim.appKey)]);
    expect(boards.map(outcome).sort()).toEqual(['500 EGW00201', '500 EGW00201', 'ok']);
    // The accepted board call took 1 of the 20 slots; the two refused ones took none, so 19 more fit.
    const prices = await Promise.all(Array.from({ length: 20 }, price));
    expect(prices.filter((r) => outcome(r) === 'ok')).toHaveLength(19);
    expect(prices.filter((r) => outcome(r) === '500 EGW00201')).toHaveLength(1);
  });
});
