import { describe, expect, it } from 'vitest';
import { JOB_NAMES, PayloadError, catalog, jobsOfQueue, parsePayload, QUEUE_NAMES } from '../../jobs/catalog.js';
import { handlers } from '../../jobs/handlers/index.js';
import { jobIds, minuteLabel, schedulerIds } from '../../src/pipeline/ids.js';
import { kstTime } from '../../src/time/kst.js';

const minute = kstTime(2026, 11, 24, 9, 1);

describe('job catalog', () => {
  it('gives every job a handler, a queue that exists, bounded retention and retries with backoff', () => {
    for (const name of JOB_NAMES) {
      expect(typeof handlers[name], name).toBe('function');
      expect(QUEUE_NAMES).toContain(catalog[name].queue);
      const o = catalog[name].options;
      expect(o.attempts, name).toBeGreaterThan(1);
      expect(o.backoff, name).toMatchObject({ type: 'exponential' });
      expect(o.removeOnComplete, name).toMatchObject({ count: expect.any(Number) });
      expect(o.removeOnFail, name).toMatchObject({ count: expect.any(Number) });
    }
    expect(QUEUE_NAMES.flatMap(jobsOfQueue).sort()).toEqual([...JOB_NAMES].sort());
  });

  it('parses a good payload and brands its times', () => {
    const p = parsePayload('upsert-candles', { code: 'A01612', family: 'kospi200', account: 'main', from: minute, to: minute + 60_000, batch: minute, candles: [] });
    expect(p.from).toBe(minute);
    expect(p.batch).toBe(minute);
    // A job scheduler's template has no minute: the firing's time names it.
    expect(parsePayload('fetch-candles', { code: 'A01612', family: 'kospi200', account: 'main' }).minute).toBeUndefined();
    expect(parsePayload('fetch-candles', { code: 'A01612', family: 'kospi200', account: 'main', minute }).minute).toBe(minute);
  });

  it('names every bad field of a bad payload', () => {
    const bad = { code: 'a0161', family: 'bond', account: 'main', from: minute + 1, to: minute };
    try {
      parsePayload('backfill-candles', bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PayloadError);
      const msg = (e as Error).message;
      expect(msg).toContain('code');
      expect(msg).toContain('family');
      expect(msg).toContain('from: must be a whole minute');
    }
    expect(() => parsePayload('backfill-candles', { code: 'A01612', family: 'kospi200', account: 'main', from: minute + 60_000, to: minute })).toThrow(/`to` must be after `from`/);
    expect(() => parsePayload('fetch-candles', { code: 'A01612', family: 'kospi200', account: 'main', minute: minute + 1 })).toThrow(/minute: must be a whole minute/);
  });

  it('refuses payloads carrying anything beyond the schema (no secrets ride along)', () => {
    const p = { code: 'A01612', family: 'kospi200', account: 'main', minute, appSecret: 'xyz' };
    expect(() => parsePayload('fetch-candles', p)).toThrow(/appSecret/);
    expect(() => parsePayload('fetch-candles', { ...p, appSecret: undefined, account: 'key:with secret' })).toThrow(/account/);
  });

  it('builds deterministic, BullMQ-valid job ids per unit of work', () => {
    expect(minuteLabel(minute)).toBe('202611240901');
    const id = jobIds.fetchCandles('A01612', minute);
    expect(id).toBe('candles:A01612:202611240901');
    expect(id.split(':')).toHaveLength(3);
    expect(jobIds.stage('agg', id)).toBe('agg-candles:A01612:202611240901');
    expect(jobIds.stage('up', jobIds.backfillCandles('005930', minute, minute + 3_600_000 as typeof minute))).toBe('up-backfill-candles:005930:202611240901-202611241001');
    expect(() => jobIds.fetchCandles('A:1', minute)).toThrow(/must not contain/);
    // One job scheduler per instrument and kind; BullMQ names its firings `repeat:<scheduler>:<ms>`.
    expect([schedulerIds.candles('A01612'), schedulerIds.board('KOSPI200-weekly')]).toEqual(['candles:A01612', 'board:KOSPI200-weekly']);
  });
});
