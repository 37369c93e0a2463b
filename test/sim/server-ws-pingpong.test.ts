/**
 * PINGPONG modes (reference §6.4): by default silence is tolerated; in strict mode a connection that leaves
 * `strictPingPeriods` heartbeats in a row unanswered is dropped when the next one is due. Both answer forms
 * (text echo, pong frame) count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { WsClient, approvalKey } from './helpers.js';

type Behaviour = 'echo' | 'pong' | 'silent' | 'late';
const ACCOUNTS = (['echo', 'pong', 'silent', 'late'] as const).map((b) => ({
  appKey: `PS${b.padEnd(34, 'x')}`,
  appSecret: `${b}-secret`,
}));
const STOCKS = ['005930', '000660', '035420', '051910', '005380', '006400'];
let sim: SimulatorHandle | undefined;
const clients: WsClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

async function connect(
  s: SimulatorHandle,
  behaviours: readonly Behaviour[],
): Promise<Map<Behaviour, WsClient>> {
  const out = new Map<Behaviour, WsClient>();
  for (const b of behaviours) {
    const account = ACCOUNTS.find((a) => a.appKey.startsWith(`PS${b}`))!;
    const c = await WsClient.open(`${s.wsUrl}/tryitout`);
    clients.push(c);
    c.subscribe(await approvalKey(s, account.appKey, account.appSecret), 'H0STASP0', STOCKS[0]!);
    expect((await c.control()).body!.msg_cd).toBe('OPSP0000');
    out.set(b, c);
  }
  return out;
}

/** One heartbeat: every client still open receives it and reacts; answers are processed before this returns. */
async function heartbeat(
  s: SimulatorHandle,
  clientsBy: Map<Behaviour, WsClient>,
  round: number,
): Promise<void> {
  s.ping();
  for (const [b, c] of clientsBy) {
    if (c.closed) continue;
    const raw = await c.next((m) => m.includes('"PINGPONG"'));
    const answers = b === 'echo' || b === 'pong' || (b === 'late' && round > 1);
    if (!answers) continue;
    if (b === 'pong') c.ws.pong(raw);
    else c.send(raw);
    // A request/ACK round trip after the answer: the server has handled the answer when the ACK arrives.
    const approval = await approvalKey(s, ...credentialsOf(b));
    c.subscribe(approval, 'H0STASP0', STOCKS[round]!);
    expect((await c.control((j) => j.header.tr_key === STOCKS[round])).body!.msg_cd).toBe('OPSP0000');
  }
}

function credentialsOf(b: Behaviour): [string, string] {
  const a = ACCOUNTS.find((x) => x.appKey.startsWith(`PS${b}`))!;
  return [a.appKey, a.appSecret];
}

async function closedWithin(c: WsClient, ms: number): Promise<number | undefined> {
  const deadline = Date.now() + ms;
  while (!c.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return c.closed?.code;
}

describe('PINGPONG', () => {
  it('strict mode drops a client that leaves 2 heartbeats unanswered, keeps those that answer', async () => {
    sim = await startSimulator({
      seed: 3,
      start: '2026-11-24T10:00',
      noticeEveryMs: 0,
      accounts: ACCOUNTS,
      strictPingPeriods: 2,
    });
    const by = await connect(sim, ['echo', 'pong', 'silent', 'late']);
    await heartbeat(sim, by, 1);
    await heartbeat(sim, by, 2);
    expect(by.get('silent')!.closed).toBeUndefined();
    expect(sim.pingDrops()).toBe(0);
    await heartbeat(sim, by, 3); // the silent client's third heartbeat is due: it is dropped instead
    expect(await closedWithin(by.get('silent')!, 2000)).toBe(1006);
    expect(sim.pingDrops()).toBe(1);
    for (const b of ['echo', 'pong', 'late'] as const) expect(by.get(b)!.closed, b).toBeUndefined();
    await heartbeat(sim, by, 4);
    for (const b of ['echo', 'pong', 'late'] as const) expect(by.get(b)!.closed, b).toBeUndefined();
    expect(sim.pingDrops()).toBe(1);
  });

  it('by default tolerates a client that never answers', async () => {
    sim = await startSimulator({ seed: 3, start: '2026-11-24T10:00', noticeEveryMs: 0, accounts: ACCOUNTS });
    const by = await connect(sim, ['silent']);
    for (let round = 1; round <= 5; round++) await heartbeat(sim, by, round);
    const silent = by.get('silent')!;
    expect(await closedWithin(silent, 300)).toBeUndefined();
    silent.subscribe(await approvalKey(sim, ...credentialsOf('silent')), 'H0STASP0', STOCKS[1]!);
    expect((await silent.control()).body!.msg_cd).toBe('OPSP0000');
    expect(sim.pingDrops()).toBe(0);
  });

  it('rejects a bad strictPingPeriods', async () => {
    await expect(startSimulator({ strictPingPeriods: -1 })).rejects.toThrow(/strictPingPeriods/);
  });
});
