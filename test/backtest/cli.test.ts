import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { writeCandles } from '../../src/db/writer.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { replayStrategy } from '../../src/strategy/replay.js';
import { getStrategy } from '../../src/strategy/registry.js';
import { runBacktest } from '../../src/backtest/engine.js';
import { parseParamsOption, withParams } from '../../src/backtest/params.js';
import { formatKstIso, parseKstDate } from '../../src/time/kst.js';
import { syntheticFutureCandles } from '../strategy/synthetic.js';

const D1 = parseKstDate('2026-11-19');
const D2 = parseKstDate('2026-11-20');
let db: TestDb;
let env: NodeJS.ProcessEnv;
let stored = 0;

beforeAll(async () => {
  db = await createTestDb();
  env = { KRTRADE_DATABASE_URL: db.url };
  const candles = syntheticFutureCandles('A01612', [D1, D2], defaultCalendar(), 7);
  stored = candles.length;
  await writeCandles(db.pool, 'futures_101', candles);
});
afterAll(async () => db?.drop());

describe('krtrade backtest', () => {
  it('gives exactly the signals replay gives for the same data and params, and trades on them', async () => {
    const strategy = getStrategy('vwap-atr');
    const replay = await replayStrategy(db.pool, strategy, { from: D1, to: D2 });
    const bt = await runBacktest(db.pool, strategy, { from: D1, to: D2, fills: { fillAt: 'signal_close' } });
    expect(replay.signals.filter((s) => s.kind !== 'monitor').length).toBeGreaterThan(2);
    expect(bt.signals).toEqual(replay.signals);
    // Every trading signal became an order (vwap-atr alternates enter / exit, all inside sessions).
    const trading = replay.signals.filter((s) => s.kind !== 'monitor');
    expect(bt.orders.map((o) => [o.order.signalTime, o.order.intent])).toEqual(
      trading.map((s) => [s.time, s.kind]),
    );
    expect(bt.fills).toHaveLength(trading.length);
    for (const f of bt.fills) expect(f.price * 20).toBeCloseTo(Math.round(f.price * 20), 9); // on the 0.05 grid
    expect(bt.trades.length).toBe(Math.floor(trading.length / 2));
  });

  it('prints JSON equal to the library run, and writes a self-contained HTML report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'krtrade-bt-'));
    const file = join(dir, 'report.html');
    const args = ['backtest', '--strategy', 'vwap-atr', '--from', D1, '--to', D2, '--slippage', '1'];
    const r = await runCli([...args, '--json', '--report', file], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      signals: unknown[];
      summary: Record<string, unknown>;
      fills: { price: number }[];
    };
    const lib = await runBacktest(db.pool, getStrategy('vwap-atr'), {
      from: D1,
      to: D2,
      fills: { slippageTicks: 1, commission: { derivative: { rate: 0.00003 }, stock: { rate: 0.00015 } } },
    });
    expect(out.signals).toEqual(lib.signals.map((s) => ({ ...s, time: formatKstIso(s.time) })));
    expect(out.summary).toEqual(lib.summary);
    expect(out.fills.map((f) => f.price)).toEqual(lib.fills.map((f) => f.price));
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/); // the library is inlined: no CDN, no server
    expect(html).toContain('LightweightCharts');
    expect(html).toContain('createSeriesMarkers');
    expect(html).toContain(`<h2>Trades (${lib.trades.length})</h2>`);
    const data = JSON.parse(
      /<script type="application\/json" id="bt-data">(.*?)<\/script>/s.exec(html)![1]!,
    ) as {
      prices: { symbol: string; candles: unknown[] }[];
      equity: unknown[];
    };
    expect(data.prices.map((p) => [p.symbol, p.candles.length])).toEqual([['A01612', stored]]);
    expect(data.equity).toHaveLength(lib.equity.length);

    const text = await runCli([...args, '--params', '{"k":3}'], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^vwap-atr backtest 2026-11-19\.\.2026-11-20: 2 trading days/);
    expect(text.stdout).toMatch(/net P&L -?[\d,]+ won/);
  });

  it('rejects bad params in the library with one line naming them', () => {
    const vwap = getStrategy('vwap-atr');
    expect(() => withParams(vwap, parseParamsOption('{"kk":1}'))).toThrow(
      /^--params: vwap-atr has no parameter kk/,
    );
    expect(() => withParams(vwap, parseParamsOption('[1]'))).toThrow(/^--params: expected a JSON object/);
    expect(() => withParams(vwap, { k: -1 })).toThrow(/^--params.k: a number > 0/);
    expect(withParams(vwap, { k: 3, atrPeriod: 10 }).name).toBe('vwap-atr');
  });

  it('rejects bad input with one line naming it', async () => {
    const base = ['backtest', '--strategy', 'vwap-atr', '--from', D1, '--to', D2];
    const cases: [string[], RegExp][] = [
      [['--fill-at', 'mid'], /^--fill-at: expected next_open or signal_close/],
    ];
    for (const [extra, re] of cases) {
      const r = await runCli([...base, ...extra], { env });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.replace(/^krtrade: /, '')).toMatch(re);
    }
  });
});
