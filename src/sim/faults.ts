/**
 * Fault injection for the simulator: what real KIS does on a bad day (dropped sockets, 5xx, latency,
 * rate-limit storms, broken bodies and frames, invalid UTF-8, an app key locked out after a reconnect storm).
 * Configured from a CLI string (`drop=30s,http5xx=0.05,...`) or programmatically through the controller.
 * Fault timing uses real time: faults are about the transport, not the simulated market — except
 * `sim-drop`, which drops WebSockets every N seconds of the simulated clock (a scenario written in market time).
 */
import { UserError } from '../errors.js';

export interface LockoutConfig {
  /** More than this many session starts per app key inside `windowMs`… */
  maxConnects: number;
  windowMs: number;
  /** …lock the key (OPSP8996 on every attempt) for this long. */
  durationMs: number;
}

export interface FaultConfig {
  /** Drop every WebSocket connection every N ms. */
  dropEveryMs?: number;
  /** Drop every WebSocket connection every N ms of simulated time (on an accelerated clock: N / speed real ms). */
  dropEverySimMs?: number;
  /** Each second, the probability that every WebSocket connection is dropped. */
  dropProbability?: number;
  /** Fraction of `/uapi` requests answered with a server error (HTTP 500 EGW00001 or a bare 502). */
  http5xxRate?: number;
  /** Added to every REST response. */
  latencyMs?: number;
  /** Periodic storms during which every `/uapi` call gets EGW00201. */
  rateLimitStorm?: { durationMs: number; everyMs: number };
  /** Fraction of REST bodies / WS control frames sent as broken JSON. */
  malformedJsonRate?: number;
  /** Fraction of REST bodies and WS data frames cut short. */
  truncatedRate?: number;
  /** Fraction of WS data frames carrying invalid UTF-8 bytes (as the real server occasionally does). */
  invalidUtf8Rate?: number;
  lockout?: LockoutConfig;
  /** Expire every access token every N ms. */
  expireTokensEveryMs?: number;
}

export const DEFAULT_LOCKOUT: LockoutConfig = { maxConnects: 5, windowMs: 10_000, durationMs: 30_000 };
const DEFAULT_STORM_EVERY_MS = 60_000;

export class FaultSpecError extends UserError {
  constructor(
    readonly part: string,
    reason: string,
  ) {
    super(
      `bad fault ${JSON.stringify(part)}: ${reason}. Expected e.g. drop=30s,sim-drop=30s,http5xx=0.05,latency=200ms,ratelimit-storm=10s[/60s],malformed-json=0.01,truncated=0.01,invalid-utf8=0.01,lockout[=30s],expire-tokens=10m`,
    );
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `200ms`, `30s`, `10m`, `1h` (a bare number is milliseconds). */
export function parseDuration(raw: string, part: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new FaultSpecError(part, `${JSON.stringify(raw)} is not a duration like 200ms, 30s, 10m`);
  const ms = Number(m[1]) * UNITS[m[2] ?? 'ms']!;
  if (!(ms > 0)) throw new FaultSpecError(part, 'duration must be positive');
  return ms;
}

function parseRate(raw: string, part: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new FaultSpecError(part, `${JSON.stringify(raw)} is not a rate in [0, 1]`);
  return n;
}

/** Parses the `--faults` string. Empty string = no faults. */
export function parseFaults(spec: string): FaultConfig {
  const out: FaultConfig = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? undefined : part.slice(eq + 1).trim();
    const need = (): string => {
      if (value === undefined || value === '') throw new FaultSpecError(part, `${name} needs a value`);
      return value;
    };
    switch (name) {
      case 'drop': {
        const v = need();
        // A plain fraction is a probability; anything with a unit (or > 1) is a period.
        if (/^(0(\.\d+)?|1(\.0+)?)$/.test(v)) out.dropProbability = parseRate(v, part);
        else out.dropEveryMs = parseDuration(v, part);
        break;
      }
      case 'sim-drop':
        out.dropEverySimMs = parseDuration(need(), part);
        break;
      case 'http5xx':
        out.http5xxRate = parseRate(need(), part);
        break;
      case 'latency':
        out.latencyMs = parseDuration(need(), part);
        break;
      case 'ratelimit-storm': {
        const [d, every] = need().split('/');
        out.rateLimitStorm = {
          durationMs: parseDuration(d ?? '', part),
          everyMs: every === undefined ? DEFAULT_STORM_EVERY_MS : parseDuration(every, part),
        };
        break;
      }
      case 'malformed-json':
        out.malformedJsonRate = parseRate(need(), part);
        break;
      case 'truncated':
        out.truncatedRate = parseRate(need(), part);
        break;
      case 'invalid-utf8':
        out.invalidUtf8Rate = parseRate(need(), part);
        break;
      case 'lockout':
        out.lockout =
          value === undefined
            ? { ...DEFAULT_LOCKOUT }
            : { ...DEFAULT_LOCKOUT, durationMs: parseDuration(value, part) };
        break;
      case 'expire-tokens':
        out.expireTokensEveryMs = parseDuration(need(), part);
        break;
      default:
        throw new FaultSpecError(part, `unknown fault ${JSON.stringify(name)}`);
    }
  }
  return out;
}

/** Small seeded PRNG (mulberry32) so fault sequences repeat for a given seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the servers register so the controller can act on them. */
export interface FaultTargets {
  dropAllConnections(): number;
  expireAllTokens(): number;
  /** Real ms that `simMs` of the simulator's clock take. */
  toRealMs(simMs: number): number;
}

export interface FaultCounters {
  drops: number;
  http5xx: number;
  malformed: number;
  truncated: number;
  invalidUtf8: number;
  stormRejections: number;
  lockouts: number;
}

export class FaultController {
  private cfg: FaultConfig = {};
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  private stormUntil = 0;
  private targets: FaultTargets | undefined;
  private closed = false;
  readonly counters: FaultCounters = {
    drops: 0,
    http5xx: 0,
    malformed: 0,
    truncated: 0,
    invalidUtf8: 0,
    stormRejections: 0,
    lockouts: 0,
  };

