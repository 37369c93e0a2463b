/**
 * What handlers need from the rest of krtrade, as narrow interfaces. `workers/runtime.ts` builds them from the
 * real KIS client, storage writers, option-matrix builder and strategy runner; handlers never import those
 * modules directly, which keeps each handler small and the wiring in one place.
 */
import type { RedisClient } from '../src/redis/client.js';
import type { Clock } from '../src/time/clock.js';
import type { KstDate, KstTime } from '../src/time/kst.js';
import type { Logger } from '../src/log.js';
import type { ProductFamily, OptionSeries } from '../src/market/types.js';
import type { PipelineKeys } from '../src/pipeline/ids.js';
import type { PipelineStats } from '../src/pipeline/stats.js';
import type { FireTimes } from '../src/pipeline/fire-times.js';
import type { MinuteBatches } from './barrier.js';
import type { BoardPayload, CandlePayload, MatrixRowPayload } from './payloads.js';
import type { QueueSet } from './queues.js';
import type { BoardAnalyticsPayload } from './payloads-options.js';
import type { Quarantine } from './quarantine.js';

export interface CandleTarget {
  code: string;
  family: ProductFamily;
}

export interface BoardTarget {
  underlying: string;
  series: OptionSeries;
  expiry: KstDate;
}

export interface MarketData {
  /** Completed minute bars whose minute starts in [from, to), oldest first, one KIS page at most per call site. */
  minuteBars(account: string, target: CandleTarget, from: KstTime, to: KstTime, signal?: AbortSignal): Promise<CandlePayload[]>;
  /** The current option board of one expiry, with the index level at that moment (`spot`) when KIS gives one; missing values null. */
  optionBoard(account: string, target: BoardTarget, signal?: AbortSignal): Promise<Omit<BoardPayload, 'minute'>>;
  /** Minutes one KIS minute-bar call returns at most, for paging backfills. */
  minuteRowCap(family: ProductFamily): number;
}

export interface Aggregation {
  /** ATM-relative matrix rows per metric for a board (bounded by optionMatrixStrikesPerSide); with the board's own analytics, on its forward and, by config, its own IV and greeks. */
  matrices(board: BoardPayload, analytics?: BoardAnalyticsPayload): MatrixRowPayload[];
  /** krtrade's own forward, IV and greeks per quote (aligned with `board.quotes`) and surface slice. */
  analyse?(board: BoardPayload): BoardAnalyticsPayload;
}

export interface Storage {
  /** Idempotent: returns rows inserted or changed. */
  writeCandles(family: ProductFamily, rows: CandlePayload[]): Promise<number>;
  /** Idempotent: raw chain rows and the matrices of one board minute, with its own analytics and surface slice when given. */
  writeBoard(board: BoardPayload, matrices: MatrixRowPayload[], analytics?: BoardAnalyticsPayload): Promise<number>;
}

export interface StrategyOutcome {
  signals: number;
}

export interface StrategyRunner {
  /** Runs every configured strategy over a minute batch; `missing` = instruments whose candle did not arrive. */
  runBatch(minute: KstTime, codes: string[], missing: string[]): Promise<StrategyOutcome>;
  /** Records in PostgreSQL that the batch's on-time run starts (expecting `expected`) and what it ran without. */
  openBatch(minute: KstTime, expected: string[]): Promise<void>;
  closeBatch(minute: KstTime, missing: string[]): Promise<void>;
  /** Of `minutes`, those whose batch ran without `code` (a stored candle of theirs calls for a late run). */
  batchesMissing(code: string, minutes: KstTime[]): Promise<KstTime[]>;
  /** Re-runs the batch for instruments it ran without, once; `retry` while its on-time run is still recording. */
  runLate(minute: KstTime, codes: string[]): Promise<LateOutcome>;
}

export type LateOutcome = { ran: false; retry?: boolean } | { ran: true; codes: string[]; signals: number; flaggedLate: number };

export interface PipelineServices {
  clock: Clock;
  log: Logger;
  redis: RedisClient;
  keys: PipelineKeys;
  stats: PipelineStats;
  queues: QueueSet;
  /** When scheduled jobs fire and which minute a firing stands for (clock + calendar). */
  fireTimes: FireTimes;
  /** The strategy barrier of live minute batches. */
  batches: MinuteBatches;
  market: MarketData;
  aggregation: Aggregation;
  storage: Storage;
  strategy: StrategyRunner;
  /** Where KIS answers still broken after the last attempt are kept (absent: they are only logged). */
  quarantine?: Quarantine;
}
