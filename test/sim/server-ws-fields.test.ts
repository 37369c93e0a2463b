/**
 * Realtime fields KIS fills on the stock and futures trade TRs (issue #10 item 7), over real sockets on a
 * hand-moved clock, joining mid-session: the times of the day's open/high/low are when those prices
 * printed; vi_stnd_prc (static VI reference) is the opening auction's price; the market-operation codes
 * are KIS's values in the continuous session; the previous-day volume fields come from the previous
 * trading date's tape (total, and cumulative up to the same time of day). Everything is recomputed here
 * from the model's own trades.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Instrument } from '../../src/market/types.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import type { SimTrade } from '../../src/sim/market/index.js';
import { type KstDate, type KstTime, kisHhmmss, parseKst, toKst } from '../../src/time/kst.js';
import { ManualClock, WsClient, approvalKey } from './helpers.js';
import { type Rec, frontKospi200Future, waitForRecords } from './ws-records-helpers.js';

const DAY = 86_400_000;
let sim: SimulatorHandle;
let clock: ManualClock;
let future: Instrument;
let c: WsClient;
/** Fetched once: a REST call after this process was blocked for seconds can race the server's idle timer. */
let key: string;

beforeAll(async () => {
  clock = ManualClock.at('2026-11-25T10:00:00');
  sim = await startSimulator({ clock, seed: 29, noticeEveryMs: 0, streamIntervalMs: 2_000 });
  future = frontKospi200Future(sim, '2026-11-25' as KstDate);
  c = await WsClient.open(`${sim.wsUrl}/tryitout`);
  key = await approvalKey(sim);
});
afterAll(async () => {
  c.close();
  await sim.close();
});

async function stream(trId: string, code: string, minutes: number): Promise<Rec[]> {
  c.subscribe(key, trId, code);
  await c.control((j) => j.header.tr_id === trId && j.header.tr_key === code);
  const from = toKst(clock.now());
  for (let s = 0; s < minutes * 3; s++) {
    clock.advance(20_000);
    sim.pumpStream();
  }
  const n = sim.market.trades(code, from, toKst(clock.now())).length;
  const records = (await waitForRecords(c, n, [code])).filter(
    (r) => r.trId === trId && r.code === code,
  );
  expect(records.length).toBeGreaterThanOrEqual(n);
  return records;
}

interface Sources {
  code: string;
  /** Where the record's trading date starts trading (its first session's open or earlier). */
  dayFrom: string;
  /** The same for the previous trading date, which lies exactly one calendar day earlier here. */
  prevFrom: string;
  /** Field prefix of the day's open/high/low (`stck`, `futs`). */
  p: string;
}

/** Each record with the model's trades of its day up to and including it, and the previous day's. */
function* withModel(records: Rec[], s: Sources) {
  const day = sim.market.trades(s.code, parseKst(s.dayFrom), toKst(clock.now()));
  const byVolume = new Map(day.map((t, i) => [t.cumVolume, i]));
  const prevDay = sim.market.trades(s.code, parseKst(s.prevFrom), (parseKst(s.dayFrom) - 1) as KstTime);
  for (const r of records) {
    const acml = Number(r.f.acml_vol);
    const i = byVolume.get(acml);
    expect(i, `${r.trId} ${r.time} acml_vol ${acml} is a model trade`).toBeDefined();
    yield { r, acml, upTo: day.slice(0, i! + 1), prevDay, what: `${r.trId} ${s.code} ${r.time}` };
  }
}

const hhmmss = (t: SimTrade): string => kisHhmmss(t.time);

