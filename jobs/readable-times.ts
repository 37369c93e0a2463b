/** The `kst` label of a job payload: its wall-clock times in words, for people reading bull-board. */
import { formatKst, type KstTime } from '../src/time/kst.js';

type Times = { minute?: number; batch?: number; from?: number; to?: number; board?: { minute?: number } };

const minuteText = (t: number): string => formatKst(t as KstTime).slice(0, 16);

/**
 * `2026-12-07 09:20 KST` for a minute, `2026-12-07 09:00 – 2026-12-07 10:29 KST` for a range (the last
 * minute included), with the batch minute when it differs; undefined when the payload carries no time.
 */
export function readableTimes(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Times;
  const parts: string[] = [];
  const minute = p.minute ?? p.board?.minute;
  if (typeof minute === 'number') parts.push(minuteText(minute));
  if (typeof p.from === 'number' && typeof p.to === 'number') parts.push(`${minuteText(p.from)} – ${minuteText(p.to - 60_000)}`);
  if (typeof p.batch === 'number' && p.batch !== minute) parts.push(`batch ${minuteText(p.batch)}`);
  return parts.length ? `${parts.join(', ')} KST` : undefined;
}

/** The payload with its `kst` label (re)computed from its times. */
export function withReadableTimes<T>(payload: T): T {
  const kst = readableTimes(payload);
  if (kst === undefined) return payload;
  return { ...payload, kst };
}
