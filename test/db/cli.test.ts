import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ADMIN_URL, createTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from '../helpers/cli.js';
import { writeCandles } from '../../src/db/writer.js';
import { kstTime } from '../../src/time/kst.js';
import { listMigrations } from '../../src/db/migrate.js';
import { candles } from './fixtures.js';

let db: TestDb;
let empty: TestDb;
const dir = mkdtempSync(join(tmpdir(), 'krtrade-db-cli-'));
const run = (args: string[]) => runCli(args, { env: { KRTRADE_DATABASE_URL: db.url }, cwd: dir, timeoutMs: 170_000 });

beforeAll(async () => {
  empty = await createTestDb({ migrate: false });
  db = await createTestDb();
  // Two trading days of one symbol: 24th 09:00–09:29 and 25th 09:00–09:09.
  await writeCandles(db.pool, 'futures_101', [
    ...candles(30, 'A01612'),
    ...candles(10, 'A01612', kstTime(2026, 11, 25, 9, 0)),
  ]);
});
afterAll(async () => {
  await Promise.all([db?.drop(), empty?.drop()]);
});

describe('krtrade db migrate', () => {
  it('applies every migration once, then reports up to date', async () => {
    const env = { KRTRADE_DATABASE_URL: empty.url };
    const first = await runCli(['db', 'migrate', '--json'], { env, cwd: dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const files = listMigrations().map((m) => m.label);
    expect(JSON.parse(first.stdout)).toEqual({ created: false, applied: files, alreadyApplied: 0 });
    const again = await runCli(['db', 'migrate'], { env, cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(`up to date (${files.length} migrations)`);
    const rows = await empty.pool.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY 1',
    );
    expect(rows.rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
  });
});

describe('krtrade db migrate on a fresh server', () => {
  it('creates the missing database, then migrates it; a second run changes nothing', async () => {
    const name = `krt_test_fresh_${randomBytes(4).toString('hex')}`;
    const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
    try {
      const first = await runCli(['db', 'migrate'], { env: { KRTRADE_DATABASE_URL: url }, cwd: dir });
      expect(first.stderr).toBe(`created database ${url}\n`);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^applied 0001_/);
      const again = await runCli(['db', 'migrate', '--json'], { env: { KRTRADE_DATABASE_URL: url }, cwd: dir });
      expect(JSON.parse(again.stdout)).toMatchObject({ created: false, applied: [] });
    } finally {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    }
  });
});

describe('database failures are one line that says what to do, password masked', () => {
  let bare: TestDb;
  beforeAll(async () => {
    bare = await createTestDb({ migrate: false });
  });
  afterAll(async () => bare?.drop());

  it.each([
    [
      ['db', 'status'],
      'unmigrated',
      /relation "data_latest" does not exist: a table is missing: run `krtrade db migrate` first/,
    ],
    [
      ['calendar', '--db', '--date', '2026-11-19'],
      'unmigrated',
      /"calendar_overrides" does not exist: .*krtrade db migrate/,
    ],
    [
      ['db', 'migrate'],
      'refused',
      /ECONNREFUSED.*is PostgreSQL running\? \(database postgres:\/\/u:\*\*\*\*@127\.0\.0\.1:1\/x\)/,
    ],
    [
      ['db', 'status', '--json'],
      'missing',
      /database "krt_test_no_such_db" does not exist: .*KRTRADE_DATABASE_URL/,
    ],
    [['calendar', '--db', '--date', '2026-11-19'], 'refused', /ECONNREFUSED/],
    [['verify', '--date', '2026-11-24'], 'refused', /ECONNREFUSED.*\(database postgres:\/\/u:\*\*\*\*@127\.0\.0\.1:1\/x\)/],
    [
      ['replay', '--strategy', 'vwap-atr', '--from', '2026-11-24', '--to', '2026-11-24'],
      'refused',
      /ECONNREFUSED.*is PostgreSQL running\?/,
    ],
    [
      ['strategy', 'run', '--strategy', 'vwap-atr', '--time', '2026-11-24T10:00'],
      'unmigrated',
      /does not exist: a table is missing: run `krtrade db migrate` first/,
    ],
  ])('%j with the database %s', async (args, kind, re) => {
    const url =
      kind === 'unmigrated'
        ? bare.url
        : kind === 'refused'
          ? 'postgres://u:hunter2@127.0.0.1:1/x'
          : bare.url.replace(/\/[^/]*$/, '/krt_test_no_such_db');
    const r = await runCli(args, { env: { KRTRADE_DATABASE_URL: url }, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(re);
    expect(r.stderr).toMatch(/^krtrade: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe('krtrade db status / export', () => {
  it('reports tables, row counts and the latest data time per instrument as JSON', async () => {
    const r = await run(['db', 'status', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      migrations: number;
      tables: { name: string; rows: number; parent: string | null }[];
      latest: unknown[];
    };
    expect(s.migrations).toBeGreaterThanOrEqual(3);
    expect(s.tables.find((t) => t.name === 'futures_101')).toMatchObject({ rows: 40, parent: 'candles_1m' });
    expect(s.tables.find((t) => t.name === 'candles_1m')).toMatchObject({ rows: 40 });
    expect(s.latest).toEqual([{ source: 'futures_101', symbol: 'A01612', lastTime: '2026-11-25T09:09:00' }]);
    const text = await run(['db', 'status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ {2}futures_101 +40 /m);
    expect(text.stdout).toMatch(/latest data \(KST\):\n {2}futures_101 +A01612 +2026-11-25T09:09:00/);
  });

  it('exports a time range as CSV to a file; a date-only --to includes that day', async () => {
    const out = join(dir, 'f101.csv');
    const r = await run([
      'db',
      'export',
      '--table',
      'futures_101',
      '--from',
      '2026-11-24T09:10',
      '--to',
      '2026-11-24',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('family,timestamp,symbol,trading_date,open,high,low,close,volume,open_interest');
    expect(lines).toHaveLength(1 + 20);
    expect(lines[1]).toMatch(/^futures_101,2026-11-24 09:10:00,A01612,2026-11-24,/);
    expect(lines.at(-1)).toMatch(/^futures_101,2026-11-24 09:29:00,/);
  });

  it('streams to stdout without a range', async () => {
    const r = await run(['db', 'export', '--table', 'candles_1m']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(41);
  });

  it('refuses bad table names, missing tables, bad dates and formats in one line', async () => {
    const cases: [string[], RegExp][] = [
      [['--table', 'pg_authid'], /--table "pg_authid" is not a krtrade table/],
      [['--table', 'futures_101;drop table x'], /is not a krtrade table/],
      [['--table', 'futures_1zz'], /futures_1zz does not exist yet/],
      [['--table', 'futures_101', '--from', '2026-02-30'], /--from: invalid time value "2026-02-30"/],
      [
        ['--table', 'futures_101', '--from', '2026-11-25', '--to', '2026-11-24T10:00'],
        /--from 2026-11-25 00:00:00 is not before --to/,
      ],
      [['--table', 'futures_101', '--format', 'xlsx'], /--format "xlsx" is not supported/],
    ];
    await Promise.all(
      cases.map(async ([args, msg], i) => {
        const out = join(dir, `never-${i}.csv`);
        const r = await run(['db', 'export', ...args, '--out', out]);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr).toMatch(msg);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(existsSync(out)).toBe(false);
      }),
    );
    // Six CLI processes at once: on a loaded 2-core CI machine their start-up alone can take a minute.
  }, 180_000);
});
