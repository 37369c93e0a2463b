/** `krtrade kis …` end to end: the real CLI in a child process against its embedded simulator. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { deleteKeys, testPrefix } from '../helpers/redis.js';

const cwd = mkdtempSync(join(tmpdir(), 'krtrade-kis-cli-'));
const prefix = testPrefix('kiscli');
const env = { KRTRADE_SIM__START: '2026-11-24T10:30', KRTRADE_REDIS_PREFIX: prefix, KRTRADE_LOG_LEVEL: 'warn' };
const run = (args: string[]) => runCli(['kis', ...args], { env, cwd, timeoutMs: 45_000 });

afterAll(() => deleteKeys(prefix));

describe('krtrade kis', () => {
  it('price: a stock as JSON with typed numbers', async () => {
    const r = await run(['price', '005930', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const q = JSON.parse(r.stdout) as { market: string; price: number; high: number; low: number };
    expect(q.market).toBe('J');
    expect(q.price).toBeGreaterThanOrEqual(q.low);
    expect(q.price).toBeLessThanOrEqual(q.high);
  });

  it('candles: one bar per minute of the range, labelled by minute start', async () => {
    const r = await run(['candles', '005930', '--from', '2026-11-24T09:00', '--to', '2026-11-24T09:59', '--json']);
    expect(r.code).toBe(0);
    const bars = JSON.parse(r.stdout) as Array<{ time: string; volume: number }>;
    expect(bars).toHaveLength(60);
    expect(bars[0]!.time).toBe('2026-11-24T09:00:00');
    expect(bars[59]!.time).toBe('2026-11-24T09:59:00');
  });

  it('board and token: text output, token masked', async () => {
    const b = await run(['board', '--expiry', '202612']);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/kospi200 monthly 202612: \d+ calls, \d+ puts/);
    const t = await run(['token', '--json']);
    expect(t.code).toBe(0);
    const out = JSON.parse(t.stdout) as { token: string; expiresAt: string };
    expect(out.token).toMatch(/^.{4}…\(\d+ chars\)$/);
    expect(out.expiresAt).toMatch(/^2026-11-25T/);
  });

  it('bad input: one line naming the option, exit 1, no stack', async () => {
    const r = await run(['candles', '005930', '--from', 'yesterday', '--to', '2026-11-24T09:59']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--from');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const w = await run(['board', '--expiry', '2612']);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/expiry .*YYYYMM/);
  });
});

describe('one-shot commands print their answer, not their log', () => {
  it('kis token with the default log level: no "issued KIS access token" line anywhere', async () => {
    const quietPrefix = testPrefix('kiscli-log');
    try {
      const r = await runCli(['kis', 'token'], { env: { KRTRADE_SIM__START: '2026-11-24T10:30', KRTRADE_REDIS_PREFIX: quietPrefix }, cwd, timeoutMs: 45_000 });
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('issued KIS access token');
      expect(r.stderr).not.toMatch(/^\{/m);
      // --verbose shows the steps, as readable lines with KST times (pretty forced: the test has no TTY).
      const v = await runCli(['--verbose', 'kis', 'token'], { env: { KRTRADE_SIM__START: '2026-11-24T10:30', KRTRADE_REDIS_PREFIX: testPrefix('kiscli-v'), KRTRADE_LOG__PRETTY: 'true' }, cwd, timeoutMs: 45_000 });
      expect(v.code).toBe(0);
      expect(v.stderr).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} KST\]? INFO.*issued KIS access token/);
    } finally {
      await deleteKeys(quietPrefix);
    }
  });
});
