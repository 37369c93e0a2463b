/**
 * The night session through the night divisions (CM futures, EU options): walking a whole session back page
 * by page, as the pipeline does, must return every candle minute of it — including the 06:00 closing-auction
 * candle, encoded `300000` on the evening's date — with exactly the model's bars. The day division must not
 * leak night bars, and the stream must put the 06:00 print on the night TR.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import type { Instrument } from '../../src/market/types.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import type { SimBar } from '../../src/sim/market/index.js';
import {
  type KstDate,
  type KstTime,
  addMinutes,
  atMinutes,
  formatKst,
  fromKisDateTime,
  kisDate,
} from '../../src/time/kst.js';
import { ManualClock, WsClient, approvalKey, authHeaders, get, issueToken, splitFrame } from './helpers.js';

const cal = defaultCalendar();
const EVENING = '2026-11-24' as KstDate;
const TRADING_DATE = '2026-11-25' as KstDate;
let sim: SimulatorHandle;
let clock: ManualClock;
let token: string;
let future: Instrument;
let option: Instrument;

beforeAll(async () => {
  clock = ManualClock.at('2026-11-25T11:00:00');
  sim = await startSimulator({ clock, seed: 13, noticeEveryMs: 0 });
  token = await issueToken(sim);
  future = sim.market
    .instruments(TRADING_DATE)
    .filter((i) => i.kind === 'future' && i.family === 'kospi200')
    .sort((a, b) => (a.expiry! < b.expiry! ? -1 : 1))[0]!;
  const expiry = sim.market.optionExpiries('KOSPI200', 'monthly', TRADING_DATE)[0]!;
  const board = sim.market.optionBoard('KOSPI200', 'monthly', expiry, atMinutes(EVENING, 20 * 60));
  option = board.calls.find((r) => r.atm === 'ATM')!.instrument;
});
afterAll(() => sim.close());

interface Row {
  date: string;
  hour: string;
  time: KstTime;
  bar: Omit<SimBar, 'code' | 'cumValue' | 'time'>;
}

async function page(div: string, code: string, date: string, hour: string, pastData = 'N'): Promise<Row[]> {
  const r = await get(
    sim,
    ENDPOINTS.foMinutes.path,
    {
      FID_COND_MRKT_DIV_CODE: div,
      FID_INPUT_ISCD: code,
      FID_HOUR_CLS_CODE: '60',
      FID_PW_DATA_INCU_YN: pastData,
      FID_FAKE_TICK_INCU_YN: 'N',
      FID_INPUT_DATE_1: date,
      FID_INPUT_HOUR_1: hour,
    },
    authHeaders(sim, token, 'FHKIF03020200'),
  );
  expect(r.json.rt_cd, JSON.stringify(r.json).slice(0, 200)).toBe('0');
  return (r.json.output2 as Record<string, string>[]).map((x) => ({
    date: x.stck_bsop_date!,
    hour: x.stck_cntg_hour!,
    time: fromKisDateTime(x.stck_bsop_date!, x.stck_cntg_hour!),
    bar: {
      open: Number(x.futs_oprc),
      high: Number(x.futs_hgpr),
      low: Number(x.futs_lwpr),
      close: Number(x.futs_prpr),
      volume: Number(x.cntg_vol),
    },
  }));
}

/** Walks a night division back from the session's end to its start, moving the input time to the oldest row − 1 min. */
async function walkNight(div: string, code: string): Promise<Row[]> {
  const out: Row[] = [];
  let date = kisDate(EVENING);
  let hour = '300000';
  for (let guard = 0; guard < 20; guard++) {
    const rows = await page(div, code, date, hour);
    out.push(...rows);
    if (rows.length < ENDPOINTS.foMinutes.rowCap!) break;
    const oldest = rows[rows.length - 1]!;
    const next = addMinutes(oldest.time, -1);
    // The next request uses the same +24 h encoding on the evening's date.
    const h = Math.floor((next - atMinutes(EVENING, 0)) / 3_600_000);
    date = kisDate(EVENING);
    hour = String(h).padStart(2, '0') + formatKst(next).slice(14, 16) + '00';
  }
  return out.reverse();
}

