/** A plain TypeScript plugin outside the project (no package.json "type": "module") loads through the real CLI. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'krt-plugin-'));
  writeFileSync(
    join(dir, 'mine.ts'),
    `interface Levels { k: number }
const levels: Levels = { k: 2 };
export default { name: 'mine-ts', version: String(levels.k), lookback: 3, instruments: () => ['A01612'], onBatch: () => [] };
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('krtrade strategy list --plugin file.ts', () => {
  it('loads a TypeScript plugin with type annotations and ESM exports', async () => {
    const r = await runCli(['strategy', 'list', '--plugin', join(dir, 'mine.ts'), '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; version: string | null; lookback: number }[];
    expect(list).toContainEqual({ name: 'mine-ts', version: '2', lookback: 3 });
  });
});
