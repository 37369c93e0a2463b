/**
 * Throughput of the synthetic market: ticks generated per second (cold: tapes built from scratch) and
 * served per second (warm: cached), plus minute bars for every listed instrument of a day.
 * Baseline in the same run: a bare loop drawing the same number of normals from the simulator's PRNG.
 * Run: npx tsx bench/sim-market.ts
 */
import { createSimMarket } from '../src/sim/market/index.js';
import { Rng } from '../src/sim/market/rng.js';
import { atMinutes, type KstDate } from '../src/time/kst.js';

const d = '2026-03-05' as KstDate;
const from = atMinutes('2026-03-04' as KstDate, 17 * 60);
const to = atMinutes(d, 17 * 60);
const m = createSimMarket({ seed: 1 });
const liquid = m.instruments(d).filter((i) => i.kind === 'stock' || i.kind === 'future');

let t0 = performance.now();
let ticks = 0;
for (const i of liquid) ticks += m.trades(i.code, from, to).length;
const cold = (performance.now() - t0) / 1000;

t0 = performance.now();
let served = 0;
for (const i of liquid) served += m.trades(i.code, from, to).length;
const warm = (performance.now() - t0) / 1000;

t0 = performance.now();
const rng = new Rng(1);
let sink = 0;
for (let i = 0; i < ticks; i++) sink += rng.normal();
const base = (performance.now() - t0) / 1000;

const all = m.instruments(d);
t0 = performance.now();
let bars = 0;
for (const i of all) bars += m.minuteBars(i.code, atMinutes(d, 10 * 60), atMinutes(d, 10 * 60 + 1)).length;
const barsCold = (performance.now() - t0) / 1000;
t0 = performance.now();
for (const i of all)
  bars += m.minuteBars(i.code, atMinutes(d, 10 * 60 + 1), atMinutes(d, 10 * 60 + 2)).length;
const barsWarm = (performance.now() - t0) / 1000;

console.log(`liquid instruments: ${liquid.length}, ticks in the trading date: ${ticks}`);
console.log(`generate (cold): ${(ticks / cold).toFixed(0)} ticks/s (${cold.toFixed(2)} s)`);
console.log(`serve (warm):    ${(served / warm).toFixed(0)} ticks/s (${warm.toFixed(3)} s)`);
console.log(
  `baseline PRNG normals: ${(ticks / base).toFixed(0)}/s → generation costs ${(base > 0 ? cold / base : 0).toFixed(1)}× a bare normal draw per tick (sink ${sink.toFixed(1)})`,
);
console.log(
  `minute bars for all ${all.length} instruments: first minute ${barsCold.toFixed(2)} s (builds tapes), next minute ${(barsWarm * 1000).toFixed(1)} ms (${bars} bars)`,
);
