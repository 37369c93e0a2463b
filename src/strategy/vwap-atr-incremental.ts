/**
 * Per-minute VWAP/ATR without recomputing the history window: when this minute's window is last
 * minute's window plus one candle (the same candle objects, as the backtest engine and replay hand
 * them out), only the new candle is pushed into a `VwapAtrState`; otherwise the window is replayed into
 * a fresh state. Either way the result is the reference's `vwapAtrSteps(window, session).at(-1)`
 * (tested): the step of a candle depends only on the window's candles, so a cache that is used only
 * when the window provably continues the one it saw cannot change a signal. Live windows read anew from
 * the database each minute are new objects, so they always take the replay path (the old cost).
 */
import type { Session } from '../market/types.js';
import type { Candle } from './api.js';
import { VwapAtrState } from './vwap-atr-state.js';

export class IncrementalVwapAtr {
  private state: VwapAtrState;
  private window: readonly Candle[] = [];
  private open = NaN;
  private close = NaN;
  /** Whether the window's last candle produced a step. */
  private stepped = false;
  /** Windows replayed in full (the rest cost one candle); for tests and benchmarks. */
  replays = 0;

  constructor(
    private readonly k: number,
    private readonly atrPeriod: number,
  ) {
    this.state = new VwapAtrState(k, atrPeriod);
  }

  /** The state after the window's last candle, or undefined when that candle is outside the session. */
  lastStep(window: readonly Candle[], session: Pick<Session, 'open' | 'close'>): VwapAtrState | undefined {
    const sameSession = session.open === this.open && session.close === this.close;
    const how = sameSession ? this.continuation(window, session) : 'replay';
    if (how === 'replay') {
      this.replays++;
      this.state = new VwapAtrState(this.k, this.atrPeriod);
      this.state.beginSession(session.open, session.close);
      this.open = session.open;
      this.close = session.close;
      this.stepped = false;
      for (const c of window) this.stepped = this.state.push(c.time, c.high, c.low, c.close, c.volume);
    } else if (how === 'push') {
      const c = window[window.length - 1]!;
      this.stepped = this.state.push(c.time, c.high, c.low, c.close, c.volume);
    }
    this.window = window;
    return this.stepped ? this.state : undefined;
  }

  private continuation(w: readonly Candle[], session: Pick<Session, 'open'>): 'same' | 'push' | 'replay' {
    const prev = this.window;
    const n = w.length;
    if (n === 0 || prev.length === 0) return 'replay';
    if (n === prev.length && w[n - 1] === prev[n - 1]) return sameRefs(w, prev, 0, n) ? 'same' : 'replay';
    // Grown by one (the window has not reached the lookback yet): every candle keeps its index.
    if (n === prev.length + 1) return sameRefs(w, prev, 0, n - 1) ? 'push' : 'replay';
    // Slid by one: indices shift, which changes nothing as long as the session's first candle stays
    // more than an ATR period inside the window (its VWAP start and every ATR it needs are still there).
    if (n === prev.length && n > this.atrPeriod + 1 && w[this.atrPeriod + 1]!.time < session.open)
      return sameRefs(w, prev, 1, n - 1) ? 'push' : 'replay';
    return 'replay';
  }
}

/** w[i] === prev[i + shift] for i < count (object identity: the same stored candle). */
function sameRefs(w: readonly Candle[], prev: readonly Candle[], shift: number, count: number): boolean {
  for (let i = 0; i < count; i++) if (w[i] !== prev[i + shift]) return false;
  return true;
}
