import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/pool.js';
import { findMigrationsDir, listMigrations, migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

describe('migrations', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb({ migrate: false });
  });
  afterAll(async () => db?.drop());

  it('applies every migration exactly once when several processes start at once', async () => {
    const pools = Array.from({ length: 4 }, () => createPool(db.url, { max: 1 }));
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      const total = listMigrations().length;
      expect(results.reduce((n, r) => n + r.applied.length, 0)).toBe(total);
      const rows = await db.pool.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
      const again = await migrate(db.pool);
      expect(again.applied).toHaveLength(0);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses a migration edited after it was applied, and rolls back a failing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'krtrade-mig-'));
    writeFileSync(join(dir, '9001_a.sql'), 'CREATE TABLE mig_a (x int);');
    await migrate(db.pool, dir);
    writeFileSync(join(dir, '9001_a.sql'), 'CREATE TABLE mig_a (x bigint);');
    await expect(migrate(db.pool, dir)).rejects.toThrow(/9001_a was changed/);
    writeFileSync(join(dir, '9001_a.sql'), 'CREATE TABLE mig_a (x int);');
    writeFileSync(join(dir, '9002_b.sql'), 'CREATE TABLE mig_b (x int); SELECT 1/0;');
    await expect(migrate(db.pool, dir)).rejects.toThrow(/9002_b failed: division by zero/);
    const exists = await db.pool.query("SELECT to_regclass('mig_b') AS t");
    expect(exists.rows[0].t).toBeNull();
    writeFileSync(join(dir, 'bad-name.sql'), '');
    expect(() => listMigrations(dir)).toThrow(/bad-name\.sql/);
  });

  it('finds migrations/ from the sources and from the build output alike', () => {
    const root = new URL('../../', import.meta.url);
    const expected = fileURLToPath(new URL('migrations/', root));
    expect(MIGRATIONS_DIR).toBe(expected);
    expect(findMigrationsDir(new URL('src/db/migrate.ts', root).href)).toBe(expected);
    expect(findMigrationsDir(new URL('dist/src/db/migrate.js', root).href)).toBe(expected);
    expect(listMigrations(expected).length).toBeGreaterThanOrEqual(3);
  });
});
