/**
 * 1-minute bars from streamed trades. Each trade updates the bar of its instrument's minute (labelled by
 * minute start, KST; the trading date is the record's, which the WebSocket client dates by the KRX rule,
 * so a night bar at 01:30 belongs to the next trading day). A minute closes for every instrument once the
 * stream's watermark — the newest exchange time seen on any instrument, or the clock via `advance` — is
 * `graceMs` past its end; its bars are handed to `onClose` at once. Pure code, no I/O.
 *
 * A trade that arrives for a minute already closed (out of order across TRs) amends that bar and hands
 * it to `onClose` again (`late` counts them); bars are kept `keepClosedMs` for that. Without `since`, each
 * instrument's first minute is partial (its registration may have started mid-minute): the REST bar stands for it.
 */
import type { WsRecord } from '../kis/ws/records.js';
import { floorMinute, type KstDate, type KstTime } from '../time/kst.js';
import type { Bar } from '../market/resample.js';
import { isTrade } from './copy-records.js';

/** `time` is the minute start (KST wall-clock); `volume` the sum of the trades' quantities. */
export interface TickBar extends Bar {
  symbol: string;
  trades: number;
  /** The minute overlaps a stretch in which trades may have been missed (start, gap): not a full bar. */
  partial: boolean;
}

export interface TickBarOptions {
  onClose: (bars: TickBar[]) => void;
  /** How far past a minute's end the watermark must be before it closes (default 1 s: records are stamped to the second). */
  graceMs?: number;
  /** How long closed bars are kept to absorb late trades (default 5 min). */
  keepClosedMs?: number;
  /**
   * From when the stream is complete (registrations acknowledged): minutes starting earlier are partial.
   * Without it, everything before the first record seen is treated that way.
   */
  since?: KstTime;
}

interface Gap {
  from: number;
  to: number;
  symbols: ReadonlySet<string> | null;
}

export class TickBarBuilder {
  readonly counters = { trades: 0, closed: 0, late: 0 };
  private readonly open = new Map<string, TickBar>();
  private readonly closed = new Map<string, TickBar>();
  private watermark = -Infinity;
  private readonly gaps: Gap[] = [];
  /** Per instrument, the minute of its first trade seen (its bar is partial). */
  private readonly firstMinute = new Map<string, number>();

  constructor(private readonly opts: TickBarOptions) {
    if (opts.since !== undefined) this.gaps.push({ from: -Infinity, to: opts.since, symbols: null });
  }

  /**
   * Trades of `symbols` (all when omitted) between `from` and `to` may be missing: their minutes are partial.
   * It also ends what `suspend` left open for those symbols: the session is registered again at `to`.
   */
  gap(from: KstTime, to: KstTime, symbols?: readonly string[]): void {
    for (const g of this.gaps) {
      if (g.to !== Infinity) continue;
      if (!symbols || !g.symbols || symbols.some((s) => g.symbols!.has(s))) g.to = Math.max(to, g.from);
    }
    this.gaps.push({ from, to, symbols: symbols ? new Set(symbols) : null });
  }

  /**
   * The session of `symbols` dropped (known at once on the client); its gap is known only once it is back.
   * Until then (`gap` for them), every minute from `from` (its last record) on is partial: a minute
   * closed meanwhile by the clock was seen only in part.
   */
  suspend(from: KstTime, symbols: readonly string[]): void {
    this.gaps.push({ from, to: Infinity, symbols: new Set(symbols) });
  }

  private isPartial(symbol: string, minute: number): boolean {
    // An instrument's first minute on this stream: it may have been registered mid-minute (its own ACK can
    // come well after the first record of another instrument), so earlier trades of that minute may be missing.
    if (minute <= (this.firstMinute.get(symbol) ?? -Infinity)) return true;
    return this.gaps.some((g) => g.from < minute + 60_000 && g.to > minute && (!g.symbols || g.symbols.has(symbol)));
  }

  /** Feeds one record (anything but a trade only moves the watermark). */
  onRecord(r: WsRecord): void {
    if (r.kind === 'fo-notice') return;
    if (this.watermark === -Infinity && this.opts.since === undefined)
      this.gaps.push({ from: -Infinity, to: r.time, symbols: null });
    if (isTrade(r)) this.addTrade(r.code, r.time, r.tradingDate, r.price, r.qty);
    this.advance(r.time);
  }

  /** Moves the watermark (e.g. from the clock when the market is quiet) and closes the minutes it passed. */
  advance(now: KstTime): void {
    if (now <= this.watermark) return;
    this.watermark = now;
    const grace = this.opts.graceMs ?? 1_000;
    const done: TickBar[] = [];
    for (const [symbol, bar] of this.open) {
      if (bar.time + 60_000 + grace <= now) {
        this.open.delete(symbol);
        this.closed.set(`${symbol}|${bar.time}`, bar);
        done.push(bar);
      }
    }
    const keep = this.opts.keepClosedMs ?? 300_000;
    for (const [k, bar] of this.closed) if (bar.time + 60_000 + keep < now) this.closed.delete(k);
    for (let i = this.gaps.length - 1; i >= 0; i--) if (this.gaps[i]!.to + keep < now && this.gaps[i]!.from !== -Infinity) this.gaps.splice(i, 1);
    if (done.length) {
      this.counters.closed += done.length;
      this.opts.onClose(done.map((b) => ({ ...b, partial: this.isPartial(b.symbol, b.time) })));
    }
  }

  /** Bars still forming (not closed), e.g. to show on a chart. */
  forming(): TickBar[] {
    return [...this.open.values()].map((b) => ({ ...b }));
  }

  private addTrade(symbol: string, time: KstTime, tradingDate: KstDate, price: number, qty: number): void {
    this.counters.trades++;
    const minute = floorMinute(time);
    if (this.opts.since === undefined && !this.firstMinute.has(symbol)) this.firstMinute.set(symbol, minute);
    const cur = this.open.get(symbol);
    if (cur && cur.time === minute) return update(cur, price, qty);
    if (cur && cur.time > minute) return this.late(symbol, minute, price, qty);
    if (cur) {
      // The instrument moved on to a new minute before the watermark closed its previous one.
      this.open.delete(symbol);
      this.closed.set(`${symbol}|${cur.time}`, cur);
      this.counters.closed++;
      this.opts.onClose([{ ...cur, partial: this.isPartial(symbol, cur.time) }]);
    }
    const old = this.closed.get(`${symbol}|${minute}`);
    if (old) return this.late(symbol, minute, price, qty);
    const bar = { symbol, time: minute, tradingDate, open: price, high: price, low: price, close: price, volume: qty, trades: 1, partial: false };
    this.open.set(symbol, bar);
  }

  private late(symbol: string, minute: KstTime, price: number, qty: number): void {
    const bar = this.closed.get(`${symbol}|${minute}`);
    this.counters.late++;
    if (!bar) return; // its minute never had a bar here or is older than keepClosedMs: the REST bar stands
    update(bar, price, qty);
    this.opts.onClose([{ ...bar, partial: this.isPartial(symbol, minute) }]);
  }
}

function update(bar: TickBar, price: number, qty: number): void {
  if (price > bar.high) bar.high = price;
  if (price < bar.low) bar.low = price;
  bar.close = price;
  bar.volume += qty;
  bar.trades++;
}
