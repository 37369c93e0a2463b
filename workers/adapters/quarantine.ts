/** The Quarantine port over PostgreSQL: one `rejected_rows` row per broken KIS answer (deduplicated by the table's unique index). */
import type pg from 'pg';
import { QUARANTINE_TABLE, type Quarantine } from '../../jobs/quarantine.js';

export function createQuarantine(pool: pg.Pool): Quarantine {
  return {
    async record(entry, reason) {
      await pool.query(
        `INSERT INTO rejected_rows (table_name, "row", reason) VALUES ($1, $2::jsonb, $3)
         ON CONFLICT DO NOTHING`,
        [QUARANTINE_TABLE, JSON.stringify(entry), reason],
      );
    },
  };
}
