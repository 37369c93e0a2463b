/**
 * Position accounting: applies fills to a signed position with an average entry price and books the
 * realised P&L of the part a fill closes. Money in won (points × quantity × multiplier).
 */
import type { Fill, Position } from './types.js';

export interface Applied {
  position: Position;
  /** Won realised by the closed part, before costs. */
  realized: number;
  /** Units this fill closed (0 for a pure entry). */
  closed: number;
}

export function applyFill(position: Position | undefined, fill: Fill, multiplier: number): Applied {
  const held = position?.quantity ?? 0;
  const avg = position?.averagePrice ?? 0;
  const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
  const next = held + signed;
  // The part of the fill that reduces the open position.
  const closed =
    held !== 0 && Math.sign(signed) !== Math.sign(held) ? Math.min(Math.abs(signed), Math.abs(held)) : 0;
  const realized = closed * (fill.price - avg) * Math.sign(held) * multiplier;
  let averagePrice: number;
  if (next === 0) averagePrice = 0;
  else if (Math.sign(next) !== Math.sign(held))
    averagePrice = fill.price; // opened or reversed
  else if (closed > 0)
    averagePrice = avg; // reduced
  else averagePrice = (avg * Math.abs(held) + fill.price * fill.quantity) / Math.abs(next); // added
  return { position: { symbol: fill.symbol, quantity: next, averagePrice }, realized, closed };
}

/** Won of an open position marked at `price` (unrealised P&L). */
export const unrealized = (p: Position, price: number, multiplier: number): number =>
  p.quantity === 0 ? 0 : (price - p.averagePrice) * p.quantity * multiplier;
