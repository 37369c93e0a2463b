/**
 * Checks of the stream acceptance tests against the simulator's ground truth (what it wrote to the
 * WebSockets): records stored exactly once, tick bars equal to REST bars, one strategy run per batch
 * from the tick bars. Records inside a recorded gap may be missing (they were lost in flight), never doubled.
 */
import { expect } from 'vitest';
import { type KstTime, addMinutes, floorMinute, formatKst } from '../../src/time/kst.js';
import { jobIds, minuteLabel } from '../../src/pipeline/ids.js';
import { gapsKey, tradingDateAt } from '../../src/stream/gaps.js';
import type { StreamGap } from '../../src/stream/types.js';
import type { StreamEnv } from './acceptance-harness.js';

/** Every gap recorded for the trading dates touched by [from, to). */
export async function recordedGaps(env: StreamEnv, from: KstTime, to: KstTime): Promise<StreamGap[]> {
  const dates = new Set([tradingDateAt(from, env.rt.calendar), tradingDateAt(to, env.rt.calendar)]);
  const out: StreamGap[] = [];
  for (const d of dates) out.push(...(await env.rt.redis.lrange(gapsKey(env.prefix, d), 0, -1)).map((l) => JSON.parse(l) as StreamGap));
  return out;
}

const inGap = (gaps: readonly StreamGap[], code: string, t: number): boolean => gaps.some((g) => g.codes.includes(code) && t >= g.from && t <= g.to);

/** Trades and book records sent before `to`: each stored exactly once (inside a gap: at most once); nothing stored that was not sent. */
export async function verifyRecords(env: StreamEnv, to: KstTime, gaps: readonly StreamGap[] = []): Promise<{ trades: number; quotes: number; lostInGaps: number }> {
  const sent = env.sim.sent!;
  const sentTrades = new Map<string, number>();
  for (const t of sent.trades()) if (t.time < to) sentTrades.set(`${t.code}|${t.time}|${t.cumVolume}`, (sentTrades.get(`${t.code}|${t.time}|${t.cumVolume}`) ?? 0) + 1);
  const stored = await env.db.pool.query<{ k: string; n: string }>(
    `SELECT symbol || '|' || (extract(epoch from "timestamp") * 1000)::bigint || '|' || cum_volume AS k, count(*) AS n FROM ticks WHERE "timestamp" < $1 GROUP BY 1`, [formatKst(to)],
  );
  const storedTrades = new Map(stored.rows.map((r) => [r.k, Number(r.n)]));
  const extra = [...storedTrades.keys()].filter((k) => !sentTrades.has(k));
  expect(extra.slice(0, 5), `${extra.length} trades stored that the simulator never sent`).toEqual([]);
  expect([...storedTrades].filter(([, n]) => n !== 1).slice(0, 5), 'trades stored twice').toEqual([]);
  let lost = 0;
  const missing: string[] = [];
  for (const k of sentTrades.keys()) {
    if (storedTrades.has(k)) continue;
    const [code, t] = k.split('|') as [string, string];
    if (inGap(gaps, code, Number(t))) lost++;
    else missing.push(k);
  }
  expect(missing.slice(0, 5), `${missing.length} of ${sentTrades.size} trades sent and not stored (outside any gap)`).toEqual([]);

  const books = await env.db.pool.query<{ symbol: string; t: KstTime; n: string }>(
    `SELECT symbol, "timestamp" AS t, count(*) AS n FROM quotes WHERE "timestamp" < $1 GROUP BY 1, 2`, [formatKst(to)],
  );
  const storedBooks = new Map(books.rows.map((r) => [`${r.symbol}|${r.t}`, Number(r.n)]));
  const sentBooks = new Map<string, number>();
  for (const b of sent.books()) if (b.time < to) sentBooks.set(`${b.code}|${b.time}`, (sentBooks.get(`${b.code}|${b.time}`) ?? 0) + b.count);
  const wrong: string[] = [];
  for (const k of new Set([...sentBooks.keys(), ...storedBooks.keys()])) {
    const s = sentBooks.get(k) ?? 0, d = storedBooks.get(k) ?? 0;
    const [code, t] = k.split('|') as [string, string];
    if (d > s || (d < s && !inGap(gaps, code, Number(t)))) wrong.push(`${k}: sent ${s}, stored ${d}`);
    else lost += s - d;
  }
  expect(wrong.slice(0, 5), `${wrong.length} book seconds stored more or less often than sent`).toEqual([]);
  return { trades: sentTrades.size, quotes: [...sentBooks.values()].reduce((a, b) => a + b, 0), lostInGaps: lost };
}

interface BarRow { symbol: string; t: KstTime; open: number; high: number; low: number; close: number; volume: number }
const ohlcv = (r: BarRow) => ({ t: formatKst(r.t), open: r.open, high: r.high, low: r.low, close: r.close, volume: Number(r.volume) });

/**
 * For each candle instrument, every minute from the first it was fully streamed until `to`: the REST bar
 * stored (gap minutes too: backfilled), equal to the simulator's; the tick bar equal to it (a gap's
 * minutes have none: partial); no mismatch in data_quality_bars. Returns the batch minutes from when every
 * candle instrument was fully streamed.
 */
