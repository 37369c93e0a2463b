/**
 * Realtime conformance, driven by KIS's workbook tables (REALTIME_LAYOUTS, not the simulator's feed list):
 * every TR in the tables is fed and checked (record width = the layout's field count, every field's value
 * of the shape its name promises, market records being the model's own trades at the layout's positions,
 * notices decrypting to their layout), or is on the explicit not-fed list below with the reason. A TR added
 * to the tables that the simulator neither feeds nor lists fails here.
 */
import { createDecipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_LAYOUTS, type RealtimeTrLayout } from '../../src/kis/spec/index.js';
import type { Instrument } from '../../src/market/types.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { MARKET_TRS } from '../../src/sim/server/ws-records.js';
import { type KstTime, dateOf, startOfDate, toKst } from '../../src/time/kst.js';
import { expectWireValue } from './conformance-rules.js';
import { WsClient, approvalKey, splitFrame } from './helpers.js';

/** TRs of the tables the simulator accepts but never feeds, and why (docs/simulator.md says the same). */
const NOT_FED: Record<string, string> = {
  H0STMKO0: 'market-operation status: the model has no halts, VI or session-state events to report',
};

const layouts = Object.values(REALTIME_LAYOUTS) as RealtimeTrLayout[];
/** One app key per TR: KIS allows one session per app key, so each TR gets its own and none waits. */
const ACCOUNTS = layouts.map((l, i) => ({
  appKey: `PSws${l.trId}`.padEnd(36, String(i % 10)),
  appSecret: `ws-secret-${l.trId}`,
  htsId: `wsuser${i}`,
}));
const accountOf = (trId: string) => ACCOUNTS[layouts.findIndex((l) => l.trId === trId)]!;

let day: SimulatorHandle;
let night: SimulatorHandle;

beforeAll(async () => {
  const common = { speed: 30, seed: 5, noticeEveryMs: 0, accounts: ACCOUNTS };
  [day, night] = await Promise.all([
    startSimulator({ ...common, start: '2026-11-24T10:00' }),
    startSimulator({ ...common, start: '2026-11-24T21:00' }),
  ]);
});
afterAll(() => Promise.all([day.close(), night.close()]));

async function subscribed(sim: SimulatorHandle, trId: string, trKey: string): Promise<WsClient> {
  const { appKey, appSecret } = accountOf(trId);
  const c = await WsClient.open(`${sim.wsUrl}/tryitout/${trId}`);
  c.subscribe(await approvalKey(sim, appKey, appSecret), trId, trKey);
  const ack = await c.control((j) => j.header.tr_id === trId);
  expect(ack.body, `${trId} ack`).toMatchObject({ rt_cd: '0', msg_cd: 'OPSP0000' });
  return c;
}

describe('every realtime TR of the KIS tables', () => {
  it('is fed by the simulator or listed as not fed, with a reason', () => {
    for (const { trId, encrypted } of layouts) {
      const fed = Boolean(MARKET_TRS[trId]) || encrypted;
      expect(fed || trId in NOT_FED, `${trId} is in the KIS tables but the simulator does not feed it`).toBe(
        true,
      );
      if (fed) expect(trId in NOT_FED, `${trId} is fed: drop it from NOT_FED`).toBe(false);
    }
    for (const trId of Object.keys(MARKET_TRS)) expect(REALTIME_LAYOUTS, trId).toHaveProperty(trId);
  });

  it.each(Object.keys(NOT_FED))('%s is acknowledged (and documented as not fed)', async (trId) => {
    const c = await subscribed(day, trId, '005930');
    c.close();
  });
});

/** A liquid instrument for a TR: a stock, the front KOSPI200 future, or the ATM call of the nearest monthly. */
function instrumentFor(sim: SimulatorHandle, trId: string): Instrument {
  const role = MARKET_TRS[trId]!;
  const now = toKst(sim.clock.now());
  const date = dateOf(now);
  if (role.kinds.includes('stock')) return sim.market.instrument('005930')!;
  if (role.kinds.includes('future')) {
    return sim.market
      .instruments(date)
      .filter((i) => i.kind === 'future' && i.family === 'kospi200')
      .sort((a, b) => (a.expiry! < b.expiry! ? -1 : 1))[0]!;
  }
  const expiry = sim.market.optionExpiries('KOSPI200', 'monthly', date)[0]!;
  return sim.market.optionBoard('KOSPI200', 'monthly', expiry, now).calls.find((r) => r.atm === 'ATM')!
    .instrument;
}

