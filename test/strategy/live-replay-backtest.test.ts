/**
 * Acceptance: for the built-in vwap-atr and both example strategies (futures-opening-range on bars,
 * option-skew on stored IV matrices), configured from the same `strategies` entries, the signals of the live
 * runner (the pipeline's strategy adapter, minute by minute as bars and matrices arrive) equal `replay`'s,
 * and `backtest`'s equal `replay`'s, for the same stored data and params.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import { writeOptionMatrices } from '../../src/db/writer-matrix.js';
import type { OptionMatrixRow, Signal } from '../../src/db/types.js';
import { createLogger } from '../../src/log.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { RealClock } from '../../src/time/clock.js';
import { formatKst, parseKst, parseKstDate, type KstTime } from '../../src/time/kst.js';
import { strategiesSchema } from '../../src/strategy/config.js';
import { liveStrategies, strategyByName } from '../../src/strategy/configured.js';
import { replayStrategy } from '../../src/strategy/replay.js';
import { runBacktest } from '../../src/backtest/engine.js';
import { createStrategyRunner } from '../../workers/adapters/strategy.js';
import { monthlyUnderlying } from '../../examples/strategies/option-skew.js';
import { syntheticFutureCandles } from './synthetic.js';

const cal = defaultCalendar();
const D1 = parseKstDate('2026-11-23');
const D2 = parseKstDate('2026-11-24');
const SYMBOL = 'A01612';
const LIVE_MINUTES = 150;
const example = (file: string): string => fileURLToPath(new URL(`../../examples/strategies/${file}`, import.meta.url));
const entries = strategiesSchema.parse([
  { name: 'vwap', module: 'vwap-atr', params: { k: 1.2, atrPeriod: 10 }, instruments: [SYMBOL] },
  { name: 'orb', module: example('futures-opening-range.ts'), params: { rangeMinutes: 10 } },
  { name: 'skew', module: example('option-skew.ts'), params: { otm: 2, enterAbove: 0.03, exitBelow: 0.01 } },
]);
const NAMES = entries.map((e) => e.name);
let db: TestDb;

const key = (s: Pick<Signal, 'strategy' | 'time' | 'symbol' | 'kind' | 'value'>) =>
  `${s.strategy} ${formatKst(s.time)} ${s.symbol} ${s.kind} ${s.value}`;
const at = (hhmm: string): KstTime => parseKst(`2026-11-24 ${hhmm}`);

/** The monthly IV matrix of a D2 minute: put-minus-call skew 2, 3.5, 0.5 then 4 vol points; none after 10:40. */
function ivMatrix(t: KstTime): OptionMatrixRow | undefined {
  if (t > at('10:40')) return undefined;
  const skew = t < at('09:10') ? 0.02 : t < at('09:30') ? 0.035 : t < at('10:15') ? 0.005 : 0.04;
  const calls = Array.from({ length: 21 }, () => 0.2 as number | null);
  const puts = Array.from({ length: 21 }, () => 0.2 as number | null);
  puts[12] = 0.2 + skew;
  return { time: t, underlyingSymbol: monthlyUnderlying({ tradingDate: D2, calendar: cal }), metric: 'iv', atmStrike: 400, strikeStep: 2.5, calls, puts };
}

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => db?.drop());

describe('live = replay = backtest', () => {
  it('for vwap-atr, futures-opening-range and option-skew (with stored IV matrices)', async () => {
    const candles = syntheticFutureCandles(SYMBOL, [D1, D2], cal, 7);
    const day = cal.candleMinutes('derivatives', D2).slice(0, LIVE_MINUTES);
    const live = new Set<number>(day);
    await writeCandles(db.pool, 'futures_101', candles.filter((c) => c.time < day[0]!));
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const runner = createStrategyRunner(db.pool, cal, new RealClock(), createLogger({ level: 'silent', stream: sink }), {
      live: await liveStrategies(entries),
    });
    // Live: each minute's matrix and bar arrive, then the batch runs.
    for (const c of candles.filter((x) => live.has(x.time))) {
      const m = ivMatrix(c.time);
      if (m) await writeOptionMatrices(db.pool, '101', [m]);
      await writeCandles(db.pool, 'futures_101', [c]);
      await runner.runBatch(c.time, [SYMBOL], []);
    }
    const stored = await db.pool.query<{ strategy: string; timestamp: KstTime; symbol: string; kind: string; value: number | null }>(
      `SELECT strategy, "timestamp", symbol, kind, value FROM signals ORDER BY 1, 2, 3, 4`,
    );
    const liveKeys = stored.rows.map((r) => key({ ...r, time: r.timestamp }));
    for (const name of NAMES) {
      const strategy = await strategyByName(entries, name);
      const replay = await replayStrategy(db.pool, strategy, { from: D1, to: D2, calendar: cal });
      const backtest = await runBacktest(db.pool, strategy, { from: D1, to: D2, calendar: cal, fills: { fillAt: 'signal_close' } });
      expect(backtest.signals, `${name}: backtest = replay`).toEqual(replay.signals);
      expect(backtest.orders.length, `${name} orders`).toBeGreaterThan(0);
      const replayed = replay.signals.filter((s) => s.time >= day[0]! && s.time <= day.at(-1)!).map(key).sort();
      const mine = liveKeys.filter((k) => k.startsWith(`${name} `)).sort();
      expect(mine.filter((k) => !k.includes(' monitor ')).length, `${name} trades live`).toBeGreaterThan(0);
      expect(mine, `${name}: live = replay`).toEqual(replayed);
    }
    // option-skew really read the matrices: long from 09:10 (3.5 points), flat from 09:30, long again from 10:15.
    const skew = liveKeys.filter((k) => k.startsWith('skew ') && !k.includes(' monitor ')).map((k) => k.split(' ').slice(2, 3).concat(k.split(' ')[4]!).join(' '));
    expect(skew.find((k) => k.endsWith('enter_long'))).toBe('09:10:00 enter_long');
    expect(skew).toContain('09:29:00 enter_long');
    expect(skew).toContain('09:30:00 exit');
    expect(skew).toContain('10:15:00 enter_long');
    expect(skew).not.toContain('09:09:00 enter_long');
  });
});
