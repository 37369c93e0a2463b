/**
 * Field access on a data frame's payload without splitting it: `ends[k]` is the offset just past field
 * k (its `^` or the end of the payload). Numbers are read straight from the character codes — about
 * twice as fast as `split('^')` + `Number()` — with `Number()` as the fallback for anything unusual
 * (exponents, whitespace, `nan`, more than 15 digits), so results always equal `Number(text)`.
 */

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

export const fieldStart = (ends: Int32Array, k: number): number => (k === 0 ? 0 : ends[k - 1]! + 1);

export function fieldText(p: string, ends: Int32Array, k: number): string {
  return p.slice(fieldStart(ends, k), ends[k]);
}

/** The field as a finite number, or NaN when it is empty, `nan`, not a number or not finite. */
export function fieldNumber(p: string, ends: Int32Array, k: number): number {
  const a = k === 0 ? 0 : ends[k - 1]! + 1;
  const b = ends[k]!;
  if (a >= b) return NaN;
  let i = a;
  const neg = p.charCodeAt(i) === 45; /* - */
  if (neg) i++;
  let v = 0, digits = 0, dec = -1;
  for (; i < b; i++) {
    const c = p.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) {
      v = v * 10 + c;
      digits++;
      if (dec >= 0) dec++;
    } else if (c === -2 /* . */ && dec < 0) {
      dec = 0;
    } else {
      return slow(p, a, b);
    }
  }
  // Past 15 digits the integer accumulator may round: let Number() do it exactly.
  if (digits === 0 || digits > 15) return slow(p, a, b);
  if (dec > 0) v /= POW10[dec]!;
  return neg ? -v : v;
}

function slow(p: string, a: number, b: number): number {
  const s = p.slice(a, b);
  if (s.trim() === '') return NaN;
  const n = +s;
  return n - n === 0 ? n : NaN;
}

/** Optional numeric field: null when absent, empty, `nan`/`-nan` or not finite. */
export function fieldOptNumber(p: string, ends: Int32Array, k: number): number | null {
  const n = fieldNumber(p, ends, k);
  return n === n ? n : null;
}

let scratch = new Int32Array(1024);

/** Offsets just past each `^`-separated field of `p` (a fresh array, sized to the field count). */
export function fieldEnds(p: string): Int32Array {
  let n = 0;
  const len = p.length;
  if (scratch.length <= len) scratch = new Int32Array(len + 1); // at most one field per character
  for (let i = 0; i < len; i++) if (p.charCodeAt(i) === 94 /* ^ */) scratch[n++] = i;
  const out = new Int32Array(n + 1);
  out.set(scratch.subarray(0, n));
  out[n] = p.length;
  return out;
}
