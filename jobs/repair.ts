/**
 * The repair loop, inside the scheduler process: every few clock minutes it asks PostgreSQL which closed
 * candle minutes of the subscribed instruments are missing (calendar-expected minus stored, for the session
 * so far plus a look-back, only minutes older than the settle time so live jobs get their chance first),
 * enqueues exactly those as backfill pages, and records the result: `data_quality` (through verify) and a
 * small JSON state in Redis for `/metrics` and `/health` (rebuilt by the next round if Redis is wiped).
 * Whatever failed for good elsewhere (a job that burned its attempts in an outage, a Redis wipe, a deleted
 * row) is picked up here, without a restart or a command. A minute KIS answers with no bar (no trades) stays
 * missing; after a few fruitless repairs the loop stops asking for it until the process restarts. Missing
 * option-board minutes are rebuilt from per-strike candles (`repair-boards.ts`).
 */
import type pg from 'pg';
import { type KstDate, type KstTime, addMinutes, dateOf, floorMinute, formatKstIso, toKst } from '../src/time/kst.js';
import { emitVerificationFailed } from '../src/verify/alerts.js';
import type { BoardTarget, CandleTarget } from '../src/pipeline/subscriptions.js';
import type { StoredMinutes } from '../src/repair/stored.js';
import { missingCandleMinutes } from '../src/repair/missing.js';
import type { RepairConfig } from '../src/repair/config.js';
import { verifyCompleteness } from '../src/verify/completeness.js';
import { boardSymbol, storedBoardMinutes, verifyBoards } from '../src/verify/boards.js';
import type { TradingCalendar } from '../src/market/calendar/index.js';
import { errorMessage } from '../src/errors.js';
import { once } from '../src/pipeline/lifecycle.js';
import { recoverMinutes } from './recovery.js';
import { BoardRebuilder } from './repair-boards.js';
import type { PipelineServices } from './services.js';

const MINUTE = 60_000;
/** Repairs of the same minute that found no bar before the loop gives up on it (until restart). */
const MAX_TRIES = 3;

export interface RepairRound {
  at: KstTime;
  /** Newest minute checked (closed at least `settleMinutes` ago). */
  upTo: KstTime;
  /** Missing minutes found, per instrument (given up ones excluded). */
  missing: Record<string, number>;
  /** Missing minutes in all. */
  totalMissing: number;
  /** Instruments a backfill was enqueued for. */
  enqueued: string[];
  /** Board minutes missing per board (`KOSPI200:20261210`). */
  boardsMissing: Record<string, number>;
  /** Of those, minutes rebuilt from per-strike candles this round (enqueued to aggregate-board), per board. */
  boardsRebuilt: Record<string, number>;
}

export interface RepairLoopOptions {
  services: PipelineServices;
  stored: StoredMinutes;
  pool: pg.Pool;
  calendar: TradingCalendar;
  config: RepairConfig;
  /** The subscribed candle instruments now and their trading date (the scheduler's resolution). */
  targets(): { tradingDate?: KstDate; candles: readonly CandleTarget[]; boards?: readonly BoardTarget[] };
}

export class RepairLoop {
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private readonly tries = new Map<string, number>();
  private readonly boards: BoardRebuilder;
  readonly close: () => Promise<void>;

