/**
 * The implied-volatility solver against its goals (issue 13 item 3): solves per second on one core,
 * the ratio to the npm package `implied-volatility` measured in the same run, and the largest
 * relative error on a dense grid against an arbitrary-precision reference (decimal.js).
 *
 *   npm run bench -- options-solver        (or: npx tsx bench/options-solver.ts [seconds-per-case])
 *   SPEED_ONLY=1 npx tsx bench/options-solver.ts   skips the accuracy pass (~30 s on a loaded box)
 *
 * Grid: |ln K/F| ≤ 1.5, T from 1 hour to 2 years, σ from 1 % to 300 %, calls and puts. Points whose
 * price underflows (below 1e-300) carry no information and are skipped.
 */
import { createRequire } from 'node:module';
import { black76Price, impliedVol, type OptionRight } from '../src/options/index.js';
import { normalisedImpliedVolatility } from '../src/options/lets-be-rational/index.js';
import { Decimal, otmPrice, vega } from '../test/options/black-reference.js';

const seconds = Number(process.argv[2] ?? 1);
const require = createRequire(import.meta.url);
const baselinePackage = require('implied-volatility') as {
  getImpliedVolatility(price: number, s: number, k: number, t: number, r: number, right: OptionRight): number;
};

const F = 100;
const r = 0.03;
const HOUR = 1 / (365 * 24);
const Ts = [HOUR, 6 * HOUR, 1 / 365, 7 / 365, 30 / 365, 0.25, 0.5, 1, 2];
const sigmas = [0.01, 0.03, 0.07, 0.15, 0.25, 0.4, 0.6, 0.9, 1.3, 2, 3];

// Speed cases: the full grid at step 0.05 in ln K/F, both rights, in and out of the money.
const price: number[] = [];
const strike: number[] = [];
const expiry: number[] = [];
const rights: OptionRight[] = [];
const beta: number[] = [];
const lnMoneyness: number[] = [];
for (let i = -30; i <= 30; i++) {
  const K = F * Math.exp(i * 0.05);
  for (const T of Ts) {
    for (const sigma of sigmas) {
      for (const right of ['call', 'put'] as const) {
        const p = black76Price(F, K, T, r, sigma, right);
        const intrinsic = Math.exp(-r * T) * Math.max(right === 'call' ? F - K : K - F, 0);
        if (!(p - intrinsic > 1e-300)) continue;
        price.push(p);
        strike.push(K);
        expiry.push(T);
        rights.push(right);
        beta.push((Math.exp(r * T) * p - Math.exp(r * T) * intrinsic) / Math.sqrt(F * K));
        lnMoneyness.push(-Math.abs(Math.log(F / K)));
      }
    }
  }
}
const n = price.length;

/**
 * Solves per second of CPU time (process.cpuUsage) — the rate on one core, which the wall clock
 * understates when the machine is shared — and per second of wall time for reference.
 */
function measure(label: string, maxSeconds: number, pass: () => number, perPass = n): number {
  let ops = 0;
  let sink = pass(); // warm-up: let the JIT optimise before the clock starts
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + maxSeconds * 1000;
  do {
    sink += pass();
    ops += perPass;
  } while (performance.now() < end);
  const wall = (performance.now() - start) / 1000;
  const cpuUsed = process.cpuUsage(cpuStart);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  const rate = ops / cpu;
  const fmt = (v: number): string => Math.round(v).toLocaleString('en-US').padStart(12);
  console.log(`${label.padEnd(44)} ${fmt(rate)} solves/CPU-s ${fmt(ops / wall)} solves/wall-s`);
  if (Number.isNaN(sink)) console.log('  (a NaN came back)');
  return rate;
}

