/**
 * The stream loop: every `intervalMs` (real time) it reads the market model's trades since the last tick
 * for every subscribed code, builds one record per trade (and one book record per code) from the shared
 * layouts, and sends `0|TR|NNN|rec^rec…` frames — several records per frame when busy, like KIS. The
 * records are built once per code and TR and shared by every subscribed session.
 */
import type { TradingCalendar } from '../../market/calendar/index.js';
import type { Instrument } from '../../market/types.js';
import type { Clock } from '../../time/clock.js';
import { type KstTime, floorMinute, kisDate, kisHhmmss, toKst } from '../../time/kst.js';
import type { SimMarket, SimOptionRow, SimQuote, SimTrade } from '../market/types.js';
import type { Logger } from 'pino';
import { basisOf, basisReference } from './basis.js';
import { priceDecimals } from './layout.js';
import { isNightTime } from './night.js';
import {
  type CodeState,
  type OptionExtras,
  type RecordCtx,
  MARKET_TRS,
  recordBuilder,
} from './ws-records.js';
import type { StreamSink } from './ws-server.js';
import type { Subscription, WsSession } from './ws-session.js';
import type { SentLog, SentMeta } from './sent-log.js';

/** After midnight in the night session KIS's realtime time encoding is undocumented: `01xxxx` (wall) or `25xxxx`. */
export type NightHourEncoding = 'wall' | 'plus24';

export interface StreamOptions {
  intervalMs: number;
  maxRecordsPerFrame: number;
  nightHourEncoding: NightHourEncoding;
  /** The simulator's calendar (an option's basis is its front-month future's). */
  calendar: TradingCalendar;
  /** Ground truth of what was sent (tests), when given. */
  sentLog?: SentLog;
}

interface Feed {
  inst: Instrument;
  cursor: KstTime;
  byTr: Map<string, Set<WsSession>>;
  state?: CodeState;
}

export class StreamHub implements StreamSink {
  private readonly feeds = new Map<string, Feed>();
  private readonly timer: NodeJS.Timeout;
  private readonly boardCache = new Map<string, Map<string, SimOptionRow>>();
  ticks = 0;
  recordsBuilt = 0;

  constructor(
    private readonly market: SimMarket,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly opts: StreamOptions,
  ) {
    this.timer = setInterval(() => this.tickSafely(), opts.intervalMs);
    this.timer.unref();
  }

  add(session: WsSession, sub: Subscription): void {
    const role = MARKET_TRS[sub.layout.trId];
    const inst = this.market.instrument(sub.trKey);
    // KIS accepts any tr_key and simply never sends data for an unknown one.
    if (!role || !inst || !role.kinds.includes(inst.kind)) {
      this.logger.debug({ tr: sub.trId, key: sub.trKey }, 'sim: subscription has no market data');
      return;
    }
    let feed = this.feeds.get(inst.code);
    if (!feed) this.feeds.set(inst.code, (feed = { inst, cursor: toKst(this.clock.now()), byTr: new Map() }));
    let set = feed.byTr.get(sub.layout.trId);
    if (!set) feed.byTr.set(sub.layout.trId, (set = new Set()));
    set.add(session);
  }

  remove(session: WsSession, sub: Subscription): void {
    const feed = this.feeds.get(sub.trKey);
    const set = feed?.byTr.get(sub.layout.trId);
    if (!feed || !set) return;
    set.delete(session);
    if (set.size === 0) feed.byTr.delete(sub.layout.trId);
    if (feed.byTr.size === 0) this.feeds.delete(sub.trKey);
  }

  private tickSafely(): void {
    try {
      this.tick();
    } catch (e) {
      this.logger.error({ err: e }, 'sim: stream tick failed');
    }
  }

  /** One pass of the loop (public so tests and benchmarks can drive it). */
  tick(): void {
    this.ticks++;
    const now = toKst(this.clock.now());
    // Never replay a long stall: KIS does not resend missed realtime data either.
    const maxSpan = Math.max(60_000, 20 * this.opts.intervalMs * this.clock.speed);
    for (const feed of this.feeds.values()) {
      const from = Math.max(feed.cursor, now - maxSpan) as KstTime;
      feed.cursor = now;
      if (now <= from) continue;
      const trades = this.market.trades(feed.inst.code, from, now);
      if (trades.length > 0) this.publish(feed, trades, now);
    }
  }

