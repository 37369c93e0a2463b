/**
 * The chart semantics clients rely on (forming minute, future input time, paging, night +24 h). Layout
 * conformance of every endpoint (fields, order, strings, headers) is in conformance-rest.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { type KstDate, dateOf, floorMinute, kisHhmmss, parseKst, toKst } from '../../src/time/kst.js';
import { ManualClock, authHeaders, get, issueToken } from './helpers.js';

const TODAY = '2026-11-24' as KstDate;
let sim: SimulatorHandle;
let token: string;
let clock: ManualClock;
let futureCode: string;

beforeAll(async () => {
  clock = ManualClock.at('2026-11-24T13:30:30');
  // Rate limits are tested in server-auth; here back-to-back calls must not trip the 20/s window.
  sim = await startSimulator({ clock, seed: 11, noticeEveryMs: 0, rateLimitPerSecond: 1000 });
  token = await issueToken(sim);
  const futs = sim.market.instruments(TODAY).filter((i) => i.kind === 'future' && i.family === 'kospi200');
  futureCode = futs.sort((a, b) => (a.expiry! < b.expiry! ? -1 : 1))[0]!.code;
});
afterAll(() => sim.close());

describe('chart semantics', () => {
  const minutes = (hour: string) =>
    get(
      sim,
      ENDPOINTS.stockMinutesToday.path,
      {
        FID_COND_MRKT_DIV_CODE: 'J',
        FID_INPUT_ISCD: '005930',
        FID_INPUT_HOUR_1: hour,
        FID_PW_DATA_INCU_YN: 'N',
        FID_ETC_CLS_CODE: '',
      },
      authHeaders(sim, token, 'FHKST03010200'),
    );

  it('bars equal the OHLCV of the model trades, and the forming minute is the newest row', async () => {
    const r = await minutes('133000');
    const rows = r.json.output2 as Record<string, string>[];
    const now = toKst(clock.now());
    expect(rows[0]!.stck_cntg_hour).toBe(kisHhmmss(floorMinute(now)));
    for (const row of rows.slice(0, 5)) {
      const start = parseKst(
        `2026-11-24T${row.stck_cntg_hour!.slice(0, 2)}:${row.stck_cntg_hour!.slice(2, 4)}`,
      );
      const end = Math.min(start + 60_000, now) as typeof start;
      const trades = sim.market.trades('005930', start, end);
      expect(trades.length).toBeGreaterThan(0);
      expect(Number(row.stck_oprc)).toBe(trades[0]!.price);
      expect(Number(row.stck_prpr)).toBe(trades.at(-1)!.price);
      expect(Number(row.stck_hgpr)).toBe(Math.max(...trades.map((t) => t.price)));
      expect(Number(row.stck_lwpr)).toBe(Math.min(...trades.map((t) => t.price)));
      expect(Number(row.cntg_vol)).toBe(trades.reduce((s, t) => s + t.qty, 0));
    }
  });

  it('treats a future input time as now and pages by moving the time back', async () => {
    const first = (await minutes('153000')).json.output2 as Record<string, string>[];
    expect(first[0]!.stck_cntg_hour).toBe('133000');
    const oldest = first.at(-1)!.stck_cntg_hour!;
    const prev = parseKst(`2026-11-24T${oldest.slice(0, 2)}:${oldest.slice(2, 4)}`) - 60_000;
    const second = (await minutes(kisHhmmss(prev as never))).json.output2 as Record<string, string>[];
    expect(second[0]!.stck_cntg_hour).toBe(kisHhmmss(prev as never));
    expect(second.length).toBe(30);
    expect(new Set([...first, ...second].map((x) => x.stck_cntg_hour)).size).toBe(60);
  });

  it('stops at the session start when asked before the open', async () => {
    const rows = (await minutes('085900')).json.output2 as unknown[];
    expect(rows).toEqual([]);
  });

  it('answers an unknown code with HTTP 200 and rt_cd 1', async () => {
    const r = await get(
      sim,
      ENDPOINTS.stockPrice.path,
      { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: '999999' },
      authHeaders(sim, token, 'FHKST01010100'),
    );
    expect(r.status).toBe(200);
    expect(r.json.rt_cd).toBe('1');
    expect(String(r.json.msg1)).toContain('999999');
  });

  it('pages chk-holiday with tr_cont, 24 days a page', async () => {
    const h = authHeaders(sim, token, 'CTCA0903R');
    const q = { BASS_DT: '20261224', CTX_AREA_NK: '', CTX_AREA_FK: '' };
    const p1 = await get(sim, ENDPOINTS.holidays.path, q, h);
    const rows1 = p1.json.output as Record<string, string>[];
    expect(rows1).toHaveLength(24);
    expect(p1.headers.get('tr_cont')).toBe('F');
    expect(rows1.find((x) => x.bass_dt === '20261225')!.opnd_yn).toBe('N');
    expect(rows1.find((x) => x.bass_dt === '20261228')!.opnd_yn).toBe('Y');
    const nk = String(p1.json.ctx_area_nk).trim();
    expect(nk).toBe('20270117');
    const p2 = await get(
      sim,
      ENDPOINTS.holidays.path,
      { ...q, CTX_AREA_NK: nk, CTX_AREA_FK: String(p1.json.ctx_area_fk) },
      { ...h, tr_cont: 'N' },
    );
    expect((p2.json.output as Record<string, string>[])[0]!.bass_dt).toBe('20270117');
    expect(p2.headers.get('tr_cont')).toBe('M');
  });
});

describe('night session', () => {
  it('encodes after-midnight F/O minute bars as hour + 24 on the evening date (CM)', async () => {
    const nightClock = ManualClock.at('2026-11-25T01:30:20');
    const night = await startSimulator({ clock: nightClock, seed: 11, noticeEveryMs: 0 });
    try {
      const t = await issueToken(night);
      const r = await get(
        night,
        ENDPOINTS.foMinutes.path,
        {
          FID_COND_MRKT_DIV_CODE: 'CM',
          FID_INPUT_ISCD: futureCode,
          FID_HOUR_CLS_CODE: '60',
          FID_PW_DATA_INCU_YN: 'N',
          FID_FAKE_TICK_INCU_YN: '',
          FID_INPUT_DATE_1: '',
          FID_INPUT_HOUR_1: '',
        },
        authHeaders(night, t, 'FHKIF03020200'),
      );
      const rows = r.json.output2 as Record<string, string>[];
      expect(rows.length).toBe(102);
      expect(rows[0]).toMatchObject({ stck_bsop_date: '20261124', stck_cntg_hour: '253000' });
      const mins = rows.map((x) => Number(x.stck_cntg_hour));
      for (let i = 1; i < mins.length; i++) expect(mins[i]!).toBeLessThan(mins[i - 1]!);
      expect(rows.some((x) => x.stck_cntg_hour!.startsWith('23'))).toBe(true);
      // The same code on the day-session division has no night bars.
      const day = await get(
        night,
        ENDPOINTS.foMinutes.path,
        {
          FID_COND_MRKT_DIV_CODE: 'F',
          FID_INPUT_ISCD: futureCode,
          FID_HOUR_CLS_CODE: '60',
          FID_PW_DATA_INCU_YN: 'N',
          FID_FAKE_TICK_INCU_YN: '',
          FID_INPUT_DATE_1: '',
          FID_INPUT_HOUR_1: '',
        },
        authHeaders(night, t, 'FHKIF03020200'),
      );
      for (const x of day.json.output2 as Record<string, string>[]) {
        const h = Number(x.stck_cntg_hour!.slice(0, 2));
        expect(h >= 8 && h < 16).toBe(true);
      }
      expect(dateOf(toKst(nightClock.now()))).toBe('2026-11-25');
    } finally {
      await night.close();
    }
  });
});
