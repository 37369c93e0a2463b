/**
 * The simulator sends money fields in KIS's units over real sockets: F/O trading value in thousands of won
 * (KIS truncates to whole thousands; so does the simulator), stock value in won. Checked against the
 * model's own trades: each futures trade record adds price × qty × multiplier ÷ 1000 (within the
 * truncation), and every REST F/O value implies an average price inside the bar's or day's range.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, REALTIME_LAYOUTS, REALTIME_VALUE_UNITS, THOUSAND_WON, WON } from '../../src/kis/spec/index.js';
import type { Instrument } from '../../src/market/types.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { MARKET_TRS, recordBuilder, type CodeState, type RecordCtx } from '../../src/sim/server/ws-records.js';
import { type KstDate, type KstTime, dateOf, kisDate, startOfDate, toKst } from '../../src/time/kst.js';
import { ManualClock, WsClient, approvalKey, authHeaders, get, issueToken, splitFrame } from './helpers.js';

const TODAY = '2026-11-24' as KstDate;
let rest: SimulatorHandle;
let stream: SimulatorHandle;
let token: string;

beforeAll(async () => {
  [rest, stream] = await Promise.all([
    startSimulator({ clock: ManualClock.at('2026-11-24T13:30:30'), seed: 11, noticeEveryMs: 0, rateLimitPerSecond: 1000 }),
    startSimulator({ start: '2026-11-24T10:00', speed: 30, seed: 5, noticeEveryMs: 0, streamIntervalMs: 50 }),
  ]);
  token = await issueToken(rest);
});
afterAll(() => Promise.all([rest.close(), stream.close()]));

const frontFuture = (sim: SimulatorHandle, family: Instrument['family']): Instrument =>
  sim.market
    .instruments(TODAY)
    .filter((i) => i.kind === 'future' && i.family === family)
    .sort((a, b) => (a.expiry! < b.expiry! ? -1 : 1))[0]!;

interface TradeRecord {
  code: string;
  hhmmss: string;
  price: number;
  qty: number;
  cumVolume: number;
  cumValue: number;
}

/** Subscribes `codes` on a trade TR and collects records until each code has `n` of them. */
async function collect(trId: 'H0IFCNT0' | 'H0STCNT0', codes: string[], n: number): Promise<Map<string, TradeRecord[]>> {
  const fields = REALTIME_LAYOUTS[trId].fields as readonly string[];
  const at = (names: string[]) => fields.findIndex((f) => names.includes(f));
  const ix = {
    time: at(['bsop_hour', 'stck_cntg_hour']), price: at(['futs_prpr', 'stck_prpr']), qty: at(['last_cnqn', 'cntg_vol']),
    cumVolume: at(['acml_vol']), cumValue: at(['acml_tr_pbmn']),
  };
  const out = new Map<string, TradeRecord[]>(codes.map((c) => [c, []]));
  const c = await WsClient.open(stream.wsUrl);
  try {
    const key = await approvalKey(stream);
    for (const code of codes) {
      c.subscribe(key, trId, code);
      await c.control((j) => j.header.tr_id === trId && j.header.tr_key === code);
    }
    while ([...out.values()].some((l) => l.length < n)) {
      const frame = splitFrame(await c.next((m) => m.startsWith(`0|${trId}|`), 20_000));
      const f = frame.payload.split('^');
      for (let i = 0; i < f.length; i += fields.length) {
        const num = (k: number) => Number(f[i + k]);
        out.get(f[i]!)?.push({
          code: f[i]!, hhmmss: f[i + ix.time]!, price: num(ix.price), qty: num(ix.qty), cumVolume: num(ix.cumVolume), cumValue: num(ix.cumValue),
        });
      }
    }
  } finally {
    c.close();
  }
  return out;
}

/** The model's trade a record stands for (same second, same cumulative volume). */
function modelTrade(sim: SimulatorHandle, r: TradeRecord) {
  const now = toKst(sim.clock.now());
  const t = (startOfDate(dateOf(now)) + (Number(r.hhmmss.slice(0, 2)) * 3600 + Number(r.hhmmss.slice(2, 4)) * 60 + Number(r.hhmmss.slice(4))) * 1000) as KstTime;
  return sim.market.trades(r.code, t, (t + 1000) as KstTime).find((x) => x.cumVolume === r.cumVolume);
}

