/**
 * WebSocket conformance generated from REALTIME_LAYOUTS (every market TR the model feeds: record width and
 * field order against the model's own trades; every encrypted notice TR: decrypts to its layout), and the
 * equality that matters for the pipeline: minute OHLCV built from streamed trades = the REST minute bars.
 */
import { createDecipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, REALTIME_LAYOUTS, type RealtimeTrLayout } from '../../src/kis/spec/index.js';
import type { Instrument } from '../../src/market/types.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { MARKET_TRS } from '../../src/sim/server/ws-records.js';
import { type KstTime, dateOf, floorMinute, startOfDate, toKst } from '../../src/time/kst.js';
import { WsClient, approvalKey, authHeaders, get, issueToken, splitFrame } from './helpers.js';

const layouts = Object.values(REALTIME_LAYOUTS) as RealtimeTrLayout[];
let day: SimulatorHandle;
let night: SimulatorHandle;

beforeAll(async () => {
  [day, night] = await Promise.all([
    startSimulator({ start: '2026-11-24T10:00', speed: 30, seed: 5, noticeEveryMs: 0 }),
    startSimulator({ start: '2026-11-24T21:00', speed: 30, seed: 5, noticeEveryMs: 0 }),
  ]);
});
afterAll(() => Promise.all([day.close(), night.close()]));

/** A liquid instrument for a TR: a stock, the front KOSPI200 future, or the ATM call/put of the nearest monthly. */
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
  const board = sim.market.optionBoard('KOSPI200', 'monthly', expiry, now);
  return board.calls.find((r) => r.atm === 'ATM')!.instrument;
}

const PRICE_FIELDS = ['stck_prpr', 'futs_prpr', 'optn_prpr'];
const TIME_FIELDS = ['stck_cntg_hour', 'bsop_hour'];
const QTY_FIELDS = ['cntg_vol', 'last_cnqn'];

