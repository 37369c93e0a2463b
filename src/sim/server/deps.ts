/** What the protocol servers share: the clock, the market, credentials, limits and faults. */
import type { Logger } from 'pino';
import type { TradingCalendar } from '../../market/calendar/index.js';
import type { Clock } from '../../time/clock.js';
import type { SimAccount, ApprovalStore, TokenStore } from '../credentials.js';
import type { FaultController } from '../faults.js';
import type { SimMarket } from '../market/types.js';
import type { SlidingWindowLimiter } from '../rate-limit.js';

export interface SimLimits {
  realPerSecond: number;
  paperPerSecond: number;
  /** display-board-callput: KIS asks for at most 1 call/s; the simulator enforces it (EGW00201). */
  optionBoardPerSecond: number;
}

export interface ServerDeps {
  clock: Clock;
  market: SimMarket;
  calendar: TradingCalendar;
  accounts: Map<string, SimAccount>;
  tokens: TokenStore;
  approvals: ApprovalStore;
  limiter: SlidingWindowLimiter;
  limits: SimLimits;
  faults: FaultController;
  logger: Logger;
}
