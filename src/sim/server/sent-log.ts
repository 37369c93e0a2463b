/**
 * Ground truth for tests: every market record the simulator actually wrote to a WebSocket (a frame skipped
 * for a full buffer or broken by a fault does not count), per code. Trades are identified as the recorder
 * keys them (exchange second + cumulative volume); book records by their second, counted, since several
 * snapshots may share one. Off unless asked for (`recordSent`): it grows with everything sent.
 */
import type { KstTime } from '../../time/kst.js';

/** What identifies a record sent: a trade carries its cumulative volume, a book record does not. */
export interface SentMeta {
  time: KstTime;
  cumVolume?: number;
}

export interface SentTrade {
  tr: string;
  code: string;
  time: KstTime;
  cumVolume: number;
}

export class SentLog {
  private readonly tradeList: SentTrade[] = [];
  /** `tr|code|time` → book records sent in that second. */
  private readonly bookCounts = new Map<string, number>();

  add(tr: string, code: string, metas: readonly SentMeta[]): void {
    for (const m of metas) {
      if (m.cumVolume !== undefined) this.tradeList.push({ tr, code, time: m.time, cumVolume: m.cumVolume });
      else {
        const k = `${tr}|${code}|${m.time}`;
        this.bookCounts.set(k, (this.bookCounts.get(k) ?? 0) + 1);
      }
    }
  }

  /** Every trade record sent, in sending order (a record sent to two sessions appears twice). */
  trades(): readonly SentTrade[] {
    return this.tradeList;
  }

  /** Book records sent per TR, code and exchange second. */
  books(): Array<{ tr: string; code: string; time: KstTime; count: number }> {
    return [...this.bookCounts].map(([k, count]) => {
      const [tr, code, time] = k.split('|') as [string, string, string];
      return { tr, code, time: Number(time) as KstTime, count };
    });
  }
}
