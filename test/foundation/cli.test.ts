import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'krtrade-cli-'));

describe('krtrade CLI', () => {
  it('lists its commands with --help and exits 0', async () => {
    const r = await runCli(['--help'], { cwd: dir });
    expect(r.code).toBe(0);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]);
    expect(listed).toEqual(expect.arrayContaining(['config', 'db', 'calendar', 'instruments']));
  });

  it.each(['config check', 'calendar', 'instruments', 'db migrate', 'db status', 'db export'])(
    'krtrade %s --help describes the command and exits 0',
    async (cmd) => {
      const r = await runCli([...cmd.split(' '), '--help'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: krtrade ${cmd} \\[options\\]`));
      expect(r.stdout).toContain('-h, --help');
      expect(r.stderr).toBe('');
    },
  );

  it('prints the effective config as key = value lines without --json', async () => {
    const r = await runCli(['config', 'check'], {
      env: {
        KIS_APP_KEY: 'PSREALAPPKEY0123456789',
        KIS_APP_SECRET: 'VERYSECRETAPPSECRET0123456789',
        KRTRADE_REDIS_URL: 'redis://:s3cretpw@127.0.0.1:6379',
      },
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('config OK (file: none; mode: kis)');
    expect(lines).toContain('kis.accounts[0].appKey = "PSRE…(22 chars)"');
    expect(lines).toContain('redis.url = "redis://:****@127.0.0.1:6379"');
    expect(lines).toContain('database.url = "postgres://postgres@127.0.0.1:5432/krtrade"');
    for (const secret of ['PSREALAPPKEY0123456789', 'VERYSECRETAPPSECRET0123456789', 's3cretpw'])
      expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('reports misspelt keys in the file and the environment next to invalid values', async () => {
    const p = join(dir, 'typo.json');
    writeFileSync(p, JSON.stringify({ databse: { url: 'postgres://x' }, sim: { port: 'x' } }));
    const r = await runCli(['--config', p, 'config', 'check', '--json'], {
      cwd: dir,
      env: { KRTRADE_SIM__SPEEED: '3' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('databse: unknown key (did you mean database?)');
    expect(r.stderr).toContain('KRTRADE_SIM__SPEEED: unknown setting sim.speeed (did you mean KRTRADE_SIM__SPEED, which sets sim.speed?)');
    expect(r.stderr).toContain('sim.port: Invalid input');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the effective config with secrets masked', async () => {
    const r = await runCli(['config', 'check', '--json'], {
      env: {
        KIS_APP_KEY: 'PSREALAPPKEY0123456789',
        KIS_APP_SECRET: 'VERYSECRETAPPSECRET0123456789',
        KRTRADE_DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:5432/x',
        KIS_ACCOUNT: '5012345601',
        KIS_HTS_ID: 'myhtsid77',
        KRTRADE_DASHBOARD__PASSWORD: 'dashpass99',
      },
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      mode: string;
      config: { kis: { accounts: Array<{ appKey: string }> } };
    };
    expect(out.mode).toBe('kis');
    expect(out.config.kis.accounts[0]!.appKey).toBe('PSRE…(22 chars)');
    expect((out.config as unknown as { database: { url: string } }).database.url).toBe(
      'postgres://u:****@127.0.0.1:5432/x',
    );
    for (const secret of [
      'PSREALAPPKEY0123456789',
      'VERYSECRETAPPSECRET0123456789',
      'hunter2',
      '5012345601',
      'myhtsid77',
      'dashpass99',
    ]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  });

  it('reports a bad config file in one message naming each field, without a stack trace', async () => {
    const p = join(dir, 'bad.json');
    writeFileSync(p, JSON.stringify({ sim: { port: 'x' }, redis: { url: '' } }));
    const r = await runCli(['--config', p, 'config', 'check'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sim.port');
    expect(r.stderr).toContain('redis.url');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on an unknown command', async () => {
    const r = await runCli(['frobnicate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command/i);
  });
});
