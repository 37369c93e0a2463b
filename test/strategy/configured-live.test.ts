/**
 * Acceptance: configured strategies (the built-in with non-default params, and a .ts plugin) run live
 * through the pipeline's strategy adapter minute by minute give exactly the signals `replay` gives for the
 * same stored data and params.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Signal } from '../../src/db/types.js';
import { createLogger } from '../../src/log.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { RealClock } from '../../src/time/clock.js';
import { parseKstDate, formatKst, type KstTime } from '../../src/time/kst.js';
import { strategiesSchema } from '../../src/strategy/config.js';
import { liveStrategies, strategyByName } from '../../src/strategy/configured.js';
import { replayStrategy } from '../../src/strategy/replay.js';
import { createStrategyRunner } from '../../workers/adapters/strategy.js';
import { syntheticFutureCandles } from './synthetic.js';

const cal = defaultCalendar();
const D1 = parseKstDate('2026-11-23');
const D2 = parseKstDate('2026-11-24');
const SYMBOL = 'A01612';
const LIVE_MINUTES = 160;
const entries = strategiesSchema.parse([
  { name: 'bands-tight', module: 'vwap-atr', params: { k: 1.2, atrPeriod: 10 }, instruments: [SYMBOL] },
  { name: 'brk', module: fileURLToPath(new URL('./fixtures/breakout-plugin.ts', import.meta.url)), params: { window: 12 }, instruments: [SYMBOL] },
  // h7's example plugin (a plain strategy with a withParams factory), on the KOSPI200 front future.
  { name: 'orb', module: fileURLToPath(new URL('../../examples/strategies/futures-opening-range.ts', import.meta.url)) },
]);
let db: TestDb;

const key = (s: Signal) => `${s.strategy} ${formatKst(s.time)} ${s.symbol} ${s.kind} ${s.value}`;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => db?.drop());

describe('configured strategies: live equals replay', () => {
  it('gives the same signals live (adapter, minute by minute) and in replay', async () => {
    const candles = syntheticFutureCandles(SYMBOL, [D1, D2], cal, 7);
    const day = new Set<number>(cal.candleMinutes('derivatives', D2).slice(0, LIVE_MINUTES));
    await writeCandles(db.pool, 'futures_101', candles.filter((c) => !day.has(c.time) && c.time < Math.min(...day)));
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const runner = createStrategyRunner(db.pool, cal, new RealClock(), createLogger({ level: 'silent', stream: sink }), {
      live: await liveStrategies(entries),
    });
    const minutes: KstTime[] = [];
    for (const c of candles.filter((x) => day.has(x.time))) {
      await writeCandles(db.pool, 'futures_101', [c]);
      await runner.runBatch(c.time, [SYMBOL], []);
      minutes.push(c.time);
    }
    const stored = await db.pool.query<{ strategy: string; timestamp: KstTime; symbol: string; kind: string; value: number | null }>(
      `SELECT strategy, "timestamp", symbol, kind, value FROM signals ORDER BY 1, 2, 3, 4`,
    );
    const live = stored.rows.map((r) => key({ ...r, time: r.timestamp }));
    for (const name of ['bands-tight', 'brk', 'orb']) {
      const strategy = await strategyByName(entries, name);
      const r = await replayStrategy(db.pool, strategy, { from: D2, to: D2, calendar: cal });
      const replayed = r.signals.filter((s) => s.time >= minutes[0]! && s.time <= minutes.at(-1)!).map(key).sort();
      const mine = live.filter((k) => k.startsWith(`${name} `)).sort();
      expect(mine.filter((k) => !k.includes(' monitor ')).length, `${name} trades`).toBeGreaterThan(0);
      expect(mine).toEqual(replayed);
    }
  });
});
