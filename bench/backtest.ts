/**
 * Backtest throughput: a year of 1-minute bars for 10 futures (day sessions, ~1M rows, generated into a
 * fresh database with COPY and dropped afterwards), then in the same run:
 *   - read alone (baseline): every row streamed through a server-side cursor into Candle objects;
 *   - end to end: the same read, each symbol-session fed to the VWAP/ATR strategy's step function
 *     (`vwapAtrSteps`, the code `vwap-atr` runs) and its trade events through the KRX fill model and ledger;
 *   - strategy + fills alone: the same on bars already in memory, two ways: the reference (`vwapAtrSteps`
 *     per session on Candle objects, the baseline) and the fast path (`FastVwapAtrRun`: `VwapAtrState` +
 *     fill model streamed from typed arrays, no per-bar allocation); both must book the same trades;
 *     per wall second and per CPU second (process user+system time; the machine is shared);
 *   - the per-minute engine `krtrade backtest` runs (`runBacktest`, onBatch with its history window each
 *     minute) over the whole year of one symbol, and for reference on a few days with windows of fresh
 *     candle objects (what a live read costs: the window replayed every minute).
 * Goals (issue 15): end to end ≥ 0.5 × read alone; strategy + fills ≥ 1,000,000 bars/s (CPU);
 * a year of one symbol through the engine in seconds (< 60 s).
 *
 *   npm run bench -- backtest [-- --days 250 --symbols 10]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPool } from '../src/db/pool.js';
import { migrate } from '../src/db/migrate.js';
import { ensureCandleTable } from '../src/db/dynamic-tables.js';
import { copyLines, kstText } from '../src/db/copy.js';
import type { Candle } from '../src/db/types.js';
import { defaultCalendar } from '../src/market/calendar/index.js';
import { addDays, parseKstDate, type KstDate, type KstTime } from '../src/time/kst.js';
import { createVwapAtrStrategy, vwapAtrSteps } from '../src/strategy/vwap-atr.js';
import { createFillModel } from '../src/fills/model.js';
import { Book } from '../src/backtest/book.js';
import { runBacktest } from '../src/backtest/engine.js';
import { seededRandom } from '../src/sim/faults.js';
import { FastVwapAtrRun } from '../src/backtest/fast-vwap-atr.js';
import type { Strategy } from '../src/strategy/api.js';

const { values: args } = parseArgs({
  options: { days: { type: 'string', default: '250' }, symbols: { type: 'string', default: '10' } },
});
const DAYS = Number(args.days);
const SYMBOLS = [
  'A01603',
  'A01606',
  'A01609',
  'A01612',
  'A05603',
  'A05606',
  'A05609',
  'A05612',
  'A06603',
  'A06606',
].slice(0, Number(args.symbols));
const ADMIN_URL = process.env.KRTRADE_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const cal = defaultCalendar();
const PARAMS = { k: 2, atrPeriod: 14 };

function tradingDates(): KstDate[] {
  const out: KstDate[] = [];
  for (let d = parseKstDate('2025-01-02'); out.length < DAYS; d = addDays(d, 1))
    if (cal.isTradingDay(d)) out.push(d);
  return out;
}

function* rows(dates: readonly KstDate[]): Generator<string> {
  const rnd = seededRandom(7);
  for (const symbol of SYMBOLS) {
    let price = 400;
    for (const d of dates) {
      for (const t of cal.candleMinutes('derivatives', d)) {
        const open = price;
        price = Math.max(
          50,
          Math.round((price + (rnd() - 0.5) * 0.6 + (rnd() < 0.01 ? 3 * (rnd() - 0.5) : 0)) * 20) / 20,
        );
        const high = Math.round((Math.max(open, price) + rnd() * 0.1) * 20) / 20;
        const low = Math.round((Math.min(open, price) - rnd() * 0.1) * 20) / 20;
        yield `futures_101\t${kstText(t)}\t${symbol}\t${d}\t${open}\t${high}\t${low}\t${price}\t${1 + Math.floor(rnd() * 300)}`;
      }
    }
  }
}

/** Streams every row, ordered by symbol and time, through a cursor; calls `onBar` per candle. */
async function readAll(pool: pg.Pool, onBar: (c: Candle) => void): Promise<number> {
  const client = await pool.connect();
  let n = 0;
  try {
    await client.query('BEGIN');
    await client.query(
      `DECLARE bars NO SCROLL CURSOR FOR SELECT "timestamp", symbol, trading_date, open, high, low, close, volume
         FROM candles_1m WHERE family = 'futures_101' ORDER BY symbol, "timestamp"`,
    );
    for (;;) {
      const r = await client.query<{
        timestamp: KstTime;
        symbol: string;
        trading_date: KstDate;
        open: number;
        high: number;
        low: number;
        close: number;
        volume: number;
      }>('FETCH 20000 FROM bars');
      if (r.rows.length === 0) break;
      for (const x of r.rows) {
        onBar({
          symbol: x.symbol,
          time: x.timestamp,
          tradingDate: x.trading_date,
          open: x.open,
          high: x.high,
          low: x.low,
          close: x.close,
          volume: x.volume,
        });
        n++;
      }
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  return n;
}

/** VWAP/ATR + fills over one symbol's bars, session by session (bars ascending, one symbol). */
class StrategyAndFills {
  readonly model = createFillModel(fillOptions);
  readonly book = new Book(100_000_000);
  fills = 0;
  private session: Candle[] = [];
  private warmup: Candle[] = [];
  private date: KstDate | undefined;

  push(c: Candle): void {
    if (c.tradingDate !== this.date) this.flush();
    this.date = c.tradingDate;
    this.session.push(c);
  }

  flush(): void {
    if (this.session.length === 0) return;
    const s = cal.session('derivatives', this.date!)!;
    const candles = this.warmup.length ? [...this.warmup, ...this.session] : this.session;
    const steps = vwapAtrSteps(candles, s, PARAMS);
    const offset = candles.length - steps.length;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const bar = candles[offset + i]!;
      this.book.mark(bar.symbol, bar.close);
      if (!step.event) continue;
      const order = this.model.orderFor(
        { strategy: 'vwap-atr', symbol: bar.symbol, time: bar.time, kind: step.event.kind },
        this.book.positions.get(bar.symbol),
      );
      if (!order) continue;
      const fill = this.model.fill(order, bar, candles[offset + i + 1]);
      if (fill) {
        this.book.apply(fill, this.model.multiplier(fill.symbol));
        this.fills++;
      }
    }
    this.warmup = this.session.slice(-PARAMS.atrPeriod);
    this.session = [];
  }
}

const fillOptions = {
  calendar: cal,
  fillAt: 'next_open' as const,
  slippageTicks: 1,
  commission: { derivative: { rate: 0.00003 } },
};

/** Bars in memory as columns (one symbol after another, each ascending): no object per bar. */
class Columns {
  n = 0;
  time = new Float64Array(1 << 16);
  open = new Float64Array(1 << 16);
  high = new Float64Array(1 << 16);
  low = new Float64Array(1 << 16);
  close = new Float64Array(1 << 16);
  volume = new Float64Array(1 << 16);
  /** [symbol, first row, end row) per symbol. */
  readonly ranges: [string, number, number][] = [];

  add(c: Candle): void {
    if (this.n === this.time.length) this.grow();
    const last = this.ranges.at(-1);
    if (!last || last[0] !== c.symbol) this.ranges.push([c.symbol, this.n, this.n]);
    const i = this.n++;
    this.time[i] = c.time;
    this.open[i] = c.open;
    this.high[i] = c.high;
    this.low[i] = c.low;
    this.close[i] = c.close;
    this.volume[i] = c.volume;
    this.ranges.at(-1)![2] = this.n;
  }

  private grow(): void {
    for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      const bigger = new Float64Array(this.time.length * 2);
      bigger.set(this[k]);
      this[k] = bigger;
    }
  }
}

