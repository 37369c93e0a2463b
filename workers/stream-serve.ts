/** `krtrade worker stream` and `krtrade stream status`: the stream worker as its own process, and its status. */
import type { Config } from '../src/config/schema.js';
import type { Clock } from '../src/time/clock.js';
import type { Logger } from '../src/log.js';
import { toKst } from '../src/time/kst.js';
import { createRedis } from '../src/pipeline/redis.js';
import { formatStreamStatus, readStreamStatus, type StreamStatus } from '../src/stream/status.js';
import { tradingDateAt } from '../src/stream/gaps.js';
import { createRuntime, loadCalendar } from './runtime.js';
import { joinSimulatorIfNoAccount, untilStopped } from './serve.js';
import { startStreamService } from './stream.js';

export async function serveStreamWorker(config: Config, clock: Clock, log: Logger): Promise<void> {
  const name = 'krtrade worker stream';
  const target = await joinSimulatorIfNoAccount(config, clock, log, name, true);
  const rt = await createRuntime(target.config, target.clock, log, 'krtrade-worker-stream');
  try {
    const svc = await startStreamService(rt);
    rt.closers.add('stream', svc);
    log.info({ pid: process.pid, holder: svc.worker.holderId, keys: rt.config.kis.accounts.length }, 'stream worker ready');
  } catch (e) {
    await rt.close();
    throw e;
  }
  await untilStopped(rt, log);
}

export async function streamStatus(config: Config, clock: Clock, log: Logger): Promise<{ status: StreamStatus; text: string }> {
  const redis = createRedis(config.redis.url, log, 'krtrade-stream-status');
  try {
    const date = tradingDateAt(toKst(clock.now()), loadCalendar(config));
    const status = await readStreamStatus(redis, config.redis.prefix, config.kis.accounts, date);
    return { status, text: formatStreamStatus(status, clock) };
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
