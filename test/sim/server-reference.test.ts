/**
 * Reference fields are real values, consistent with each other and with the daily charts the same
 * simulator serves: tick size from the KRX table, listed shares, market cap (억원), PER/PBR/EPS/BPS,
 * 52-week / 250-day / year-to-date highs and lows with their dates (stock price endpoint); previous-day
 * volume and OHLC (F/O chart summaries) and a future's listing-period high/low (F/O price endpoint).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { tickSize } from '../../src/market/instruments/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { type KstDate, addDays, dateOf, daysBetween, kisDate, toKst } from '../../src/time/kst.js';
import { ManualClock, authHeaders, get, issueToken } from './helpers.js';

type Row = Record<string, string>;
let sim: SimulatorHandle;
let token: string;
const TODAY = '2026-11-24' as KstDate;

beforeAll(async () => {
  // The limit is lifted: these checks page many calls back to back, and how many land in one second depends on the machine.
  sim = await startSimulator({ clock: ManualClock.at(`${TODAY}T11:00`), seed: 9, noticeEveryMs: 0, rateLimitPerSecond: 10_000 });
  token = await issueToken(sim);
});
afterAll(() => sim.close());

async function ask(ep: 'stockPrice' | 'stockDaily' | 'foPrice' | 'foDaily' | 'foMinutes' | 'optionBoard', query: Record<string, string>): Promise<Record<string, unknown>> {
  const e = ENDPOINTS[ep];
  const r = await get(sim, e.path, query, authHeaders(sim, token, e.trIdReal!));
  expect(r.json.rt_cd).toBe('0');
  return r.json;
}

/** Daily rows (newest first) from `from` to today, paging by the end date like a client. */
async function dailyRows(ep: 'stockDaily' | 'foDaily', code: string, div: string, from: KstDate): Promise<Row[]> {
  const out: Row[] = [];
  let end = TODAY;
  for (;;) {
    const q = { FID_COND_MRKT_DIV_CODE: div, FID_INPUT_ISCD: code, FID_INPUT_DATE_1: kisDate(from), FID_INPUT_DATE_2: kisDate(end), FID_PERIOD_DIV_CODE: 'D', FID_ORG_ADJ_PRC: '0' };
    const rows = (await ask(ep, q)).output2 as Row[];
    out.push(...rows);
    if (rows.length < 100) return out;
    const last = rows[rows.length - 1]!.stck_bsop_date!;
    end = addDays(`${last.slice(0, 4)}-${last.slice(4, 6)}-${last.slice(6)}` as KstDate, -1);
  }
}

const n = (r: Row, f: string): number => Number(r[f]);
const dateOfRow = (r: Row): KstDate => `${r.stck_bsop_date!.slice(0, 4)}-${r.stck_bsop_date!.slice(4, 6)}-${r.stck_bsop_date!.slice(6)}` as KstDate;

function expectExtremes(o: Row, rows: Row[], hi: [string, string], lo: [string, string], highField: string, lowField: string): void {
  const maxHigh = Math.max(...rows.map((r) => n(r, highField)));
  const minLow = Math.min(...rows.map((r) => n(r, lowField)));
  expect(n(o, hi[0])).toBe(maxHigh);
  expect(n(o, lo[0])).toBe(minLow);
  // The dates name a day of the window that made the extreme.
  expect(rows.some((r) => r.stck_bsop_date === o[hi[1]] && n(r, highField) === maxHigh)).toBe(true);
  expect(rows.some((r) => r.stck_bsop_date === o[lo[1]] && n(r, lowField) === minLow)).toBe(true);
}

