/** The WebSocket control protocol (reference §6): ACKs, duplicates, the 41 cap, one session per key, PINGPONG. */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { WsClient, approvalKey } from './helpers.js';

const PAPER = {
  appKey: 'PSpaperpaperpaperpaperpaperpaperpape',
  appSecret: 'paper-secret',
  mode: 'paper' as const,
  htsId: 'paperuser',
};
const REAL = { appKey: 'PSrealrealrealrealrealrealrealrealre', appSecret: 'real-secret', htsId: 'realuser' };
let sim: SimulatorHandle;
let approval: string;
const open: WsClient[] = [];

async function client(path = '/tryitout'): Promise<WsClient> {
  const c = await WsClient.open(sim.wsUrl + path);
  open.push(c);
  return c;
}

/** Closes every client and waits until the server released their sessions. */
async function closeAll(): Promise<void> {
  for (const c of open.splice(0)) c.ws.close();
  await new Promise((r) => setTimeout(r, 100));
}

beforeAll(async () => {
  sim = await startSimulator({
    start: '2026-11-24T10:00',
    seed: 3,
    noticeEveryMs: 0,
    accounts: [REAL, PAPER],
  });
  approval = await approvalKey(sim);
});
afterAll(async () => {
  await closeAll();
  await sim.close();
});

describe('subscriptions', () => {
  it('ACKs, refuses duplicates, unsubscribes, and reports unknown unsubscribes', async () => {
    const c = await client();
    c.subscribe(approval, 'H0STCNT0', '005930');
    const ack = await c.control();
    expect(ack).toEqual({
      header: { tr_id: 'H0STCNT0', tr_key: '005930', encrypt: 'N' },
      body: {
        rt_cd: '0',
        msg_cd: 'OPSP0000',
        msg1: 'SUBSCRIBE SUCCESS',
        output: { iv: expect.stringMatching(/^\w{16}$/), key: expect.stringMatching(/^\w{32}$/) },
      },
    });
    c.subscribe(approval, 'H0STCNT0', '005930');
    expect((await c.control()).body).toMatchObject({
      rt_cd: '1',
      msg_cd: 'OPSP0002',
      msg1: 'ALREADY IN SUBSCRIBE',
    });
    c.subscribe(approval, 'H0STCNT0', '005930', '2');
    expect((await c.control()).body).toMatchObject({
      rt_cd: '0',
      msg_cd: 'OPSP0001',
      msg1: 'UNSUBSCRIBE SUCCESS',
    });
    c.subscribe(approval, 'H0STCNT0', '005930', '2');
    expect((await c.control()).body).toMatchObject({ rt_cd: '1', msg_cd: 'OPSP0003' });
    await closeAll();
  });

  it('accepts 41 registrations per session and refuses the 42nd with OPSP0008', async () => {
    const c = await client('/');
    const codes = sim.market
      .instruments('2026-11-24' as never)
      .filter((i) => i.kind !== 'stock')
      .slice(0, 42)
      .map((i) => i.code);
    expect(codes).toHaveLength(42);
    for (const code of codes) c.subscribe(approval, 'H0IFCNT0', code);
    const replies = [];
    for (let i = 0; i < 42; i++) replies.push(await c.control((j) => j.header.tr_id === 'H0IFCNT0'));
    expect(replies.slice(0, 41).every((r) => r.body!.msg_cd === 'OPSP0000')).toBe(true);
    expect(replies[41]!.body).toMatchObject({ rt_cd: '1', msg_cd: 'OPSP0008', msg1: 'MAX SUBSCRIBE OVER' });
    // Freeing one slot makes room again.
    c.subscribe(approval, 'H0IFCNT0', codes[0]!, '2');
    await c.control((j) => j.body?.msg_cd === 'OPSP0001');
    c.subscribe(approval, 'H0IFCNT0', codes[41]!);
    expect((await c.control()).body!.msg_cd).toBe('OPSP0000');
    await closeAll();
  });

  it.each([
    ['unknown tr_id', { trId: 'H0XXXXX0', key: '005930' }, 'OPSP8991', '1'],
    ['notice TR with another HTS ID', { trId: 'H0STCNI0', key: 'someoneelse' }, 'OPSP0017', '9'],
  ])('%s → %s', async (_l, req, code, rt) => {
    const c = await client();
    c.subscribe(approval, req.trId, req.key);
    const r = await c.control();
    expect(r.body).toMatchObject({ rt_cd: rt, msg_cd: code });
    if (rt === '9') expect(r.header.tr_id).toBe('(null)');
    await closeAll();
  });

  it('refuses an unknown approval key at session start (OPSP0011 echoing the key)', async () => {
    const c = await client();
    c.subscribe('00000000-0000-0000-0000-000000000000', 'H0STCNT0', '005930');
    expect((await c.control()).body).toEqual({
      rt_cd: '1',
      msg_cd: 'OPSP0011',
      msg1: 'invalid approval : 00000000-0000-0000-0000-000000000000',
    });
    await closeAll();
  });

  it('answers malformed messages with JSON PARSING ERRORs and stays up', async () => {
    const c = await client();
    c.send('{not json');
    expect((await c.control()).body!.msg_cd).toBe('OPSP9999');
    c.send({ header: { approval_key: approval, custtype: 'P', tr_type: '1' } });
    expect((await c.control()).body!.msg_cd).toBe('OPSP9992');
    c.send({
      header: { approval_key: approval, custtype: 'P', tr_type: '7' },
      body: { input: { tr_id: 'H0STCNT0', tr_key: '005930' } },
    });
    expect((await c.control()).body!.msg_cd).toBe('OPSP8997');
    c.subscribe(approval, 'H0STCNT0', '005930');
    expect((await c.control()).body!.msg_cd).toBe('OPSP0000');
    await closeAll();
  });

  it('accepts /, /tryitout and /tryitout/<TR> and refuses other paths', async () => {
    for (const p of ['/', '/tryitout', '/tryitout/H0IFCNT0']) {
      const c = await client(p);
      expect(c.ws.readyState).toBe(WebSocket.OPEN);
      await closeAll();
    }
    await expect(WsClient.open(sim.wsUrl + '/elsewhere')).rejects.toThrow(/404/);
  });
});

