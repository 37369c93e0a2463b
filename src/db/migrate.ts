/**
 * Numbered plain-SQL migrations (`migrations/NNNN_name.sql`), applied in order inside one transaction
 * each, recorded in `schema_migrations`, under a session advisory lock so concurrent starters wait.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type pg from 'pg';
import { KrtradeError } from '../errors.js';

/** `<root>/migrations/`: two levels up from the sources (`src/db/`), three from the build (`dist/src/db/`). */
export function findMigrationsDir(from: string = import.meta.url): string {
  const candidates = ['../../migrations/', '../../../migrations/'].map((up) =>
    fileURLToPath(new URL(up, from)),
  );
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}
export const MIGRATIONS_DIR = findMigrationsDir();
/** Arbitrary constant: the advisory-lock key for migrations. */
const MIGRATION_LOCK_KEY = 0x6b72_7464;

export interface Migration {
  version: number;
  /** File name without `.sql`, e.g. `0001_calendar_overrides`. */
  label: string;
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return files.map((file) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new KrtradeError(`migration file name ${file} must look like 0001_name.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    return {
      version: Number(m[1]),
      label: file.slice(0, -4),
      name: m[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
}

export interface MigrateResult {
  applied: Migration[];
  alreadyApplied: number;
}

export async function migrate(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = listMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
      applied_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul'))`);
    const done = await client.query<{ version: number; checksum: string; name: string }>(
      'SELECT version, checksum, name FROM schema_migrations',
    );
    const byVersion = new Map(done.rows.map((r) => [r.version, r]));
    const applied: Migration[] = [];
    for (const m of migrations) {
      const prev = byVersion.get(m.version);
      if (prev) {
        if (prev.checksum !== m.checksum) {
          throw new KrtradeError(`migration ${m.label} was changed after it was applied (checksum differs)`);
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new KrtradeError(`migration ${m.label} failed: ${(e as Error).message}`, { cause: e });
      }
      applied.push(m);
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}