describe('market-data TRs follow their layouts', () => {
  const marketTrs = layouts.filter((l) => MARKET_TRS[l.trId]);
  it('covers every market TR of the catalogue the model can feed', () => {
    expect(marketTrs.map((l) => l.trId).sort()).toEqual(
      Object.keys(MARKET_TRS)
        .filter((t) => t in REALTIME_LAYOUTS)
        .sort(),
    );
  });

  it.each(marketTrs.map((l) => [l.trId, l] as const))('%s', async (trId, layout) => {
    const sim = MARKET_TRS[trId]!.session === 'night' ? night : day;
    const inst = instrumentFor(sim, trId);
    const c = await WsClient.open(`${sim.wsUrl}/tryitout/${trId}`);
    try {
      // One app key, one session: the two simulators each have their own, so tests run one TR at a time.
      c.subscribe(await approvalKey(sim), trId, inst.code);
      const ack = await c.control((j) => j.header.tr_id === trId);
      expect(ack.body).toMatchObject({ rt_cd: '0', msg_cd: 'OPSP0000' });
      const frame = splitFrame(await c.next((m) => m.startsWith(`0|${trId}|`), 20_000));
      const fields = frame.payload.split('^');
      expect(fields.length).toBe(frame.count * layout.fields.length);
      const n = layout.fields.length;
      for (let r = 0; r < frame.count; r++) {
        const rec = fields.slice(r * n, (r + 1) * n);
        expect(rec[0]).toBe(inst.code);
        const hhmmss = rec[layout.fields.findIndex((f) => TIME_FIELDS.includes(f))]!;
        expect(hhmmss).toMatch(/^\d{6}$/);
        if (MARKET_TRS[trId]!.feed !== 'trade') continue;
        const price = Number(rec[layout.fields.findIndex((f) => PRICE_FIELDS.includes(f))]);
        const qty = Number(rec[layout.fields.findIndex((f) => QTY_FIELDS.includes(f))]);
        // The record is one of the model's trades at that second, at that price and size.
        const now = toKst(sim.clock.now());
        let t = (startOfDate(dateOf(now)) +
          (Number(hhmmss.slice(0, 2)) * 3600 + Number(hhmmss.slice(2, 4)) * 60 + Number(hhmmss.slice(4))) *
            1000) as KstTime;
        if (t > now) t = (t - 86_400_000) as KstTime;
        const trades = sim.market.trades(inst.code, t, (t + 1000) as KstTime);
        expect(
          trades.some((x) => x.price === price && x.qty === qty),
          `${trId} record ${r} ${hhmmss} ${price}×${qty}`,
        ).toBe(true);
      }
    } finally {
      c.close();
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});

function decrypt(b64: string, key: string, iv: string): string {
  const d = createDecipheriv('aes-256-cbc', Buffer.from(key), Buffer.from(iv));
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8');
}

describe('execution notices are AES-256-CBC with the ACK key/iv', () => {
  it.each(layouts.filter((l) => l.encrypted).map((l) => [l.trId, l] as const))('%s', async (trId, layout) => {
    const c = await WsClient.open(day.wsUrl);
    try {
      c.subscribe(await approvalKey(day), trId, day.accounts[0]!.htsId);
      const ack = await c.control((j) => j.header.tr_id === trId);
      const { iv, key } = ack.body!.output!;
      expect(iv).toHaveLength(16);
      expect(key).toHaveLength(32);
      expect(day.emitFill({ qty: 3 })).toBe(1);
      const frame = splitFrame(await c.next((m) => m.startsWith(`1|${trId}|001|`)));
      const fields = decrypt(frame.payload, key, iv).split('^');
      expect(fields).toHaveLength(layout.fields.length);
      expect(fields[layout.fields.indexOf('cust_id')]).toBe(day.accounts[0]!.htsId);
      expect(Number(fields[layout.fields.indexOf('cntg_qty')])).toBe(3);
    } finally {
      c.close();
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});

describe('streamed trades and REST minute bars agree', () => {
  it('builds the same OHLCV for every minute fully covered by the stream', async () => {
    const c = await WsClient.open(`${day.wsUrl}/tryitout`);
    const layout = REALTIME_LAYOUTS.H0STCNT0;
    const idx = (f: string) => (layout.fields as readonly string[]).indexOf(f);
    try {
      c.subscribe(await approvalKey(day), 'H0STCNT0', '000660');
      await c.control((j) => j.header.tr_id === 'H0STCNT0');
      const subscribedAt = toKst(day.clock.now());
      await new Promise((r) => setTimeout(r, 5_000));
      const bars = new Map<string, { o: number; h: number; l: number; c: number; v: number }>();
      for (const m of c.messages.filter((x) => x.startsWith('0|H0STCNT0|'))) {
        const f = splitFrame(m).payload.split('^');
        for (let i = 0; i < f.length; i += layout.fields.length) {
          const min = f[i + idx('stck_cntg_hour')]!.slice(0, 4) + '00';
          const p = Number(f[i + idx('stck_prpr')]),
            q = Number(f[i + idx('cntg_vol')]);
          const b = bars.get(min);
          if (!b) bars.set(min, { o: p, h: p, l: p, c: p, v: q });
          else Object.assign(b, { h: Math.max(b.h, p), l: Math.min(b.l, p), c: p, v: b.v + q });
        }
      }
      const firstFull = floorMinute(subscribedAt) + 60_000;
      const lastFull = floorMinute(toKst(day.clock.now())) - 60_000;
      const full = [...bars.keys()].filter((k) => {
        const t =
          startOfDate(dateOf(subscribedAt)) + (Number(k.slice(0, 2)) * 60 + Number(k.slice(2, 4))) * 60_000;
        return t >= firstFull && t <= lastFull;
      });
      expect(full.length).toBeGreaterThan(0);
      const token = await issueToken(day);
      const r = await get(
        day,
        ENDPOINTS.stockMinutesToday.path,
        {
          FID_COND_MRKT_DIV_CODE: 'J',
          FID_INPUT_ISCD: '000660',
          FID_INPUT_HOUR_1: '',
          FID_PW_DATA_INCU_YN: 'N',
          FID_ETC_CLS_CODE: '',
        },
        authHeaders(day, token, 'FHKST03010200'),
      );
      const rows = new Map((r.json.output2 as Record<string, string>[]).map((x) => [x.stck_cntg_hour!, x]));
      for (const k of full) {
        const row = rows.get(k)!;
        const b = bars.get(k)!;
        expect(
          [row.stck_oprc, row.stck_hgpr, row.stck_lwpr, row.stck_prpr, row.cntg_vol].map(Number),
          k,
        ).toEqual([b.o, b.h, b.l, b.c, b.v]);
      }
    } finally {
      c.close();
    }
  });
});
