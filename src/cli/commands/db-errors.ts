/** Turns the usual "database not reachable / not set up" failures into one-line errors that say what to do. */
import { UserError } from '../../errors.js';

const HINTS: Record<string, string> = {
  '3D000':
    'the database does not exist: create it, or point database.url (KRTRADE_DATABASE_URL) at the right one',
  '28P01': 'authentication failed: check the user and password in database.url',
  '28000': 'the server refused the connection: check database.url and pg_hba.conf',
  '42P01': 'a table is missing: run `krtrade db migrate` first',
  ECONNREFUSED: 'nothing is listening at database.url: is PostgreSQL running?',
  ENOTFOUND: 'the database host in database.url does not resolve',
};

export async function explainDbErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const hint = typeof code === 'string' ? HINTS[code] : undefined;
    if (hint) throw new UserError(`${(e as Error).message}: ${hint}`, { cause: e });
    throw e;
  }
}