  constructor(initial: string | FaultConfig = {}, seed = 1) {
    this.random = seededRandom(seed ^ 0x5eed);
    this.set(typeof initial === 'string' ? parseFaults(initial) : initial);
  }

  /** Called once by the simulator when the servers are up. */
  attach(targets: FaultTargets): void {
    this.targets = targets;
    this.reschedule();
  }

  get config(): Readonly<FaultConfig> {
    return this.cfg;
  }

  /** Replaces the configuration (a string is parsed like `--faults`). `{}` or `''` turns everything off. */
  set(cfg: string | FaultConfig): void {
    this.cfg = typeof cfg === 'string' ? parseFaults(cfg) : { ...cfg };
    this.reschedule();
  }

  private readonly down = new Set<string>();

  /**
   * An outage of one REST service: every request of `endpoint` (a name from src/kis/spec, e.g. `optionBoard`)
   * is answered with a server error until `restore` — the rest of the API keeps working.
   */
  takeDown(endpoint: string): void {
    this.down.add(endpoint);
  }

  restore(endpoint: string): void {
    this.down.delete(endpoint);
  }

  isDown(endpoint: string): boolean {
    return this.down.has(endpoint);
  }

  clear(): void {
    this.set({});
    this.down.clear();
    this.stormUntil = 0;
  }

  dropAllConnections(): number {
    const n = this.targets?.dropAllConnections() ?? 0;
    this.counters.drops += n;
    return n;
  }

  expireAllTokens(): number {
    return this.targets?.expireAllTokens() ?? 0;
  }

  /** Starts a rate-limit storm now: every `/uapi` call gets EGW00201 for `ms` (real time). */
  rateLimitStorm(ms: number): void {
    this.stormUntil = Math.max(this.stormUntil, Date.now() + ms);
  }

  inRateLimitStorm(): boolean {
    return Date.now() < this.stormUntil;
  }

  /** Rolls the dice for a rate-style fault. */
  hit(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.random() < rate;
  }

  chance(): number {
    return this.random();
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.add(t);
  }

  private reschedule(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    if (this.closed || !this.targets) return;
    const { dropEveryMs, dropEverySimMs, dropProbability, rateLimitStorm, expireTokensEveryMs } = this.cfg;
    if (dropEveryMs) this.every(dropEveryMs, () => this.dropAllConnections());
    if (dropEverySimMs) this.every(Math.max(1, Math.round(this.targets.toRealMs(dropEverySimMs))), () => this.dropAllConnections());
    if (dropProbability) {
      this.every(1000, () => {
        if (this.hit(dropProbability)) this.dropAllConnections();
      });
    }
    if (rateLimitStorm)
      this.every(rateLimitStorm.everyMs, () => this.rateLimitStorm(rateLimitStorm.durationMs));
    if (expireTokensEveryMs) this.every(expireTokensEveryMs, () => this.expireAllTokens());
  }
}
