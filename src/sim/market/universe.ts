/**
 * The simulated stock basket and the two indices. Codes look like KRX's (6 characters, a few with a
 * letter as issued since the 2024 code reform); names are invented so nobody mistakes the data for real.
 * Parameters are per stock: price level in 2026, beta to its index, idiosyncratic daily vol, liquidity.
 */

export interface StockSpec {
  code: string;
  name: string;
  market: 'KOSPI' | 'KOSDAQ';
  /** Median price level (KRW) of the stationary daily series. */
  basePrice: number;
  beta: number;
  /** Idiosyncratic daily log-vol. */
  idioVol: number;
  /** Mean trades per second in continuous trading away from the open/close. */
  tradeRate: number;
}

export interface IndexSpec {
  name: 'KOSPI200' | 'KOSDAQ150';
  baseLevel: number;
  /** Daily log-vol of the index. */
  dailyVol: number;
}

export const INDICES: Record<'KOSPI200' | 'KOSDAQ150', IndexSpec> = {
  KOSPI200: { name: 'KOSPI200', baseLevel: 1000, dailyVol: 0.011 },
  KOSDAQ150: { name: 'KOSDAQ150', baseLevel: 1400, dailyVol: 0.014 },
};

/** How much of KOSDAQ150's daily and intraday moves come from KOSPI200 (correlation ≈ 0.8). */
export const KOSDAQ_LOADING = 0.8;

// prettier-ignore
const ROWS: [string, string, 'KOSPI' | 'KOSDAQ', number, number, number, number][] = [
  ['005930', 'Hanbit Electronics',      'KOSPI', 78_000,    1.05, 0.012, 2.5],
  ['000660', 'Daehan Semicon',          'KOSPI', 215_000,   1.3,  0.018, 1.8],
  ['373220', 'Nuri Energy Solution',    'KOSPI', 390_000,   1.2,  0.020, 1.0],
  ['207940', 'Sejin Biologics',         'KOSPI', 880_000,   0.8,  0.015, 0.5],
  ['005380', 'Kumho Motors',            'KOSPI', 245_000,   1.0,  0.014, 0.9],
  ['000270', 'Seorak Auto',             'KOSPI', 112_000,   1.0,  0.014, 0.9],
  ['068270', 'Celtic Pharm',            'KOSPI', 182_000,   0.7,  0.017, 0.8],
  ['035420', 'Pado Internet',           'KOSPI', 196_000,   1.1,  0.016, 0.8],
  ['105560', 'Hanul Financial',         'KOSPI', 83_000,    0.9,  0.012, 0.6],
  ['055550', 'Mirae Bank Holdings',     'KOSPI', 52_000,    0.9,  0.012, 0.6],
  ['012330', 'Gangnam Mobis',           'KOSPI', 236_000,   0.9,  0.013, 0.5],
  ['051910', 'Sinsung Chemical',        'KOSPI', 318_000,   1.2,  0.019, 0.6],
  ['006400', 'Jeil SDI',                'KOSPI', 356_000,   1.3,  0.020, 0.6],
  ['028260', 'Hanbit C&T',              'KOSPI', 131_000,   0.9,  0.013, 0.4],
  ['035720', 'Kakao-like Platform',     'KOSPI', 44_500,    1.2,  0.019, 1.2],
  ['003670', 'Posan Future M',          'KOSPI', 265_000,   1.4,  0.024, 0.7],
  ['015760', 'Korea Grid Power',        'KOSPI', 21_300,    0.6,  0.013, 0.8],
  ['017670', 'Telecom One',             'KOSPI', 51_600,    0.5,  0.009, 0.3],
  ['034020', 'Doosung Heavy',           'KOSPI', 19_850,    1.3,  0.024, 1.5],
  ['096770', 'Sunrise Innovation',      'KOSPI', 116_000,   1.1,  0.018, 0.4],
  ['000810', 'Hanbit Fire Insurance',   'KOSPI', 372_000,   0.6,  0.011, 0.2],
  ['032830', 'Hanbit Life',             'KOSPI', 88_700,    0.7,  0.013, 0.3],
  ['0126Z0', 'Gaon Robotics',           'KOSPI', 14_350,    1.5,  0.028, 0.9],
  ['0088M0', 'Miraero Shipbuilding',    'KOSPI', 3_460,     1.4,  0.026, 1.1],
  ['247540', 'Ecopro-like BM',          'KOSDAQ', 168_000,  1.5,  0.026, 1.2],
  ['086520', 'Ecoline',                 'KOSDAQ', 96_400,   1.5,  0.027, 1.0],
  ['196170', 'Alto Gen',                'KOSDAQ', 342_000,  1.2,  0.025, 0.7],
  ['028300', 'HLB-like Bio',            'KOSDAQ', 61_200,   1.2,  0.028, 0.9],
  ['263750', 'Pearl Games',             'KOSDAQ', 38_950,   1.0,  0.020, 0.5],
  ['0009K0', 'Daon Semitech',           'KOSDAQ', 7_480,    1.6,  0.030, 1.2],
  ['041510', 'SM-like Entertainment',   'KOSDAQ', 82_300,   0.9,  0.019, 0.4],
  ['1200A0', 'Cheongsan Battery',       'KOSDAQ', 1_873,    1.7,  0.032, 1.4],
];

export const STOCKS: readonly StockSpec[] = ROWS.map(
  ([code, name, market, basePrice, beta, idioVol, tradeRate]) => ({
    code,
    name,
    market,
    basePrice,
    beta,
    idioVol,
    tradeRate,
  }),
);