export async function verifyBars(env: StreamEnv, to: KstTime, gaps: readonly StreamGap[] = [], o: { tickBarsMayBeMissing?: boolean; restOnly?: boolean } = {}): Promise<{ minutes: KstTime[]; tickBars: number }> {
  const batch = new Set<KstTime>();
  let tickBars = 0;
  /** From the minute every candle instrument is fully streamed: the batches checked for the strategy. */
  let allFrom = -Infinity;
  for (const code of env.candleCodes) {
    const first = env.sim.sent!.trades().find((t) => t.code === code);
    expect(first, `${code}: no trade sent`).toBeDefined();
    const from = addMinutes(floorMinute(first!.time), 1);
    allFrom = Math.max(allFrom, from);
    const simBars = env.sim.market.minuteBars(code, from, to);
    const sim = simBars.map((b) => ({ t: formatKst(b.time), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume }));
    const q = (table: string) => env.db.pool.query<BarRow>(
      `SELECT symbol, "timestamp" AS t, open, high, low, close, volume FROM ${table} WHERE symbol = $1 AND "timestamp" >= $2 AND "timestamp" < $3 ORDER BY 2`, [code, formatKst(from), formatKst(to)],
    );
    const rest = (await q('candles_1m')).rows.map(ohlcv);
    expect(rest, `${code}: REST bars`).toEqual(sim);
    // A gap's minutes are partial for the stream: no tick bar (the REST bar stands for them).
    const partial = new Set(simBars.filter((b) => gaps.some((g) => g.codes.includes(code) && b.time < g.to && b.time + 60_000 > g.from)).map((b) => formatKst(b.time)));
    const ticks = (await q('tick_bars_1m')).rows.map(ohlcv);
    if (o.restOnly) continue;
    // Under faults a minute may have no tick bar (the REST bar stands in); one that is stored is never wrong.
    const want = sim.filter((b) => !partial.has(b.t) && (!o.tickBarsMayBeMissing || ticks.some((x) => x.t === b.t)));
    const diff = [
      ...want.filter((b) => !ticks.some((x) => JSON.stringify(x) === JSON.stringify(b))).map((b) => `want ${JSON.stringify(b)}`),
      ...ticks.filter((x) => !want.some((b) => JSON.stringify(x) === JSON.stringify(b))).map((x) => `got ${JSON.stringify(x)}`),
    ];
    expect(ticks, `${code}: tick bars (partial minutes: ${[...partial].join(', ') || 'none'}; ${diff.join(', ')})`).toEqual(sim.filter((b) => !partial.has(b.t)));
    tickBars += ticks.length;
    for (const b of env.sim.market.minuteBars(code, from, to)) batch.add(b.time);
  }
  if (o.restOnly) return { minutes: [...batch].sort((a, b) => a - b), tickBars };
  const dq = await env.db.pool.query('SELECT symbol, "timestamp"::text AS t, fields FROM data_quality_bars WHERE "timestamp" < $1', [formatKst(to)]);
  expect(dq.rows, 'tick bars differing from REST bars').toEqual([]);
  return { minutes: [...batch].filter((m) => m >= allFrom).sort((a, b) => a - b), tickBars };
}

/** The strategy ran once per batch, complete, and saw the tick bars (the REST bar only where no tick bar was stored). */
export async function verifyStrategy(env: StreamEnv, minutes: readonly KstTime[]): Promise<void> {
  const q = env.rt.queues.queues.strategy;
  for (const m of minutes) {
    // A batch still waiting (its last instrument's REST bar on a busy machine) runs by its deadline.
    for (const end = Date.now() + 30_000; !(await env.rt.redis.hget(env.rt.services.keys.strategyRuns(m), minuteLabel(m))) && Date.now() < end;) await new Promise((r) => setTimeout(r, 200));
    expect(await env.rt.redis.hget(env.rt.services.keys.strategyRuns(m), minuteLabel(m)), `strategy runs of ${formatKst(m)}`).toBe('1');
    const job = await q.getJob(jobIds.strategy(m));
    if (job) expect(job.returnvalue, `batch ${formatKst(m)}: ${JSON.stringify(job.returnvalue)}`).toMatchObject({ missing: [] });
    const bars = await env.db.pool.query<BarRow>(
      `SELECT coalesce(t.symbol, c.symbol) AS symbol, coalesce(t.open, c.open) AS open, coalesce(t.high, c.high) AS high, coalesce(t.low, c.low) AS low,
              coalesce(t.close, c.close) AS close, coalesce(t.volume, c.volume) AS volume
         FROM (SELECT * FROM tick_bars_1m WHERE "timestamp" = $1 AND symbol = ANY($2)) t
         FULL JOIN (SELECT * FROM candles_1m WHERE "timestamp" = $1 AND symbol = ANY($2)) c ON c.symbol = t.symbol ORDER BY 1`,
      [formatKst(m), env.candleCodes],
    );
    const seen = await env.db.pool.query<{ symbol: string; payload: Record<string, number> }>(
      `SELECT symbol, payload FROM signals WHERE strategy = 'echo' AND "timestamp" = $1 ORDER BY symbol`, [formatKst(m)],
    );
    expect(seen.rows.map((s) => ({ symbol: s.symbol, ...s.payload })), `what the strategy saw at ${formatKst(m)}`).toEqual(
      bars.rows.map((b) => ({ symbol: b.symbol, open: b.open, high: b.high, low: b.low, close: b.close, volume: Number(b.volume) })),
    );
  }
}
