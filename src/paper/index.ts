/** The paper broker built from config, and the after-batch listener that feeds it live signals. */
import type pg from 'pg';
import type { Signal } from '../db/types.js';
import { createFillModel, type KrxFillModel } from '../fills/model.js';
import type { TradingCalendar } from '../market/calendar/index.js';
import type { KstTime } from '../time/kst.js';
import { PaperBroker } from './broker.js';
import type { PaperConfig } from './config.js';

export { PaperBroker, type PaperBatchResult } from './broker.js';

export function paperFillModel(config: PaperConfig, calendar: TradingCalendar): KrxFillModel {
  return createFillModel({
    calendar,
    fillAt: config.fillAt,
    slippageTicks: config.slippageTicks,
    quantity: config.quantity,
    ...(config.maxPosition ? { maxPosition: config.maxPosition } : {}),
    ...(config.commission ? { commission: config.commission } : {}),
  });
}

export function createPaperBroker(pool: pg.Pool, config: PaperConfig, calendar: TradingCalendar): PaperBroker {
  return new PaperBroker(pool, paperFillModel(config, calendar), config.strategies ? { strategies: config.strategies } : {});
}

/** The strategy runner's after-batch listener (none when paper trading is off). */
export function paperAfterBatch(pool: pg.Pool, config: PaperConfig, calendar: TradingCalendar): ((minute: KstTime, signals: readonly Signal[]) => Promise<void>)[] {
  if (!config.enabled) return [];
  const broker = createPaperBroker(pool, config, calendar);
  return [async (minute, signals) => void (await broker.onBatch(minute, signals))];
}
