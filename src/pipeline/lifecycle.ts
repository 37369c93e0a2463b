/**
 * Process lifecycle: components register their `close()` as they are created; on SIGINT/SIGTERM they
 * are closed in reverse order within a deadline; a second signal (or the deadline) forces the exit.
 */
import type { Logger } from '../log.js';
import { errorMessage } from '../errors.js';

export interface Closeable {
  close(): Promise<void>;
}

/** Wraps a close function so calling it again returns the first call's promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

export class CloseStack implements Closeable {
  private readonly items: { name: string; close: () => Promise<void> }[] = [];
  readonly close: () => Promise<void>;

  constructor(private readonly log?: Logger) {
    this.close = once(async () => {
      for (const item of this.items.reverse()) {
        try {
          await item.close();
        } catch (e) {
          this.log?.warn({ component: item.name, err: errorMessage(e) }, 'close failed');
        }
      }
    });
  }

  /** Registers a component; returns it for chaining. */
  add<T extends Closeable | (() => Promise<void>)>(name: string, c: T): T {
    const close = typeof c === 'function' ? c : () => c.close();
    this.items.push({ name, close: close as () => Promise<void> });
    return c;
  }
}

export interface SignalOptions {
  /** How long active jobs get to finish before we force the exit. */
  deadlineMs?: number;
  log?: Logger;
  exit?: (code: number) => void;
  /** Where the signals come from (default: the process; tests pass their own emitter). */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * Closes `target` on the first SIGINT/SIGTERM; a second signal or the deadline exits at once.
 * Returns a function that removes the handlers (for in-process use such as tests).
 */
export function closeOnSignals(target: Closeable, opts: SignalOptions = {}): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = opts.deadlineMs ?? 30_000;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      opts.log?.warn({ signal }, 'second signal: forcing exit');
      exit(130);
      return;
    }
    stopping = true;
    opts.log?.info({ signal, deadlineMs }, 'stopping: finishing active jobs');
    const timer = setTimeout(() => {
      opts.log?.error({ deadlineMs }, 'shutdown deadline passed: forcing exit (unfinished jobs are recovered as stalled)');
      exit(1);
    }, deadlineMs);
    timer.unref();
    target.close().then(
      () => {
        clearTimeout(timer);
        opts.log?.info('stopped');
        exit(0);
      },
      (e: unknown) => {
        opts.log?.error({ err: errorMessage(e) }, 'error while stopping');
        exit(1);
      },
    );
  };
  const source = opts.signals ?? process;
  source.on('SIGINT', onSignal);
  source.on('SIGTERM', onSignal);
  return () => {
    source.off('SIGINT', onSignal);
    source.off('SIGTERM', onSignal);
  };
}