describe('sessions', () => {
  it('allows one session per app key (OPSP8996, rt_cd 9, tr_id "(null)") until the first closes', async () => {
    const a = await client();
    a.subscribe(approval, 'H0STCNT0', '005930');
    expect((await a.control()).body!.msg_cd).toBe('OPSP0000');
    const b = await client();
    b.subscribe(await approvalKey(sim), 'H0STCNT0', '000660');
    const refused = await b.control();
    expect(refused).toEqual({
      header: { tr_id: '(null)', tr_key: '', encrypt: 'N' },
      body: { rt_cd: '9', msg_cd: 'OPSP8996', msg1: 'ALREADY IN USE appkey' },
    });
    a.ws.close();
    await new Promise((r) => setTimeout(r, 100));
    b.subscribe(approval, 'H0STCNT0', '000660');
    expect((await b.control()).body!.msg_cd).toBe('OPSP0000');
    await closeAll();
  });

  it('serves paper keys stock TRs and their notice TR, but no F/O market data', async () => {
    const paperApproval = await approvalKey(sim, PAPER.appKey, PAPER.appSecret);
    const c = await client();
    c.subscribe(paperApproval, 'H0STCNT0', '005930');
    expect((await c.control()).body!.msg_cd).toBe('OPSP0000');
    c.subscribe(paperApproval, 'H0IFCNT0', 'A01612');
    expect((await c.control()).body).toMatchObject({ rt_cd: '1', msg_cd: 'OPSP8991' });
    c.subscribe(paperApproval, 'H0STCNI9', PAPER.htsId);
    expect((await c.control()).body!.msg_cd).toBe('OPSP0000');
    c.subscribe(paperApproval, 'H0STCNI0', PAPER.htsId);
    expect((await c.control()).body!.msg_cd).toBe('OPSP8991');
    await closeAll();
  });
});

describe('PINGPONG', () => {
  it.each(['text echo', 'pong frame', 'no answer'])(
    'sends the heartbeat and tolerates a %s',
    async (mode) => {
      const c = await client();
      c.subscribe(approval, 'H0STASP0', '005930');
      await c.control((j) => j.header.tr_id === 'H0STASP0');
      sim.ping();
      const raw = await c.next((m) => m.includes('PINGPONG'));
      const ping = JSON.parse(raw) as { header: { tr_id: string; datetime: string }; body?: unknown };
      expect(ping.header.tr_id).toBe('PINGPONG');
      expect(ping.header.datetime).toMatch(/^20261124\d{6}$/);
      expect(ping.body).toBeUndefined();
      if (mode === 'text echo') c.send(raw);
      if (mode === 'pong frame') c.ws.pong(raw);
      c.subscribe(approval, 'H0STCNT0', '005930');
      expect((await c.control((j) => j.header.tr_id === 'H0STCNT0')).body!.msg_cd).toBe('OPSP0000');
      expect(c.messages.filter((m) => m.startsWith('{') && m.includes('OPSP99'))).toEqual([]);
      await closeAll();
    },
  );
});
