/** Turns the usual "database not reachable / not set up" failures into one-line errors that say what to do. */
import type pg from 'pg';
import type { CliContext } from '../context.js';
import { createPool } from '../../db/pool.js';
import { StorageInputError } from '../../db/errors.js';
import { UserError } from '../../errors.js';
import { maskUrl } from '../../log.js';

const HINTS: Record<string, string> = {
  '3D000':
    'the database does not exist: `krtrade db migrate` creates and migrates it, or point database.url (KRTRADE_DATABASE_URL) at the right one',
  '28P01': 'authentication failed: check the user and password in database.url',
  '28000': 'the server refused the connection: check database.url and pg_hba.conf',
  '42P01': 'a table is missing: run `krtrade db migrate` first',
  ECONNREFUSED: 'nothing is listening at database.url: is PostgreSQL running?',
  ENOTFOUND: 'the database host in database.url does not resolve',
  ETIMEDOUT: 'the database host in database.url does not answer',
};

/**
 * Runs `work`; a database failure with a known cause becomes a `UserError` naming the cause, the fix and
 * (when given) the URL with its password masked. Storage input errors (bad table name, …) become
 * `UserError`s as they are. Anything else is rethrown unchanged.
 */
export async function explainDbErrors<T>(work: () => Promise<T>, url?: string): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof StorageInputError) throw new UserError(e.message, { cause: e });
    const code = (e as { code?: unknown }).code;
    const hint =
      typeof code === 'string'
        ? (HINTS[code] ?? (code.startsWith('28') ? HINTS['28000'] : undefined))
        : undefined;
    if (!hint) throw e;
    // Connection errors from several addresses arrive as an AggregateError with an empty message.
    const what = (e as Error).message || String(code);
    throw new UserError(`${what}: ${hint}${url ? ` (database ${maskUrl(url)})` : ''}`, { cause: e });
  }
}

/**
 * Runs `fn` with a short-lived pool on `database.url` (one connection unless `max` says otherwise),
 * explaining database errors; the pool is always closed.
 */
export async function withCliPool<T>(
  ctx: CliContext,
  app: string,
  fn: (pool: pg.Pool) => Promise<T>,
  opts: { max?: number } = {},
): Promise<T> {
  const url = ctx.config().config.database.url;
  const pool = createPool(url, { max: opts.max ?? 1, applicationName: app });
  try {
    return await explainDbErrors(() => fn(pool), url);
  } finally {
    await pool.end();
  }
}
