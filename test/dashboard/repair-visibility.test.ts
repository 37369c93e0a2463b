import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/time/clock.js';
import { kstTime, toInstant } from '../../src/time/kst.js';
import { startDashboard, type Dashboard } from '../../dashboard/server.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';

let h: QueueHarness | undefined;
let dash: Dashboard | undefined;
afterEach(async () => {
  await dash?.close();
  await h?.close();
  dash = h = undefined;
});

async function start(): Promise<Dashboard> {
  h = queueHarness(testPrefix('repvis'), new RealClock());
  return startDashboard({
    host: '127.0.0.1', port: 0, readOnly: false, insecureLocal: true,
    queues: h.services.queues.queues, redis: h.redis, stats: h.services.stats, clock: new RealClock(), log: h.services.log, prefix: h.prefix,
  });
}

describe('repair visibility in /metrics and /health', () => {
  it('before any round: no gauge values, health says no round yet', async () => {
    dash = await start();
    const metrics = await (await fetch(`${dash.url}/metrics`)).text();
    expect(metrics).toContain('# TYPE krtrade_missing_minutes gauge');
    expect(metrics).not.toMatch(/^krtrade_missing_minutes\{/m);
    expect(metrics).toMatch(/^krtrade_repair_last_round_timestamp_seconds 0$/m);
    const health = (await (await fetch(`${dash.url}/health`)).json()) as { repair: unknown };
    expect(health.repair).toEqual({ lastRound: null, totalMissing: null, instruments: [] });
  });

  it('reports the last round: missing minutes per instrument, its time, and boards', async () => {
    dash = await start();
    // The state exactly as jobs/repair.ts writes it at the end of a round.
    const round = { at: '2026-11-10T10:15:00', upTo: '2026-11-10T10:11:00', missing: { '005930': 3, A01612: 1 }, totalMissing: 4, enqueued: ['005930', 'A01612'], boardsMissing: { 'KOSPI200 2026-12': 2 } };
    await h!.redis.set(h!.services.keys.repairState, JSON.stringify(round));
    const metrics = await (await fetch(`${dash.url}/metrics`)).text();
    expect(metrics).toMatch(/^krtrade_missing_minutes\{instrument="005930",kind="candles"\} 3$/m);
    expect(metrics).toMatch(/^krtrade_missing_minutes\{instrument="A01612",kind="candles"\} 1$/m);
    expect(metrics).toMatch(/^krtrade_missing_minutes\{instrument="KOSPI200 2026-12",kind="boards"\} 2$/m);
    const at = toInstant(kstTime(2026, 11, 10, 10, 15)) / 1000;
    expect(metrics).toMatch(new RegExp(`^krtrade_repair_last_round_timestamp_seconds ${at}$`, 'm'));
    const health = (await (await fetch(`${dash.url}/health`)).json()) as { repair: unknown };
    expect(health.repair).toEqual({
      lastRound: '2026-11-10T10:15:00', totalMissing: 4,
      instruments: [{ instrument: '005930', missing: 3 }, { instrument: 'A01612', missing: 1 }],
      boards: [{ board: 'KOSPI200 2026-12', missing: 2 }],
    });
  });
});
