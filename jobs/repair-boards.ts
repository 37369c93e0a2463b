/**
 * The repair loop's board step: missing option-board minutes are rebuilt from per-strike minute candles
 * (src/repair/boards-rebuild.ts says how) and handed to the normal aggregate-board → upsert-board stages,
 * marked `rebuilt`, so our own forward, IV, greeks, matrices and surface slice are computed as for any board.
 * The per-strike candles fetched on the way are stored in `options_1m`. Runs inside the repair round, one
 * board and session at a time; a minute is tried a few times, then left to the report.
 */
import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import { type KstTime, addMinutes, dateOf, formatKstIso } from '../src/time/kst.js';
import type { TradingCalendar } from '../src/market/calendar/index.js';
import type { Session } from '../src/market/types.js';
import { frontFuture } from '../src/market/instruments/index.js';
import type { BoardTarget } from '../src/pipeline/subscriptions.js';
import { jobIds, minuteLabel } from '../src/pipeline/ids.js';
import { boardSymbol } from '../src/verify/boards.js';
import { closeAt, rebuildQuotes, referenceBoard, type RebuildBar } from '../src/repair/boards-rebuild.js';
import { errorMessage } from '../src/errors.js';
import type { BoardPayload } from './payloads.js';
import type { PipelineServices } from './services.js';

/** Rebuild attempts of one board minute before the loop only reports it (until restart). */
const MAX_TRIES = 3;
/** Per-strike candle requests in flight at once (the shared rate limiter paces them). */
const FETCH_CONCURRENCY = 8;
/** A board of another session still lists the strikes: looked for this far around the gap. */
const REFERENCE_SPAN_MINUTES = 24 * 60;

export interface BoardRebuildOptions {
  services: PipelineServices;
  pool: pg.Pool;
  calendar: TradingCalendar;
}

async function inPool<T>(items: readonly T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export class BoardRebuilder {
  private readonly tries = new Map<string, number>();

  constructor(private readonly o: BoardRebuildOptions) {}

  /** Rebuilds what it can of `missing` (ascending) and enqueues it; returns the minutes enqueued. */
  async rebuild(b: BoardTarget, missing: readonly KstTime[]): Promise<number> {
    const key = (m: KstTime) => `${b.key}|${b.expiry}|${m}`;
    const wanted = missing.filter((m) => (this.tries.get(key(m)) ?? 0) < MAX_TRIES);
    if (this.tries.size > 100_000) this.tries.clear();
    let enqueued = 0;
    for (const [session, minutes] of this.bySession(b, wanted)) {
      for (const m of minutes) this.tries.set(key(m), (this.tries.get(key(m)) ?? 0) + 1);
      try {
        enqueued += await this.rebuildSession(b, session, minutes);
      } catch (e) {
        this.o.services.log.warn({ board: b.key, from: formatKstIso(minutes[0]!), minutes: minutes.length, err: errorMessage(e) }, 'board rebuild failed; trying again next round');
      }
    }
    return enqueued;
  }

  /** Missing minutes grouped by the session they belong to (candles never span two sessions' volumes). */
  private bySession(b: BoardTarget, minutes: readonly KstTime[]): [Session, KstTime[]][] {
    const out = new Map<number, [Session, KstTime[]]>();
    for (const m of minutes) {
      const s = this.o.calendar.sessionForCandle('derivatives', m, { expiring: dateOf(m) === b.expiry }) ?? this.o.calendar.sessionForCandle('night', m);
      if (!s) continue;
      const group = out.get(s.open) ?? out.set(s.open, [s, []]).get(s.open)!;
      group[1].push(m);
    }
    return [...out.values()];
  }

  /** The first session open of `session`'s trading date (its night session opens the evening before). */
  private tradingDateStart(session: Session): KstTime {
    const night = this.o.calendar.session('night', session.tradingDate);
    return night && night.open < session.open ? night.open : session.open;
  }

  private async rebuildSession(b: BoardTarget, session: Session, minutes: KstTime[]): Promise<number> {
    const s = this.o.services;
    const first = minutes[0]!;
    const last = minutes.at(-1)!;
    const found = await referenceBoard(this.o.pool, boardSymbol(b), first, {
      notBefore: addMinutes(first, -REFERENCE_SPAN_MINUTES), notAfter: addMinutes(last, REFERENCE_SPAN_MINUTES),
    });
    if (!found) {
      s.log.warn({ board: b.key, from: formatKstIso(first) }, 'board rebuild: no stored board lists the strikes; minutes left missing');
      return 0;
    }
    // Prices from the session's candles (a board's own price may be seconds younger than its minute); volumes
    // carry over from a board of the same trading date (KIS counts the night session too).
    const carry = found.earlier && found.ref.minute >= this.tradingDateStart(session);
    const from = session.open;
    const to = addMinutes(last, 1);
    const bars = new Map<string, RebuildBar[]>();
    await inPool(found.ref.rows, FETCH_CONCURRENCY, async (r) => {
      const got = await s.market.minuteBars(b.account, { code: r.code, family: 'kospi200' }, from, to);
      await s.storage.writeCandles('kospi200', got);
      bars.set(r.code, got);
    });
    const fut = frontFuture('kospi200', session.tradingDate, this.o.calendar);
    const futBars = await s.market.minuteBars(b.account, { code: fut.code, family: 'kospi200' }, from, to);
    // Unique per round, like repair pages: a completed job id kept for a day would make a repeat a no-op.
    const tag = randomBytes(4).toString('hex');
    for (const m of minutes) {
      const futPrice = closeAt(futBars, m);
      const board: BoardPayload = {
        underlying: b.underlying, series: b.series, expiry: b.expiry, minute: m, rebuilt: true,
        ...(futPrice !== undefined && fut.expiry ? { futures: { code: fut.code, price: futPrice, expiry: fut.expiry } } : {}),
        quotes: rebuildQuotes(found.ref, carry, bars, m).map((q) => ({
          ...q, bid: null, ask: null, openInterest: null, iv: null, ivMissing: null, delta: null, gamma: null, theta: null, vega: null,
        })),
      };
      await s.queues.add('aggregate-board', { boardKey: b.key, board }, { jobId: jobIds.stage('agg', `rebuild:${b.key}:${minuteLabel(m)}-${tag}`) });
    }
    s.log.info({ board: b.key, from: formatKstIso(first), to: formatKstIso(last), minutes: minutes.length, strikes: found.ref.rows.length }, 'board minutes rebuilt from per-strike candles');
    return minutes.length;
  }
}
