/**
 * Operator pauses stick: a live queue paused from bull-board (a plain BullMQ pause) during market hours, or by
 * `queues pause`, is not resumed by the scheduler's market-hours logic; the scheduler's own overnight pause is
 * still lifted at the open; `queues status` says who paused and when (KST).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AcceleratedClock } from '../../src/time/clock.js';
import { parseKst, toInstant } from '../../src/time/kst.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { subscriptionSchema } from '../../src/pipeline/subscriptions.js';
import { Scheduler } from '../../workers/scheduler.js';
import { instrumentRules } from '../../workers/pools.js';
import { formatStatus, pauseLive, pipelineStatus, resumeLive } from '../../workers/admin.js';
import { readPauses } from '../../jobs/pause-intent.js';
import { testPrefix } from '../helpers/redis.js';
import { queueHarness, type QueueHarness } from '../pipeline/helpers.js';

let h: QueueHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const calendar = defaultCalendar();
const clockAt = (at: string) => new AcceleratedClock(toInstant(parseKst(at)), 1);
const subs = [subscriptionSchema.parse({ rule: 'stocks', codes: ['005930'] })];
const tick = (at: string) =>
  new Scheduler({
    services: { ...h!.services, clock: clockAt(at) },
    calendar, rules: instrumentRules(calendar), subscriptions: subs, defaultAccount: 'main', bufferMs: 2_000, strategyDeadlineMs: 20_000,
    // Pauses only: no database behind this scheduler, nothing stored.
    stored: { candleMinutes: () => Promise.resolve(new Set<number>()) },
  }).tick();

describe('operator pauses', () => {
  it('a bull-board pause during market hours survives scheduler ticks and the next open; an operator resume ends it', async () => {
    h = queueHarness(testPrefix('pause'), clockAt('2026-11-24 10:00:03'));
    const q = h.services.queues.queues;
    expect(await tick('2026-11-24 10:00:03')).toMatchObject({ active: true, paused: false });
    // bull-board's pause button: a plain BullMQ pause, nothing of ours recorded.
    await q.fetch.pause();
    expect(await tick('2026-11-24 10:01:03')).toMatchObject({ active: true, paused: true });
    expect(await q.fetch.isPaused()).toBe(true);
    const intents = await readPauses(h.redis, h.services.keys.pauseIntent);
    expect(intents.fetch).toEqual({ by: 'bull-board', at: '2026-11-24T10:01:03' });
    // Overnight and the next open: still the operator's pause.
    await tick('2026-11-24 16:00:00');
    expect(await tick('2026-11-25 08:59:30')).toMatchObject({ active: true, paused: true });
    expect(await q.fetch.isPaused()).toBe(true);
    // strategy was the scheduler's own overnight pause: lifted at the open.
    expect(await q.strategy.isPaused()).toBe(false);
    // Resumed from bull-board: the record goes, and the scheduler runs the queue by the hours again.
    await q.fetch.resume();
    await tick('2026-11-25 09:01:03');
    expect((await readPauses(h.redis, h.services.keys.pauseIntent)).fetch).toBeUndefined();
    await tick('2026-11-25 16:00:00');
    expect(await q.fetch.isPaused()).toBe(true);
    expect((await readPauses(h.redis, h.services.keys.pauseIntent)).fetch?.by).toBe('scheduler');
  });

  it('queues pause records the CLI and its user; status shows who and when; resume clears it', async () => {
    h = queueHarness(testPrefix('pause'), clockAt('2026-11-24 10:00:03'));
    await pauseLive(h.services.queues, h.redis, h.prefix, ['fetch']);
    await tick('2026-11-24 10:01:03');
    const s = await pipelineStatus(h.services.queues, h.redis, h.prefix);
    const fetch = s.queues.find((x) => x.queue === 'fetch')!;
    expect(fetch).toMatchObject({ paused: true, pausedBy: { by: 'cli' } });
    expect(fetch.pausedBy!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(formatStatus(s)).toMatch(/^fetch paused by cli( \(.+\))? at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
    await resumeLive(h.services.queues, h.redis, h.prefix, ['fetch']);
    const after = await pipelineStatus(h.services.queues, h.redis, h.prefix);
    expect(after.queues.find((x) => x.queue === 'fetch')).toMatchObject({ paused: false });
    expect(after.queues.find((x) => x.queue === 'fetch')!.pausedBy).toBeUndefined();
    expect(await readPauses(h.redis, h.services.keys.pauseIntent)).toEqual({});
  });
});