describe('stock price endpoint reference fields', () => {
  // One stock per tick band the basket covers (1,873 … 880,000 KRW).
  it.each(['1200A0', '0088M0', '0126Z0', '035720', '005930', '373220', '207940'])('%s', async (code) => {
    const o = (await ask('stockPrice', { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: code })).output as Row;
    const price = n(o, 'stck_prpr');
    const inst = sim.market.instrument(code)!;
    // Tick from the KRX table at the current price; the price, limits and base sit on it.
    expect(n(o, 'aspr_unit')).toBe(tickSize(inst, price));
    expect(Number.isInteger(price / n(o, 'aspr_unit'))).toBe(true);
    const shares = n(o, 'lstn_stcn');
    expect(shares).toBeGreaterThan(1_000_000);
    expect(Math.abs(n(o, 'hts_avls') - (price * shares) / 1e8)).toBeLessThanOrEqual(1);
    for (const f of ['eps', 'bps', 'per', 'pbr', 'marg_rate', 'stck_fcam', 'cpfn']) expect(n(o, f), f).toBeGreaterThan(0);
    expect(n(o, 'per')).toBeCloseTo(price / n(o, 'eps'), 2);
    expect(n(o, 'pbr')).toBeCloseTo(price / n(o, 'bps'), 2);
    expect(n(o, 'vol_tnrt')).toBeCloseTo((n(o, 'acml_vol') / shares) * 100, 2);
    expect(n(o, 'rstc_wdth_prc')).toBe(n(o, 'stck_mxpr') - n(o, 'stck_sdpr'));

    // Highs and lows against the daily chart: today's row is the live snapshot, older rows the model's bars.
    const rows = await dailyRows('stockDaily', code, 'J', addDays(TODAY, -380));
    const w52 = rows.filter((r) => daysBetween(dateOfRow(r), TODAY) < 364);
    expectExtremes(o, w52, ['w52_hgpr', 'w52_hgpr_date'], ['w52_lwpr', 'w52_lwpr_date'], 'stck_hgpr', 'stck_lwpr');
    expectExtremes(o, rows.slice(0, 250), ['d250_hgpr', 'd250_hgpr_date'], ['d250_lwpr', 'd250_lwpr_date'], 'stck_hgpr', 'stck_lwpr');
    const ytd = rows.filter((r) => r.stck_bsop_date!.startsWith('2026'));
    expectExtremes(o, ytd, ['stck_dryy_hgpr', 'dryy_hgpr_date'], ['stck_dryy_lwpr', 'dryy_lwpr_date'], 'stck_hgpr', 'stck_lwpr');
    expect(n(o, 'w52_hgpr_vrss_prpr_ctrt')).toBeCloseTo(((price - n(o, 'w52_hgpr')) / n(o, 'w52_hgpr')) * 100, 1);
    // Today's volume against the previous day's.
    expect(n(o, 'prdy_vrss_vol_rate')).toBeCloseTo((n(o, 'acml_vol') / n(rows[1]!, 'acml_vol')) * 100, 1);

    // The period chart's summary reports the same shares, cap and ratios.
    const d1 = (await ask('stockDaily', { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: code, FID_INPUT_DATE_1: '', FID_INPUT_DATE_2: '', FID_PERIOD_DIV_CODE: 'D', FID_ORG_ADJ_PRC: '0' })).output1 as Row;
    for (const f of ['lstn_stcn', 'hts_avls', 'per', 'eps', 'pbr', 'stck_fcam', 'cpfn']) expect(d1[f], f).toBe(o[f]);
  });
});

