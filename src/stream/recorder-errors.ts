/** Typed errors of the realtime recorder; each says what the caller does next. */
import { KrtradeError } from '../errors.js';

/** `write` after `close()`: the recorder no longer accepts records. Open a new one. */
export class RecorderClosedError extends KrtradeError {
  constructor() {
    super('the stream recorder is closed: records written after close() are not stored; create a new recorder');
  }
}

/**
 * The holder kept writing after `write` returned false, up to the hard cap. Refused loudly rather than
 * dropped silently or allowed to grow memory without bound: pause the sockets until `drained()`.
 */
export class RecorderOverflowError extends KrtradeError {
  constructor(readonly buffered: number) {
    super(
      `the stream recorder holds ${buffered} uncommitted records (its hard cap): pause reading when write() returns false and resume after drained()`,
    );
  }
}

/** `close()` could not commit everything in time (the database is down or too slow). */
export class RecorderFlushTimeoutError extends KrtradeError {
  constructor(
    readonly uncommitted: number,
    /** Per instrument, the KST exchange time of its oldest uncommitted record: where its gap starts. */
    readonly lostFrom: ReadonlyMap<string, string>,
    cause: unknown,
  ) {
    super(
      `the stream recorder could not commit ${uncommitted} records before closing (last error: ${
        cause instanceof Error ? cause.message : String(cause)
      }); their time ranges per instrument are in lostFrom and in stream_progress: backfill them from REST`,
      { cause },
    );
  }
}