console.log(
  `${n} options on the grid (${Ts.length} expiries × ${sigmas.length} vols × 61 strikes × call/put)`,
);
const core = measure("Let's Be Rational core (normalised)", seconds, () => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += normalisedImpliedVolatility(beta[i]!, lnMoneyness[i]!);
  return sum;
});
const api = measure('impliedVol() (checks, parity, result object)', seconds, () => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += impliedVol(price[i]!, F, strike[i]!, expiry[i]!, r, rights[i]!).iv ?? 0;
  return sum;
});
// The package is ~3000× slower: a strided tenth of the cases keeps its pass short.
const BASELINE_STRIDE = 10;
const baseline = measure(
  'npm implied-volatility (baseline, 1 in 10)',
  Math.max(seconds, 2),
  () => {
    let sum = 0;
    // Its Black–Scholes on spot S = F·e^{−rT} with rate r is Black-76 on F.
    for (let i = 0; i < n; i += BASELINE_STRIDE)
      sum += baselinePackage.getImpliedVolatility(
        price[i]!,
        F * Math.exp(-r * expiry[i]!),
        strike[i]!,
        expiry[i]!,
        r,
        rights[i]!,
      );
    return sum;
  },
  Math.ceil(n / BASELINE_STRIDE),
);

if (process.env.SPEED_ONLY) process.exit(0);
// Accuracy on a coarser copy of the grid (the 50-digit reference costs milliseconds per point).
let worstIv = 0;
let worstRoundTrip = 0;
let worstIvAt = '';
let worstRoundTripAt = '';
let points = 0;
let failures = 0;
for (let i = -10; i <= 10; i++) {
  const K = F * Math.exp(i * 0.15);
  for (const T of Ts) {
    for (const sigma of sigmas) {
      const option = { F, K, T };
      const exact = otmPrice(option, sigma);
      const otm = exact.toNumber();
      if (!(otm > 1e-300)) continue;
      const right: OptionRight = K >= F ? 'call' : 'put';
      const res = impliedVol(otm * Math.exp(-r * T), F, K, T, r, right);
      points++;
      if (res.iv === null) {
        failures++;
        continue;
      }
      // The exact σ of the double price, to first order (the second-order term is ~1e-30 here).
      const undiscounted = otm * Math.exp(-r * T) * Math.exp(r * T);
      const reference = new Decimal(sigma).plus(
        new Decimal(undiscounted).minus(exact).div(vega(option, sigma)),
      );
      const ivError = Math.abs(new Decimal(res.iv).minus(reference).div(reference).toNumber());
      const roundTrip = Math.abs(otmPrice(option, res.iv).minus(undiscounted).div(undiscounted).toNumber());
      if (ivError > worstIv)
        [worstIv, worstIvAt] = [ivError, `ln K/F=${(i * 0.15).toFixed(2)} T=${T.toPrecision(3)} σ=${sigma}`];
      if (roundTrip > worstRoundTrip)
        [worstRoundTrip, worstRoundTripAt] = [
          roundTrip,
          `ln K/F=${(i * 0.15).toFixed(2)} T=${T.toPrecision(3)} σ=${sigma}`,
        ];
    }
  }
}
console.log(`accuracy on ${points} grid points (${failures} without an IV)`);
console.log(
  `  max relative error of σ against the 50-digit reference  ${worstIv.toExponential(2)}  (${worstIvAt})`,
);
console.log(
  `  max relative error of price → σ → price                 ${worstRoundTrip.toExponential(2)}  (${worstRoundTripAt})`,
);

const ratio = api / baseline;
console.log(
  `impliedVol() is ${ratio.toFixed(0)}× the npm implied-volatility package (core ${(core / baseline).toFixed(0)}×)`,
);
const goals: [string, boolean][] = [
  ['≥ 1,000,000 solves per CPU-second with impliedVol()', api >= 1e6],
  ['≥ 500× the npm implied-volatility package', ratio >= 500],
  [
    'max relative error ≤ 1e-12 (σ vs reference and round trip)',
    worstIv <= 1e-12 && worstRoundTrip <= 1e-12 && failures === 0,
  ],
];
for (const [goal, met] of goals) console.log(`goal ${met ? 'met   ' : 'MISSED'} ${goal}`);
