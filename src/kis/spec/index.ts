/**
 * The one definition of KIS message layouts, used by both the client parsers and the simulator.
 * Field lists, paths and tr_ids come from KIS's workbook (generated); the facts the workbook lacks
 * (row caps, paging style, per-endpoint limits, the unit of every money field in `value-units.ts`) are
 * added here, each from the KIS protocol reference.
 */
import { REST_LAYOUTS } from './generated/rest.js';
import { REALTIME_LAYOUTS } from './generated/realtime.js';
import type { RealtimeTrLayout, RestEndpointLayout } from './types.js';

export type { RealtimeTrLayout, RestEndpointLayout, RestBlockLayout, RestQueryParam } from './types.js';
export { REALTIME_LAYOUTS };
export * from './value-units.js';

export interface EndpointFacts {
  /** Rows per call the server returns at most (newest first). */
  rowCap?: number;
  /** How to get older rows: by moving the time/date inputs, or with the `tr_cont` header. */
  paging?: 'time' | 'date' | 'tr_cont';
  /** Extra per-endpoint limit KIS asks for (calls per second). */
  maxPerSecond?: number;
}

const byPath = (path: string): RestEndpointLayout => {
  const found = (REST_LAYOUTS as readonly RestEndpointLayout[]).find((l) => l.path === path);
  if (!found) throw new Error(`no KIS layout for ${path}`);
  return found;
};

const Q = '/uapi/domestic-stock/v1/quotations';
const FO = '/uapi/domestic-futureoption/v1/quotations';

function endpoint(path: string, facts: EndpointFacts = {}): RestEndpointLayout & EndpointFacts {
  return { ...byPath(path), ...facts };
}

/** Every REST endpoint krtrade uses, by a stable English name. */
export const ENDPOINTS = {
  tokenIssue: endpoint('/oauth2/tokenP'),
  tokenRevoke: endpoint('/oauth2/revokeP'),
  wsApproval: endpoint('/oauth2/Approval'),
  hashkey: { path: '/uapi/hashkey', method: 'POST' } as const,
  stockPrice: endpoint(`${Q}/inquire-price`),
  stockMinutesToday: endpoint(`${Q}/inquire-time-itemchartprice`, { rowCap: 30, paging: 'time' }),
  stockMinutesPast: endpoint(`${Q}/inquire-time-dailychartprice`, { rowCap: 120, paging: 'time' }),
  stockDaily: endpoint(`${Q}/inquire-daily-itemchartprice`, { rowCap: 100, paging: 'date' }),
  holidays: endpoint(`${Q}/chk-holiday`, { paging: 'tr_cont' }),
  marketTime: endpoint(`${Q}/market-time`),
  foPrice: endpoint(`${FO}/inquire-price`),
  foOrderBook: endpoint(`${FO}/inquire-asking-price`),
  foMinutes: endpoint(`${FO}/inquire-time-fuopchartprice`, { rowCap: 102, paging: 'time' }),
  foDaily: endpoint(`${FO}/inquire-daily-fuopchartprice`, { rowCap: 100, paging: 'date' }),
  optionBoard: endpoint(`${FO}/display-board-callput`, { rowCap: 100, maxPerSecond: 1 }),
  optionExpiries: endpoint(`${FO}/display-board-option-list`),
  futuresBoard: endpoint(`${FO}/display-board-futures`),
  underlyingBar: endpoint(`${FO}/display-board-top`),
} as const;

export type EndpointName = keyof typeof ENDPOINTS;

export type RealtimeTrId = keyof typeof REALTIME_LAYOUTS;

export function realtimeLayout(trId: string): RealtimeTrLayout | undefined {
  return (REALTIME_LAYOUTS as Record<string, RealtimeTrLayout>)[trId];
}

/** Index of a field in a TR's record, or throws (a typo in our own code, not bad input). */
export function fieldIndex(trId: RealtimeTrId, field: string): number {
  const i = (REALTIME_LAYOUTS[trId].fields as readonly string[]).indexOf(field);
  if (i < 0) throw new Error(`${trId} has no field ${field}`);
  return i;
}

/** KIS hosts (reference §1). */
export const KIS_HOSTS = {
  real: { rest: 'https://openapi.koreainvestment.com:9443', ws: 'ws://ops.koreainvestment.com:21000' },
  paper: { rest: 'https://openapivts.koreainvestment.com:29443', ws: 'ws://ops.koreainvestment.com:31000' },
} as const;

/** Market-division codes (`FID_COND_MRKT_DIV_CODE`). */
export const MARKET_DIV = {
  stockKrx: 'J', stockNxt: 'NX', stockUnified: 'UN', indexFutures: 'F', indexOptions: 'O',
  stockFutures: 'JF', stockOptions: 'JO', commodityFutures: 'CF', nightFutures: 'CM', nightOptions: 'EU',
} as const;

/** `tr_cont` response values: more data follows, or this is the last page. */
export const TR_CONT_MORE = ['F', 'M'] as const;
export const TR_CONT_LAST = ['D', 'E'] as const;
