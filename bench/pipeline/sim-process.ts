/**
 * The simulator of bench/pipeline.ts in its own process (KIS is remote in production, so its CPU must not
 * count against the pipeline's). The parent steers the shared clock: `{ clock: { simStart, speed, realAnchor } }`
 * makes this process read exactly the parent's clock; `{ warm: [dates] }` builds the day tapes up front; it
 * answers `{ ready: { restUrl, wsUrl, appKey, appSecret, accounts } }` when listening. An optional third
 * argument lists that many app keys (real accounts) instead of one (bench/capacity.ts).
 */
import { startSimulator } from '../../src/sim/index.js';
import { AcceleratedClock, SteerableClock } from '../../src/time/clock.js';
import { type KstDate, type KstTime, parseKst } from '../../src/time/kst.js';

interface ClockMsg { simStart: number; speed: number; realAnchor: number }


const [stocks, first, keys] = [Number(process.argv[2]), JSON.parse(process.argv[3]!) as ClockMsg, Number(process.argv[4] ?? 1)];
const clock = new SteerableClock(new AcceleratedClock(first.simStart, first.speed, first.realAnchor));
const accounts = Array.from({ length: keys }, (_, i) => ({ appKey: `PSbenchKey${i}`.padEnd(36, 'k'), appSecret: `bench-secret-${i}`.padEnd(180, 's'), mode: 'real' as const }));
const sim = await startSimulator({ seed: 7, stocks, clock, port: 0, wsPort: 0, rateLimitPerSecond: 1_000_000, ...(keys > 1 ? { accounts } : {}) });
process.on('message', (m: { clock?: ClockMsg; warm?: string[]; close?: boolean }) => {
  if (m.warm) {
    // Builds each instrument's day tape now, so the measured phases do not pay the model's first-touch cost.
    for (const day of m.warm) {
      const at = parseKst(`${day} 09:00`);
      for (const inst of sim.market.instruments(day as KstDate)) if (inst.kind === 'stock' || inst.kind === 'future') sim.market.minuteBars(inst.code, at, (at + 60_000) as KstTime);
    }
    process.send!({ warmed: true });
  }
  if (m.clock) {
    clock.steer(new AcceleratedClock(m.clock.simStart, m.clock.speed, m.clock.realAnchor));
    process.send!({ clockSet: true });
  }
  if (m.close) void sim.close().then(() => process.exit(0));
});
process.send!({ ready: { restUrl: sim.restUrl, wsUrl: sim.wsUrl, appKey: sim.appKey, appSecret: sim.appSecret, accounts: sim.accounts.map((a) => ({ appKey: a.appKey, appSecret: a.appSecret })) } });
