/**
 * One clock abstraction shared by the simulator, the scheduler and the workers.
 *
 * An accelerated clock is defined by a serialisable spec (simulated start instant, the real instant it
 * started at, and a speed), so separate processes given the same spec read the same simulated time
 * without talking to each other.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { type Instant, instant } from './kst.js';

export const clockSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('real') }),
  z.object({
    kind: z.literal('accelerated'),
    /** Simulated instant (epoch ms) at `realAnchor`. */
    simStart: z.number().int(),
    /** Real instant (epoch ms) when the simulated clock read `simStart`. */
    realAnchor: z.number().int(),
    speed: z.number().positive().max(100_000),
  }),
]);
export type ClockSpec = z.infer<typeof clockSpecSchema>;

export interface Clock {
  now(): Instant;
  /** Multiple of real time (1 for the real clock). */
  readonly speed: number;
  /** Resolves after `ms` of clock time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Real milliseconds that `clockMs` of clock time take. */
  toRealMs(clockMs: number): number;
  /** What the clock reads at real epoch ms `realMs` (unrounded: BullMQ schedules in real ms, the pipeline thinks in clock time). */
  at(realMs: number): Instant;
  /** The real epoch ms at which the clock reads `t` (the inverse of `at`). */
  realAt(t: Instant): number;
  spec(): ClockSpec;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sleeps until `clock` reads at least `now + ms`. A timer may fire a millisecond early against the wall
 * clock (Node rounds), which on an accelerated clock is hundreds of simulated milliseconds: a caller that
 * waited for a minute to close must never wake up before it has.
 */
async function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  const until = clock.now() + ms;
  await realSleep(clock.toRealMs(ms), signal);
  for (let left = until - clock.now(); left > 0; left = until - clock.now()) await realSleep(Math.max(1, clock.toRealMs(left)), signal);
}

export class RealClock implements Clock {
  readonly speed = 1;
  now(): Instant {
    return instant(Date.now());
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
  toRealMs(clockMs: number): number {
    return clockMs;
  }
  at(realMs: number): Instant {
    return instant(realMs);
  }
  realAt(t: Instant): number {
    return t;
  }
  spec(): ClockSpec {
    return { kind: 'real' };
  }
}

export class AcceleratedClock implements Clock {
  constructor(
    readonly simStart: number,
    readonly speed: number,
    readonly realAnchor: number = Date.now(),
  ) {
    if (!(speed > 0)) throw new Error(`clock speed must be positive, got ${speed}`);
  }
  now(): Instant {
    return instant(Math.floor(this.at(Date.now())));
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
  toRealMs(clockMs: number): number {
    return clockMs / this.speed;
  }
  at(realMs: number): Instant {
    return instant(this.simStart + (realMs - this.realAnchor) * this.speed);
  }
  realAt(t: Instant): number {
    return this.realAnchor + (t - this.simStart) / this.speed;
  }
  spec(): ClockSpec {
    return { kind: 'accelerated', simStart: this.simStart, realAnchor: this.realAnchor, speed: this.speed };
  }
}

export function clockFromSpec(spec: ClockSpec): Clock {
  return spec.kind === 'real'
    ? new RealClock()
    : new AcceleratedClock(spec.simStart, spec.speed, spec.realAnchor);
}

/** Env var through which a parent process hands its clock to child processes. */
export const CLOCK_ENV = 'KRTRADE_CLOCK';

export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const raw = env[CLOCK_ENV];
  if (!raw) return new RealClock();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(CLOCK_ENV, [`${CLOCK_ENV} is not valid JSON`]);
  }
  const parsed = clockSpecSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(
      CLOCK_ENV,
      issues.map((i) => `${CLOCK_ENV} is not a valid clock spec: ${i}`),
    );
  }
  return clockFromSpec(parsed.data);
}

/**
 * An accelerated clock whose speed and anchor can be replaced while running (benchmarks park the clock,
 * then release it; a child process follows its parent's changes). Everything delegates to the current one.
 */
export class SteerableClock implements Clock {
  constructor(protected inner: AcceleratedClock) {}
  /** Switches to a new clock definition; sleeps already started keep their old real duration. */
  steer(next: AcceleratedClock): void {
    this.inner = next;
  }
  get current(): AcceleratedClock {
    return this.inner;
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
  toRealMs(clockMs: number): number {
    return this.inner.toRealMs(clockMs);
  }
  at(realMs: number): Instant {
    return this.inner.at(realMs);
  }
  realAt(t: Instant): number {
    return this.inner.realAt(t);
  }
  spec(): ClockSpec {
    return this.inner.spec();
  }
}