  private publish(feed: Feed, trades: SimTrade[], now: KstTime): void {
    const { inst } = feed;
    const dec = priceDecimals(inst);
    const isDerivative = inst.kind !== 'stock';
    const index = isDerivative && inst.underlying ? this.market.indexLevel(inst.underlying, now) : undefined;
    const option = inst.kind === 'call' || inst.kind === 'put' ? this.optionExtras(inst, now) : undefined;
    const basisRef = isDerivative ? basisReference(this.market, this.opts.calendar, inst, now) : undefined;
    const out = new Map<string, string[]>();
    const metas = new Map<string, SentMeta[]>();
    const log = this.opts.sentLog;
    // The book after the batch's last trade (one depth per batch: building one per trade is costly); each
    // trade record shows its own best bid/ask (`trade.bid/ask`, which its price took) over that depth.
    const lastTrade = trades[trades.length - 1]!;
    const quote = this.market.quoteAfter(lastTrade);
    for (const trade of trades) {
      const st = this.advance(feed, trade);
      // Options: the fair value moves with the smile; the day state's copy is from the first trade seen.
      if (option?.theoretical !== undefined) st.theoretical = option.theoretical;
      const night = isDerivative && isNightTime(trade.time);
      const ctx: RecordCtx = {
        inst,
        dec,
        hhmmss: this.hhmmss(trade.time, night),
        yyyymmdd: kisDate(trade.time),
        st,
        trade,
        quote,
        option,
        index,
        // A future's record carries its own trade's price; an option's, its front future's basis now.
        basis: basisRef && basisOf(basisRef, inst.kind === 'future' ? trade.price : undefined),
      };
      for (const trId of feed.byTr.keys()) {
        const role = MARKET_TRS[trId]!;
        if (role.feed !== 'trade' || !this.sessionMatches(role.session, night)) continue;
        let list = out.get(trId);
        if (!list) out.set(trId, (list = []));
        list.push(recordBuilder(trId)(ctx));
        if (log) {
          let m = metas.get(trId);
          if (!m) metas.set(trId, (m = []));
          m.push({ time: trade.time, cumVolume: trade.cumVolume });
        }
      }
    }
    // One book record per batch: the book after its last trade, stamped with that trade's time.
    const night = isDerivative && isNightTime(lastTrade.time);
    for (const trId of feed.byTr.keys()) {
      const role = MARKET_TRS[trId]!;
      if (role.feed !== 'book' || !this.sessionMatches(role.session, night)) continue;
      out.set(trId, [recordBuilder(trId)(this.bookCtx(feed, quote, dec, night))]);
      if (log) metas.set(trId, [{ time: quote.time }]);
    }
    for (const [trId, records] of out) {
      this.recordsBuilt += records.length;
      const sessions = feed.byTr.get(trId)!;
      for (let i = 0; i < records.length; i += this.opts.maxRecordsPerFrame) {
        const chunk = records.slice(i, i + this.opts.maxRecordsPerFrame);
        const frame = `0|${trId}|${String(chunk.length).padStart(3, '0')}|${chunk.join('^')}`;
        for (const s of sessions) if (s.sendData(frame) && log) log.add(trId, inst.code, metas.get(trId)!.slice(i, i + this.opts.maxRecordsPerFrame));
      }
    }
  }

  private sessionMatches(session: 'stocks' | 'day' | 'night', night: boolean): boolean {
    return session === 'stocks' || (session === 'night') === night;
  }

  private bookCtx(feed: Feed, quote: SimQuote, dec: number, night: boolean): RecordCtx {
    const st = feed.state!;
    return {
      inst: feed.inst,
      dec,
      hhmmss: this.hhmmss(quote.time, night),
      yyyymmdd: kisDate(quote.time),
      st,
      quote,
    };
  }

