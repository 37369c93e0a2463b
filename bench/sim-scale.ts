/**
 * Simulator scale: (1) daily bars — `dailyBar` (fixed in advance, no trades generated) against the
 * baseline of aggregating each day's generated trades (what the daily charts cost before); (2) a one-minute
 * `minuteBars` batch over 50, 500 and 2000 stocks, cold (tapes generated) and warm (cached), with the warm
 * batch's ratio to the cold one.
 * Run: npx tsx bench/sim-scale.ts [days=100]
 */
import { frontFuture } from '../src/market/instruments/index.js';
import { defaultCalendar } from '../src/market/calendar/index.js';
import { createSimMarket } from '../src/sim/market/index.js';
import { addDays, atMinutes, type KstDate } from '../src/time/kst.js';

const cal = defaultCalendar();
const nDays = Number(process.argv[2] ?? 100);
const last = '2026-11-24' as KstDate;
const days: KstDate[] = [];
for (let d = last; days.length < nDays; d = addDays(d, -1)) if (cal.isTradingDay(d)) days.push(d);

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

console.log(`daily bars, ${nDays} trading days up to ${last}`);
for (const label of ['005930 (busiest stock)', '035720', 'front KOSPI200 future']) {
  const codeOn = (d: KstDate): string =>
    label.startsWith('front') ? frontFuture('kospi200', d).code : label.slice(0, 6);
  const cheap = createSimMarket({ seed: 7 });
  const fast = time(() => days.filter((d) => cheap.dailyBar(codeOn(d), d)).length);
  const slow = createSimMarket({ seed: 7 });
  const base = time(
    () =>
      days.filter((d) => {
        const s = slow.snapshot(codeOn(d), atMinutes(d, 16 * 60));
        return s.cumVolume > 0;
      }).length,
  );
  console.log(
    `  ${label.padEnd(24)} dailyBar ${fast.ms.toFixed(1).padStart(8)} ms (${fast.value} bars, ${cheap.core.tapesBuilt} tapes)` +
      `   baseline from trades ${base.ms.toFixed(0).padStart(6)} ms (${slow.core.tapesBuilt} tapes)` +
      `   speed-up ×${(base.ms / fast.ms).toFixed(0)}`,
  );
}

const d = '2026-11-24' as KstDate;
console.log(`\nminuteBars for one minute over N stocks (${d})`);
for (const n of [50, 500, 2000]) {
  const m = createSimMarket({ seed: 7, stocks: n });
  const codes = m
    .instruments(d)
    .filter((i) => i.kind === 'stock')
    .map((i) => i.code);
  const batch = (minute: number): number => {
    let bars = 0;
    for (const c of codes) bars += m.minuteBars(c, atMinutes(d, minute), atMinutes(d, minute + 1)).length;
    return bars;
  };
  const cold = time(() => batch(10 * 60));
  const warm: number[] = [];
  let bars = 0;
  for (let k = 1; k <= 20; k++) {
    const r = time(() => batch(10 * 60 + k));
    warm.push(r.ms);
    bars = r.value;
  }
  warm.sort((a, b) => a - b);
  const median = warm[warm.length >> 1]!;
  console.log(
    `  ${String(n).padStart(5)} stocks: cold ${cold.ms.toFixed(0).padStart(6)} ms (${m.core.tapesBuilt} tapes)` +
      `   warm median ${median.toFixed(2).padStart(7)} ms (${bars} bars, ${((median * 1000) / n).toFixed(1)} µs/stock)` +
      `   warm/cold ${(median / cold.ms).toFixed(4)}`,
  );
}