const PRICE_FIELDS = ['stck_prpr', 'futs_prpr', 'optn_prpr'];
const TIME_FIELDS = ['stck_cntg_hour', 'bsop_hour'];
const QTY_FIELDS = ['cntg_vol', 'last_cnqn'];

/** The model's trade at a record's second, or undefined (times after midnight belong to the evening before). */
function tradeAt(sim: SimulatorHandle, code: string, hhmmss: string, price: number, qty: number): boolean {
  const now = toKst(sim.clock.now());
  const secs = Number(hhmmss.slice(0, 2)) * 3600 + Number(hhmmss.slice(2, 4)) * 60 + Number(hhmmss.slice(4));
  let t = (startOfDate(dateOf(now)) + secs * 1000) as KstTime;
  if (t > now) t = (t - 86_400_000) as KstTime;
  return sim.market.trades(code, t, (t + 1000) as KstTime).some((x) => x.price === price && x.qty === qty);
}

describe('market-data records follow their layouts', () => {
  const fed = layouts.filter((l) => MARKET_TRS[l.trId]);

  it.each(fed.map((l) => [l.trId, l] as const))('%s', async (trId, layout) => {
    const sim = MARKET_TRS[trId]!.session === 'night' ? night : day;
    const inst = instrumentFor(sim, trId);
    const c = await subscribed(sim, trId, inst.code);
    try {
      const frame = splitFrame(await c.next((m) => m.startsWith(`0|${trId}|`), 20_000));
      expect(frame.enc).toBe('0');
      const fields = frame.payload.split('^');
      const n = layout.fields.length;
      expect(fields.length, `${trId}: ${frame.count} records of ${n} fields`).toBe(frame.count * n);
      for (let r = 0; r < frame.count; r++) {
        const rec = fields.slice(r * n, (r + 1) * n);
        layout.fields.forEach((f, i) => expectWireValue(`${trId}[${r}].${f}`, f, rec[i]));
        expect(rec[0]).toBe(inst.code);
        const at = (names: string[]) => rec[layout.fields.findIndex((f) => names.includes(f))]!;
        expect(at(TIME_FIELDS)).toMatch(/^\d{6}$/);
        if (MARKET_TRS[trId]!.feed !== 'trade') continue;
        const [hhmmss, price, qty] = [at(TIME_FIELDS), Number(at(PRICE_FIELDS)), Number(at(QTY_FIELDS))];
        expect(
          tradeAt(sim, inst.code, hhmmss, price, qty),
          `${trId} record ${r} ${hhmmss} ${price}×${qty}`,
        ).toBe(true);
      }
    } finally {
      c.close();
    }
  });
});

function decrypt(b64: string, key: string, iv: string): string {
  const d = createDecipheriv('aes-256-cbc', Buffer.from(key), Buffer.from(iv));
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8');
}

describe('execution notices decrypt (AES-256-CBC, the ACK key/iv) to their layouts', () => {
  it.each(layouts.filter((l) => l.encrypted).map((l) => [l.trId, l] as const))('%s', async (trId, layout) => {
    const { htsId, appKey, appSecret } = accountOf(trId);
    const c = await WsClient.open(day.wsUrl);
    try {
      c.subscribe(await approvalKey(day, appKey, appSecret), trId, htsId);
      const ack = await c.control((j) => j.header.tr_id === trId);
      const { iv, key } = ack.body!.output!;
      expect([iv.length, key.length]).toEqual([16, 32]);
      expect(day.emitFill({ qty: 3 })).toBeGreaterThanOrEqual(1);
      const frame = splitFrame(await c.next((m) => m.startsWith(`1|${trId}|001|`)));
      const fields = decrypt(frame.payload, key, iv).split('^');
      expect(fields).toHaveLength(layout.fields.length);
      layout.fields.forEach((f, i) => expectWireValue(`${trId}.${f}`, f, fields[i]));
      expect(fields[layout.fields.indexOf('cust_id')]).toBe(htsId);
      expect(Number(fields[layout.fields.indexOf('cntg_qty')])).toBe(3);
    } finally {
      c.close();
    }
  });
});