describe('realtime trade TRs', () => {
  it('every trade TR sends the value in its unit: thousands for index F/O (day and night), won for stocks and stock F/O', () => {
    const won = 54_015_000 + 12_500; // the real mini increment plus a KOSPI200 tick's worth
    const trs = Object.entries(MARKET_TRS).filter(([, role]) => role.feed === 'trade').map(([tr]) => tr);
    expect(trs.sort()).toEqual(Object.keys(REALTIME_VALUE_UNITS).sort());
    for (const tr of trs) {
      const fields = (REALTIME_LAYOUTS as Record<string, { fields: readonly string[] }>)[tr]!.fields;
      const ctx = {
        inst: { code: 'A05608', kind: 'future', multiplier: 50_000 }, dec: 2, hhmmss: '152954', yyyymmdd: '20260722',
        st: { prevClose: 1076.2, open: 1076.5, high: 1083.9, low: 1071.2, openTime: '', highTime: '', lowTime: '' } as CodeState,
        trade: { code: 'A05608', time: 0, price: 1080.3, qty: 1, side: 1, cumVolume: 134_936, cumValue: won },
      } as unknown as RecordCtx;
      const value = Number(recordBuilder(tr)(ctx).split('^')[fields.indexOf('acml_tr_pbmn')]);
      const unit = ['H0STCNT0', 'H0ZFCNT0', 'H0ZOCNT0'].includes(tr) ? WON : THOUSAND_WON;
      expect(value, tr).toBe(Math.trunc(won / unit));
    }
  });

  it('H0IFCNT0 (KOSPI200 and mini futures): each record adds price × qty × multiplier ÷ 1000', async () => {
    const insts = [frontFuture(stream, 'kospi200'), frontFuture(stream, 'mini')];
    const got = await collect('H0IFCNT0', insts.map((i) => i.code), 25);
    for (const inst of insts) {
      const recs = got.get(inst.code)!;
      let pairs = 0;
      for (let k = 1; k < recs.length; k++) {
        const [a, b] = [recs[k - 1]!, recs[k]!];
        if (b.cumVolume !== a.cumVolume + b.qty) continue; // not consecutive trades (a new day, a skipped stall)
        const thousands = (b.price * b.qty * inst.multiplier) / 1000;
        // Both cumulative values are truncated to whole thousands: their difference is within 1 of the exact one.
        expect(Math.abs(b.cumValue - a.cumValue - thousands), `${inst.code} ${b.hhmmss} ${b.price}×${b.qty}`).toBeLessThan(1);
        pairs++;
      }
      expect(pairs, inst.code).toBeGreaterThan(10);
      for (const r of recs) {
        const t = modelTrade(stream, r);
        expect(t, `${inst.code} ${r.hhmmss}`).toBeDefined();
        expect(r.cumValue).toBe(Math.trunc(Math.round(t!.cumValue) / 1000));
      }
    }
  });

  it('H0STCNT0 (stocks) stays in won: each record adds price × qty exactly', async () => {
    const recs = (await collect('H0STCNT0', ['005930'], 15)).get('005930')!;
    let pairs = 0;
    for (let k = 1; k < recs.length; k++) {
      const [a, b] = [recs[k - 1]!, recs[k]!];
      if (b.cumVolume !== a.cumVolume + b.qty) continue;
      expect(b.cumValue - a.cumValue).toBe(b.price * b.qty);
      pairs++;
    }
    expect(pairs).toBeGreaterThan(5);
  });
});

type Row = Record<string, string>;
async function call(name: 'foPrice' | 'foMinutes' | 'foDaily' | 'optionBoard' | 'stockPrice', query: Record<string, string>): Promise<Record<string, unknown>> {
  const ep = ENDPOINTS[name];
  const r = await get(rest, ep.path, query, authHeaders(rest, token, ep.trIdReal!));
  expect(r.json.rt_cd, JSON.stringify(r.json).slice(0, 300)).toBe('0');
  return r.json;
}

/**
 * A value in thousands of won implies an average price: it must lie within [low, high] of the bar or day,
 * give or take the truncation to whole thousands.
 */
function expectAverageWithin(valueK: number, volume: number, multiplier: number, low: number, high: number, what: string): void {
  const slack = 1000 / (volume * multiplier);
  const avg = (valueK * 1000) / (volume * multiplier);
  expect(avg, `${what}: ${valueK} thousand for ${volume} at ${low}..${high}`).toBeGreaterThanOrEqual(low - slack - 1e-9);
  expect(avg, `${what}: ${valueK} thousand for ${volume} at ${low}..${high}`).toBeLessThanOrEqual(high + slack + 1e-9);
}

