/**
 * Simulator streaming throughput: realtime records ("ticks") per second delivered over WebSocket to one
 * client while a concurrent REST loop runs against the same process.
 *
 * Baseline (same run, same machine): a bare `ws` server sending pre-built frames of the same shape as fast
 * as the socket drains — the ceiling for the transport alone. The ratio says how much of that ceiling the
 * simulator reaches while also generating the market, building records from the layouts, and serving REST.
 *
 *   npx tsx bench/sim-stream.ts [seconds=8] [speed=2000]
 *
 * At speed 2000 the model's tape supplies ~90k trades/s, so the figure measures the servers, not the
 * market's trading rate (at speed 600 the tape itself only holds ~20k trades/s). The run stays inside
 * one day session (09:30 + warm-up + seconds × speed).
 */
import { WebSocketServer, WebSocket } from 'ws';
import { ENDPOINTS } from '../src/kis/spec/index.js';
import { startSimulator } from '../src/sim/index.js';
import { STOCKS } from '../src/sim/market/index.js';
import { dateOf, toKst } from '../src/time/kst.js';

const SECONDS = Number(process.argv[2] ?? 8);
const SPEED = Number(process.argv[3] ?? 2000);
if ((SECONDS + 2) * SPEED > 6 * 3600)
  throw new Error('seconds × speed would run past the 15:30 close; lower one of them');
const REST_CONCURRENCY = 4;

/** Counts records in data frames (`0|TR|NNN|…`) without parsing payloads. */
function countingClient(
  url: string,
  onOpen: (ws: WebSocket) => void,
): { ws: WebSocket; ticks: () => number } {
  let ticks = 0;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('message', (d: Buffer) => {
    if (d[0] === 0x30 && d[1] === 0x7c) ticks += (d[11]! - 48) * 100 + (d[12]! - 48) * 10 + (d[13]! - 48);
  });
  ws.on('open', () => onOpen(ws));
  return { ws, ticks: () => ticks };
}

async function baseline(sample: string[], seconds: number): Promise<number> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  let stop = false;
  wss.on('connection', (ws) => {
    let i = 0;
    const pump = (): void => {
      while (!stop && ws.bufferedAmount < 4 * 1024 * 1024) ws.send(sample[i++ % sample.length]!);
      if (!stop) setImmediate(pump);
    };
    pump();
  });
  const c = countingClient(`ws://127.0.0.1:${port}`, () => undefined);
  await new Promise((r) => c.ws.once('open', r));
  const t0 = performance.now();
  const n0 = c.ticks();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const rate = ((c.ticks() - n0) * 1000) / (performance.now() - t0);
  stop = true;
  c.ws.terminate();
  await new Promise((r) => wss.close(r));
  return rate;
}

async function main(): Promise<void> {
  const sim = await startSimulator({
    start: '2026-11-24T09:30',
    speed: SPEED,
    seed: 7,
    rateLimitPerSecond: 1_000_000,
    noticeEveryMs: 0,
    streamIntervalMs: 50,
  });
  const date = dateOf(toKst(sim.clock.now()));
  const futures = sim.market
    .instruments(date)
    .filter((i) => i.kind === 'future')
    .slice(0, 41 - STOCKS.length);
  const token = (
    (await (
      await fetch(`${sim.restUrl}/oauth2/tokenP`, {
        method: 'POST',
        body: JSON.stringify({
          grant_type: 'client_credentials',
          appkey: sim.appKey,
          appsecret: sim.appSecret,
        }),
      })
    ).json()) as { access_token: string }
  ).access_token;
  const approval = (
    (await (
      await fetch(`${sim.restUrl}/oauth2/Approval`, {
        method: 'POST',
        body: JSON.stringify({
          grant_type: 'client_credentials',
          appkey: sim.appKey,
          secretkey: sim.appSecret,
        }),
      })
    ).json()) as { approval_key: string }
  ).approval_key;

  const samples: string[] = [];
  const client = countingClient(`${sim.wsUrl}/tryitout`, (ws) => {
    const sub = (trId: string, trKey: string) =>
      ws.send(
        JSON.stringify({
          header: { approval_key: approval, custtype: 'P', tr_type: '1', 'content-type': 'utf-8' },
          body: { input: { tr_id: trId, tr_key: trKey } },
        }),
      );
    for (const s of STOCKS) sub('H0STCNT0', s.code);
    for (const f of futures) sub('H0IFCNT0', f.code);
  });
  client.ws.on('message', (d: Buffer) => {
    if (samples.length < 200 && d[0] === 0x30) samples.push(d.toString());
  });
  await new Promise((r) => client.ws.once('open', r));
  // Warm-up: the model builds each code's day tape on first use.
  await new Promise((r) => setTimeout(r, 2000));

  let restDone = 0;
  let restErrors = 0;
  let running = true;
  const headers = {
    authorization: `Bearer ${token}`,
    appkey: sim.appKey,
    appsecret: sim.appSecret,
    custtype: 'P',
  };
  const restLoop = async (): Promise<void> => {
    let i = 0;
    while (running) {
      const code = STOCKS[i++ % STOCKS.length]!.code;
      const minutes = i % 2 === 0;
      const ep = minutes ? ENDPOINTS.stockMinutesToday : ENDPOINTS.stockPrice;
      const q = minutes
        ? `FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=${code}&FID_INPUT_HOUR_1=&FID_PW_DATA_INCU_YN=N&FID_ETC_CLS_CODE=`
        : `FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=${code}`;
      const r = await fetch(`${sim.restUrl}${ep.path}?${q}`, {
        headers: { ...headers, tr_id: ep.trIdReal! },
      });
      const body = (await r.json()) as { rt_cd: string };
      if (r.status === 200 && body.rt_cd === '0') restDone++;
      else restErrors++;
    }
  };
  const loops = Array.from({ length: REST_CONCURRENCY }, restLoop);

  const t0 = performance.now();
  const n0 = client.ticks();
  const r0 = restDone;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  const ticksPerSec = (client.ticks() - n0) / elapsed;
  const restPerSec = (restDone - r0) / elapsed;
  running = false;
  await Promise.all(loops);
  client.ws.terminate();
  await sim.close();

  const base = await baseline(samples.length ? samples : ['0|H0STCNT0|001|x'], Math.min(5, SECONDS));
  const avgRecords = samples.length
    ? samples.reduce((s, f) => s + Number(f.slice(11, 14)), 0) / samples.length
    : 0;
  console.log(
    `sim-stream: ${SECONDS}s at speed ${SPEED}, ${STOCKS.length} stocks + ${futures.length} futures subscribed, ${REST_CONCURRENCY} REST loops`,
  );
  console.log(
    `  simulator  ${Math.round(ticksPerSec).toLocaleString('en')} ticks/s over WebSocket (avg ${avgRecords.toFixed(1)} records/frame)`,
  );
  console.log(
    `  REST       ${Math.round(restPerSec).toLocaleString('en')} req/s concurrently (${restErrors} errors)`,
  );
  console.log(
    `  baseline   ${Math.round(base).toLocaleString('en')} ticks/s (bare ws, pre-built frames of the same shape)`,
  );
  console.log(
    `  ratio      ${(ticksPerSec / base).toFixed(3)} of the transport ceiling; target ≥ 20,000 ticks/s: ${ticksPerSec >= 20_000 ? 'met' : 'NOT met'}`,
  );
}

await main();
