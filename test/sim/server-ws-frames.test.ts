/**
 * Multi-record frames (reference §6.5): when an instrument is busy the stream batches its trades into
 * `0|TR|NNN|rec^rec…` frames with COUNT > 1. Checked against the model's trades and against a second
 * simulator (same seed, same clock steps) that sends one record per frame: the multi-record payload must be
 * exactly the one-record payloads concatenated with `^`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_LAYOUTS } from '../../src/kis/spec/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { type KstTime, kisHhmmss, toKst } from '../../src/time/kst.js';
import { ManualClock, WsClient, approvalKey, splitFrame } from './helpers.js';

const START = '2026-11-24T09:00:30'; // the open burst: the busiest minutes of the day
const CODE = '005930';
const TR = 'H0STCNT0';
const MAX = 30;
const layout = REALTIME_LAYOUTS.H0STCNT0;
const width = layout.fields.length;
const at = (f: string) => (layout.fields as readonly string[]).indexOf(f);

interface Rig {
  sim: SimulatorHandle;
  clock: ManualClock;
  client: WsClient;
}
let batched: Rig;
let single: Rig;

async function rig(maxRecordsPerFrame: number): Promise<Rig> {
  const clock = ManualClock.at(START);
  // The stream only moves when the test moves the clock and pumps it.
  const sim = await startSimulator({
    clock,
    seed: 5,
    noticeEveryMs: 0,
    streamIntervalMs: 60_000,
    maxRecordsPerFrame,
  });
  const client = await WsClient.open(`${sim.wsUrl}/tryitout`);
  client.subscribe(await approvalKey(sim), TR, CODE);
  expect((await client.control()).body!.msg_cd).toBe('OPSP0000');
  return { sim, clock, client };
}

/** Waits until the frames received hold `records` records; returns the frames. */
async function framesHolding(c: WsClient, records: number): Promise<string[]> {
  const frames: string[] = [];
  let n = 0;
  while (n < records) {
    const f = await c.next((m) => m.startsWith(`0|${TR}|`));
    frames.push(f);
    n += splitFrame(f).count;
  }
  return frames;
}

beforeAll(async () => {
  [batched, single] = await Promise.all([rig(MAX), rig(1)]);
});
afterAll(async () => {
  for (const r of [batched, single]) {
    r.client.close();
    await r.sim.close();
  }
});

describe('multi-record frames', () => {
  it('batches a busy instrument into COUNT > 1 frames of whole records, in trade order', async () => {
    const from = toKst(batched.clock.now());
    for (const r of [batched, single]) {
      r.clock.advance(5_000);
      r.sim.pumpStream();
    }
    const trades = batched.sim.market.trades(CODE, from, (from + 5_000) as KstTime);
    expect(trades.length).toBeGreaterThan(2 * MAX);

    const frames = await framesHolding(batched.client, trades.length);
    const counts = frames.map((f) => splitFrame(f).count);
    expect(Math.max(...counts)).toBe(MAX);
    expect(counts.every((n) => n >= 1 && n <= MAX)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(trades.length);
    const records: string[][] = [];
    for (const f of frames) {
      expect(f).toMatch(new RegExp(`^0\\|${TR}\\|\\d{3}\\|`));
      const { count, payload } = splitFrame(f);
      const fields = payload.split('^');
      // Each record is the layout's width: record k+1 starts right after record k's last field.
      expect(fields.length).toBe(count * width);
      for (let i = 0; i < count; i++) records.push(fields.slice(i * width, (i + 1) * width));
    }
    expect(
      records.map((r) => [
        r[0],
        r[at('stck_cntg_hour')],
        Number(r[at('stck_prpr')]),
        Number(r[at('cntg_vol')]),
      ]),
    ).toEqual(trades.map((t) => [CODE, kisHhmmss(t.time), t.price, t.qty]));

    // The same records one per frame: the batched payloads are their exact concatenation.
    const ones = await framesHolding(single.client, trades.length);
    expect(ones.map((f) => splitFrame(f).count).every((n) => n === 1)).toBe(true);
    expect(frames.map((f) => splitFrame(f).payload).join('^')).toBe(
      ones.map((f) => splitFrame(f).payload).join('^'),
    );
  });
});
