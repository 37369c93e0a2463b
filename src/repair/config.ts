/** `repair.*`: the completeness loop's settings (docs/operations.md, "Completeness and repair"). */
import { z } from 'zod';

export const repairConfigSchema = z
  .object({
    /** A minute is checked once this many clock minutes have passed since it closed (live jobs get their chance first). */
    settleMinutes: z.number().int().min(0).default(3),
    /** The scheduler runs verify-and-repair this often (clock minutes) during sessions, and once after each close. */
    intervalMinutes: z.number().int().positive().default(5),
    /** Recovery and repair also look this many minutes before the current session (0: the session so far). */
    lookbackMinutes: z.number().int().min(0).default(0),
  })
  .prefault({});
export type RepairConfig = z.infer<typeof repairConfigSchema>;
