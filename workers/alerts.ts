/**
 * Alert wiring of a pipeline process: with webhooks configured, `emitAlert` goes to the `alerts` queue from
 * anywhere in the process, strategy trading signals become alerts after each batch, and the process that
 * runs the strategy pool also delivers them.
 */
import type { RedisClient } from '../src/redis/client.js';
import type { Config } from '../src/config/schema.js';
import type { Logger } from '../src/log.js';
import type { CloseStack } from '../src/pipeline/lifecycle.js';
import { installAlertSink } from '../src/alerts/emit.js';
import { signalAlerts } from '../src/alerts/signals.js';
import { AlertDeliveryWorker, AlertQueue } from '../jobs/alert-delivery.js';
import type { AfterBatch } from './adapters/strategy.js';

/** Installs the alert queue as this process's sink; returns the after-batch listeners to add (none without webhooks). */
export function setupAlerts(config: Config, redis: RedisClient, log: Logger, closers: CloseStack): AfterBatch[] {
  if (config.alerts.webhooks.length === 0) return [];
  const queue = new AlertQueue(redis, config.redis.prefix, config.alerts, log);
  const uninstall = installAlertSink(queue, log);
  closers.add('alerts', async () => {
    uninstall();
    await queue.close();
  });
  return config.alerts.signalKinds.length ? [signalAlerts(config.alerts.signalKinds)] : [];
}

export function startAlertDelivery(rt: { config: Config; redis: RedisClient; log: Logger; closers: CloseStack }): AlertDeliveryWorker | undefined {
  if (rt.config.alerts.webhooks.length === 0) return undefined;
  const worker = new AlertDeliveryWorker(rt.redis, rt.config.redis.prefix, rt.config.alerts, rt.log);
  rt.closers.add('worker:alerts', worker);
  return worker;
}
