/** The realtime client against the simulator over real sockets (day session, Tuesday 2026-11-24). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsFrameError, WsSubscriptionError, WsSubscriptionLimitError } from '../../src/kis/ws/errors.js';
import type { FoNotice, FuturesTrade, OptionTrade, StockTrade, WsRecord } from '../../src/kis/ws/records.js';
import { toKst } from '../../src/time/kst.js';
import { type Rig, busiest, startRig, until } from './ws-sim-helpers.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ start: '2026-11-24T10:00', speed: 5 });
});
afterAll(() => rig?.close());

/** The model's trade behind a record: same second, price and quantity. */
function modelHas(r: WsRecord & { price: number; qty: number }): boolean {
  return rig.sim.market.trades(r.code, (r.time - 1) as never, (r.time + 1000) as never).some((t) => t.time === r.time && t.price === r.price && t.qty === r.qty);
}

describe('KisWsClient against the simulator', () => {
  it('subscribes every day TR and the F/O notice, and parses each into typed, dated records equal to the market', async () => {
    const { sim } = rig;
    const stock = busiest(sim, 'stock').code, fut = busiest(sim, 'future').code, opt = busiest(sim, 'call').code;
    const w = rig.client();
    w.c.start();
    const subs: [string, string][] = [
      ['H0STCNT0', stock], ['H0STASP0', stock], ['H0IFCNT0', fut], ['H0IFASP0', fut], ['H0ZFCNT0', fut], ['H0ZFASP0', fut],
      ['H0IOCNT0', opt], ['H0IOASP0', opt], ['H0ZOCNT0', opt], ['H0IFCNI0', sim.accounts[0]!.htsId],
    ];
    await Promise.all(subs.map(([tr, key]) => w.c.subscribe(tr, key)));
    const trs = new Set(subs.map(([tr]) => tr).filter((tr) => tr !== 'H0IFCNI0'));
    await until(() => [...trs].every((tr) => w.records.some((r) => r.tr === tr)), 'a record of every market TR', 15_000);
    expect(sim.emitFill({ code: fut, side: 'sell', qty: 3, price: 401.25 })).toBe(1);
    await until(() => w.records.some((r) => r.kind === 'fo-notice'), 'the fill notice');

    const now = toKst(sim.clock.now());
    for (const r of w.records) {
      expect(r.tradingDate).toBe('2026-11-24');
      expect(Math.abs(now - r.time)).toBeLessThan(5 * 60_000);
    }
    const futTrades = w.records.filter((r): r is FuturesTrade => r.kind === 'futures-trade');
    expect(futTrades.length).toBeGreaterThan(0);
    for (const r of futTrades) expect(modelHas(r), `${r.tr} ${r.hhmmss} ${r.price}`).toBe(true);
    for (const r of w.records.filter((r): r is StockTrade => r.kind === 'stock-trade')) expect(modelHas(r)).toBe(true);
    for (const r of w.records.filter((r): r is OptionTrade => r.kind === 'option-trade')) {
      expect(modelHas(r)).toBe(true);
      expect(r.iv).toBeGreaterThan(0);
    }
    const notice = w.records.find((r): r is FoNotice => r.kind === 'fo-notice')!;
    expect(notice).toMatchObject({ code: fut, side: 'sell', qty: 3, price: 401.25, fill: true, customerId: sim.accounts[0]!.htsId });
    expect(w.errors).toEqual([]);
    await w.c.close();
  });

  it('reconnects after a forced drop, restores every subscription and reports the gap', async () => {
    const { sim } = rig;
    const stock = busiest(sim, 'stock').code, fut = busiest(sim, 'future').code;
    const w = rig.client();
    w.c.start();
    await Promise.all([w.c.subscribe('H0STCNT0', stock), w.c.subscribe('H0IFCNT0', fut), w.c.subscribe('H0IFASP0', fut)]);
    await until(() => w.records.length > 5, 'records before the drop');
    const beforeDrop = toKst(sim.clock.now());
    expect(sim.faults.dropAllConnections()).toBe(1);
    await until(() => w.gaps.length === 1, 'the gap event');
    const gap = w.gaps[0]!;
    expect(gap.from).toBeLessThanOrEqual(beforeDrop);
    expect(gap.to).toBeGreaterThan(gap.from);
    expect(gap.subscriptions).toEqual([
      { trId: 'H0STCNT0', trKey: stock },
      { trId: 'H0IFCNT0', trKey: fut },
      { trId: 'H0IFASP0', trKey: fut },
    ]);
    const seen = w.records.length;
    const afterGap = (tr: string) => w.records.slice(seen).some((r) => r.tr === tr && r.time >= gap.to - 1000);
    await until(() => afterGap('H0STCNT0') && afterGap('H0IFCNT0') && afterGap('H0IFASP0'), 'records of every TR after the reconnect', 15_000);
    expect(w.c.counters.connects).toBe(2);
    expect(w.states).toEqual(expect.arrayContaining(['connecting', 'open', 'backoff']));
    await w.c.close();
  });

  it('enforces 41 registrations per session client-side with a clear error', async () => {
    const w = rig.client();
    w.c.start();
    // Every (tr_id, tr_key) pair counts, trades and quotes alike.
    const stocks = rig.sim.market.instruments('2026-11-24' as never).filter((i) => i.kind === 'stock').map((i) => i.code);
    const pairs = ['H0STCNT0', 'H0STASP0'].flatMap((tr) => stocks.map((c): [string, string] => [tr, c])).slice(0, 42);
    expect(pairs).toHaveLength(42);
    await Promise.all(pairs.slice(0, 41).map(([tr, c]) => w.c.subscribe(tr, c)));
    const [tr42, key42] = pairs[41]!;
    const err = await w.c.subscribe(tr42, key42).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WsSubscriptionLimitError);
    expect((err as Error).message).toMatch(/at most 41 registrations.*shard/);
    // Freeing one makes room again.
    w.c.unsubscribe(...pairs[0]!);
    await w.c.subscribe(tr42, key42);
    expect(w.c.subscriptions()).toHaveLength(41);
    await w.c.close();
  });

  it('reports refused subscriptions and unsupported TRs, and does not retry them', async () => {
    const w = rig.client();
    w.c.start();
    await expect(w.c.subscribe('H0IFCNI0', 'not-my-hts-id')).rejects.toMatchObject({ name: 'WsSubscriptionError', code: 'OPSP0017' });
    await expect(w.c.subscribe('H0STMKO0', '005930')).rejects.toBeInstanceOf(WsSubscriptionError);
    expect(w.c.subscriptions()).toEqual([]);
    expect(w.errors.map((e) => e.code)).toContain('OPSP0017');
    await w.c.close();
  });

  it('bad frames (truncated, invalid UTF-8) are rejected and counted, never delivered, while the stream continues', async () => {
    const { sim } = rig;
    const fut = busiest(sim, 'future').code;
    const w = rig.client();
    w.c.start();
    await w.c.subscribe('H0IFCNT0', fut);
    sim.faults.set('truncated=0.3,invalid-utf8=0.3');
    try {
      await until(() => w.errors.filter((e) => e instanceof WsFrameError).length >= 3 && w.records.length >= 3, 'bad frames and good records', 15_000);
    } finally {
      sim.faults.set({});
    }
    for (const e of w.errors) {
      expect(e).toBeInstanceOf(WsFrameError);
      expect((e as WsFrameError).reason.length).toBeGreaterThan(0);
      expect((e as WsFrameError).raw.length).toBeLessThanOrEqual(220);
    }
    // Nothing corrupt got through: every record is of the subscribed code and equals the market's trade.
    for (const r of w.records) {
      expect(r.code).toBe(fut);
      expect(modelHas(r as FuturesTrade), `${r.hhmmss} ${(r as FuturesTrade).price}`).toBe(true);
    }
    const { rejected } = w.c.counters;
    expect(rejected.utf8).toBeGreaterThan(0);
    expect(rejected['field-count'] + rejected.malformed).toBeGreaterThan(0);
    expect(Object.values(rejected).reduce((a, b) => a + b, 0)).toBe(w.errors.length);
    const n = w.records.length;
    await until(() => w.records.length > n, 'records after the faults');
    expect(w.c.state).toBe('open');
    await w.c.close();
  });

  it('close() is idempotent and later subscriptions are refused', async () => {
    const w = rig.client();
    await w.c.connected();
    await Promise.all([w.c.close(), w.c.close()]);
    await w.c.close();
    expect(w.c.state).toBe('closed');
    await expect(w.c.subscribe('H0STCNT0', '005930')).rejects.toThrow(/closed/);
  });
});
