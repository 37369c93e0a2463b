/**
 * `emitAlert(event)`: how any component reports something a person should hear about (a gap, a stream
 * down, a failed verification, a strategy signal). It never throws and never blocks on delivery: events go
 * to the installed sink (the BullMQ `alert-delivery` queue in a pipeline process), which retries on its own.
 * With no sink installed (alerts not configured, or a one-shot CLI command) it is a no-op returning 0.
 */
import type { Logger } from '../log.js';
import { errorMessage } from '../errors.js';
import { alertEventSchema, type AlertEventInput } from './event.js';

export interface AlertSink {
  /** Queues the event for every matching webhook; returns how many deliveries were queued. */
  emit(event: AlertEventInput): Promise<number>;
}

let installed: { sink: AlertSink; log?: Logger } | undefined;

/** Makes `sink` the process's alert destination; returns a function that uninstalls it (if still installed). */
export function installAlertSink(sink: AlertSink, log?: Logger): () => void {
  const mine = log ? { sink, log } : { sink };
  installed = mine;
  return () => {
    if (installed === mine) installed = undefined;
  };
}

export async function emitAlert(event: AlertEventInput): Promise<number> {
  const parsed = alertEventSchema.safeParse(event);
  if (!parsed.success) {
    installed?.log?.warn({ issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'alert dropped: malformed event (a bug in its emitter)');
    return 0;
  }
  if (!installed) return 0;
  try {
    return await installed.sink.emit(event);
  } catch (e) {
    installed.log?.warn({ kind: event.kind, err: errorMessage(e) }, 'alert not queued (Redis unavailable?)');
    return 0;
  }
}
