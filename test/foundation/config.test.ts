import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'krtrade-config-'));
const file = (name: string, content: string): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('config', () => {
  it('has working defaults with no file and no environment (simulator mode)', () => {
    const { config, file: f } = loadConfig({ env: {}, configPath: undefined });
    expect(f).toBeUndefined();
    expect(config.kis.accounts).toEqual([]);
    expect(config.database.url).toMatch(/^postgres:\/\/.*127\.0\.0\.1:5432/);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.kis.rateLimit.realPerSecond).toBe(20);
    expect(config.pipeline.scheduleBufferMs).toBe(2000);
  });

  it('layers defaults < file < environment', () => {
    const p = file(
      'layer.json',
      JSON.stringify({ redis: { prefix: 'fromfile' }, log: { level: 'debug' }, sim: { seed: 3 } }),
    );
    const { config } = loadConfig({
      configPath: p,
      env: { KRTRADE_LOG_LEVEL: 'warn', KRTRADE_SIM__SPEED: '60' },
    });
    expect(config.redis.prefix).toBe('fromfile');
    expect(config.log.level).toBe('warn');
    expect(config.sim.seed).toBe(3);
    expect(config.sim.speed).toBe(60);
  });

  it('takes KIS keys from the environment', () => {
    const { config } = loadConfig({
      env: {
        KIS_APP_KEY: 'PSabcdefghijklmnop',
        KIS_APP_SECRET: 'secret-value-123456',
        KIS_ENV: 'paper',
        KIS_ACCOUNT: '5012345601',
      },
    });
    expect(config.kis.accounts).toHaveLength(1);
    expect(config.kis.accounts[0]).toMatchObject({
      name: 'default',
      env: 'paper',
      appKey: 'PSabcdefghijklmnop',
      account: '5012345601',
    });
  });

  it('reports every bad field with its path in one error', () => {
    const p = file(
      'bad.json',
      JSON.stringify({
        sim: { port: 70000, speed: -2 },
        log: { level: 'loud' },
        kis: { accounts: [{ name: 'x' }] },
      }),
    );
    let err: unknown;
    try {
      loadConfig({ configPath: p, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    for (const path of [
      'sim.port',
      'sim.speed',
      'log.level',
      'kis.accounts.0.appKey',
      'kis.accounts.0.appSecret',
    ])
      expect(msg).toContain(path);
    expect((err as ConfigError).issues.length).toBeGreaterThanOrEqual(5);
  });

  it('allows several accounts, from the file or as JSON in KRTRADE_KIS__ACCOUNTS', () => {
    const accounts = [
      { name: 'main', env: 'real', appKey: 'PSmainkey000001', appSecret: 'mainsecret00001', htsId: 'me' },
      { name: 'paper', env: 'paper', appKey: 'PSpaperkey00002', appSecret: 'papersecret0002' },
    ];
    const p = file('accounts.json', JSON.stringify({ kis: { accounts } }));
    expect(loadConfig({ configPath: p, env: {} }).config.kis.accounts).toEqual([
      { ...accounts[0], htsId: 'me' },
      accounts[1],
    ]);
    const fromEnv = loadConfig({
      env: { KRTRADE_KIS__ACCOUNTS: JSON.stringify(accounts.slice().reverse()) },
    });
    expect(fromEnv.config.kis.accounts.map((a) => [a.name, a.env])).toEqual([
      ['paper', 'paper'],
      ['main', 'real'],
    ]);
  });

  it('reports unknown keys at any depth, with the likely intended key, in the same error as bad values', () => {
    const p = file(
      'typos.json',
      JSON.stringify({
        databse: {},
        kis: {
          accounts: [{ appKey: 'k'.repeat(12), appSecret: 's'.repeat(12), apiSecret: 'x' }],
          rateLimit: { realPerSec: 5 },
        },
        pipeline: { subscriptions: [{ rule: 'stocks', codes: ['005930'], kind: ['candles'] }] },
        log: { level: 'loud' },
      }),
    );
    const err = (() => {
      try {
        loadConfig({ configPath: p, env: { KRTRADE_SIM__PROT: '1' } });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.issues).toHaveLength(6);
    expect(err!.issues).toEqual(
      expect.arrayContaining([
        'databse: unknown key (did you mean database?)',
        'kis.accounts.0.apiSecret: unknown key (did you mean kis.accounts.0.appSecret?)',
        'kis.rateLimit.realPerSec: unknown key',
        'pipeline.subscriptions.0.kind: unknown key (did you mean pipeline.subscriptions.0.kinds?)',
        'KRTRADE_SIM__PROT: unknown setting sim.prot (did you mean KRTRADE_SIM__PORT, which sets sim.port?)',
        expect.stringMatching(/^log\.level: Invalid option/),
      ]),
    );
    // Programmatic overrides (tests, the demo) are not a person's typo.
    expect(() => loadConfig({ env: {}, overrides: { extra: 1 } })).not.toThrow();
  });

  it('names the file when it is not JSON or missing', () => {
    const p = file('broken.json', '{ "sim": ');
    expect(() => loadConfig({ configPath: p, env: {} })).toThrow(/broken\.json.*not valid JSON/s);
    expect(() => loadConfig({ configPath: join(dir, 'nope.json'), env: {} })).toThrow(/nope\.json.*ENOENT/s);
  });
});

describe('config errors from the environment speak of the variables', () => {
  const issuesOf = (env: NodeJS.ProcessEnv): string => {
    try {
      loadConfig({ env });
    } catch (e) {
      if (e instanceof ConfigError) return e.issues.join('\n');
      throw e;
    }
    throw new Error('expected a ConfigError');
  };

  it('suggests the working variable name for a misspelt one', () => {
    const msg = issuesOf({ KRTRADE_SIM__WSPORT: '21001' });
    expect(msg).toContain('KRTRADE_SIM__WSPORT');
    expect(msg).toContain('did you mean KRTRADE_SIM__WS_PORT');
    // and the suggestion works
    expect(loadConfig({ env: { KRTRADE_SIM__WS_PORT: '21001' } }).config.sim.wsPort).toBe(21001);
  });

  it('names KIS_APP_SECRET when only KIS_APP_KEY is set', () => {
    const msg = issuesOf({ KIS_APP_KEY: 'PSabcdefghijklmnop' });
    expect(msg).toMatch(/^KIS_APP_SECRET is not set/);
    expect(msg).not.toContain('received undefined');
    expect(msg).not.toContain('PSabcdefghijklmnop');
  });

  it('names the variable of a bad value', () => {
    expect(issuesOf({ KRTRADE_SIM__SPEED: 'fast' })).toMatch(/^KRTRADE_SIM__SPEED \(sim\.speed\): /);
  });
});
