/** With Redis down, `krtrade kis …` fails fast with one line naming Redis (password masked), never a stack. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { checkRedis, explainRedisErrors } from '../../src/cli/commands/redis-errors.js';
import { UserError } from '../../src/errors.js';
import { REDIS_URL } from '../helpers/redis.js';
import { freePort } from '../helpers/ports.js';

/** A port nothing listens on (outside the ephemeral range, so no other test's server lands on it). */
const closedPort = freePort;

let downUrl = '';
const simCwd = mkdtempSync(join(tmpdir(), 'krtrade-redis-down-'));
const accountCwd = mkdtempSync(join(tmpdir(), 'krtrade-redis-down-acct-'));

beforeAll(async () => {
  downUrl = `redis://:hunter2pw@127.0.0.1:${await closedPort()}`;
  // A configured account takes the other path (shared connection for clients and WebSocket lease).
  writeFileSync(
    join(accountCwd, 'krtrade.config.json'),
    JSON.stringify({ kis: { accounts: [{ name: 'acct', env: 'paper', appKey: 'k'.repeat(36), appSecret: 's'.repeat(180), restUrl: 'http://127.0.0.1:9' }] } }),
  );
});

const expectOneLine = (r: { code: number | null; stdout: string; stderr: string }): void => {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^krtrade: Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+ is not reachable \(ECONNREFUSED: .*\); start Redis or point redis\.url \(KRTRADE_REDIS_URL\) at a running one\n$/);
  expect(r.stderr).not.toContain('hunter2pw');
};

describe('kis commands with Redis unreachable', () => {
  it.each([
    ['price (embedded simulator)', ['kis', 'price', '005930'], simCwd],
    ['token (configured account)', ['kis', 'token', '--json'], accountCwd],
    ['stream (embedded simulator)', ['kis', 'stream', '005930', '--duration', '2s'], simCwd],
  ])('%s: one line, exit 1', async (_label, args, cwd) => {
    const started = Date.now();
    const r = await runCli(args, { env: { KRTRADE_REDIS_URL: downUrl, KRTRADE_LOG_LEVEL: 'warn' }, cwd, timeoutMs: 30_000 });
    expectOneLine(r);
    // Fails on the first connection attempt, not after ioredis' reconnect loop.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('redis-errors', () => {
  it('checkRedis passes against the running Redis', async () => {
    await expect(checkRedis(REDIS_URL)).resolves.toBeUndefined();
  });

  it('explainRedisErrors turns a lost connection into a UserError and leaves other errors alone', async () => {
    const r = new Redis(downUrl, { maxRetriesPerRequest: 1, retryStrategy: () => 10 });
    r.on('error', () => undefined);
    try {
      const lost = explainRedisErrors(() => r.get('x'), downUrl);
      await expect(lost).rejects.toBeInstanceOf(UserError);
      await expect(lost).rejects.toThrow(/^Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+ is not reachable \(Reached the max retries/);
      const other = new TypeError('not a connection problem');
      await expect(explainRedisErrors(() => Promise.reject(other), downUrl)).rejects.toBe(other);
    } finally {
      r.disconnect();
    }
  });
});
