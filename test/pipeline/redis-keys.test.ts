import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysUnder } from '../../src/pipeline/redis.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';

const prefix = testPrefix('keys');
const other = `${prefix}x`; // shares the text prefix but not the `<prefix>:` namespace
const r = new Redis(REDIS_URL);
afterAll(async () => {
  await deleteKeys(prefix);
  r.disconnect();
});

describe('deleteKeysUnder', () => {
  it('deletes every key under <prefix>: across SCAN pages and nothing else', async () => {
    const p = r.pipeline();
    for (let i = 0; i < 2500; i++) p.set(`${prefix}:k${i}`, '1');
    p.set(`${other}:keep`, '1');
    await p.exec();
    expect(await deleteKeysUnder(REDIS_URL, prefix)).toBe(2500);
    expect(await r.exists(`${prefix}:k0`, `${prefix}:k2499`)).toBe(0);
    expect(await r.get(`${other}:keep`)).toBe('1');
    expect(await deleteKeysUnder(REDIS_URL, prefix)).toBe(0);
  });
});
