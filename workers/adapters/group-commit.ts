/**
 * Group commit for idempotent writes: rows submitted while a write to the same table is in flight wait and
 * then go out together as ONE upsert (one connection, one COPY, one statement) instead of one transaction
 * per job. An idle writer starts at once, so a lone job waits for nothing; under load the group grows with
 * the number of jobs in flight, which is what cuts the per-job database round trips.
 */
interface Waiter {
  rows: number;
  resolve(changed: number): void;
  reject(e: unknown): void;
}

export class GroupCommit<R> {
  private readonly pending = new Map<string, { rows: R[]; waiters: Waiter[] }>();
  private readonly busy = new Set<string>();

  constructor(
    /** Writes rows to `table` and returns how many were inserted or changed. */
    private readonly write: (table: string, rows: R[]) => Promise<number>,
    /** Upper bound of rows per write (whole submissions are never split). */
    private readonly maxRows = 5_000,
  ) {}

  /**
   * Resolves when the caller's rows are stored, with the caller's part of the changed count: the group's
   * count is handed out in submission order, so it is exact when every row changed or none did (the
   * normal cases) and the sum over callers is always exact. A failed write rejects every caller of its group.
   */
  submit(table: string, rows: R[]): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let p = this.pending.get(table);
      if (!p) this.pending.set(table, (p = { rows: [], waiters: [] }));
      for (const r of rows) p.rows.push(r);
      p.waiters.push({ rows: rows.length, resolve, reject });
      if (!this.busy.has(table)) void this.drain(table);
    });
  }

  private async drain(table: string): Promise<void> {
    this.busy.add(table);
    try {
      for (let p = this.pending.get(table); p; p = this.pending.get(table)) {
        let take = 0;
        let rows = 0;
        while (take < p.waiters.length && (take === 0 || rows + p.waiters[take]!.rows <= this.maxRows)) rows += p.waiters[take++]!.rows;
        const waiters = p.waiters.splice(0, take);
        const batch = p.rows.splice(0, rows);
        if (p.waiters.length === 0) this.pending.delete(table);
        try {
          let left = await this.write(table, batch);
          for (const w of waiters) {
            const mine = Math.min(w.rows, left);
            left -= mine;
            w.resolve(mine);
          }
        } catch (e) {
          for (const w of waiters) w.reject(e);
        }
      }
    } finally {
      this.busy.delete(table);
    }
  }
}
