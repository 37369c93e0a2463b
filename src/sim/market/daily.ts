/**
 * Random-access daily series: the log-level of an index, a stock's idiosyncratic part, the vol level or
 * the rate on ANY calendar day, computed directly (no walk from a start date), so that the history of a
 * date years back costs the same as today's and consecutive days always join up.
 *
 * Multi-scale value noise: level k has knots every 2^k days holding clipped normals, linearly
 * interpolated, with amplitude ∝ √(2^k) so the sum moves like a random walk up to ~3 years and is
 * stationary beyond (levels do not drift to absurd values). Clipping bounds the day-to-day change by
 * ~6.8 σ, which keeps stocks well inside the ±30 % daily limit (see `MAX_DAILY_MOVE_SIGMAS`).
 */
import { daysBetween, type KstDate } from '../../time/kst.js';
import { hashSeed, Rng } from './rng.js';

const EPOCH = '2000-01-01' as KstDate;
const LEVELS = 11;
const CLIP = 2;
/** Worst-case |X(n) − X(n−1)| in units of σ: Σ_k (√(2^k)/2)·2·CLIP/2^k = CLIP·Σ 2^(−k/2). */
export const MAX_DAILY_MOVE_SIGMAS = CLIP / (1 - Math.SQRT1_2);

export const dayIndex = (d: KstDate): number => daysBetween(EPOCH, d);

function knot(seed: number, key: string, level: number, i: number): number {
  const z = new Rng(hashSeed(seed, key, level, i)).normal();
  return z > CLIP ? CLIP : z < -CLIP ? -CLIP : z;
}

/** The noise in units of its daily σ (typical day-to-day change ≈ 1). */
export function valueNoise(seed: number, key: string, day: number): number {
  let x = 0;
  for (let k = 0; k < LEVELS; k++) {
    const span = 2 ** k;
    const i = Math.floor(day / span);
    const f = (day - i * span) / span;
    const a = knot(seed, key, k, i);
    const v = f === 0 ? a : a + (knot(seed, key, k, i + 1) - a) * f;
    x += Math.sqrt(span / 2) * Math.SQRT1_2 * v;
  }
  return x;
}

/** Memoised `valueNoise` per (key, day): the same days are asked for again and again (prev closes, ladders). */
export class DailySeries {
  private readonly memo = new Map<string, number>();

  constructor(readonly seed: number) {}

  noise(key: string, day: KstDate): number {
    const id = key + '|' + day;
    let v = this.memo.get(id);
    if (v === undefined) {
      v = valueNoise(this.seed, key, dayIndex(day));
      if (this.memo.size > 200_000) this.memo.clear();
      this.memo.set(id, v);
    }
    return v;
  }
}