/** oprc_hour/hgpr_hour/lwpr_hour: when the day's open, high and low (first reached) printed. */
function checkTimes(records: Rec[], s: Sources): void {
  for (const { r, upTo, what } of withModel(records, s)) {
    const hi = upTo.reduce((best, t, k) => (t.price > upTo[best]!.price ? k : best), 0);
    const lo = upTo.reduce((best, t, k) => (t.price < upTo[best]!.price ? k : best), 0);
    expect([r.f.oprc_hour, r.f.hgpr_hour, r.f.lwpr_hour], `${what}: open/high/low times`).toEqual([
      hhmmss(upTo[0]!),
      hhmmss(upTo[hi]!),
      hhmmss(upTo[lo]!),
    ]);
    expect([r.f[`${s.p}_oprc`], r.f[`${s.p}_hgpr`], r.f[`${s.p}_lwpr`]].map(Number), what).toEqual([
      upTo[0]!.price,
      upTo[hi]!.price,
      upTo[lo]!.price,
    ]);
  }
}

/** 전일 거래량 대비 등락율 and (stocks) 전일 동시간 누적 거래량 / 비율, from the previous day's trades. */
function checkPreviousDay(records: Rec[], s: Sources): void {
  for (const { r, acml, upTo, prevDay, what } of withModel(records, s)) {
    const prevTotal = prevDay[prevDay.length - 1]!.cumVolume;
    const at = upTo[upTo.length - 1]!.time;
    const sameTime = prevDay.filter((t) => t.time <= at - DAY).at(-1)?.cumVolume ?? 0;
    expect(sameTime, `${what}: the previous day had traded by then`).toBeGreaterThan(0);
    expect(r.f.prdy_vol_vrss_acml_vol_rate, what).toBe(((acml / prevTotal) * 100).toFixed(2));
    if (s.p !== 'stck') continue;
    expect(Number(r.f.prdy_smns_hour_acml_vol), what).toBe(sameTime);
    expect(r.f.prdy_smns_hour_acml_vol_rate, what).toBe(((acml / sameTime) * 100).toFixed(2));
  }
}

const STOCK: Sources = {
  code: '005930',
  dayFrom: '2026-11-25T08:00:00',
  prevFrom: '2026-11-24T08:00:00',
  p: 'stck',
};

describe('H0STCNT0 joined mid-session', () => {
  let records: Rec[];
  beforeAll(async () => {
    records = await stream('H0STCNT0', STOCK.code, 2);
    expect(records.length).toBeGreaterThan(5);
  });

  it('times of the open, high and low are when they printed', () => checkTimes(records, STOCK));

  it('VI reference price is the opening auction price; market-operation codes as KIS sends them', () => {
    for (const r of records) {
      // KIS's frames: vi_stnd_prc equals the open while no VI has fired; random-end code blank; 장중 보통.
      expect(r.f.vi_stnd_prc).toBe(r.f.stck_oprc);
      expect([r.f.new_mkop_cls_code, r.f.trht_yn, r.f.hour_cls_code, r.f.mrkt_trtm_cls_code]).toEqual([
        '20',
        'N',
        '0',
        '',
      ]);
    }
  });

  it('previous-day and previous-day-same-time volumes come from the previous trading date', () =>
    checkPreviousDay(records, STOCK));
});

describe('futures trade TRs', () => {
  it('H0IFCNT0 by day: the trading date opened the evening before, in the night session', async () => {
    const records = await stream('H0IFCNT0', future.code, 2);
    // Night trading (from 18:00 on the 24th) belongs to the 25th's totals.
    const s = {
      code: future.code,
      dayFrom: '2026-11-24T17:00:00',
      prevFrom: '2026-11-23T17:00:00',
      p: 'futs',
    };
    checkTimes(records, s);
    checkPreviousDay(records, s);
    expect(records[0]!.f.oprc_hour).toBe('180000');
  });

  it('H0MFCNT0 at night', async () => {
    clock.t += 10 * 3_600_000; // 20:12 on the 25th: the 26th's night session
    const records = await stream('H0MFCNT0', future.code, 2);
    const s = {
      code: future.code,
      dayFrom: '2026-11-25T17:00:00',
      prevFrom: '2026-11-24T17:00:00',
      p: 'futs',
    };
    checkTimes(records, s);
    checkPreviousDay(records, s);
  });
});
