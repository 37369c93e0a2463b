/**
 * `krtrade verify --repair` ending incomplete sends `verification_failed` alerts (when webhooks are
 * configured): a one-shot command has no alert sink, so it opens the alert queue for the moment it needs.
 */
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { CompletenessReport } from '../../verify/completeness.js';
import { installAlertSink } from '../../alerts/emit.js';
import { emitVerificationFailed } from '../../verify/alerts.js';
import { createRedis } from '../../pipeline/redis.js';
import type { KstTime } from '../../time/kst.js';
import { AlertQueue } from '../../../jobs/alert-delivery.js';

export async function alertIncomplete(config: Config, log: Logger, r: CompletenessReport, time: KstTime): Promise<void> {
  if (config.alerts.webhooks.length === 0 || r.complete) return;
  const redis = createRedis(config.redis.url, log, 'krtrade-cli');
  const queue = new AlertQueue(redis, config.redis.prefix, config.alerts, log);
  const uninstall = installAlertSink(queue, log);
  try {
    for (const i of r.instruments) {
      if (!i.error && !i.missingMinutes.length) continue;
      await emitVerificationFailed(config.redis.prefix, {
        source: 'verify --repair', instrument: i.instrument, tradingDate: i.tradingDate, missing: i.missingMinutes, time,
        ...(i.error ? { error: i.error } : {}),
      });
    }
  } finally {
    uninstall();
    await queue.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}
