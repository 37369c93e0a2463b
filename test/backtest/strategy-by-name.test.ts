/**
 * `krtrade backtest --strategy NAME` and `/charts/backtest` resolve names as live and replay do (configured
 * entries first, built-ins otherwise), and `--params` for a defineStrategy plugin is checked by its schema.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { writeCandles } from '../../src/db/writer.js';
import { createLogger } from '../../src/log.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { runBacktest } from '../../src/backtest/engine.js';
import { backtestStrategy } from '../../src/backtest/strategy-by-name.js';
import { strategiesSchema } from '../../src/strategy/config.js';
import { replayStrategy } from '../../src/strategy/replay.js';
import { formatKstIso, parseKstDate, type KstTime } from '../../src/time/kst.js';
import { backtestRouter } from '../../dashboard/charts/backtest.js';
import { syntheticFutureCandles } from '../strategy/synthetic.js';

const PLUGIN = fileURLToPath(new URL('../strategy/fixtures/breakout-plugin.ts', import.meta.url));
const D1 = parseKstDate('2026-11-19');
const D2 = parseKstDate('2026-11-20');
const entries = strategiesSchema.parse([
  { name: 'fast-vwap', module: 'vwap-atr', params: { k: 1 }, instruments: ['A01612'] },
  { name: 'bo', module: PLUGIN, params: { window: 10 } },
]);
let db: TestDb;
let env: NodeJS.ProcessEnv;
let server: Server;
let base: string;

const signalsJson = (signals: readonly { time: KstTime }[]) => signals.map((s) => ({ ...s, time: formatKstIso(s.time) }));

beforeAll(async () => {
  db = await createTestDb();
  const dir = mkdtempSync(join(tmpdir(), 'krtrade-bt-name-'));
  const config = join(dir, 'krtrade.config.json');
  writeFileSync(config, JSON.stringify({ strategies: entries }));
  env = { KRTRADE_DATABASE_URL: db.url, KRTRADE_CONFIG: config };
  await writeCandles(db.pool, 'futures_101', syntheticFutureCandles('A01612', [D1, D2], defaultCalendar(), 7));
  const app = express();
  app.use('/charts/backtest', backtestRouter(db.pool, createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }) }), entries));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts/backtest`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await db?.drop();
});

describe('backtest strategies by name', () => {
  it('runs a configured strategy with its params, equal to replay of the same configured strategy', async () => {
    const strategy = await backtestStrategy(entries, 'fast-vwap');
    const replay = await replayStrategy(db.pool, strategy, { from: D1, to: D2 });
    expect(replay.signals.filter((s) => s.kind !== 'monitor').length).toBeGreaterThan(2);
    const r = await runCli(['backtest', '--strategy', 'fast-vwap', '--from', D1, '--to', D2, '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { signals: unknown[] };
    expect(out.signals).toEqual(signalsJson(replay.signals));
    expect(replay.signals.every((s) => s.strategy === 'fast-vwap')).toBe(true);
  });

  it('overrides a configured plugin\'s params with --params, checked by its schema in one line', async () => {
    const args = ['backtest', '--strategy', 'bo', '--from', D1, '--to', D2, '--json'];
    const bad = await runCli([...args, '--params', '{"window":1,"margin":-1,"extra":true}'], { env });
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^krtrade: invalid --params for breakout: /);
    expect(lines[0]).toContain('--params.window:');
    expect(lines[0]).toContain('--params.margin:');
    expect(lines[0]).toMatch(/extra/);

    const ok = await runCli([...args, '--params', '{"window":12}'], { env });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const lib = await runBacktest(db.pool, await backtestStrategy(entries, 'bo', { params: { window: 12 } }), {
      from: D1,
      to: D2,
    });
    const other = await runBacktest(db.pool, await backtestStrategy(entries, 'bo'), { from: D1, to: D2 });
    expect(lib.signals).not.toEqual(other.signals); // the override took effect
    expect((JSON.parse(ok.stdout) as { signals: unknown[] }).signals).toEqual(signalsJson(lib.signals));
  });

  it('creates a defineStrategy plugin given with --plugin from schema-checked --params', async () => {
    const strategy = await backtestStrategy([], 'breakout', { plugins: [PLUGIN], params: { window: 12 } });
    expect(strategy.lookback).toBe(13);
    await expect(backtestStrategy([], 'breakout', { plugins: [PLUGIN], params: { window: 'x' } })).rejects.toThrow(
      /^invalid --params for breakout: --params\.window: /,
    );
  });

  it('the dashboard lists and runs configured strategies', async () => {
    const form = await (await fetch(base)).text();
    expect(form).toContain('<option>fast-vwap</option>');
    const res = await fetch(`${base}?strategy=fast-vwap&from=${D1}&to=${D2}`);
    expect(res.status).toBe(200);
    const lib = await runBacktest(db.pool, await backtestStrategy(entries, 'fast-vwap'), { from: D1, to: D2 });
    expect(await res.text()).toContain(`<h2>Trades (${lib.trades.length})</h2>`);
  });
});
