/** `krtrade sim` as a real child process: prints usable credentials, serves them, stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/kis/spec/index.js';
import { createSimMarket } from '../../src/sim/market/index.js';
import { BIN, runCli } from '../helpers/cli.js';

describe('krtrade sim', () => {
  it('prints URLs and a key that work, lists --stocks N stocks, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'sim',
        ...['--port', '0', '--ws-port', '0', '--seed', '3', '--stocks', '40'],
        ...['--start', '2026-11-24T10:00', '--json'],
      ],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const info = await new Promise<{ restUrl: string; wsUrl: string; appKey: string; appSecret: string }>(
        (resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`no output; stderr: ${stderr}`)), 30_000);
          child.stdout.on('data', (d: Buffer) => {
            stdout += d.toString();
            try {
              const parsed = JSON.parse(stdout) as {
                restUrl: string;
                wsUrl: string;
                appKey: string;
                appSecret: string;
              };
              clearTimeout(t);
              resolve(parsed);
            } catch {
              // Not complete yet.
            }
          });
        },
      );
      expect(info.restUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      const r = await fetch(`${info.restUrl}/oauth2/tokenP`, {
        method: 'POST',
        body: JSON.stringify({
          grant_type: 'client_credentials',
          appkey: info.appKey,
          appsecret: info.appSecret,
        }),
      });
      expect(r.status).toBe(200);
      // The 40th stock exists only in a 40-stock universe of seed 3.
      const token = ((await r.json()) as { access_token: string }).access_token;
      const codes = createSimMarket({ seed: 3, stocks: 40 })
        .instruments('2026-11-24' as never)
        .filter((i) => i.kind === 'stock');
      const extra = codes[39]!.code;
      const q = await fetch(
        `${info.restUrl}${ENDPOINTS.stockPrice.path}?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=${extra}`,
        {
          headers: {
            authorization: `Bearer ${token}`,
            appkey: info.appKey,
            appsecret: info.appSecret,
            tr_id: ENDPOINTS.stockPrice.trIdReal!,
            custtype: 'P',
          },
        },
      );
      const body = (await q.json()) as { rt_cd: string; output: { stck_shrn_iscd: string } };
      expect(body.rt_cd).toBe('0');
      expect(body.output.stck_shrn_iscd).toBe(extra);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('SIGTERM');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('rejects a bad fault spec in one line naming the bad part', async () => {
    const r = await runCli(['sim', '--port', '0', '--ws-port', '0', '--faults', 'drop=30s,latency=soon'], {
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"latency=soon"');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['--stocks', '0'],
    ['--strict-ping', '0'],
  ])('rejects a bad %s in one line', async (flag, value) => {
    const r = await runCli(['sim', '--port', '0', '--ws-port', '0', flag, value], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(flag);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
