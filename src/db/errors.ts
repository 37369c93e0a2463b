/** Storage errors: each says whether retrying can help. */
import { KrtradeError } from '../errors.js';

/**
 * A caller handed the storage layer something it can never write (bad table name, matrix shape that
 * differs from the table's). Retrying the same call fails the same way: fix the caller or the config.
 */
export class StorageInputError extends KrtradeError {}

/**
 * A batch failed in the database (connection lost, lock timeout, constraint); the transaction was rolled
 * back, so nothing of the batch is stored. Retrying the whole batch is safe: writes are idempotent.
 */
export class StorageWriteError extends KrtradeError {
  constructor(
    message: string,
    /** PostgreSQL SQLSTATE when the server reported one. */
    readonly sqlState: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The SQLSTATE of a pg error, if any. */
export function sqlStateOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
