/**
 * Acceptance: a strategy worker process killed with SIGKILL mid-run and started again leaves no duplicate
 * order, and orders, fills and positions equal those of the same broker fed the replayed signals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { writeCandles } from '../../src/db/writer.js';
import type { Signal } from '../../src/db/types.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { parseKstDate, type KstTime } from '../../src/time/kst.js';
import { strategyByName } from '../../src/strategy/configured.js';
import { replayStrategy } from '../../src/strategy/replay.js';
import { createPaperBroker } from '../../src/paper/index.js';
import { syntheticFutureCandles } from '../strategy/synthetic.js';
import { PAPER_CONFIG, STRATEGIES, SYMBOL } from './setup.js';

const cal = defaultCalendar();
const D1 = parseKstDate('2026-11-23');
const D2 = parseKstDate('2026-11-24');
const CHILD = fileURLToPath(new URL('./batch-child.ts', import.meta.url));
let live: TestDb;
let replayed: TestDb;
let minutes: KstTime[];

beforeAll(async () => {
  [live, replayed] = await Promise.all([createTestDb(), createTestDb()]);
  const candles = syntheticFutureCandles(SYMBOL, [D1, D2], cal, 11);
  for (const db of [live, replayed]) await writeCandles(db.pool, 'futures_101', candles);
  minutes = cal.candleMinutes('derivatives', D2).slice(0, 240) as KstTime[];
});
afterAll(async () => Promise.all([live?.drop(), replayed?.drop()]));

function startChild(): { child: ChildProcess; out: () => string; exited: Promise<{ code: number | null; signal: string | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, PAPER_DB_URL: live.url, PAPER_MINUTES: JSON.stringify(minutes) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, out: () => out, exited };
}

async function until(pred: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const count = async (db: TestDb, sql: string): Promise<number> => Number((await db.pool.query<{ n: string }>(sql)).rows[0]!.n);

async function book(db: TestDb) {
  const q = async (sql: string) => (await db.pool.query(sql)).rows as Record<string, unknown>[];
  return {
    orders: await q(`SELECT id, strategy, symbol, side, quantity, intent, signal_time, status FROM paper_orders ORDER BY id`),
    fills: await q(`SELECT order_id, side, quantity, price, "timestamp", commission, tax, realized FROM paper_fills ORDER BY order_id`),
    positions: await q(`SELECT strategy, symbol, quantity, average_price, realized, costs, last_fill_time FROM paper_positions ORDER BY 1, 2`),
  };
}

describe('paper broker under kill -9', () => {
  it('a worker killed mid-run and restarted leaves exactly the replayed orders, fills and positions', async () => {
    const first = startChild();
    // Kill once it has placed orders and filled some, well before the end of the run.
    await until(async () => first.out().includes('done') || (await count(live, `SELECT count(*) AS n FROM paper_fills`)) >= 3, 'paper fills');
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal, first.out()).toBe('SIGKILL');
    expect(first.out()).not.toContain('done');
    const second = startChild();
    const again = await second.exited;
    expect(again.code, second.out()).toBe(0);
    expect(second.out()).toContain('done');

    // The reference: the same strategy replayed over the same candles, its signals fed to a fresh broker.
    const strategy = await strategyByName(STRATEGIES, 'paper-bands');
    const r = await replayStrategy(replayed.pool, strategy, { from: D2, to: D2, calendar: cal });
    const byMinute = new Map<number, Signal[]>();
    for (const s of r.signals) byMinute.set(s.time, [...(byMinute.get(s.time) ?? []), s]);
    const broker = createPaperBroker(replayed.pool, PAPER_CONFIG, cal);
    for (const m of minutes) await broker.onBatch(m, byMinute.get(m) ?? []);

    const got = await book(live);
    const want = await book(replayed);
    expect(want.fills.length).toBeGreaterThanOrEqual(4);
    expect(got).toEqual(want);
    expect(await count(live, `SELECT count(*) - count(DISTINCT (strategy, symbol, signal_time, intent)) AS n FROM paper_orders`)).toBe(0);
    // A re-run of a batch adds nothing.
    const rerun = await createPaperBroker(live.pool, PAPER_CONFIG, cal).onBatch(minutes[120]!, byMinute.get(minutes[120]!) ?? []);
    expect(rerun).toEqual({ ordersPlaced: 0, fills: 0, cancelled: 0 });
    expect(await book(live)).toEqual(want);
  });
});
