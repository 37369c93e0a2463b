/**
 * The simulator of bench/pipeline.ts in its own process (KIS is remote in production, so its CPU must not
 * count against the pipeline's). The parent steers the shared clock: `{ clock: { simStart, speed, realAnchor } }`
 * makes this process read exactly the parent's clock; `{ warm: [dates] }` builds the day tapes up front; it
 * answers `{ ready: { restUrl, appKey, appSecret } }` when listening.
 */
import { startSimulator } from '../../src/sim/index.js';
import type { Clock, ClockSpec } from '../../src/time/clock.js';
import { AcceleratedClock } from '../../src/time/clock.js';
import { type Instant, type KstDate, type KstTime, parseKst } from '../../src/time/kst.js';

interface ClockMsg { simStart: number; speed: number; realAnchor: number }

/** Delegates to whatever accelerated clock the parent last sent. */
class SteeredClock implements Clock {
  constructor(private inner: AcceleratedClock) {}
  set(m: ClockMsg): void {
    this.inner = new AcceleratedClock(m.simStart, m.speed, m.realAnchor);
  }
  get speed(): number {
    return this.inner.speed;
  }
  now(): Instant {
    return this.inner.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.inner.sleep(ms, signal);
  }
  toRealMs(ms: number): number {
    return this.inner.toRealMs(ms);
  }
  spec(): ClockSpec {
    return this.inner.spec();
  }
}

const [stocks, first] = [Number(process.argv[2]), JSON.parse(process.argv[3]!) as ClockMsg];
const clock = new SteeredClock(new AcceleratedClock(first.simStart, first.speed, first.realAnchor));
const sim = await startSimulator({ seed: 7, stocks, clock, port: 0, wsPort: 0, rateLimitPerSecond: 1_000_000 });
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
    clock.set(m.clock);
    process.send!({ clockSet: true });
  }
  if (m.close) void sim.close().then(() => process.exit(0));
});
process.send!({ ready: { restUrl: sim.restUrl, appKey: sim.appKey, appSecret: sim.appSecret } });
