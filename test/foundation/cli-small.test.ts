/** The small rough edges of the CLI, each on the real binary. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { deleteKeys, testPrefix } from '../helpers/redis.js';
import { startSimulator, type SimulatorHandle } from '../../src/sim/index.js';

const prefix = testPrefix('clismall');
afterAll(() => deleteKeys(prefix));
const env = { KRTRADE_REDIS_PREFIX: prefix };

describe('small CLI answers', () => {
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('a date that does not exist is called that, not a format error', async () => {
    const r = await runCli(['calendar', '--date', '2026-02-30']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('krtrade: --date: 2026-02-30 is not a real calendar date');
    const f = await runCli(['calendar', '--date', '30/02/2026']);
    expect(f.stderr).toContain('expected a date YYYY-MM-DD');
  });

  it('option tick sizes read as tiers of the premium', async () => {
    const r = await runCli(['instruments', '--code', '201W12312']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tick 0.01 pt below a premium of 10.00, 0.05 pt from 10.00');
    const j = JSON.parse((await runCli(['instruments', '--code', '201W12312', '--json'])).stdout) as { tickByPremium: unknown };
    expect(j.tickByPremium).toEqual([{ fromPremium: 0, tick: 0.01 }, { fromPremium: 10, tick: 0.05 }]);
  });

  it('kis stream on a closed market says so and when it opens', async () => {
    // Sunday 2026-11-22: stocks open Monday 09:00.
    const r = await runCli(['kis', 'stream', '005930', '--duration', '1s'], { env: { ...env, KRTRADE_SIM__START: '2026-11-22T10:00' }, timeoutMs: 45_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('the market is closed now (2026-11-22 10:00 KST); the next stock session opens 2026-11-23 09:00 KST');
    expect(r.stderr).toMatch(/^0 records \(the market is closed/m);
  });
});

describe('--sim-url with a simulator of another seed', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 8, start: '2026-11-24T10:00', port: 0, wsPort: 0 });
  });
  afterAll(() => sim?.close());

  it('says how to pass the seed instead of "invalid AppKey"', async () => {
    const r = await runCli(['kis', 'price', '005930', '--sim-url', sim.restUrl], { env, timeoutMs: 45_000 });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`the simulator at ${sim.restUrl} refused the credentials of seed 7`);
    expect(r.stderr).toContain('KRTRADE_SIM__SEED');
    const ok = await runCli(['kis', 'price', '005930', '--sim-url', sim.restUrl, '--json'], { env: { ...env, KRTRADE_SIM__SEED: '8' }, timeoutMs: 45_000 });
    expect(ok.code).toBe(0);
  });
});

describe('krtrade sim banner', () => {
  it('is the banner alone: no JSON log line inside it', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', '--port', '0', '--ws-port', '0'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 45_000);
      const check = (): void => {
        if (/HTS ID/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', check);
    });
    const closed = new Promise((r) => child.on('close', r));
    child.kill('SIGTERM');
    await closed;
    expect(out).toContain('KIS simulator (real)');
    expect(out.split('\n').filter((l) => l.trim().startsWith('{'))).toEqual([]);
  });
});