const ohlcv = (b: SimBar): Row['bar'] => ({
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
  volume: b.volume,
});

describe('night session through the night divisions', () => {
  it('CM: walking a whole night session returns every candle minute, ending with 06:00 as 300000', async () => {
    const rows = await walkNight('CM', future.code);
    const session = cal.session('night', TRADING_DATE)!;
    const expected = cal.candleMinutes('night', TRADING_DATE);
    expect(expected.at(-1)).toBe(session.close);
    expect(rows.map((r) => formatKst(r.time))).toEqual(expected.map(formatKst));
    const last = rows.at(-1)!;
    expect({ date: last.date, hour: last.hour }).toEqual({ date: '20261124', hour: '300000' });
    // Every row is on the evening's date, after-midnight hours counted from 24.
    expect(rows.every((r) => r.date === '20261124')).toBe(true);
    const model = sim.market.minuteBars(future.code, session.open, addMinutes(session.close, 1));
    expect(rows.map((r) => r.bar)).toEqual(model.map(ohlcv));
  });

  it('CM: a blank time on the evening date means the end of its session, the 06:00 candle first', async () => {
    const rows = await page('CM', future.code, kisDate(EVENING), '');
    expect(rows[0]!.hour).toBe('300000');
    expect(rows[1]!.hour).toBe('294900');
  });

  it('EU: the ATM option walks the same way and equals the model bars (sparse: only minutes with trades)', async () => {
    const rows = await walkNight('EU', option.code);
    const session = cal.session('night', TRADING_DATE)!;
    const model = sim.market.minuteBars(option.code, session.open, addMinutes(session.close, 1));
    expect(model.length).toBeGreaterThan(10);
    expect(rows.map((r) => formatKst(r.time))).toEqual(model.map((b) => formatKst(b.time)));
    expect(rows.map((r) => r.bar)).toEqual(model.map(ohlcv));
  });

  it('F: the day division serves no night bar, not even the 06:00 closing candle', async () => {
    const rows = await page('F', future.code, kisDate(TRADING_DATE), '070000', 'Y');
    expect(rows.length).toBeGreaterThan(0);
    const day = cal.session('derivatives', TRADING_DATE)!;
    for (const r of rows) expect(r.time < day.open - 60 * 60_000 || r.time >= day.open).toBe(true);
    expect(rows.some((r) => r.hour === '060000')).toBe(false);
    // Past data reaches back into the previous day session, and never into the night.
    expect(rows.every((r) => Number(r.hour.slice(0, 2)) >= 8 && Number(r.hour.slice(0, 2)) < 16)).toBe(true);
  });
});

describe('night session on the stream', () => {
  it('sends the 06:00 closing print on the night futures TR, not the day one', async () => {
    const streamClock = ManualClock.at('2026-11-25T05:59:30');
    const s = await startSimulator({
      clock: streamClock,
      seed: 13,
      noticeEveryMs: 0,
      nightHourEncoding: 'plus24',
    });
    const ws = await WsClient.open(`${s.wsUrl}/tryitout`);
    try {
      const key = await approvalKey(s);
      for (const tr of ['H0MFCNT0', 'H0IFCNT0']) {
        ws.subscribe(key, tr, future.code);
        await ws.control((c) => c.header.tr_id === tr);
      }
      streamClock.advance(45_000);
      s.pumpStream();
      const frame = splitFrame(await ws.next((m) => m.startsWith('0|')));
      expect(frame.trId).toBe('H0MFCNT0');
      const closing = s.market.trades(
        future.code,
        atMinutes(TRADING_DATE, 360),
        atMinutes(TRADING_DATE, 361),
      );
      expect(closing).toHaveLength(1);
      expect(frame.count).toBe(1);
      expect(frame.payload.split('^')[1]).toBe('300000');
      await new Promise((r) => setTimeout(r, 100));
      expect(ws.messages.filter((m) => m.startsWith('0|H0IFCNT0'))).toEqual([]);
    } finally {
      ws.close();
      await s.close();
    }
  });
});
