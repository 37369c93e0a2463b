/** Several app keys (real and paper) in one deployment, from the config, against one simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { UserError } from '../../src/errors.js';
import { KisAccounts } from '../../src/kis/accounts.js';
import { KisUnsupportedError } from '../../src/kis/errors.js';
import { KIS_HOSTS } from '../../src/kis/spec/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';
import { REDIS_URL, deleteKeys, testPrefix } from '../helpers/redis.js';

const REAL = { appKey: 'PSrealAccountKey'.padEnd(36, 'r'), appSecret: 'real-secret'.padEnd(180, 's'), mode: 'real' as const };
const PAPER = { appKey: 'PSpaperAccountKey'.padEnd(36, 'p'), appSecret: 'paper-secret'.padEnd(180, 's'), mode: 'paper' as const };

let sim: SimulatorHandle;
const prefix = testPrefix('accts');
beforeAll(async () => {
  sim = await startSimulator({ seed: 7, start: '2026-11-24T10:30', speed: 1, host: '127.0.0.1', port: 0, wsPort: 0, accounts: [REAL, PAPER] });
});
afterAll(async () => {
  await sim?.close();
  await deleteKeys(prefix);
});

const configWith = (accounts: object[]) =>
  configSchema.parse({ kis: { accounts }, redis: { url: REDIS_URL, prefix } });

describe('KisAccounts', () => {
  it('runs a real and a paper app key side by side, each with its own token and endpoint set', async () => {
    const accounts = KisAccounts.fromConfig(
      configWith([
        { name: 'main', env: 'real', appKey: REAL.appKey, appSecret: REAL.appSecret, restUrl: sim.restUrl },
        { name: 'practice', env: 'paper', appKey: PAPER.appKey, appSecret: PAPER.appSecret, restUrl: sim.restUrl },
        { name: 'kis-host', env: 'real', appKey: 'unused-key-0123456789', appSecret: 'unused-secret-0123456789' },
      ]),
      // The simulator's clock: its tokens expire in simulated time, which is not today's date.
      { clock: sim.clock },
    );
    try {
      expect(accounts.names()).toEqual(['main', 'practice', 'kis-host']);
      const main = accounts.get('main');
      const practice = accounts.get('practice');
      expect(accounts.get()).toBe(main);
      expect(accounts.byEnv('paper')).toBe(practice);
      // Without an override, each environment talks to KIS's own host.
      expect(accounts.get('kis-host').baseUrl).toBe(KIS_HOSTS.real.rest);
      const [a, b] = await Promise.all([main.token(), practice.token()]);
      expect(a.token).not.toBe(b.token);
      // The token names its app key (JWT jti), so each account really used its own key.
      const jti = (t: string) => (JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
      expect([jti(a.token), jti(b.token)]).toEqual([REAL.appKey, PAPER.appKey]);
      expect((await main.stockPrice({ code: '005930' })).price).toBeGreaterThan(0);
      expect((await practice.stockPrice({ code: '005930' })).price).toBeGreaterThan(0);
      await expect(practice.optionBoard({ expiry: '202612' })).rejects.toBeInstanceOf(KisUnsupportedError);
    } finally {
      await accounts.close();
      await accounts.close();
    }
  });

  it('refuses duplicate names and unknown accounts with errors that list what is configured', async () => {
    const dup = { name: 'x', appKey: REAL.appKey, appSecret: REAL.appSecret };
    expect(() => KisAccounts.fromConfig(configWith([dup, dup]))).toThrow(UserError);
    const accounts = KisAccounts.fromConfig(configWith([dup]));
    try {
      expect(() => accounts.get('y')).toThrow(/no KIS account named "y"; configured: x/);
    } finally {
      await accounts.close();
    }
  });
});
