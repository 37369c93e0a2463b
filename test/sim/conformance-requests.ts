/**
 * Request values for walking every quotation endpoint, by parameter NAME (the names come from each
 * endpoint's layout; a name not known here gets '' and the call is expected to fail loudly).
 */
import { ENDPOINTS, type RestEndpointLayout } from '../../src/kis/spec/index.js';
import type { SimulatorHandle } from '../../src/sim/index.js';
import { type KstDate, toKst } from '../../src/time/kst.js';

export interface WalkCodes {
  /** Front KOSPI200 future. */
  futureCode: string;
  /** Nearest monthly option expiry as YYYYMM. */
  expiryYm: string;
  /** The ATM call of that expiry. */
  optionCode: string;
}

/** Which instrument a F/O call is about: the front future, or an option (F/O endpoints serve both). */
export type WalkVariant = 'future' | 'option';

export function walkCodes(sim: SimulatorHandle, today: KstDate): WalkCodes {
  const futs = sim.market.instruments(today).filter((i) => i.kind === 'future' && i.family === 'kospi200');
  const futureCode = futs.sort((a, b) => (a.expiry! < b.expiry! ? -1 : 1))[0]!.code;
  const expiry = sim.market.optionExpiries('KOSPI200', 'monthly', today)[0]!;
  const board = sim.market.optionBoard('KOSPI200', 'monthly', expiry, toKst(sim.clock.now()));
  const optionCode = board.calls.find((r) => r.atm === 'ATM')!.instrument.code;
  return { futureCode, expiryYm: expiry.replace('-', '').slice(0, 6), optionCode };
}

export const endpointNameOf = (path: string): string | undefined =>
  Object.entries(ENDPOINTS).find(([, ep]) => ep.path === path)?.[0];

const STOCK = new Set(['stockPrice', 'stockMinutesToday', 'stockMinutesPast', 'stockDaily']);

/** The F/O endpoints that answer for a future or an option code alike (each is walked with both). */
export const FO_INSTRUMENT_ENDPOINTS = new Set(['foPrice', 'foOrderBook', 'foMinutes', 'foDaily']);

function queryValue(endpoint: string, param: string, codes: WalkCodes, variant: WalkVariant): string {
  const stock = STOCK.has(endpoint);
  const option = variant === 'option' || endpoint === 'optionBoard';
  const div = stock ? 'J' : option ? 'O' : endpoint === 'optionExpiries' ? '' : 'F';
  const table: Record<string, string> = {
    FID_COND_MRKT_DIV_CODE: div,
    FID_INPUT_ISCD: stock ? '005930' : variant === 'option' ? codes.optionCode : codes.futureCode,
    FID_INPUT_HOUR_1: '133000',
    // Daily bars cost a day's tape each in the model: keep the range short (the cap is tested on minutes).
    FID_INPUT_DATE_1: endpoint.endsWith('Daily') ? '20261101' : '20261124',
    FID_INPUT_DATE_2: '20261124',
    FID_PERIOD_DIV_CODE: 'D',
    FID_ORG_ADJ_PRC: '0',
    FID_PW_DATA_INCU_YN: 'Y',
    FID_HOUR_CLS_CODE: '60',
    FID_COND_SCR_DIV_CODE: endpoint === 'optionExpiries' ? '509' : '20503',
    FID_MRKT_CLS_CODE: 'CO',
    FID_MRKT_CLS_CODE1: 'PO',
    FID_MTRT_CNT: codes.expiryYm,
    BASS_DT: '20261124',
  };
  return table[param] ?? '';
}

/** `path?query` of a quotation call with every parameter of the layout (for 2026-11-24, 13:30). */
export function quotationTarget(
  layout: RestEndpointLayout,
  codes: WalkCodes,
  variant: WalkVariant = 'future',
): string {
  const name = endpointNameOf(layout.path) ?? '?';
  const query = new URLSearchParams(
    layout.query.map((q): [string, string] => [q.name, queryValue(name, q.name, codes, variant)]),
  );
  return `${layout.path}?${query}`;
}
