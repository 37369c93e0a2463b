/**
 * One group-commit batch, encoded: COPY lines per (table, trading date), the per-instrument progress to
 * record in the same transaction, and the records that cannot be stored with their reasons. Encoded once,
 * so a retried commit stores exactly the same rows (quote `seq` numbers are assigned here, in arrival order).
 */
import type { KstDate, KstTime } from '../time/kst.js';
import type { WsRecord } from '../kis/ws/records.js';
import { kstText } from '../db/copy.js';
import { isTrade, quoteLine, quoteProblem, tickLine, tradeProblem } from './copy-records.js';

export interface Progress {
  tradingDate: KstDate;
  lastTime: KstTime;
  lastQuoteTime: KstTime | null;
  lastQuoteSeq: number | null;
  records: number;
}

export interface EncodedBatch {
  /** key `ticks|2026-11-24` → lines */
  groups: Map<string, string[]>;
  progress: Map<string, Progress>;
  rejected: { row: WsRecord; reason: string }[];
  trades: number;
  quotes: number;
  ignored: number;
}

/** Last quote (time, seq) per symbol: continues across batches and, loaded from stream_progress, restarts. */
export type QuoteSeqState = Map<string, { time: KstTime; seq: number }>;

function push(groups: Map<string, string[]>, key: string, line: string): void {
  const g = groups.get(key);
  if (g) g.push(line);
  else groups.set(key, [line]);
}

export function encodeBatch(records: readonly WsRecord[], seqs: QuoteSeqState): EncodedBatch {
  const out: EncodedBatch = { groups: new Map(), progress: new Map(), rejected: [], trades: 0, quotes: 0, ignored: 0 };
  for (const r of records) {
    let quoteSeq: number | null = null;
    if (isTrade(r)) {
      const why = tradeProblem(r);
      if (why) {
        out.rejected.push({ row: r, reason: why });
        continue;
      }
      push(out.groups, `ticks|${r.tradingDate}`, tickLine(r));
      out.trades++;
    } else if (r.kind === 'book') {
      const why = quoteProblem(r);
      if (why) {
        out.rejected.push({ row: r, reason: why });
        continue;
      }
      const last = seqs.get(r.code);
      quoteSeq = last && last.time === r.time ? last.seq + 1 : 0;
      seqs.set(r.code, { time: r.time, seq: quoteSeq });
      push(out.groups, `quotes|${r.tradingDate}`, quoteLine(r, quoteSeq));
      out.quotes++;
    } else {
      out.ignored++; // order/fill notices are not market data (src/fills handles them)
      continue;
    }
    const p = out.progress.get(r.code);
    if (!p) {
      out.progress.set(r.code, {
        tradingDate: r.tradingDate,
        lastTime: r.time,
        lastQuoteTime: quoteSeq === null ? null : r.time,
        lastQuoteSeq: quoteSeq,
        records: 1,
      });
    } else {
      p.records++;
      if (r.time >= p.lastTime) p.lastTime = r.time;
      if (r.tradingDate > p.tradingDate) p.tradingDate = r.tradingDate;
      if (quoteSeq !== null) {
        p.lastQuoteTime = r.time;
        p.lastQuoteSeq = quoteSeq;
      }
    }
  }
  return out;
}

/** Arrays for the `unnest` upsert of stream_progress. */
export function progressParams(progress: Map<string, Progress>): unknown[] {
  const symbols: string[] = [], dates: string[] = [], last: string[] = [];
  const qTimes: (string | null)[] = [], qSeqs: (number | null)[] = [], counts: number[] = [];
  for (const [s, p] of progress) {
    symbols.push(s);
    dates.push(p.tradingDate);
    last.push(kstText(p.lastTime));
    qTimes.push(p.lastQuoteTime === null ? null : kstText(p.lastQuoteTime));
    qSeqs.push(p.lastQuoteSeq);
    counts.push(p.records);
  }
  return [symbols, dates, last, qTimes, qSeqs, counts];
}
