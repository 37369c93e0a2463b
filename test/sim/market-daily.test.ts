/**
 * Cheap daily bars: stocks and futures fix each day's OHLCV before generating its trades, and the trades must
 * then aggregate to exactly that bar (night trades included for futures); options aggregate their small tapes.
 * The REST daily charts serve these bars.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { frontFuture } from '../../src/market/instruments/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { createSimMarket, type SimTrade } from '../../src/sim/market/index.js';
import { type KstDate, type KstTime, addDays, kisDate, parseKst } from '../../src/time/kst.js';
import { ManualClock, authHeaders, get, issueToken } from './helpers.js';

const cal = defaultCalendar();
const D = (s: string): KstDate => s as KstDate;
const dayFrom = (d: KstDate): KstTime =>
  Math.min(...cal.sessionsOn(d).map((s) => s.openAuction!.start)) as KstTime;
const dayTo = (d: KstDate): KstTime =>
  (Math.max(...cal.sessionsOn(d).map((s) => s.close)) + 60_000) as KstTime;

function aggregate(trades: SimTrade[]) {
  return {
    open: trades[0]!.price,
    high: Math.max(...trades.map((t) => t.price)),
    low: Math.min(...trades.map((t) => t.price)),
    close: trades.at(-1)!.price,
    volume: trades.reduce((a, t) => a + t.qty, 0),
  };
}

// A normal week, an expiry day (2026-03-12), a CSAT day and the first day of a year (late open).
const DAYS = ['2026-03-09', '2026-03-12', '2026-03-13', '2025-11-13', '2026-01-02'].map(D);

describe('dailyBar', () => {
  it('is computed without generating any day of trades', () => {
    const m = createSimMarket({ seed: 4, stocks: 40 });
    const codes = ['005930', m.instruments(DAYS[0]!).filter((i) => i.kind === 'stock')[39]!.code];
    let bars = 0;
    for (let d = D('2026-01-05'); d <= D('2026-04-30'); d = addDays(d, 1)) {
      for (const code of [...codes, frontFuture('kospi200', d).code, frontFuture('mini', d).code])
        if (m.dailyBar(code, d)) bars++;
    }
    expect(bars).toBeGreaterThan(300);
    expect(m.core.tapesBuilt).toBe(0);
  });

  it('equals the aggregate of the day’s trades for stocks, futures (night included) and options', () => {
    const m = createSimMarket({ seed: 4, stocks: 60 });
    for (const d of DAYS) {
      const stocks = m.instruments(d).filter((i) => i.kind === 'stock');
      const options = m.optionBoard(
        'KOSPI200',
        'monthly',
        m.optionExpiries('KOSPI200', 'monthly', d)[0]!,
        dayTo(d),
      );
      const codes = [
        stocks[0]!.code,
        stocks[23]!.code,
        stocks[45]!.code,
        stocks[59]!.code,
        ...(['kospi200', 'mini', 'kosdaq150'] as const).map((f) => frontFuture(f, d).code),
        options.calls.find((r) => r.atm === 'ATM')!.instrument.code,
      ];
      for (const code of codes) {
        // Bars first: the answer must not depend on whether the tape exists yet.
        const bar = m.dailyBar(code, d);
        const trades = m.trades(code, dayFrom(d), dayTo(d));
        expect(trades.length, `${code} ${d}`).toBeGreaterThan(0);
        expect(bar, `${code} ${d}`).toMatchObject({ code, date: d, ...aggregate(trades) });
        expect(m.dailyBar(code, d)).toEqual(bar);
        const snap = m.snapshot(code, dayTo(d));
        expect([snap.open, snap.high, snap.low, snap.last, snap.cumVolume]).toEqual([
          bar!.open,
          bar!.high,
          bar!.low,
          bar!.close,
          bar!.volume,
        ]);
        expect(bar!.prevClose).toBe(snap.prevClose);
      }
    }
  });

  it('has a real range and volume, and the next day opens its limits around this close', () => {
    const m = createSimMarket({ seed: 4 });
    let ranged = 0;
    let prev: ReturnType<typeof m.dailyBar>;
    for (let d = D('2026-02-02'); d <= D('2026-03-31'); d = addDays(d, 1)) {
      const bar = m.dailyBar('000660', d);
      if (!cal.isTradingDay(d)) {
        expect(bar).toBeUndefined();
        continue;
      }
      expect(bar!.high).toBeGreaterThanOrEqual(Math.max(bar!.open, bar!.close));
      expect(bar!.low).toBeLessThanOrEqual(Math.min(bar!.open, bar!.close));
      if (bar!.high > Math.max(bar!.open, bar!.close) && bar!.low < Math.min(bar!.open, bar!.close)) ranged++;
      expect(bar!.volume).toBeGreaterThan(10_000);
      if (prev) expect(bar!.prevClose).toBe(prev.close);
      prev = bar;
    }
    expect(ranged).toBeGreaterThan(30);
    // Expired and not-yet-listed futures, and holidays, have no bar.
    const f = frontFuture('kospi200', D('2026-03-05'));
    expect(m.dailyBar(f.code, addDays(f.expiry!, 1))).toBeUndefined();
    expect(m.dailyBar('005930', D('2026-03-01'))).toBeUndefined();
  });
});

describe('REST daily charts', () => {
  let sim: SimulatorHandle;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulator({ clock: ManualClock.at('2026-03-13T11:00'), seed: 4, noticeEveryMs: 0 });
    token = await issueToken(sim);
  });
  afterAll(() => sim.close());

  it('serve the model’s daily bars for finished days and the live snapshot for today', async () => {
    const r = await get(
      sim,
      ENDPOINTS.stockDaily.path,
      {
        FID_COND_MRKT_DIV_CODE: 'J',
        FID_INPUT_ISCD: '035720',
        FID_INPUT_DATE_1: '20251001',
        FID_INPUT_DATE_2: '20260313',
        FID_PERIOD_DIV_CODE: 'D',
        FID_ORG_ADJ_PRC: '0',
      },
      authHeaders(sim, token, ENDPOINTS.stockDaily.trIdReal!),
    );
    const rows = r.json.output2 as Record<string, string>[];
    expect(rows).toHaveLength(100);
    expect(rows[0]!.stck_bsop_date).toBe('20260313');
    for (const row of rows.slice(1)) {
      const d = D(
        `${row.stck_bsop_date!.slice(0, 4)}-${row.stck_bsop_date!.slice(4, 6)}-${row.stck_bsop_date!.slice(6)}`,
      );
      const bar = sim.market.dailyBar('035720', d)!;
      expect(kisDate(d)).toBe(row.stck_bsop_date);
      expect([row.stck_oprc, row.stck_hgpr, row.stck_lwpr, row.stck_clpr, row.acml_vol].map(Number)).toEqual([
        bar.open,
        bar.high,
        bar.low,
        bar.close,
        bar.volume,
      ]);
    }
    const live = sim.market.snapshot('035720', parseKst('2026-03-13T11:00'));
    expect([rows[0]!.stck_oprc, rows[0]!.stck_clpr, rows[0]!.acml_vol].map(Number)).toEqual([
      live.open,
      live.last,
      live.cumVolume,
    ]);
  });
});
