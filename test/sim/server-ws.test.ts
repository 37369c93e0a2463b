/**
 * The equality that matters for the pipeline: minute OHLCV built from streamed trades = the REST minute
 * bars. Layout conformance of every realtime TR is in conformance-ws.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, REALTIME_LAYOUTS } from '../../src/kis/spec/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { dateOf, floorMinute, startOfDate, toKst } from '../../src/time/kst.js';
import { WsClient, approvalKey, authHeaders, get, issueToken, splitFrame } from './helpers.js';

let day: SimulatorHandle;

beforeAll(async () => {
  day = await startSimulator({ start: '2026-11-24T10:00', speed: 30, seed: 5, noticeEveryMs: 0 });
});
afterAll(() => day.close());

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