  constructor(private readonly o: RepairLoopOptions) {
    this.boards = new BoardRebuilder({ services: o.services, pool: o.pool, calendar: o.calendar });
    this.close = once(async () => {
      this.abort.abort(new Error('repair loop closing'));
      await this.loop?.catch(() => undefined);
    });
  }

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    const { clock, log } = this.o.services;
    while (!this.abort.signal.aborted) {
      try {
        await clock.sleep(this.o.config.intervalMinutes * MINUTE, this.abort.signal);
      } catch {
        return;
      }
      try {
        await this.runOnce();
      } catch (e) {
        log.warn({ err: errorMessage(e) }, 'repair round failed; trying again next round');
      }
    }
  }

  /** One verify-and-repair round at the clock's current time. */
  async runOnce(): Promise<RepairRound> {
    const s = this.o.services;
    const index = s.fireTimes.index;
    const now = toKst(s.clock.now());
    const upTo = addMinutes(floorMinute(now), -(this.o.config.settleMinutes + 1));
    const { tradingDate, candles, boards = [] } = this.o.targets();
    const round: RepairRound = { at: now, upTo, missing: {}, totalMissing: 0, enqueued: [], boardsMissing: {}, boardsRebuilt: {} };
    for (const c of candles) {
      // The session the newest checked minute belongs to (after the close: the one just closed), plus the look-back.
      const anchor = index.lastUpTo(c.products, addMinutes(upTo, -24 * 60), upTo, c.expiry);
      if (anchor === undefined) continue;
      const after = Math.min(index.sessionBaseline(c.products, anchor, c.expiry), addMinutes(upTo, -this.o.config.lookbackMinutes)) as KstTime;
      const subject = { code: c.code, products: c.products, ...(c.expiry ? { expiry: c.expiry } : {}) };
      const found = await missingCandleMinutes(index, this.o.stored, subject, after, upTo);
      const missing = found.filter((m) => (this.tries.get(`${c.code}|${m}`) ?? 0) < MAX_TRIES);
      // Still missing after the last repair: said once (an alert), then left alone.
      const exhausted = found.filter((m) => this.tries.get(`${c.code}|${m}`) === MAX_TRIES);
      for (const m of exhausted) this.tries.set(`${c.code}|${m}`, MAX_TRIES + 1);
      if (exhausted.length)
        await emitVerificationFailed(s.keys.repairState, { source: 'repair loop', instrument: c.code, tradingDate: tradingDate ?? dateOf(anchor), missing: exhausted, time: now });
      if (!missing.length) continue;
      round.missing[c.code] = missing.length;
      round.totalMissing += missing.length;
      for (const m of missing) this.tries.set(`${c.code}|${m}`, (this.tries.get(`${c.code}|${m}`) ?? 0) + 1);
      if ((await recoverMinutes(c, missing, s, 'repair', { backfillOnly: true })) !== 'none') round.enqueued.push(c.code);
    }
    for (const b of boards) {
      const anchor = index.lastUpTo(b.products, addMinutes(upTo, -24 * 60), upTo, b.expiry);
      if (anchor === undefined) continue;
      const after = Math.min(index.sessionBaseline(b.products, anchor, b.expiry), addMinutes(upTo, -this.o.config.lookbackMinutes)) as KstTime;
      const expected = index.between(b.products, after, upTo, b.expiry);
      if (!expected.length) continue;
      const have = await storedBoardMinutes(this.o.pool, boardSymbol(b), expected[0]!, addMinutes(expected.at(-1)!, 1));
      const missing = expected.filter((m) => !have.has(m));
      if (!missing.length) continue;
      round.boardsMissing[boardSymbol(b)] = missing.length;
      // A board taken now would not be the board of that minute: rebuilt from that minute's candles instead.
      // Only holes after the first board stored in the checked span (what a running recorder missed): the
      // minutes before the recorder first took this board are reported, not rebuilt, else a mid-session start
      // would spend the REST budget of live work on a whole day of per-strike candles.
      const firstStored = have.size ? Math.min(...have) : Infinity;
      const rebuilt = await this.boards.rebuild(b, missing.filter((m) => m > firstStored));
      if (rebuilt) round.boardsRebuilt[boardSymbol(b)] = rebuilt;
    }
    if (this.tries.size > 100_000) this.tries.clear();
    if (tradingDate && candles.length) {
      await verifyCompleteness(this.o.pool, { date: tradingDate, symbols: candles.map((c) => c.code), calendar: this.o.calendar, upTo: addMinutes(upTo, 1) });
    }
    if (tradingDate && boards.length) await verifyBoards(this.o.pool, { date: tradingDate, calendar: this.o.calendar, boards, upTo: addMinutes(upTo, 1), write: true });
    await s.redis.set(s.keys.repairState, JSON.stringify({ ...round, at: formatKstIso(now), upTo: formatKstIso(upTo) }));
    if (Object.keys(round.boardsMissing).length) s.log.warn({ boards: round.boardsMissing, rebuilt: round.boardsRebuilt, upTo: formatKstIso(upTo) }, 'repair: option board minutes missing (rebuilt from per-strike candles where possible)');
    if (round.totalMissing) s.log.info({ missing: round.missing, upTo: formatKstIso(upTo) }, 'repair: missing minutes enqueued');
    return round;
  }
}
