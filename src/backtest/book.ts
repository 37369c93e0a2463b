/**
 * The backtest's account: positions, round-trip trades, realised P&L and costs, marked to the last close
 * of each symbol. Fed fills in time order; pure bookkeeping, no I/O.
 */
import { applyFill, unrealized } from '../fills/ledger.js';
import type { Fill, Position } from '../fills/types.js';
import type { Trade } from './types.js';

type OpenTrade = Omit<Trade, 'exitTime' | 'exitPrice' | 'net'>;

export class Book {
  readonly positions = new Map<string, Position>();
  readonly trades: Trade[] = [];
  grossRealized = 0;
  commission = 0;
  tax = 0;
  private readonly open = new Map<string, OpenTrade>();
  private readonly lastClose = new Map<string, number>();
  private readonly multipliers = new Map<string, number>();
  constructor(readonly capital: number) {}

  mark(symbol: string, close: number): void {
    this.lastClose.set(symbol, close);
  }

  apply(fill: Fill, multiplier: number): void {
    this.multipliers.set(fill.symbol, multiplier);
    const before = this.positions.get(fill.symbol);
    const held = before?.quantity ?? 0;
    const { position, realized, closed } = applyFill(before, fill, multiplier);
    this.positions.set(fill.symbol, position);
    this.grossRealized += realized;
    this.commission += fill.commission;
    this.tax += fill.tax;
    // A reversing fill's costs are split between the trade it closes and the one it opens.
    const closingShare = fill.quantity > 0 ? closed / fill.quantity : 0;
    const trade = this.open.get(fill.symbol);
    if (trade) {
      trade.gross += realized;
      trade.commission += fill.commission * closingShare;
      trade.tax += fill.tax * closingShare;
      if (closed === 0) trade.quantity = Math.max(trade.quantity, Math.abs(position.quantity));
      if (position.quantity === 0 || Math.sign(position.quantity) !== Math.sign(held)) {
        trade.entryPrice = before!.averagePrice;
        this.trades.push({
          ...trade,
          exitTime: fill.time,
          exitPrice: fill.price,
          net: trade.gross - trade.commission - trade.tax,
        });
        this.open.delete(fill.symbol);
      }
    }
    if (position.quantity !== 0 && !this.open.has(fill.symbol)) {
      this.open.set(fill.symbol, {
        symbol: fill.symbol,
        side: position.quantity > 0 ? 'long' : 'short',
        quantity: Math.abs(position.quantity),
        entryTime: fill.time,
        entryPrice: position.averagePrice,
        gross: 0,
        commission: fill.commission * (1 - closingShare),
        tax: fill.tax * (1 - closingShare),
      });
    }
  }

  /** Won: capital + realised − costs + open positions at their last close. */
  equity(): number {
    let open = 0;
    for (const [symbol, p] of this.positions) {
      if (p.quantity === 0) continue;
      open += unrealized(p, this.lastClose.get(symbol) ?? p.averagePrice, this.multipliers.get(symbol)!);
    }
    return this.capital + this.grossRealized - this.commission - this.tax + open;
  }

  hasPosition(): boolean {
    for (const p of this.positions.values()) if (p.quantity !== 0) return true;
    return false;
  }

  openPositions(): Position[] {
    return [...this.positions.values()].filter((p) => p.quantity !== 0);
  }
}
