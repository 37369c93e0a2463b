/** Creating the configured database on a fresh PostgreSQL server (`krtrade db migrate` does it when missing). */
import pg from 'pg';

/** PostgreSQL's "database does not exist" SQLSTATE. */
const NO_SUCH_DATABASE = '3D000';

/** The database name in a connection URL (`postgres://…/krtrade?…` → `krtrade`). */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name || 'postgres';
}

/** The same server and credentials, another database. */
export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates the database of `url` when the server says it does not exist (through the server's `postgres`
 * maintenance database, with the same credentials). Returns whether it created it. Another error (server
 * down, authentication) is thrown unchanged for the caller to explain.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return false;
  } catch (e) {
    if ((e as { code?: unknown }).code !== NO_SUCH_DATABASE) throw e;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(databaseNameOf(url))}`);
    return true;
  } catch (e) {
    // Two processes migrating a fresh server at once: the other one created it first.
    if ((e as { code?: unknown }).code === '42P04') return false;
    throw e;
  } finally {
    await admin.end();
  }
}