/** The fast path over in-memory columns: one FastVwapAtrRun per symbol, one book. */
function fastRun(cols: Columns): { fills: number; book: Book } {
  const model = createFillModel(fillOptions);
  const book = new Book(100_000_000);
  let fills = 0;
  for (const [symbol, from, to] of cols.ranges) {
    const run = new FastVwapAtrRun(symbol, cal, model, book, PARAMS);
    const { time, open, high, low, close, volume } = cols;
    for (let i = from; i < to; i++)
      run.push(time[i] as KstTime, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
    run.finish();
    fills += run.fills;
  }
  return { fills, book };
}

const rate = (n: number, ms: number): string =>
  `${Math.round((n / ms) * 1000).toLocaleString('en-US')} bars/s`;
const timed = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
};

const name = `krt_bench_bt_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const pool = createPool(ADMIN_URL.replace(/\/[^/]*$/, `/${name}`), {
  max: 2,
  applicationName: 'krtrade-bench',
});
try {
  await migrate(pool);
  await ensureCandleTable(pool, 'futures_101');
  const dates = tradingDates();
  const [, genMs] = await timed(async () => {
    const c = await pool.connect();
    try {
      await copyLines(
        c,
        'candles_1m',
        ['family', '"timestamp"', 'symbol', 'trading_date', 'open', 'high', 'low', 'close', 'volume'],
        rows(dates),
      );
    } finally {
      c.release();
    }
    await pool.query('ANALYZE candles_1m');
  });
  console.log(
    `generated ${dates.length} trading days × ${SYMBOLS.length} symbols (${dates[0]}..${dates.at(-1)}) with COPY in ${(genMs / 1000).toFixed(1)} s`,
  );

  // Read alone, warm once first so both passes see the same cache.
  await readAll(pool, () => {});
  let sink = 0;
  const [n, readMs] = await timed(() => readAll(pool, (c) => (sink += c.close)));
  console.log(
    `read alone:              ${n.toLocaleString('en-US')} bars in ${(readMs / 1000).toFixed(2)} s = ${rate(n, readMs)}`,
  );

  // End to end: the fast path fed straight from the cursor (bars kept too, for the in-memory runs).
  const memory: Candle[] = [];
  const e2eModel = createFillModel(fillOptions);
  const e2eBook = new Book(100_000_000);
  const perSymbol = new Map<string, FastVwapAtrRun>();
  const [, e2eMs] = await timed(async () => {
    await readAll(pool, (c) => {
      let s = perSymbol.get(c.symbol);
      if (!s) perSymbol.set(c.symbol, (s = new FastVwapAtrRun(c.symbol, cal, e2eModel, e2eBook, PARAMS)));
      s.push(c.time, c.open, c.high, c.low, c.close, c.volume);
      memory.push(c);
    });
    for (const s of perSymbol.values()) s.finish();
  });
  const e2eFills = [...perSymbol.values()].reduce((a, s) => a + s.fills, 0);
  console.log(
    `end to end (read+strategy+fills): ${(e2eMs / 1000).toFixed(2)} s = ${rate(n, e2eMs)}, ${e2eFills} fills`,
  );

  // Median of three rounds (by CPU time): on a shared machine one round can lose a second to a neighbour.
  const median = <T>(f: () => T): { value: T; ms: number; cpuMs: number } => {
    const rounds: { value: T; ms: number; cpuMs: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const value = f();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      rounds.push({ value, ms, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
    return rounds.sort((x, y) => x.cpuMs - y.cpuMs)[1]!;
  };
  const reference = median(() => {
    const by = new Map<string, StrategyAndFills>();
    for (const c of memory) {
      let s = by.get(c.symbol);
      if (!s) by.set(c.symbol, (s = new StrategyAndFills()));
      s.push(c);
    }
    for (const s of by.values()) s.flush();
    return [...by.values()];
  });
  const cols = new Columns();
  for (const c of memory) cols.add(c);
  memory.length = 0; // the fast path keeps no objects per bar
  const fast = median(() => fastRun(cols));
  const refTrades = reference.value.flatMap((s) => s.book.trades);
  const same =
    fast.value.fills === reference.value.reduce((a, s) => a + s.fills, 0) &&
    fast.value.fills === e2eFills &&
    JSON.stringify(fast.value.book.trades) === JSON.stringify(refTrades);
  const line = (label: string, r: { ms: number; cpuMs: number }): string =>
    `${label}: ${(r.ms / 1000).toFixed(2)} s wall = ${rate(n, r.ms)}, ${(r.cpuMs / 1000).toFixed(2)} s CPU = ${rate(n, r.cpuMs)} per CPU-s`;
  console.log(line('strategy + fills, reference (vwapAtrSteps on Candle objects)', reference));
  console.log(line('strategy + fills, fast path (VwapAtrState + fills on typed arrays)', fast));
  console.log(
    `  fast / reference: ${(reference.cpuMs / fast.cpuMs).toFixed(1)}× per CPU-s, ${(reference.ms / fast.ms).toFixed(1)}× wall; ${fast.value.fills} fills, same trades as the reference and end to end: ${same}`,
  );

  // The engine `krtrade backtest` runs: a year of one symbol, minute by minute.
  const yearBars = cols.ranges[0]![2] - cols.ranges[0]![1];
  const cpuYear0 = process.cpuUsage();
  const [bt, engineMs] = await timed(() =>
    runBacktest(pool, createVwapAtrStrategy({ symbol: SYMBOLS[0]! }), {
      from: dates[0]!,
      to: dates.at(-1)!,
      calendar: cal,
      fills: fillOptions,
    }),
  );
  const yearCpu = process.cpuUsage(cpuYear0);
  console.log(
    `engine (runBacktest, 1 symbol × ${dates.length} days, ${yearBars.toLocaleString('en-US')} bars): ${(engineMs / 1000).toFixed(1)} s wall = ${rate(yearBars, engineMs)}, ${((yearCpu.user + yearCpu.system) / 1e6).toFixed(1)} s CPU, ${bt.fills.length} fills`,
  );
  // Baseline: windows of fresh candle objects, so every minute replays the whole window (a live read's cost).
  const slice = dates.slice(0, 3);
  const inner = createVwapAtrStrategy({ symbol: SYMBOLS[0]! });
  const replaying: Strategy = {
    ...inner,
    onBatch: (input) =>
      inner.onBatch({ ...input, history: (sym, k) => input.history(sym, k).map((c) => ({ ...c })) }),
  };
  const [slow, slowMs] = await timed(() =>
    runBacktest(pool, replaying, { from: slice[0]!, to: slice.at(-1)!, calendar: cal, fills: fillOptions }),
  );
  const sliceBars = slice.length * cal.candleMinutes('derivatives', slice[0]!).length;
  const slowRate = (sliceBars / slowMs) * 1000;
  const engineRate = (yearBars / engineMs) * 1000;
  console.log(
    `engine baseline (window replayed every minute, ${slice.length} days): ${rate(sliceBars, slowMs)}, ${slow.fills.length} fills; incremental / replayed: ${(engineRate / slowRate).toFixed(0)}×`,
  );

  const ratio = readMs / e2eMs;
  const coreRate = (n / fast.cpuMs) * 1000;
  console.log(
    `ratio end to end / read alone: ${ratio.toFixed(2)} (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `strategy + fills ≥ 1,000,000 bars/s per CPU-s: ${coreRate >= 1_000_000 ? 'met' : 'MISSED'} (wall: ${(n / fast.ms) * 1000 >= 1_000_000 ? 'met' : 'missed'})`,
  );
  console.log(`engine, a year of one symbol < 60 s: ${engineMs < 60_000 ? 'met' : 'MISSED'}`);
  if (!same) console.log('MISMATCH: the fast path booked different trades from the reference');
  if (sink === 0) console.log('(no bars read)');
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
