/**
 * The simulator drops the WebSocket in the middle of a minute and the client stays away for several
 * simulated minutes (a slow reconnect), so the tick-bar clock closes the dropped minute long before the
 * gap is known. That minute saw only part of its trades: no tick bar may be stored, published or handed to
 * the strategy for it, neither before the gap is known nor after; the REST bar stands in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type KstTime, floorMinute, formatKst } from '../../src/time/kst.js';
import { type StreamEnv, simNow, startStreamEnv, untilSim } from './acceptance-harness.js';
import { until } from './children.js';

let env: StreamEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const SPEED = 60;
/** Real ms before the client reconnects: 8 simulated minutes at speed 60. */
const RECONNECT_MS = 8_000;

describe('stream drop in the middle of a minute', () => {
  it('stores no truncated tick bar for the dropped minute; the REST bar stands in', async () => {
    env = await startStreamEnv({ start: '2026-12-03T10:00', speed: SPEED, stocks: false, reconnectMs: RECONNECT_MS });
    const e = env;
    const svc = e.svc!;
    const code = e.candleCodes[0]!;
    // Past the instruments' first (partial) minutes, and a full tick bar stored: the stream works.
    await until(() => svc.tickBars.counters.stored > 0, 'a first tick bar stored', 90_000);
    // Mid-minute: 25 simulated seconds into the next minute.
    const minute = (floorMinute(simNow(e)) + 60_000) as KstTime;
    await untilSim(e, (minute + 25_000) as KstTime);
    const dropAt = simNow(e);
    expect(e.sim.faults.dropAllConnections(), 'connections dropped').toBeGreaterThan(0);
    const gapsBefore = svc.gaps.counters.gaps;
    const sentBefore = e.sim.sent!.trades().filter((t) => t.code === code && t.time >= minute && t.time < dropAt).length;
    expect(sentBefore, `${code}: trades sent in ${formatKst(minute)} before the drop`).toBeGreaterThan(0);

    // The bar clock (2 real s behind) has closed the dropped minute while the client is still away.
    const partialBefore = svc.tickBars.counters.partial;
    await untilSim(e, (minute + 5 * 60_000) as KstTime);
    await svc.tickBars.flush();
    expect(svc.tickBars.counters.partial, 'the dropped minute closed as partial').toBeGreaterThan(partialBefore);
    expect(svc.gaps.counters.gaps, 'the gap is not known yet (client still reconnecting)').toBe(gapsBefore);
    const tickBar = async () => (await e.db.pool.query('SELECT * FROM tick_bars_1m WHERE symbol = $1 AND "timestamp" = $2', [code, formatKst(minute)])).rows;
    expect(await tickBar(), 'no tick bar while the gap is unknown').toEqual([]);

    // Back: the gap is recorded and covers the minute; still no tick bar, and the REST bar is the simulator's.
    await until(() => svc.gaps.counters.gaps > gapsBefore, 'the gap recorded after the reconnect', 60_000);
    const sim = e.sim.market.minuteBars(code, minute, (minute + 60_000) as KstTime)[0]!;
    const rest = async () => (await e.db.pool.query<{ open: number; high: number; low: number; close: number; volume: string }>(
      'SELECT open, high, low, close, volume FROM candles_1m WHERE symbol = $1 AND "timestamp" = $2', [code, formatKst(minute)],
    )).rows[0];
    for (const stop = Date.now() + 60_000; !(await rest()) && Date.now() < stop;) await new Promise((r) => setTimeout(r, 200));
    const r = await rest();
    expect(r && { ...r, volume: Number(r.volume) }, 'REST bar of the dropped minute').toEqual({ open: sim.open, high: sim.high, low: sim.low, close: sim.close, volume: sim.volume });
    await svc.tickBars.flush();
    expect(await tickBar(), 'no tick bar after the gap is known').toEqual([]);
    const dq = await e.db.pool.query('SELECT 1 FROM data_quality WHERE instrument = $1 AND $2::timestamp = ANY(missing_minutes)', [code, formatKst(minute)]);
    expect(dq.rows.length, 'data_quality lists the dropped minute').toBe(1);
  }, 240_000);
});
