import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { writeCandles } from '../../src/db/writer.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { replayStrategy } from '../../src/strategy/replay.js';
import { getStrategy } from '../../src/strategy/registry.js';
import { formatKstIso, parseKstDate } from '../../src/time/kst.js';
import { syntheticFutureCandles } from './synthetic.js';

const D = parseKstDate('2026-11-20');
let db: TestDb;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  db = await createTestDb();
  env = { KRTRADE_DATABASE_URL: db.url };
  await writeCandles(db.pool, 'futures_101', syntheticFutureCandles('A01612', [D], defaultCalendar(), 7));
});
afterAll(async () => db?.drop());

describe('krtrade replay', () => {
  it('prints the same signals as the library replay, and stores them only with --write', async () => {
    const expected = await replayStrategy(db.pool, getStrategy('vwap-atr'), { from: D, to: D });
    const r = await runCli(['replay', '--strategy', 'vwap-atr', '--from', D, '--to', D, '--json'], { env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      days: { tradingDate: string }[];
      signals: { time: string; kind: string; value: number }[];
    };
    expect(out.days.map((d) => d.tradingDate)).toEqual([D]);
    expect(out.signals).toEqual(expected.signals.map((s) => ({ ...s, time: formatKstIso(s.time) })));
    const count = async (): Promise<number> =>
      (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM signals')).rows[0]!.n;
    expect(await count()).toBe(0);

    const w = await runCli(['replay', '--strategy', 'vwap-atr', '--from', D, '--to', D, '--write'], { env });
    expect(w.code).toBe(0);
    expect(w.stdout).toContain(`stored +${expected.signals.length} ~0 =0 -0`);
    expect(await count()).toBe(expected.signals.length);
    const again = await runCli(['replay', '--strategy', 'vwap-atr', '--from', D, '--to', D, '--write'], {
      env,
    });
    expect(again.stdout).toContain(`stored +0 ~0 =${expected.signals.length} -0`);
  });

  it('rejects bad arguments with one clear line', async () => {
    const unknown = await runCli(['replay', '--strategy', 'nope', '--from', D, '--to', D], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown strategy "nope"; known: .*vwap-atr/);
    const order = await runCli(['replay', '--strategy', 'vwap-atr', '--from', '2026-11-21', '--to', D], {
      env,
    });
    expect(order.code).toBe(1);
    expect(order.stderr).toMatch(/--from 2026-11-21 is after --to/);
    const list = await runCli(['strategy', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout)).toContainEqual({ name: 'vwap-atr', version: '1', lookback: 760 });
  });
});

describe('strategy plugins', () => {
  it('replays a plugin file loaded with --plugin through the same runner', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'krtrade-plugin-'));
    const file = join(dir, 'close-echo.mts'); // ESM: .mts, or .ts inside a "type": "module" package
    // A minimal plugin: echoes every close of the front future as a monitor signal.
    writeFileSync(
      file,
      `export default {
        name: 'close-echo', lookback: 1,
        instruments: () => ['A01612'],
        onBatch: (i) => [...i.batch.values()].map((c) => ({ time: i.time, symbol: c.symbol, kind: 'monitor', value: c.close })),
      };\n`,
    );
    const r = await runCli(
      ['replay', '--plugin', file, '--strategy', 'close-echo', '--from', D, '--to', D, '--json'],
      { env },
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { signals: { strategy: string; value: number }[] };
    const stored = await db.pool.query<{ close: number }>(
      `SELECT close FROM candles_1m WHERE symbol = 'A01612' AND trading_date = $1 ORDER BY "timestamp"`,
      [D],
    );
    expect(out.signals.map((s) => s.value)).toEqual(stored.rows.map((x) => x.close));
    expect(new Set(out.signals.map((s) => s.strategy))).toEqual(new Set(['close-echo']));
    const bad = join(dir, 'bad.mts');
    writeFileSync(bad, 'export const nothing = 1;\n');
    const e = await runCli(['replay', '--plugin', bad, '--strategy', 'x', '--from', D, '--to', D], { env });
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/must export a strategy/);
  });
});