describe('REST F/O value fields are in thousands of won', () => {
  it('F/O price: the snapshot value truncated to thousands, an average inside the day range', async () => {
    const inst = frontFuture(rest, 'kospi200');
    const o = (await call('foPrice', { FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_ISCD: inst.code })).output1 as Row;
    const snap = rest.market.snapshot(inst.code, toKst(rest.clock.now()));
    expect(Number(o.acml_tr_pbmn)).toBe(Math.trunc(snap.cumValue / 1000));
    expectAverageWithin(Number(o.acml_tr_pbmn), Number(o.acml_vol), inst.multiplier, Number(o.futs_lwpr), Number(o.futs_hgpr), 'foPrice');
  });

  it('F/O minute chart: each bar adds its volume at a price inside the bar', async () => {
    const inst = frontFuture(rest, 'mini');
    const json = await call('foMinutes', {
      FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_ISCD: inst.code, FID_HOUR_CLS_CODE: '60', FID_PW_DATA_INCU_YN: 'N',
      FID_FAKE_TICK_INCU_YN: 'N', FID_INPUT_DATE_1: kisDate(TODAY), FID_INPUT_HOUR_1: '',
    });
    const rows = json.output2 as Row[];
    let bars = 0;
    for (let i = 0; i + 1 < rows.length; i++) {
      const [bar, before] = [rows[i]!, rows[i + 1]!];
      const volume = Number(bar.cntg_vol);
      if (volume === 0) continue;
      const added = Number(bar.acml_tr_pbmn) - Number(before.acml_tr_pbmn);
      expectAverageWithin(added, volume, inst.multiplier, Number(bar.futs_lwpr), Number(bar.futs_hgpr), `bar ${bar.stck_cntg_hour}`);
      bars++;
    }
    expect(bars).toBeGreaterThan(50);
    const summary = json.output1 as Row;
    expectAverageWithin(Number(summary.acml_tr_pbmn), Number(summary.acml_vol), inst.multiplier, Number(summary.futs_lwpr), Number(summary.futs_hgpr), 'summary');
  });

  it('F/O daily chart: each day’s value at a price inside the day range', async () => {
    const inst = frontFuture(rest, 'kospi200');
    const json = await call('foDaily', {
      FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_ISCD: inst.code, FID_INPUT_DATE_1: '20261116', FID_INPUT_DATE_2: kisDate(TODAY), FID_PERIOD_DIV_CODE: 'D',
    });
    const rows = json.output2 as Row[];
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) {
      expectAverageWithin(Number(r.acml_tr_pbmn), Number(r.acml_vol), inst.multiplier, Number(r.futs_lwpr), Number(r.futs_hgpr), `day ${r.stck_bsop_date}`);
    }
  });

  it('option board: each traded strike’s value at a price inside its day range', async () => {
    const expiry = rest.market.optionExpiries('KOSPI200', 'monthly', TODAY)[0]!;
    const json = await call('optionBoard', {
      FID_COND_MRKT_DIV_CODE: 'O', FID_COND_SCR_DIV_CODE: '20503', FID_MRKT_CLS_CODE: 'CO', FID_MTRT_CNT: expiry.replace('-', '').slice(0, 6),
      FID_COND_MRKT_CLS_CODE: '', FID_MRKT_CLS_CODE1: 'PO',
    });
    const rows = [...(json.output1 as Row[]), ...(json.output2 as Row[])].filter((r) => Number(r.acml_vol) > 0);
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      const mult = rest.market.instrument(r.optn_shrn_iscd!)!.multiplier;
      expectAverageWithin(Number(r.acml_tr_pbmn), Number(r.acml_vol), mult, Number(r.optn_lwpr), Number(r.optn_hgpr), r.optn_shrn_iscd!);
    }
  });

  it('stock price stays in won: the snapshot value exactly', async () => {
    const o = (await call('stockPrice', { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: '005930' })).output as Row;
    const snap = rest.market.snapshot('005930', toKst(rest.clock.now()));
    expect(Number(o.acml_tr_pbmn)).toBe(Math.round(snap.cumValue));
  });
});
