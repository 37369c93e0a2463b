/**
 * Alerts through the real BullMQ queue on the real Redis to a local HTTP receiver: formats, retries until a
 * failing receiver recovers, no retry on a permanent 4xx, a re-emitted event is not sent twice, and no
 * webhook secret ever reaches Redis or the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';
import { createLogger } from '../../src/log.js';
import { alertsSchema } from '../../src/alerts/config.js';
import { emitAlert, installAlertSink } from '../../src/alerts/emit.js';
import { signalAlerts } from '../../src/alerts/signals.js';
import { AlertDeliveryWorker, AlertQueue } from '../../jobs/alert-delivery.js';
import { kstTime } from '../../src/time/kst.js';
import { Receiver } from './receiver.js';

const SECRET = 'T0K3N-very-secret-abc123';
const prefix = testPrefix('alerts');
const T = kstTime(2026, 11, 24, 10, 31);
let receiver: Receiver;
let redis: Redis;
let queue: AlertQueue;
let worker: AlertDeliveryWorker;
let uninstall: () => void;
let logText = '';

beforeAll(async () => {
  receiver = await Receiver.start();
  const base = `http://127.0.0.1:${receiver.port}`;
  const config = alertsSchema.parse({
    backoffMs: 20,
    attempts: 12,
    timeoutMs: 2_000,
    webhooks: [
      { name: 'generic', url: `${base}/hook/${SECRET}`, headers: { authorization: `Bearer ${SECRET}` } },
      { name: 'slack', url: `${base}/services/${SECRET}`, format: 'slack', minSeverity: 'warning' },
      { name: 'tg', url: `${base}/bot${SECRET}/sendMessage`, format: 'telegram', chatId: '-100123', events: ['stream_down'] },
    ],
  });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const log = createLogger({ level: 'debug', stream: new Writable({ write: (c: Buffer, _e, cb) => ((logText += c.toString()), cb()) }) });
  queue = new AlertQueue(redis, prefix, config, log);
  worker = new AlertDeliveryWorker(redis, prefix, config, log);
  await worker.waitUntilReady();
  uninstall = installAlertSink(queue, log);
});
afterAll(async () => {
  uninstall?.();
  await worker?.close();
  await queue?.close();
  await worker?.close(); // idempotent
  redis?.disconnect();
  await receiver?.close();
  await deleteKeys(prefix);
});

const paths = (p: string) => receiver.requests.filter((r) => r.path.startsWith(p));

describe('alert delivery', () => {
  it('sends each format to the webhooks whose filters match, with KST times', async () => {
    const n = await emitAlert({ kind: 'stream_down', severity: 'critical', title: 'KIS stream down', text: 'no frame for 150 s', time: T, key: 'stream-down-1', data: { session: 'ws-1' } });
    expect(n).toBe(3);
    await receiver.until(() => receiver.requests.length >= 3);
    const generic = paths('/hook/')[0]!;
    expect(generic.body).toEqual({ kind: 'stream_down', severity: 'critical', title: 'KIS stream down', text: 'no frame for 150 s', time: '2026-11-24 10:31:00 KST', key: 'stream-down-1', data: { session: 'ws-1' } });
    expect(generic.headers.authorization).toBe(`Bearer ${SECRET}`);
    const slack = paths('/services/')[0]!.body as { text: string };
    expect(slack.text).toContain('KIS stream down');
    expect(slack.text).toContain('2026-11-24 10:31:00 KST');
    const tg = paths('/bot')[0]!.body as { chat_id: string; text: string };
    expect(tg.chat_id).toBe('-100123');
    expect(tg.text).toContain('session: ws-1');
  });

  it('retries against a failing receiver until it recovers, then delivers exactly once', async () => {
    receiver.requests.length = 0;
    receiver.queue = [500, 503, 502];
    // info: only the generic webhook matches (slack wants ≥ warning, telegram only stream_down).
    await signalAlerts(['enter_long'])(T, [
      { strategy: 'vwap-atr', time: T, symbol: 'A01612', kind: 'enter_long', value: 401.25 },
      { strategy: 'vwap-atr', time: T, symbol: 'A01612', kind: 'monitor', value: 0.3 },
    ]);
    await receiver.until((r) => r.some((x) => x.status === 200));
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 503, 502, 200]);
    expect((receiver.requests[3]!.body as { title: string }).title).toBe('vwap-atr: enter_long A01612');
    // The same signal again (a retried batch) is not sent twice.
    await signalAlerts(['enter_long'])(T, [{ strategy: 'vwap-atr', time: T, symbol: 'A01612', kind: 'enter_long', value: 401.25 }]);
    await emitAlert({ kind: 'gap', severity: 'info', title: 'marker', time: T, key: 'marker' });
    await receiver.until((r) => r.some((x) => (x.body as { title?: string }).title === 'marker'));
    expect(receiver.requests.filter((r) => (r.body as { title?: string }).title?.startsWith('vwap-atr')).length).toBe(4);
  });

  it('does not retry a permanent 4xx and logs it without the secret', async () => {
    receiver.requests.length = 0;
    receiver.queue = [404];
    await emitAlert({ kind: 'verification_failed', severity: 'info', title: 'verify 2026-11-24', time: T, key: 'verify-404' });
    await receiver.until((r) => r.length >= 1);
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const check = (): void => {
        if (logText.includes('given up')) resolve();
        else if (Date.now() > deadline) reject(new Error('no give-up log line'));
        else setTimeout(check, 50);
      };
      check();
    });
    expect(logText).toMatch(/generic \(127\.0\.0\.1:\d+\) answered HTTP 404/);
  });

  it('keeps secrets out of Redis and the logs', async () => {
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      const type = await redis.type(k);
      const dump = type === 'hash' ? JSON.stringify(await redis.hgetall(k)) : type === 'string' ? await redis.get(k) : type === 'list' ? JSON.stringify(await redis.lrange(k, 0, -1)) : '';
      expect(dump ?? '').not.toContain(SECRET);
    }
    expect(logText.length).toBeGreaterThan(0);
    expect(logText).not.toContain(SECRET);
  });

  it('drops a malformed event without throwing', async () => {
    expect(await emitAlert({ kind: 'Bad Kind', severity: 'info', title: '', time: T, key: 'x' })).toBe(0);
  });
});

describe('krtrade config check', () => {
  it('masks webhook URLs and headers', async () => {
    const { maskedConfig } = await import('../../src/cli/commands/config.js');
    const { loadConfig } = await import('../../src/config/load.js');
    const { config } = loadConfig({
      env: {},
      overrides: { alerts: { webhooks: [{ name: 'tg', url: `https://api.telegram.org/bot${SECRET}/sendMessage`, format: 'telegram', chatId: '1', headers: { authorization: SECRET } }] } },
    });
    const shown = JSON.stringify(maskedConfig(config));
    expect(shown).not.toContain(SECRET);
    expect(shown).toContain('https://api.telegram.org/****');
  });
});
