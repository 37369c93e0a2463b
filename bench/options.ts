/**
 * Option-math throughput: Black-76 prices, greeks and implied-vol solves per second over a realistic
 * KOSPI200 chain (41 strikes × calls/puts, 1–60 days), and option-matrix builds per snapshot. The
 * baseline is plain Black-76 pricing measured in the same run; the IV figure is reported as a ratio
 * of it (how many prices one IV solve costs).
 *
 *   npx tsx bench/options.ts [seconds-per-case]
 */
import {
  black76Greeks,
  black76Price,
  buildOptionMatrices,
  impliedVol,
  type OptionRight,
} from '../src/options/index.js';
import type { OptionChainRow } from '../src/db/types.js';
import { kstTime } from '../src/time/kst.js';

const seconds = Number(process.argv[2] ?? 1);
const F = 402.3;
const r = 0.032;
const cases: { K: number; T: number; right: OptionRight; sigma: number; price: number }[] = [];
for (const days of [1, 7, 30, 60]) {
  for (let i = -20; i <= 20; i++) {
    const K = 400 + i * 2.5;
    for (const right of ['call', 'put'] as const) {
      const T = days / 365;
      const sigma = 0.18 + 0.002 * i * i * (i < 0 ? 1.5 : 1) * 0.05;
      cases.push({ K, T, right, sigma, price: black76Price(F, K, T, r, sigma, right) });
    }
  }
}

function measure(label: string, perCall: number, fn: () => void): number {
  let ops = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    fn();
    ops += perCall;
  }
  const rate = ops / seconds;
  console.log(`${label.padEnd(34)} ${Math.round(rate).toLocaleString('en-US').padStart(14)} /s`);
  return rate;
}

let sink = 0;
const base = measure('black76Price (baseline)', cases.length, () => {
  for (const c of cases) sink += black76Price(F, c.K, c.T, r, c.sigma, c.right);
});
measure('black76Greeks', cases.length, () => {
  for (const c of cases) sink += black76Greeks(F, c.K, c.T, r, c.sigma, c.right).delta;
});
const iv = measure('impliedVol', cases.length, () => {
  for (const c of cases) sink += impliedVol(c.price, F, c.K, c.T, r, c.right).iv ?? 0;
});
const time = kstTime(2026, 11, 24, 10, 0);
const rows: OptionChainRow[] = cases
  .filter((c) => c.T === 30 / 365)
  .map((c) => ({
    time,
    code: `${c.right}${c.K}`,
    underlyingSymbol: 'KOSPI200:20261210',
    strike: c.K,
    right: c.right,
    price: c.price,
    iv: c.sigma * 100,
    volume: 1,
  }));
measure('buildOptionMatrices (82 rows, N=10)', 1, () => {
  sink += buildOptionMatrices(rows, { strikesPerSide: 10, forward: F }).length;
});
measure('  … with own Black-76 IV', 1, () => {
  sink += buildOptionMatrices(rows, {
    strikesPerSide: 10,
    ivSource: 'black76',
    rate: r,
    yearsToExpiry: 30 / 365,
  }).length;
});
console.log(
  `one IV solve costs ${(base / iv).toFixed(1)} Black-76 prices (checksum ${sink.toFixed(0).length} digits)`,
);
