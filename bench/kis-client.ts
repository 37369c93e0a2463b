/**
 * Per-call CPU cost of the KIS REST client in the pipeline's shape: `fetchMinuteBars` for one completed
 * minute of a stock, 16 calls in flight, against the simulator in its own process (rate limit lifted, as
 * in bench/pipeline.ts) and the real Redis. CPU is this process's user+system time (process.cpuUsage), so
 * the simulator's work is not counted. Cases, all measured in the same run:
 * - floor: what one call cannot avoid: one node:http GET of the same URL and headers (keep-alive) with
 *   JSON.parse of the body, plus one Redis round trip (the limiter's EVALSHA) — the baseline of the ratio;
 * - http.get: token + shared rate limiter + transport + error classification, no row parsing;
 * - fetchMinuteBars: the whole call the pipeline's fetch job makes.
 *
 *   npx tsx bench/kis-client.ts [calls-per-case=4000]     (KIS_BENCH_PROFILE=1: only fetchMinuteBars, for --cpu-prof)
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createKisClient } from '../src/kis/client.js';
import { AcceleratedClock } from '../src/time/clock.js';
import { type KstTime, addMinutes, parseKst, toInstant } from '../src/time/kst.js';

const CALLS = Number(process.argv[2] ?? 4000);
const CONCURRENCY = 16;
const REDIS = process.env.KRTRADE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CODES = ['005930', '000660', '035420', '005380', '051910', '068270', '035720', '105560'];

const clock = new AcceleratedClock(toInstant(parseKst('2026-11-24 10:30')), 1);
const child = fork(fileURLToPath(new URL('./pipeline/sim-process.ts', import.meta.url)), ['50', JSON.stringify({ simStart: clock.simStart, speed: 1, realAnchor: clock.realAnchor })], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const sim = await new Promise<{ restUrl: string; appKey: string; appSecret: string }>((resolve, reject) => {
  child.once('message', (m: { ready?: { restUrl: string; appKey: string; appSecret: string } }) => (m.ready ? resolve(m.ready) : reject(new Error('unexpected message'))));
  child.once('exit', (code) => reject(new Error(`simulator process exited with ${code}`)));
});

const prefix = `krt-bench-kis-${process.pid}`;
const client = createKisClient({
  account: { name: 'sim', env: 'real', appKey: sim.appKey, appSecret: sim.appSecret, restUrl: sim.restUrl },
  redisUrl: REDIS,
  prefix,
  clock,
  rateLimit: { realPerSecond: 1_000_000, optionBoardPerSecond: 1_000_000 },
});
const redis = new Redis(REDIS);

/** Runs `fn(i)` CALLS times, CONCURRENCY at a time; CPU µs per call and calls/s. */
async function measure(name: string, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 500; i++) await fn(i); // warm-up: JIT, connections, token
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) await fn(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const perCallUs = (cpu.user + cpu.system) / CALLS;
  console.log(`  ${name.padEnd(16)} ${perCallUs.toFixed(0).padStart(5)} µs CPU/call  ${(CALLS / seconds).toFixed(0).padStart(6)} calls/s`);
  return perCallUs;
}

const first = parseKst('2026-11-24 09:00') as KstTime;
const minuteOf = (i: number): KstTime => addMinutes(first, i % 60);
const fetchCall = (i: number) =>
  client.fetchMinuteBars({ code: CODES[i % CODES.length]!, market: 'J', from: minuteOf(i), to: minuteOf(i), completedOnly: true });

try {
  // Sanity: the call the bench measures really returns the bar.
  const probe = await fetchCall(0);
  if (probe.length !== 1) throw new Error(`fetchMinuteBars returned ${probe.length} bars, expected 1`);
  console.log(`KIS client per call, ${CALLS} calls per case, ${CONCURRENCY} in flight (simulator in its own process):`);
  if (process.env.KIS_BENCH_PROFILE) {
    await measure('fetchMinuteBars', fetchCall);
  } else {
    const token = await client.tokens.get();
    const agent = new http.Agent({ keepAlive: true });
    const url = new URL(`${sim.restUrl}/uapi/domestic-stock/v1/quotations/inquire-time-itemchartprice`);
    const sha = (await redis.script('LOAD', `return redis.call('TIME')[1]`)) as string;
    const floorCall = async (i: number) => {
      url.search = new URLSearchParams({ FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: CODES[i % CODES.length]!, FID_INPUT_HOUR_1: '091000', FID_PW_DATA_INCU_YN: 'N', FID_ETC_CLS_CODE: '' }).toString();
      await redis.evalsha(sha, 0);
      const body = await new Promise<string>((resolve, reject) => {
        const req = http.get(url, { agent, headers: { authorization: `Bearer ${token}`, appkey: sim.appKey, appsecret: sim.appSecret, tr_id: 'FHKST03010200', custtype: 'P' } }, (res) => {
          let s = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (s += c));
          res.on('end', () => resolve(s));
        });
        req.on('error', reject);
      });
      JSON.parse(body);
    };
    // Three rounds: the first ones also pay JIT/GC warm-up across cases; the ratio is from the last.
    let floor = 0, httpGet = 0, full = 0;
    for (const round of [1, 2, 3]) {
      console.log(` round ${round}`);
      floor = await measure('floor', floorCall);
      httpGet = await measure('http.get', (i) =>
        client.http.get('stockMinutesToday', { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: CODES[i % CODES.length]!, FID_INPUT_HOUR_1: '091000', FID_PW_DATA_INCU_YN: 'N', FID_ETC_CLS_CODE: '' }),
      );
      full = await measure('fetchMinuteBars', fetchCall);
    }
    console.log(`  ratio to floor: http.get ${(httpGet / floor).toFixed(2)}×, fetchMinuteBars ${(full / floor).toFixed(2)}×`);
    agent.destroy();
  }
} finally {
  await client.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ close: true });
  await exited;
}
