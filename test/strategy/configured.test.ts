/** Strategies from config: plugin loading (.ts/.mts/.js), params validation with every error at once, isolation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import { ConfigError } from '../../src/errors.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { strategiesSchema } from '../../src/strategy/config.js';
import { loadConfiguredStrategies, type ConfiguredStrategy } from '../../src/strategy/configured.js';
import { runStrategiesIsolated } from '../../src/strategy/isolated.js';
import type { Strategy } from '../../src/strategy/api.js';
import { addMinutes, formatKst, kstTime } from '../../src/time/kst.js';

const fixture = (f: string): string => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));
const entries = (raw: unknown) => strategiesSchema.parse(raw);
const cal = defaultCalendar();
const T0 = kstTime(2026, 11, 24, 9, 0);
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
  const bars = Array.from({ length: 30 }, (_, m) => {
    const close = 400 + (m === 25 ? 10 : m * 0.05);
    return { symbol: 'A01612', time: addMinutes(T0, m), open: close, high: close, low: close, close, volume: 1 };
  });
  await writeCandles(db.pool, 'futures_101', bars);
});
afterAll(async () => db?.drop());

describe('loading configured strategies', () => {
  it('loads .ts, .mts and .js plugins as they are, with params and instruments from config', async () => {
    const list = await loadConfiguredStrategies(
      entries([
        { name: 'brk-a', module: fixture('breakout-plugin.ts'), params: { window: 5 }, instruments: ['A01612'] },
        { name: 'brk-b', module: fixture('breakout-plugin.ts'), params: { window: 9, margin: 1 } },
        { name: 'mts', module: fixture('plain-plugin.mts') },
        { name: 'js', module: fixture('plain-plugin.js'), instruments: ['A05612'] },
        { name: 'bands', module: 'vwap-atr', params: { k: 1.5, atrPeriod: 30 }, instruments: ['A01612'] },
      ]),
    );
    expect(list.map((c) => [c.strategy.name, c.strategy.lookback])).toEqual([
      ['brk-a', 6],
      ['brk-b', 10],
      ['mts', 1],
      ['js', 1],
      ['bands', 760 + 16],
    ]);
    const ctx = { tradingDate: '2026-11-24' as never, calendar: cal };
    expect(list[3]!.strategy.instruments(ctx)).toEqual(['A05612']);
    expect(list[4]!.strategy.instruments(ctx)).toEqual(['A01612']);
  });

  it('reports every bad entry in one config error naming each path', async () => {
    const err = await loadConfiguredStrategies(
      entries([
        { name: 'a', module: fixture('breakout-plugin.ts'), params: { window: 1, margin: -1 } },
        { name: 'b', module: 'vwap-atrr' },
        { name: 'c', module: 'vwap-atr', params: { k: 'wide' } },
        { name: 'd', module: fixture('missing.ts') },
        { name: 'e', module: fixture('plain-plugin.js'), params: { x: 1 } },
      ]),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.some((i) => i.startsWith('strategies.0.params.window:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('strategies.0.params.margin:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('strategies.1.module: unknown built-in strategy "vwap-atrr"'))).toBe(true);
    expect(issues.some((i) => i.startsWith('strategies.2.params.k:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('strategies.3.module: cannot load strategy plugin'))).toBe(true);
    expect(issues.some((i) => i.startsWith('strategies.4.params:'))).toBe(true);
    expect(issues.every((i) => !i.includes('\n') && !/\bat .*:\d+:\d+/.test(i))).toBe(true);
  });

  it('refuses duplicate names and unknown keys in the config section', () => {
    const r = strategiesSchema.safeParse([{ name: 'x' }, { name: 'x', modul: 'y' }]);
    expect(r.success).toBe(false);
    const msgs = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(msgs.some((m) => m.startsWith('1.name: duplicate strategy name'))).toBe(true);
  });
});

describe('isolation', () => {
  const probe = (name: string, onBatch: Strategy['onBatch']): ConfiguredStrategy => ({
    strategy: { name, lookback: 1, instruments: () => ['A01612'], sessions: () => [{ product: 'derivatives' }], onBatch },
    timeoutMs: 300,
    entry: { name, module: 'test', params: {}, timeoutMs: 300 },
  });
  const good = probe('good', (input) => [{ time: input.time, symbol: 'A01612', kind: 'seen', value: input.batch.get('A01612')!.close }]);
  const thrower = probe('thrower', () => {
    throw new Error('boom in plugin');
  });
  let release!: () => void;
  const slow = probe('slow', (input) => new Promise((res) => {
    release = () => res([{ time: input.time, symbol: 'A01612', kind: 'late', value: 1 }]);
  }));

  it('one that throws or times out does not stop the others, nor store anything late', async () => {
    const minute = addMinutes(T0, 3);
    const out = await runStrategiesIsolated(db.pool, [thrower, slow, good], minute, { calendar: cal });
    expect(out.map((o) => [o.strategy, o.ok, o.timedOut ?? false])).toEqual([
      ['thrower', false, false],
      ['slow', false, true],
      ['good', true, false],
    ]);
    expect(out[0]!.error).toBe('boom in plugin');
    expect(out[1]!.error).toMatch(/strategy slow took longer than 300 ms/);
    release();
    await new Promise((r) => setImmediate(r));
    const rows = await db.pool.query<{ strategy: string; kind: string }>(
      `SELECT strategy, kind FROM signals WHERE "timestamp" = $1 ORDER BY strategy`,
      [formatKst(minute)],
    );
    expect(rows.rows).toEqual([{ strategy: 'good', kind: 'seen' }]);
  });
});
