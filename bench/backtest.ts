/**
 * Backtest throughput: a year of 1-minute bars for 10 futures (day sessions, ~1M rows, generated into a
 * fresh database with COPY and dropped afterwards), then in the same run:
 *   - read alone (baseline): every row streamed through a server-side cursor into Candle objects;
 *   - end to end: the same read, each symbol-session fed to the VWAP/ATR strategy's step function
 *     (`vwapAtrSteps`, the code `vwap-atr` runs) and its trade events through the KRX fill model and ledger;
 *   - strategy + fills alone: the same on bars already in memory;
 *   - for reference, the per-minute engine (`runBacktest`, the strategy's onBatch with its full history
 *     window each minute, as live and replay call it) on a small slice.
 * Goals (issue 15): end to end ≥ 0.5 × read alone; strategy + fills ≥ 1,000,000 bars/s.
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
  readonly model = createFillModel({
    calendar: cal,
    fillAt: 'next_open',
    slippageTicks: 1,
    commission: { derivative: { rate: 0.00003 } },
  });
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

  const memory: Candle[] = [];
  const perSymbol = new Map<string, StrategyAndFills>();
  const [, e2eMs] = await timed(async () => {
    await readAll(pool, (c) => {
      let s = perSymbol.get(c.symbol);
      if (!s) perSymbol.set(c.symbol, (s = new StrategyAndFills()));
      s.push(c);
      memory.push(c);
    });
    for (const s of perSymbol.values()) s.flush();
  });
  const e2eFills = [...perSymbol.values()].reduce((a, s) => a + s.fills, 0);
  console.log(
    `end to end (read+strategy+fills): ${(e2eMs / 1000).toFixed(2)} s = ${rate(n, e2eMs)}, ${e2eFills} fills`,
  );

  const [fills, coreMs] = await timed(() => {
    const by = new Map<string, StrategyAndFills>();
    for (const c of memory) {
      let s = by.get(c.symbol);
      if (!s) by.set(c.symbol, (s = new StrategyAndFills()));
      s.push(c);
    }
    let f = 0;
    for (const s of by.values()) {
      s.flush();
      f += s.fills;
    }
    return f;
  });
  console.log(
    `strategy + fills alone:  ${(coreMs / 1000).toFixed(2)} s = ${rate(n, coreMs)} (${fills} fills, same as end to end: ${fills === e2eFills})`,
  );

  const slice = dates.slice(0, 5);
  const [bt, engineMs] = await timed(() =>
    runBacktest(pool, createVwapAtrStrategy({ symbol: SYMBOLS[0]! }), {
      from: slice[0]!,
      to: slice.at(-1)!,
      calendar: cal,
    }),
  );
  const engineBars = slice.length * cal.candleMinutes('derivatives', slice[0]!).length;
  console.log(
    `reference, per-minute engine (runBacktest, 1 symbol × ${slice.length} days): ${rate(engineBars, engineMs)}, ${bt.fills.length} fills`,
  );

  const ratio = readMs / e2eMs;
  const coreRate = (n / coreMs) * 1000;
  console.log(
    `ratio end to end / read alone: ${ratio.toFixed(2)} (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'MISSED'})`,
  );
  console.log(`strategy + fills ≥ 1,000,000 bars/s: ${coreRate >= 1_000_000 ? 'met' : 'MISSED'}`);
  if (sink === 0) console.log('(no bars read)');
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
