import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'krtrade-cli-'));

describe('krtrade CLI', () => {
  it('lists its commands with --help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['config', 'db']) expect(r.stdout).toContain(cmd);
  });

  it('prints the effective config with secrets masked', async () => {
    const r = await runCli(['config', 'check', '--json'], {
      env: { KIS_APP_KEY: 'PSREALAPPKEY0123456789', KIS_APP_SECRET: 'VERYSECRETAPPSECRET0123456789', KRTRADE_DATABASE_URL: 'postgres://u:hunter2@127.0.0.1:5432/x' },
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { mode: string; config: { kis: { accounts: Array<{ appKey: string }> } } };
    expect(out.mode).toBe('kis');
    expect(out.config.kis.accounts[0]!.appKey).toBe('PSRE…(22 chars)');
    for (const secret of ['PSREALAPPKEY0123456789', 'VERYSECRETAPPSECRET0123456789', 'hunter2']) {
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
