/**
 * Reconnect delays: exponential from `minMs`, capped at `maxMs`, with "equal jitter" (half fixed, half
 * random) so many clients restarting together spread out, yet a delay is never below `minMs` —
 * reconnect loops under ~1 s are what get KIS app keys blocked (reference §6.8).
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.max(minMs, maxMs);
  const exp = Math.min(cap, minMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.max(minMs, Math.round(exp / 2 + (random() * exp) / 2));
}
