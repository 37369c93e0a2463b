/**
 * Approval keys (reference §2.3, §6.7): KIS checks the key when a session starts, and an authenticated
 * session stays usable after the key expires ("365일"); a new session needs a valid key. OPSP0011's text
 * echoes the refused key, as KIS's does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { ManualClock, WsClient, approvalKey, splitFrame } from './helpers.js';

const OTHER = { appKey: 'PSotherotherotherotherotherotherothe', appSecret: 'other-secret' };
const DAY = 86_400_000;
let sim: SimulatorHandle;
let clock: ManualClock;
const open: WsClient[] = [];

async function client(): Promise<WsClient> {
  const c = await WsClient.open(`${sim.wsUrl}/tryitout`);
  open.push(c);
  return c;
}

async function closeAll(): Promise<void> {
  for (const c of open.splice(0)) c.ws.close();
  await new Promise((r) => setTimeout(r, 100));
}

function message(approval: unknown, trKey: string, trType = '1') {
  return {
    header: { approval_key: approval, custtype: 'P', tr_type: trType, 'content-type': 'utf-8' },
    body: { input: { tr_id: 'H0STCNT0', tr_key: trKey } },
  };
}

beforeAll(async () => {
  clock = ManualClock.at('2026-11-24T09:00:30');
  sim = await startSimulator({
    clock,
    seed: 5,
    noticeEveryMs: 0,
    streamIntervalMs: 60_000,
    accounts: [{ appKey: 'PSapprovalapprovalapprovalapprovalap', appSecret: 's' }, OTHER],
  });
});
afterAll(async () => {
  await closeAll();
  await sim.close();
});

describe('approval keys', () => {
  it('an authenticated session outlives its key; a new session needs a valid one', async () => {
    const key = await approvalKey(sim);
    const a = await client();
    a.subscribe(key, 'H0STCNT0', '005930');
    expect((await a.control()).body!.msg_cd).toBe('OPSP0000');

    clock.advance(DAY + 60_000); // the key (24 h) has expired
    a.subscribe(key, 'H0STCNT0', '000660');
    expect((await a.control()).body!.msg_cd).toBe('OPSP0000');
    sim.pumpStream();
    clock.advance(3_000);
    sim.pumpStream();
    const frame = splitFrame(await a.next((m) => m.startsWith('0|H0STCNT0|')));
    expect(frame.count).toBeGreaterThan(0);

    // A new session with the expired key is refused, the refusal echoing it; a fresh key works.
    await closeAll();
    const b = await client();
    b.subscribe(key, 'H0STCNT0', '005930');
    expect((await b.control()).body).toEqual({
      rt_cd: '1',
      msg_cd: 'OPSP0011',
      msg1: `invalid approval : ${key}`,
    });
    b.subscribe(await approvalKey(sim), 'H0STCNT0', '005930');
    expect((await b.control()).body!.msg_cd).toBe('OPSP0000');
    await closeAll();
  });

  it('on an authenticated session still checks each message carries a well-formed key of this app key', async () => {
    const a = await client();
    a.subscribe(await approvalKey(sim), 'H0STCNT0', '005930');
    expect((await a.control()).body!.msg_cd).toBe('OPSP0000');
    const refusals: Array<[unknown, string]> = [
      [undefined, 'invalid approval : approval_key not found'],
      ['', 'invalid approval : approval_key not found'],
      ['not-a-key', 'invalid approval : not-a-key'],
    ];
    const otherKey = await approvalKey(sim, OTHER.appKey, OTHER.appSecret);
    refusals.push([otherKey, `invalid approval : ${otherKey}`]);
    for (const [approval, msg1] of refusals) {
      a.send(message(approval, '000660'));
      expect((await a.control()).body, String(approval)).toEqual({ rt_cd: '1', msg_cd: 'OPSP0011', msg1 });
    }
    // A well-formed key is not looked up again once the session is authenticated.
    a.send(message('0a1b2c3d-0000-4000-8000-00000000abcd', '000660'));
    expect((await a.control()).body!.msg_cd).toBe('OPSP0000');
    await closeAll();
  });
});
