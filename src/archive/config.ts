/** Config of history retention: how many days of realtime rows stay in PostgreSQL, and where archives go. */
import { z } from 'zod';

export const retentionSchema = z
  .object({
    /** Trading-date partitions of `ticks` older than this many calendar days are archived by `krtrade archive`. */
    ticksDays: z.number().int().min(1).optional(),
    quotesDays: z.number().int().min(1).optional(),
    /** Where `krtrade archive` writes `<table>/<table>_YYYYMMDD.parquet`. */
    archiveDir: z.string().min(1).default('archive'),
  })
  .prefault({});