describe('F/O reference fields', () => {
  const front = (): string =>
    sim.market
      .instruments(dateOf(toKst(sim.clock.now())))
      .filter((i) => i.kind === 'future' && i.family === 'kospi200')
      .sort((a, b) => (a.expiry! < b.expiry! ? -1 : 1))[0]!.code;

  it('chart summaries carry the previous day’s volume and OHLC, as the daily chart’s previous row', async () => {
    const code = front();
    const rows = await dailyRows('foDaily', code, 'F', addDays(TODAY, -10));
    const prev = rows[1]!;
    const daily = (await ask('foDaily', { FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_ISCD: code, FID_INPUT_DATE_1: '', FID_INPUT_DATE_2: '', FID_PERIOD_DIV_CODE: 'D' })).output1 as Row;
    const minutes = (await ask('foMinutes', { FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_ISCD: code, FID_HOUR_CLS_CODE: '60', FID_PW_DATA_INCU_YN: 'N', FID_FAKE_TICK_INCU_YN: 'N', FID_INPUT_DATE_1: '', FID_INPUT_HOUR_1: '' })).output1 as Row;
    for (const o of [daily, minutes]) {
      expect(n(o, 'prdy_vol')).toBe(n(prev, 'acml_vol'));
      expect(o.futs_prdy_oprc).toBe(prev.futs_oprc);
      expect(o.futs_prdy_hgpr).toBe(prev.futs_hgpr);
      expect(o.futs_prdy_lwpr).toBe(prev.futs_lwpr);
      expect(o.futs_prdy_clpr).toBe(prev.futs_prpr);
      expect(n(o, 'prdy_vol')).toBeGreaterThan(0);
    }
  });

  it('the price endpoint’s listing-period high/low bracket every daily bar since the listing', async () => {
    const code = front();
    const o = (await ask('foPrice', { FID_COND_MRKT_DIV_CODE: 'F', FID_INPUT_ISCD: code })).output1 as Row;
    // The December contract lists three years ahead: well over 100 rows back.
    const rows = await dailyRows('foDaily', code, 'F', addDays(TODAY, -400));
    expect(rows.length).toBeGreaterThan(200);
    const hi = n(o, 'futs_lstn_medm_hgpr');
    const lo = n(o, 'futs_lstn_medm_lwpr');
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeGreaterThanOrEqual(Math.max(...rows.map((r) => n(r, 'futs_hgpr'))));
    expect(lo).toBeLessThanOrEqual(Math.min(...rows.map((r) => n(r, 'futs_lwpr'))));
    expect(hi).toBeGreaterThanOrEqual(n(o, 'futs_hgpr'));
  });
});

describe('historical volatility', () => {
  it('is the underlying’s 90-day realised vol, the same on every board row and on the F/O price endpoint', async () => {
    const cal = defaultCalendar();
    const closes: number[] = [];
    for (let d = addDays(TODAY, -1); closes.length < 91; d = addDays(d, -1))
      if (cal.isTradingDay(d)) closes.push(sim.market.indexLevel('KOSPI200', cal.session('stocks', d)!.close));
    const r = closes.slice(1).map((c, i) => Math.log(closes[i]! / c));
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const expected = Math.sqrt((r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1)) * 250) * 100;
    expect(expected).toBeGreaterThan(5);
    expect(expected).toBeLessThan(60);

    const expiry = sim.market.optionExpiries('KOSPI200', 'monthly', TODAY)[0]!;
    const board = await ask('optionBoard', {
      FID_COND_MRKT_DIV_CODE: 'O', FID_COND_SCR_DIV_CODE: '20503', FID_MRKT_CLS_CODE: 'CO',
      FID_MTRT_CNT: expiry.slice(0, 4) + expiry.slice(5, 7), FID_COND_MRKT_CLS_CODE: '', FID_MRKT_CLS_CODE1: 'PO',
    });
    const rows = [...(board.output1 as Row[]), ...(board.output2 as Row[])];
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(n(row, 'hist_vltl')).toBeCloseTo(expected, 3);
    const option = (await ask('foPrice', { FID_COND_MRKT_DIV_CODE: 'O', FID_INPUT_ISCD: rows[0]!.optn_shrn_iscd! })).output1 as Row;
    expect(option.hist_vltl).toBe(rows[0]!.hist_vltl);
  });
});

describe('pivot points', () => {
  it('reproduce KIS’s own example (previous day H 130,000 L 126,500 C 128,500, close below the open)', async () => {
    const { pivots } = await import('../../src/sim/server/stock-reference.js');
    expect(pivots(129_000, 130_000, 126_500, 128_500)).toEqual({
      pvt_scnd_dmrs_prc: '131833',
      pvt_frst_dmrs_prc: '130166',
      pvt_pont_val: '128333',
      pvt_frst_dmsp_prc: '126666',
      pvt_scnd_dmsp_prc: '124833',
      dmrs_val: '129250',
      dmsp_val: '125750',
    });
  });
});
