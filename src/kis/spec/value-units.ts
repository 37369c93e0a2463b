/**
 * The unit KIS sends each money field in (거래대금, 시가총액, 자본금), per endpoint block and realtime TR: a
 * fact the workbook lacks (it says "누적 거래 대금" and nothing more), taken from real captured frames and
 * KIS's own examples (reference "Units of value fields"). The client multiplies by it at the boundary, so
 * every value krtrade hands on is in won; the simulator divides by it, so it sends what KIS sends. One table
 * for both, so they cannot drift apart.
 *
 * - Stocks: trading value in won; market cap (`hts_avls`) and capital (`cpfn`) in 억원 (KIS's example:
 *   `cpfn` 36577 with `cpfn_cnnm` "36,576 억"; `hts_avls` 935483 = price × listed shares ÷ 10⁸).
 * - Index derivatives (day, night): thousands of won. Real H0IFCNT0 frames of the mini KOSPI200 future: one
 *   contract at 1080.30 adds exactly 54,015 = 1080.30 × 50,000 ÷ 1,000; KIS's F/O price, chart and board
 *   examples agree (34 option contracts at 0.01 show as 85).
 * - Stock futures and options (H0ZFCNT0/H0ZOCNT0, divisions JF/JO): won (KIS's samples: 1,724 contracts of
 *   a 77,900-won stock future show 1,337,128,000).
 *
 * Keys are endpoint names of `ENDPOINTS` and TR ids of `REALTIME_LAYOUTS` (checked by a test; no import of
 * `index.ts` here, so there is no cycle).
 */

/** Won per KIS unit. */
export const WON = 1;
export const THOUSAND_WON = 1_000;
export const HUNDRED_MILLION_WON = 100_000_000;

/** Market divisions of stock futures/options: their trading value is in won, as for stocks. */
const STOCK_DERIVATIVE_DIVISIONS: ReadonlySet<string> = new Set(['JF', 'JO']);

/**
 * Trading value unit of a derivatives endpoint, by the market division asked for (`FID_COND_MRKT_DIV_CODE`):
 * won for stock F/O (JF/JO), thousands of won for everything else (index F/O, night CM/EU, commodity CF).
 */
export function derivativeValueUnit(division: string): number {
  return STOCK_DERIVATIVE_DIVISIONS.has(division.toUpperCase()) ? WON : THOUSAND_WON;
}

/** A fixed unit, or `'derivative'`: by the request's market division (`derivativeValueUnit`). */
export type ValueUnitRule = number | 'derivative';

type BlockUnits = Readonly<Record<string, ValueUnitRule>>;

const STOCK_VALUE: BlockUnits = { acml_tr_pbmn: WON };
const STOCK_SUMMARY: BlockUnits = { acml_tr_pbmn: WON, hts_avls: HUNDRED_MILLION_WON, cpfn: HUNDRED_MILLION_WON };
const FO_VALUE: BlockUnits = { acml_tr_pbmn: 'derivative' };

/**
 * Every money field of the REST endpoints krtrade uses, by endpoint and block. Blocks and endpoints not
 * listed have none (order book, futures board, underlying bar, calendar).
 */
export const REST_VALUE_UNITS: Readonly<Record<string, Readonly<Record<string, BlockUnits>>>> = {
  stockPrice: { output: STOCK_SUMMARY },
  stockMinutesToday: { output1: STOCK_VALUE, output2: STOCK_VALUE },
  stockMinutesPast: { output1: STOCK_VALUE, output2: STOCK_VALUE },
  stockDaily: { output1: STOCK_SUMMARY, output2: STOCK_VALUE },
  foPrice: { output1: FO_VALUE },
  foMinutes: { output1: FO_VALUE, output2: FO_VALUE },
  foDaily: { output1: FO_VALUE, output2: FO_VALUE },
  optionBoard: { output1: FO_VALUE, output2: FO_VALUE },
};

/** Every money field of the realtime TRs krtrade parses, by TR (book and notice TRs have none). */
export const REALTIME_VALUE_UNITS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  H0STCNT0: { acml_tr_pbmn: WON },
  H0IFCNT0: { acml_tr_pbmn: THOUSAND_WON },
  H0MFCNT0: { acml_tr_pbmn: THOUSAND_WON },
  H0IOCNT0: { acml_tr_pbmn: THOUSAND_WON },
  H0EUCNT0: { acml_tr_pbmn: THOUSAND_WON },
  H0ZFCNT0: { acml_tr_pbmn: WON },
  H0ZOCNT0: { acml_tr_pbmn: WON },
};

const NONE: ReadonlyMap<string, number> = new Map();
const resolved = new Map<string, ReadonlyMap<string, number>>();

/**
 * Money fields of a response block and their unit (won per KIS unit) for a request's market division.
 * Resolved once per (endpoint, block, division). A block with division-dependent fields needs the division:
 * without it, which unit applies is unknown, and that is a bug in the caller.
 */
export function restValueUnits(endpoint: string, block: string, division?: string): ReadonlyMap<string, number> {
  const rules = REST_VALUE_UNITS[endpoint]?.[block];
  if (!rules) return NONE;
  const key = `${endpoint}|${block}|${division ?? ''}`;
  let units = resolved.get(key);
  if (units) return units;
  const m = new Map<string, number>();
  for (const [field, rule] of Object.entries(rules)) {
    if (rule !== 'derivative') m.set(field, rule);
    else if (division === undefined) throw new Error(`${endpoint}.${block}.${field}: the unit depends on the market division, and none was given`);
    else m.set(field, derivativeValueUnit(division));
  }
  resolved.set(key, (units = m));
  return units;
}

/** Unit (won per KIS unit) of a realtime TR's money field, or undefined when the field is not money. */
export function realtimeValueUnit(trId: string, field: string): number | undefined {
  return REALTIME_VALUE_UNITS[trId]?.[field];
}

/**
 * What KIS sends for an amount of `won`: whole units, the remainder truncated (the simulator's assumption:
 * real frames only show whole-thousand increments; an index-option trade worth 2,500 won cannot show as
 * 2.5). Rounding the won first keeps float noise (8.2 × 250,000 = 2,049,999.99…) from losing a unit.
 */
export function toKisUnits(won: number, unit: number): number {
  const whole = Math.round(won);
  return unit === WON ? whole : Math.trunc(whole / unit);
}
