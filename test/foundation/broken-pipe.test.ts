import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { BIN } from '../helpers/cli.js';
import { writeCandles } from '../../src/db/writer.js';
import { candles } from '../db/fixtures.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
  // ~40k rows: far more CSV than a pipe holds, so the writer is still writing when the reader leaves.
  await writeCandles(db.pool, 'futures_101', candles(40_000, 'A01612'));
});
afterAll(async () => db?.drop());

/** Runs the CLI like `krtrade … | head -c 1`: the reader closes its end after the first chunk. */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', KRTRADE_DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let bytes = 0;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', (d: Buffer) => {
      bytes = d.length;
      child.stdout.destroy();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, bytes });
    });
  });
}

// The handler is installed once for every command (src/cli/stdio.ts); export writes the most.
describe('a reader that goes away', () => {
  it('db export | head: exits 0 with nothing on stderr', async () => {
    const r = await runIntoClosedPipe(['db', 'export', '--table', 'futures_101']);
    expect(r.bytes).toBeGreaterThan(0);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

});
