/** `redis.url` / `redis.cluster`: cluster URLs, one-line errors, and the hash-tagged prefix on a cluster. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { effectivePrefix, parseRedisUrl } from '../../src/redis/target.js';

const load = (env: Record<string, string>) => loadConfig({ env });

describe('Redis URL', () => {
  it('one server, a cluster by scheme or by flag, with credentials', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/2')).toEqual({ cluster: false, nodes: [{ host: '127.0.0.1', port: 6379 }], tls: false, db: 2 });
    expect(parseRedisUrl('redis+cluster://u:p%40ss@a:7000,b:7001,[::1]:7002')).toEqual({
      cluster: true, nodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }, { host: '::1', port: 7002 }], tls: false, db: 0, username: 'u', password: 'p@ss',
    });
    expect(parseRedisUrl('rediss://a:7000,b', true)).toMatchObject({ cluster: true, tls: true, nodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 6379 }] });
  });

  it('bad URLs are refused with what is wrong', () => {
    expect(() => parseRedisUrl('http://a:1')).toThrow(/must start with redis:\/\//);
    expect(() => parseRedisUrl('redis://a:1,b:2')).toThrow(/lists 2 hosts: a list of nodes needs cluster mode/);
    expect(() => parseRedisUrl('redis+cluster://a:1/3')).toThrow(/only database 0/);
    expect(() => parseRedisUrl('redis+cluster://a:99999')).toThrow(/port 99999/);
  });

  it('the prefix is hash-tagged on a cluster only, and a tag already there is kept', () => {
    expect(effectivePrefix('krtrade', true)).toBe('{krtrade}');
    expect(effectivePrefix('krtrade', false)).toBe('krtrade');
    expect(effectivePrefix('{ops}:krtrade', true)).toBe('{ops}:krtrade');
  });
});

describe('redis config', () => {
  it('redis.cluster: the URL carries cluster mode and the prefix its hash tag', () => {
    const c = configSchema.parse({ redis: { url: 'redis://a:7000,b:7001', cluster: true } });
    expect(c.redis).toEqual({ url: 'redis+cluster://a:7000,b:7001', cluster: true, prefix: '{krtrade}' });
    expect(configSchema.parse({ redis: { url: 'redis+cluster://a:7000', prefix: 'k' } }).redis).toEqual({ url: 'redis+cluster://a:7000', cluster: true, prefix: '{k}' });
    expect(configSchema.parse({}).redis).toEqual({ url: 'redis://127.0.0.1:6379', cluster: false, prefix: 'krtrade' });
  });

  it('a bad URL from the environment is one issue line naming the variable, with the password masked', () => {
    expect(() => load({ KRTRADE_REDIS_URL: 'redis://u:secret@a:1,b:2' })).toThrow(/\n {2}- KRTRADE_REDIS_URL \(redis\.url\): lists 2 hosts[^\n]*u:\*\*\*\*@a:1,b:2"\)$/);
    expect(() => load({ KRTRADE_REDIS_URL: 'redis://u:secret@a:1,b:2' })).not.toThrow(/secret/);
  });

  it('unknown keys under redis are still reported', () => {
    expect(() => load({ KRTRADE_REDIS__CLUSTR: 'true' })).toThrow(/did you mean KRTRADE_REDIS__CLUSTER/);
  });
});
