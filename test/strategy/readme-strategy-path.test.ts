/**
 * The README's "Write your own strategy" path, as written there: its shell commands and its config, in a
 * fresh working directory over stored bars of the dates it names (the data step — `krtrade run` /
 * `backfill` — is replaced by writing the bars; the paper broker itself is tested in test/paper/).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { writeCandles } from '../../src/db/writer.js';
import { defaultCalendar } from '../../src/market/calendar/index.js';
import { parseKstDate } from '../../src/time/kst.js';
import { syntheticFutureCandles } from './synthetic.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('## Write your own strategy'), README.indexOf('## Realtime stream'));
const blocks = (lang: string): string[] =>
  [...SECTION.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!.replace(/^ {3}/gm, '').trim());
/** Words of a command line, quotes removed (the README's commands use only plain and quoted words). */
const words = (line: string): string[] => (line.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^(['"])(.*)\1$/, '$2'));

let db: TestDb;
let dir: string;

beforeAll(async () => {
  db = await createTestDb();
  const cal = defaultCalendar();
  await writeCandles(db.pool, 'futures_101', syntheticFutureCandles('A01612', [parseKstDate('2026-11-23'), parseKstDate('2026-11-24')], cal, 7));
  // A working directory like a checkout: the example next to the sources it imports.
  dir = mkdtempSync(join(tmpdir(), 'krtrade-readme-strategy-'));
  symlinkSync(join(ROOT, 'src'), join(dir, 'src'));
  mkdirSync(join(dir, 'examples', 'strategies'), { recursive: true });
  copyFileSync(join(ROOT, 'examples/strategies/futures-opening-range.ts'), join(dir, 'examples/strategies/futures-opening-range.ts'));
});
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

describe('README: write your own strategy', () => {
  it('goes from the example to a backtest report to paper status, every command working as written', async () => {
    const commands = blocks('sh').flatMap((b) => b.split('\n')).filter((l) => l.trim() !== '');
    const configs = blocks('json');
    expect(configs).toHaveLength(1);
    expect(commands.map((c) => words(c).slice(0, 2).join(' '))).toEqual([
      "sed s/name: 'futures-opening-range'/name: 'my-orb'/",
      'krtrade replay',
      'krtrade backtest',
      'krtrade paper',
    ]);
    writeFileSync(join(dir, 'krtrade.config.json'), configs[0]!);
    const env = { KRTRADE_DATABASE_URL: db.url };
    const outputs: string[] = [];
    for (const line of commands) {
      if (line.startsWith('sed ')) {
        // `sed "…" IN > OUT`
        const [script, input, out] = /^sed "([^"]+)" (\S+) > (\S+)$/.exec(line)!.slice(1);
        writeFileSync(join(dir, out!), execFileSync('sed', [script!, input!], { cwd: dir }));
        continue;
      }
      const r = await runCli(words(line).slice(1), { env, cwd: dir });
      expect(r.stderr, line).toBe('');
      expect(r.code, line).toBe(0);
      outputs.push(r.stdout);
    }
    const [replay, backtest, paper] = outputs;
    expect(replay).toMatch(/my-orb/);
    expect(replay).toMatch(/enter_(long|short)/);
    expect(backtest).toMatch(/^my-orb backtest 2026-11-23\.\.2026-11-24: 2 trading days/);
    expect(backtest).toContain('report written to my-orb.html');
    const html = readFileSync(join(dir, 'my-orb.html'), 'utf8');
    expect(html).toMatch(/<h2>Trades \([1-9]\d*\)<\/h2>/);
    expect(paper).toBeTruthy();
    expect(existsSync(join(dir, 'examples/strategies/my-orb.ts'))).toBe(true);
  });
});