  hhmmss(t: KstTime, night: boolean): string {
    const s = kisHhmmss(t);
    if (!night || this.opts.nightHourEncoding === 'wall') return s;
    const h = Number(s.slice(0, 2));
    return h < 12 ? String(h + 24) + s.slice(2) : s;
  }

  /** Updates the code's day state with a trade (re-reading the model's day so far when a day starts). */
  private advance(feed: Feed, t: SimTrade): CodeState {
    let st = feed.state;
    const hhmmss = this.hhmmss(t.time, feed.inst.kind !== 'stock' && isNightTime(t.time));
    if (!st || t.cumVolume < st.lastCumVolume) st = feed.state = this.dayState(feed.inst, t);
    if (t.cumVolume === t.qty) [st.open, st.openTime] = [t.price, hhmmss];
    if (!(t.price <= st.high)) [st.high, st.highTime] = [t.price, hhmmss];
    if (!(t.price >= st.low)) [st.low, st.lowTime] = [t.price, hhmmss];
    if (t.side === 1) [st.buyCount, st.buyQty] = [st.buyCount + 1, st.buyQty + t.qty];
    else [st.sellCount, st.sellQty] = [st.sellCount + 1, st.sellQty + t.qty];
    st.lastCumVolume = t.cumVolume;
    return st;
  }

  /**
   * The day state just before trade `t` (the first the stream sends for the code that day): the model's
   * snapshot one millisecond before t's second holds exactly the earlier trades, since the stream starts
   * reading at or before t's second and so never skips a trade that shares it.
   */
  private dayState(inst: Instrument, t: SimTrade): CodeState {
    const snap = this.market.snapshot(inst.code, t.time);
    const before = this.market.snapshot(inst.code, (t.time - 1) as KstTime);
    const earlier = before.tradingDate === snap.tradingDate && before.cumVolume + t.qty === t.cumVolume;
    // Otherwise (a boundary the check cannot vouch for) the snapshot at t's second, which includes t.
    const base = earlier ? before : snap;
    const traded = base.cumVolume > 0;
    const time = (at: KstTime | undefined): string =>
      traded && at !== undefined ? this.hhmmss(at, inst.kind !== 'stock' && isNightTime(at)) : '';
    return {
      tradingDate: snap.tradingDate,
      prevClose: snap.prevClose,
      upper: snap.upperLimit,
      lower: snap.lowerLimit,
      // NaN until a trade sets them (comparisons with NaN are false, see `advance`).
      open: traded ? base.open : NaN,
      high: traded ? base.high : NaN,
      low: traded ? base.low : NaN,
      openTime: time(base.openTime),
      highTime: time(base.highTime),
      lowTime: time(base.lowTime),
      sellCount: 0,
      buyCount: 0,
      sellQty: 0,
      buyQty: 0,
      lastCumVolume: 0,
      openInterest: snap.openInterest ?? 0,
      theoretical: snap.theoretical ?? 0,
      prevDay: this.market.previousDayVolume(inst.code, t.time),
    };
  }

  /** Greeks for an option, from the model's board (cached per minute: boards are costly). */
  private optionExtras(inst: Instrument, now: KstTime): OptionExtras | undefined {
    if (!inst.underlying || !inst.series || !inst.expiry) return undefined;
    const key = `${inst.underlying}|${inst.series}|${inst.expiry}|${floorMinute(now)}`;
    let rows = this.boardCache.get(key);
    if (!rows) {
      if (this.boardCache.size > 64) this.boardCache.clear();
      const board = this.market.optionBoard(inst.underlying, inst.series, inst.expiry, now);
      rows = new Map([...board.calls, ...board.puts].map((r) => [r.instrument.code, r]));
      this.boardCache.set(key, rows);
    }
    const row = rows.get(inst.code);
    return row
      ? {
          ...row.greeks,
          intrinsic: row.intrinsic,
          timeValue: row.timeValue,
          theoretical: row.snapshot.theoretical,
        }
      : undefined;
  }

  close(): void {
    clearInterval(this.timer);
    this.feeds.clear();
  }
}
